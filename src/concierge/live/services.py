"""Every write of the live app: publishing a change for the open streams, typing and viewing, the
teammates' notifications and their preferences (audited)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from concierge.core.db import notify_listeners
from concierge.core.errors import InvalidInput, NotFound, TooManyAttempts
from concierge.core.queue import enqueue_with_change
from concierge.live.models import ConversationViewer, LiveChange, Notification, NotificationPreference
from concierge.workspaces.models import Teammate
from concierge.workspaces.services import Actor, record_audit

CHANNEL = "concierge_live"  # PostgreSQL's NOTIFY channel: "a change was written"
KEEP_CHANGES_FOR = timedelta(hours=1)
TYPING_EVERY = timedelta(seconds=2)
TYPING_LASTS = timedelta(seconds=6)
VIEWING_LASTS = timedelta(seconds=45)  # the page heartbeats every ~20 s
EMAIL_AFTER = timedelta(minutes=5)
WAYS = ("in_page", "browser", "email")

TEAM = "team"


def now():
    """The live app's clock (tests move it)."""
    return timezone.now()


def teammate_audience(teammate_id: int) -> str:
    return f"teammate:{teammate_id}"


def contact_audience(contact_id: int) -> str:
    return f"contact:{contact_id}"


def publish(workspace_id: int, audience: str, kind: str, payload: dict, *, sender: str = "") -> LiveChange:
    """Write one event for the streams of `audience` in a workspace. In the caller's transaction when
    there is one (the event exists exactly when the change does); the server processes learn of it
    when it commits (NOTIFY on PostgreSQL, their poll on SQLite)."""
    if not (audience == TEAM or audience.split(":", 1)[0] in ("teammate", "contact")):
        raise ValueError(f"audience '{audience}' must be 'team', 'teammate:<id>' or 'contact:<id>'")
    with transaction.atomic(savepoint=False):  # fails whole, with the caller's transaction if any
        change = LiveChange.objects.create(
            workspace_id=workspace_id,
            audience=audience,
            kind=kind,
            payload=payload,
            sender=sender,
            created_at=now(),
        )
        notify_listeners(CHANNEL, str(change.pk))
    return change


def prune_live_changes(*, older_than: timedelta = KEEP_CHANGES_FOR) -> int:
    """Drop the changes no stream can still resume from; returns how many."""
    deleted, _ = LiveChange.objects.filter(created_at__lt=now() - older_than).delete()
    ConversationViewer.objects.filter(seen_at__lt=now() - older_than).delete()
    return deleted


def announce_typing(
    workspace_id: int,
    conversation_id: int,
    *,
    who: str,
    sender_id: int,
    name: str,
    contact_id: int,
) -> LiveChange | None:
    """Someone is typing in a conversation: the team hears it, and the customer hears a teammate.
    At most one per sender every 2 s: a faster one is refused (TooManyAttempts, 429)."""
    if who not in ("teammate", "contact"):
        raise InvalidInput("who must be 'teammate' or 'contact'.", field="who")
    sender = f"{who}:{sender_id}"
    at = now()
    if LiveChange.objects.filter(sender=sender, kind="typing", created_at__gt=at - TYPING_EVERY).exists():
        raise TooManyAttempts("Typing is told at most once every 2 seconds.", retry_after=2)
    payload = {
        "conversation_id": conversation_id,
        "who": who,
        "name": name,
        "until": (at + TYPING_LASTS).isoformat(),
    }
    with transaction.atomic():
        change = publish(workspace_id, TEAM, "typing", payload, sender=sender)
        if who == "teammate":
            publish(workspace_id, contact_audience(contact_id), "typing", payload, sender=sender)
    return change


def note_viewing(teammate: Teammate, conversation_id: int) -> list[dict]:
    """The teammate has the conversation open (a heartbeat): the team hears who is viewing it, and the
    teammate's notifications about it count as seen. Returns the viewers."""
    at = now()
    with transaction.atomic():
        ConversationViewer.objects.update_or_create(
            conversation_id=conversation_id,
            teammate=teammate,
            defaults={"workspace_id": teammate.workspace_id, "seen_at": at},
        )
        Notification.objects.filter(
            teammate=teammate, conversation_id=conversation_id, seen_at__isnull=True
        ).update(seen_at=at)
        viewers = [
            {"id": viewer.teammate_id, "name": viewer.teammate.name}
            for viewer in ConversationViewer.objects.filter(
                workspace_id=teammate.workspace_id,
                conversation_id=conversation_id,
                seen_at__gt=at - VIEWING_LASTS,
            )
            .select_related("teammate")
            .order_by("teammate__name", "teammate_id")
        ]
        publish(
            teammate.workspace_id,
            TEAM,
            "viewing",
            {"conversation_id": conversation_id, "teammates": viewers},
            sender=teammate_audience(teammate.pk),
        )
    return viewers


def preferences_of(teammate: Teammate) -> dict[str, dict[str, bool]]:
    """{kind: {way: on}} for every kind of notification; no row means every way is on."""
    stored = {p.kind: p for p in NotificationPreference.objects.filter(teammate=teammate)}
    return {
        kind: {way: getattr(stored[kind], way) if kind in stored else True for way in WAYS}
        for kind in Notification.Kind.values
    }


def set_notification_preferences(
    teammate: Teammate, preferences: dict[str, dict[str, bool]], *, actor: Actor
) -> dict[str, dict[str, bool]]:
    """Set how the teammate is told of each kind (in the page, the browser's notifications, email).
    Unknown kinds or ways are refused; what is left out stays as it is. Audited."""
    before = preferences_of(teammate)
    after = {kind: dict(ways) for kind, ways in before.items()}
    for kind, ways in preferences.items():
        if kind not in Notification.Kind.values:
            raise InvalidInput(
                f"notification kind '{kind}' must be one of {', '.join(Notification.Kind.values)}.",
                field=kind,
            )
        for way, on in ways.items():
            if way not in WAYS:
                raise InvalidInput(f"'{way}' must be one of {', '.join(WAYS)}.", field=f"{kind}.{way}")
            if not isinstance(on, bool):
                raise InvalidInput(f"{kind}.{way} must be true or false.", field=f"{kind}.{way}")
            after[kind][way] = on
    changes = {
        f"{kind}.{way}": [before[kind][way], after[kind][way]]
        for kind in after
        for way in WAYS
        if before[kind][way] != after[kind][way]
    }
    if not changes:
        return after
    with transaction.atomic():
        for kind, ways in after.items():
            NotificationPreference.objects.update_or_create(
                teammate=teammate, kind=kind, defaults={"workspace_id": teammate.workspace_id, **ways}
            )
        record_audit(
            teammate.workspace,
            "notifications.update",
            actor=actor,
            target=teammate,
            target_label=f"{teammate.name}'s notifications",
            changes=changes,
        )
    return after


def notify_teammate(
    teammate: Teammate, *, kind: str, conversation_id: int, title: str, body: str, url: str
) -> Notification | None:
    """Tell a teammate: in the page and by the browser (an event on their stream), and by email after
    a delay unless they saw it by then, each as their preferences say. None when every way is off."""
    ways = preferences_of(teammate)[kind]
    if not any(ways.values()):
        return None
    with transaction.atomic():
        notification = Notification.objects.create(
            workspace_id=teammate.workspace_id,
            teammate=teammate,
            kind=kind,
            conversation_id=conversation_id,
            title=title[:200],
            body=body[:300],
            url=url[:300],
            created_at=now(),
        )
        if ways["in_page"] or ways["browser"]:
            publish(
                teammate.workspace_id,
                teammate_audience(teammate.pk),
                "notification",
                {
                    "id": notification.pk,
                    "kind": kind,
                    "title": notification.title,
                    "body": notification.body,
                    "url": notification.url,
                    "conversation_id": conversation_id,
                    "in_page": ways["in_page"],
                    "browser": ways["browser"],
                },
            )
        if ways["email"]:
            from concierge.live.tasks import email_unseen_notification_task

            enqueue_with_change(
                email_unseen_notification_task,
                notification.pk,
                run_after=notification.created_at + EMAIL_AFTER,
            )
    return notification


def mark_notification_seen(teammate: Teammate, notification_id: int) -> Notification:
    """The teammate saw it (the page showed it while they looked): no email follows."""
    notification = (
        Notification.objects.filter(pk=notification_id, teammate=teammate).first()
        if 0 < notification_id < 2**63
        else None
    )
    if notification is None:
        raise NotFound("No such notification.")
    if notification.seen_at is None:
        notification.seen_at = now()
        notification.save(update_fields=["seen_at"])
    return notification


def mark_notification_emailed(notification: Notification) -> None:
    notification.emailed_at = now()
    notification.save(update_fields=["emailed_at"])
