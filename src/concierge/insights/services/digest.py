"""The weekly digest: each teammate, Monday from 9:00 in their own zone, gets their teams' top requests
and bugs of the week before, in their language, once per week (a row per teammate and week, claimed in
the transaction that sends it). A teammate can turn it off (audited)."""

import logging
import smtplib
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from concierge.core.zones import babel_locale, city_name, django_language, plain_spaces
from concierge.insights.models import DigestSent, DigestSetting
from concierge.insights.selectors import (
    digest_recipients,
    digest_team_ids,
    period_of,
    standup,
    teams_of,
    top_open_issues,
)
from concierge.workspaces.models import Teammate, Workspace
from concierge.workspaces.services import SYSTEM, Actor, record_audit

logger = logging.getLogger(__name__)

SEND_HOUR = 9  # Monday, 9:00 in the teammate's zone
CLAIM_TIMEOUT = timedelta(minutes=15)  # a claim older than this, not sent, is a worker that died
LATE_BY_AT_MOST = timedelta(days=1)  # a worker down on Monday morning still sends until Tuesday 9:00


def set_digest_wanted(teammate: Teammate, wanted: bool, *, actor: Actor = SYSTEM) -> bool:
    """Turn a teammate's weekly digest on or off. Returns False when nothing changed."""
    if not isinstance(wanted, bool):
        raise TypeError("wanted must be True or False")
    with transaction.atomic():
        setting = DigestSetting.objects.select_for_update().filter(teammate=teammate).first()
        before = setting.wants_digest if setting else True
        if before == wanted:
            return False
        if setting is None:
            DigestSetting.objects.create(
                workspace_id=teammate.workspace_id,
                teammate=teammate,
                wants_digest=wanted,
                updated_at=timezone.now(),
            )
        else:
            setting.wants_digest, setting.updated_at = wanted, timezone.now()
            setting.save(update_fields=["wants_digest", "updated_at"])
        record_audit(
            teammate.workspace,
            "teammate.digest_set",
            actor=actor,
            target=teammate,
            changes={"weekly_digest": [before, wanted]},
        )
    return True


def digest_week_due(teammate: Teammate, now: datetime) -> date | None:
    """The Monday (in the teammate's zone) whose digest is due at `now`, or None."""
    local = now.astimezone(ZoneInfo(teammate.timezone or "UTC"))
    monday = local.date() - timedelta(days=local.weekday())
    due = datetime.combine(monday, time(SEND_HOUR), tzinfo=local.tzinfo)
    return monday if due <= local < due + LATE_BY_AT_MOST else None


def _format_day(day: date, locale: str) -> str:
    from babel.dates import format_date

    return plain_spaces(format_date(day, format="EEEE d MMMM", locale=babel_locale(locale)))


def _format_number(value: int, locale: str) -> str:
    from babel.numbers import format_decimal

    return plain_spaces(format_decimal(value, locale=babel_locale(locale)))


def build_digest_email(teammate: Teammate, week_of: date) -> EmailMultiAlternatives:
    """The digest of the week before `week_of` (a Monday) for the teammate's teams, in their language."""
    workspace: Workspace = teammate.workspace
    locale = teammate.locale or "en"
    period = period_of(workspace, week_of - timedelta(days=7), week_of - timedelta(days=1))
    figures = standup(workspace, period, quotes_per_tag=2, team_ids=digest_team_ids(teammate))
    page = settings.PUBLIC_URL + reverse("web:insights", args=[workspace.slug])
    with translation.override(django_language(locale)):
        teams = teams_of(teammate)
        context = {
            "teammate": teammate,
            "workspace": workspace,
            "teams": teams,
            "tags": [f for f in figures.tags if f.customers or f.previous_customers][:5],
            "standup": figures,
            "issues": top_open_issues(workspace),
            "first_day": _format_day(period.first_day, locale),
            "last_day": _format_day(period.last_day, locale),
            "city": city_name(workspace.timezone or "UTC", locale),
            "number": lambda value: _format_number(value, locale),
            "page_url": page,
            "settings_url": settings.PUBLIC_URL + reverse("web:insights-digest", args=[workspace.slug]),
        }
        for figure in context["tags"]:
            figure.customers_text = _format_number(figure.customers, locale)
            figure.seats_text = _format_number(figure.seats, locale)
        subject = _("Product feedback this week: %(workspace)s") % {"workspace": workspace.name}
        if teams:
            subject = _("Product feedback this week: %(teams)s") % {"teams": ", ".join(teams)}
        body = render_to_string("insights/emails/digest.txt", context)
        html = render_to_string("insights/emails/digest.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[teammate.email],
    )
    message.attach_alternative(html, "text/html")
    return message


def send_digest(teammate: Teammate, week_of: date, *, now: datetime | None = None) -> bool:
    """Send one teammate's digest of a week, once. The week's row is claimed first, in a short
    transaction of its own, so no database lock is held while the mail server answers: a second run
    (or a second worker) finds the claim and sends nothing. A failed send gives the claim back and the
    next run tries again; a claim left by a worker that died mid-send is taken over after a while."""
    if not teammate.email:
        return False
    now = now or timezone.now()
    claim = _claim_digest(teammate, week_of, now)
    if claim is None:
        return False
    try:
        message = build_digest_email(teammate, week_of)
        get_connection(fail_silently=False).send_messages([message])
    except BaseException:
        DigestSent.objects.filter(pk=claim.pk, sent_at__isnull=True).delete()
        raise
    DigestSent.objects.filter(pk=claim.pk).update(sent_at=now)
    return True


def _claim_digest(teammate: Teammate, week_of: date, now: datetime) -> DigestSent | None:
    stale = now - CLAIM_TIMEOUT
    taken_over = DigestSent.objects.filter(
        teammate=teammate, week_of=week_of, sent_at__isnull=True, claimed_at__lt=stale
    ).update(claimed_at=now)
    if taken_over:
        return DigestSent.objects.get(teammate=teammate, week_of=week_of)
    try:
        with transaction.atomic():
            return DigestSent.objects.create(
                workspace_id=teammate.workspace_id, teammate=teammate, week_of=week_of, claimed_at=now
            )
    except IntegrityError:
        return None


def _sent_or_being_sent(teammate: Teammate, week_of: date, now: datetime) -> bool:
    rows = DigestSent.objects.filter(teammate=teammate, week_of=week_of)
    return rows.filter(Q(sent_at__isnull=False) | Q(claimed_at__gte=now - CLAIM_TIMEOUT)).exists()


def send_due_digests(now: datetime | None = None) -> int:
    """Every teammate whose Monday 9:00 has come (and not yet gone a day) gets this week's digest once.
    Returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    for workspace in Workspace.objects.order_by("pk"):
        for teammate in digest_recipients(workspace):
            week_of = digest_week_due(teammate, now)
            if week_of is None or _sent_or_being_sent(teammate, week_of, now):
                continue
            try:
                sent += send_digest(teammate, week_of, now=now)
            except (smtplib.SMTPException, OSError):
                # Nothing was written; the next run (every 15 minutes) tries again. The others still go.
                logger.warning(
                    "The weekly digest to teammate %s could not be sent", teammate.pk, exc_info=True
                )
    return sent
