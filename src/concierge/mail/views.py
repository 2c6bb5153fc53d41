"""The email channel's pages: the mail that could not be placed (and auto-replies and bounces,
recorded only), one email whole, its attachments, writing a new email, and the mailboxes' settings
(owners and admins, audited)."""

import re

from django.conf import settings
from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from concierge.core.errors import ServiceError
from concierge.mail import selectors
from concierge.mail.forms import MailboxForm, NewEmailForm, initial_for
from concierge.mail.models import MailMessage
from concierge.mail.services.inbound import place_again
from concierge.mail.services.mailboxes import create_mailbox, delete_mailbox, update_mailbox
from concierge.mail.services.outbound import (
    MAX_REPLY_FILES,
    copied_addresses_from_text,
    keep_reply_attachments,
    set_thread_copies,
    start_email_conversation,
)
from concierge.workspaces.access import owners_and_admins_page, teammate_page
from concierge.workspaces.services import Actor

SETTINGS_REFUSAL = "Only owners and admins can change the workspace's settings."
# Shown in the page itself; anything else is downloaded (an SVG or HTML file could run script).
IMAGES_SHOWN_INLINE = {"image/png", "image/jpeg", "image/gif", "image/webp"}
CID_SOURCE = re.compile(r'src="cid:([^"]+)"')
MESSAGES_PER_PAGE = 50


def write_an_email_link(request) -> dict:
    """The inbox header's way to start an email conversation (conversations.views.show_in_inbox_header);
    no query: the page it opens says when there is no mailbox yet."""
    return {}


def email_composer_fields(request, conversation) -> dict | None:
    """The composer's fields on an email conversation (conversations.views.show_in_composer): who
    the reply copies (the thread's participants, editable) and files to attach."""
    if conversation.channel != "email":
        return None
    thread = selectors.thread_of_conversation(request.workspace, conversation.pk)
    if thread is None:
        return None
    kept = request.POST.get("cc") if request.method == "POST" and "cc" in request.POST else None
    return {
        "thread": thread,
        "cc": thread.cc_addresses if kept is None else kept,
        "max_files": MAX_REPLY_FILES,
        "max_bytes": settings.MAIL_MAX_ATTACHMENT_BYTES,
    }


def read_email_reply_fields(request, conversation) -> dict:
    """What a reply in an email conversation keeps from the composer: its Cc (the thread's from now
    on) and its files. Refuses bad input (InvalidInput), which undoes the reply."""
    if conversation.channel != "email":
        return {}
    thread = selectors.thread_of_conversation(request.workspace, conversation.pk)
    if thread is None:
        return {}
    data = {}
    if "cc" in request.POST:
        copied = copied_addresses_from_text(thread, request.POST.get("cc", ""))
        set_thread_copies(thread, copied)
        data["cc"] = copied
    uploads = request.FILES.getlist("attachments")
    if uploads:
        data["attachments"] = keep_reply_attachments(thread, uploads)
    return data


@teammate_page
def mail_page(request):
    """What came in and was not placed in a conversation, newest first, with why."""
    page = Paginator(selectors.unplaced_messages(request.workspace), MESSAGES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "mail/mail.html",
        {
            "section": "mail",
            "page": page,
            "mailboxes": selectors.mailboxes(request.workspace),
        },
    )


@teammate_page
def new_email_page(request):
    """A teammate writes to a customer first: the conversation starts by email."""
    form = NewEmailForm(request.POST or None, workspace=request.workspace)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                conversation = start_email_conversation(
                    request.workspace,
                    teammate=request.teammate,
                    mailbox=form.cleaned_data["mailbox"],
                    to_address=form.cleaned_data["to"],
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                )
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, f"Email to {form.cleaned_data['to']} queued.")
                return redirect("web:conversation", request.workspace.slug, conversation.pk)
        status = 422
    elif request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    has_mailbox = form.fields["mailbox"].queryset.exists()
    return render(
        request, "mail/new.html", {"section": "mail", "form": form, "has_mailbox": has_mailbox}, status=status
    )


@teammate_page
def message_page(request, message_pk: int):
    return _render_message(request, message_pk)


def _render_message(request, message_pk: int, *, error: ServiceError | None = None):
    message = selectors.message_by_id(request.workspace, message_pk)
    return render(
        request,
        "mail/message.html",
        {
            "section": "mail",
            "message": message,
            "attachments": message.attachments.all(),
            "html": _html_with_inline_images(request, message),
            "error": error,
        },
        status=error.status_code if error else 200,
    )


@require_POST
@teammate_page
def place_again_view(request, message_pk: int):
    """Place an email that could not be placed, now that its mailbox is there (once)."""
    message = selectors.message_by_id(request.workspace, message_pk)
    try:
        placed = place_again(message, teammate=request.teammate)
    except ServiceError as error:
        return _render_message(request, message_pk, error=error)
    if placed.conversation_id and placed.outcome == MailMessage.Outcome.PLACED:
        messages.success(request, "The email is placed in its conversation.")
        return redirect("web:conversation", request.workspace.slug, placed.conversation_id)
    messages.success(request, f"The email is recorded: {placed.get_outcome_display().lower()}.")
    return redirect("web:mail_message", request.workspace.slug, placed.pk)


def _html_with_inline_images(request, message: MailMessage) -> str:
    """The kept (sanitised) HTML with each cid: image pointing at its served attachment."""
    by_content_id = {a.content_id: a.pk for a in message.attachments.all() if a.content_id}

    def served(found: re.Match) -> str:
        attachment_pk = by_content_id.get(found.group(1))
        if attachment_pk is None:
            return 'src=""'
        url = reverse("web:mail_attachment", args=[request.workspace.slug, attachment_pk])
        return f'src="{escape(url)}"'

    return mark_safe(CID_SOURCE.sub(served, message.html))  # noqa: S308 (sanitised with nh3 when kept)


@teammate_page
def raw_message(request, message_pk: int):
    message = selectors.message_by_id(request.workspace, message_pk)
    if not message.raw:
        raise Http404("This email was not kept whole.")
    return FileResponse(
        default_storage.open(message.raw.name, "rb"),
        as_attachment=True,
        filename=f"email-{message.pk}.eml",
        content_type="message/rfc822",
    )


@teammate_page
def attachment(request, attachment_pk: int):
    found = selectors.attachment_by_id(request.workspace, attachment_pk)
    inline = found.content_type in IMAGES_SHOWN_INLINE
    response = FileResponse(
        default_storage.open(found.file.name, "rb"),
        as_attachment=not inline,
        filename=found.filename,
        content_type=found.content_type if inline else "application/octet-stream",
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


@owners_and_admins_page(SETTINGS_REFUSAL)
def mailboxes_settings_page(request):
    """GET: the workspace's mailboxes; POST: a new one."""
    form = MailboxForm(request.POST or None, workspace=request.workspace, initial={"arrival": "listener"})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                mailbox = create_mailbox(
                    request.workspace, actor=Actor.for_teammate(request.teammate), **form.settings()
                )
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, f"Mailbox {mailbox.address} added.")
                return redirect("web:settings_mailboxes", request.workspace.slug)
        status = 422
    elif request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    return render(
        request,
        "mail/settings_mailboxes.html",
        {
            "settings_section": "mailboxes",
            "section": "settings",
            "mailboxes": selectors.mailboxes(request.workspace),
            "form": form,
        },
        status=status,
    )


@owners_and_admins_page(SETTINGS_REFUSAL)
def mailbox_settings_page(request, mailbox_pk: int):
    mailbox = selectors.mailbox_by_id(request.workspace, mailbox_pk)
    form = MailboxForm(request.POST or None, workspace=request.workspace, initial=initial_for(mailbox))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                update_mailbox(mailbox, actor=Actor.for_teammate(request.teammate), **form.settings())
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, "Mailbox saved.")
                return redirect("web:settings_mailbox", request.workspace.slug, mailbox.pk)
        status = 422
    elif request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    return render(
        request,
        "mail/settings_mailbox.html",
        {"settings_section": "mailboxes", "section": "settings", "mailbox": mailbox, "form": form},
        status=status,
    )


@owners_and_admins_page(SETTINGS_REFUSAL)
@require_POST
def delete_mailbox_setting(request, mailbox_pk: int):
    mailbox = selectors.mailbox_by_id(request.workspace, mailbox_pk)
    address = mailbox.address
    delete_mailbox(mailbox, actor=Actor.for_teammate(request.teammate))
    messages.success(request, f"Mailbox {address} deleted; its conversations stay in the inbox.")
    return redirect("web:settings_mailboxes", request.workspace.slug)
