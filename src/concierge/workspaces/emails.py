"""The invitation email: who invites you to which workspace, and the link to set your password."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from concierge.core.zones import format_for_person
from concierge.workspaces.models import Invite


def invite_link(token: str) -> str:
    return settings.PUBLIC_URL + reverse("web:accept_invite", args=[token])


def build_invite_email(invite: Invite, token: str) -> EmailMultiAlternatives:
    workspace = invite.workspace
    inviter = invite.invited_by.name if invite.invited_by_id else f"The {workspace.name} team"
    context = {
        "invite": invite,
        "workspace": workspace,
        "inviter": inviter,
        "link": invite_link(token),
        "role": invite.get_role_display().lower(),
        "expires": format_for_person(invite.expires_at, workspace.timezone, workspace.locale),
    }
    message = EmailMultiAlternatives(
        subject=f"{inviter} invited you to {workspace.name} on Concierge",
        body=render_to_string("workspaces/emails/invite.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invite.email],
    )
    message.attach_alternative(render_to_string("workspaces/emails/invite.html", context), "text/html")
    return message
