"""The demo data: seeded through the services (the event log agrees with the rows), once only."""

import io
from collections import Counter

from django.contrib.auth import authenticate
from django.core import mail
from django.core.management import call_command

from concierge.contacts.models import Contact
from concierge.conversations.models import Conversation, Part
from concierge.demo.management.commands.demo import send_demo_mail_to_files
from concierge.demo.seed import DEMO_OWNER_EMAIL, DEMO_PASSWORD, seed_demo_workspace
from concierge.events.models import Event
from concierge.outbound.models import Delivery
from concierge.workspaces.models import Workspace

SMALL = {"contacts": 25, "conversations": 30, "sessions": 6}


def stories(conversations):
    """The demo's story conversations, without those a customer started by answering a proactive chat."""
    answered = Delivery.objects.exclude(conversation=None).values("conversation")
    return conversations.exclude(pk__in=answered)


def test_the_demo_workspace_has_teams_teammates_contacts_and_a_history_in_the_event_log(db):
    progress = []
    result = seed_demo_workspace(**SMALL, on_progress=lambda done, total: progress.append((done, total)))

    workspace = result.workspace
    assert result.created
    assert (workspace.slug, workspace.timezone) == ("acme", "America/New_York")
    assert sorted(workspace.teams.values_list("name", flat=True)) == ["Product", "Reliability", "Revenue"]
    teammates = workspace.teammates.all()
    assert len(teammates) == 6
    assert {t.timezone.split("/")[0] for t in teammates} == {"America", "Europe"}
    assert {"America/Los_Angeles", "America/New_York"} <= {t.timezone for t in teammates}
    assert authenticate(username=DEMO_OWNER_EMAIL, password=DEMO_PASSWORD).teammates.get().role == "owner"
    assert all(team.members.exists() for team in workspace.teams.all())
    assert Contact.objects.filter(workspace=workspace, kind="lead").exists()
    assert Contact.objects.filter(workspace=workspace, kind="user").count() >= SMALL["contacts"] // 2
    assert progress[-1] == (56, 56)
    assert result.sessions >= 1

    conversations = Conversation.objects.filter(workspace=workspace)
    assert stories(conversations).count() == 30  # and those customers started by answering a chat
    assert conversations.filter(state="closed").exists()
    assert conversations.filter(rating__isnull=False).exists()
    assert conversations.filter(tags__isnull=False).exists()
    assert conversations.filter(assignee__isnull=False).exists()
    assert min(c.created_at for c in conversations) < max(c.created_at for c in conversations)

    # Written through the services: the event log agrees with the rows.
    events = Counter(Event.objects.filter(workspace=workspace).values_list("type", flat=True))
    parts = Counter(Part.objects.filter(workspace=workspace).values_list("kind", flat=True))
    assert events["conversation.started"] == conversations.count()
    assert events["conversation.replied"] == parts["comment"] - conversations.count() + parts["bot_answer"]
    assert events["conversation.note_added"] == parts["note"]
    assert events["conversation.assigned"] == parts["assignment"]
    assert events["conversation.rated"] == conversations.filter(rating__isnull=False).count()
    assert events["conversation.closed"] >= conversations.filter(state="closed").count()
    for conversation in conversations:
        first_part = conversation.parts.order_by("created_at").first()
        assert first_part.created_at == conversation.created_at


def test_seeding_twice_adds_nothing_the_second_time(db):
    first = seed_demo_workspace(**SMALL)
    counts = (Contact.objects.count(), Conversation.objects.count(), Event.objects.count())

    second = seed_demo_workspace(**SMALL)

    assert not second.created
    assert second.workspace == first.workspace
    assert Workspace.objects.count() == 1
    assert (Contact.objects.count(), Conversation.objects.count(), Event.objects.count()) == counts


def test_demo_command_seeds_once_and_prints_the_address_and_the_login(db, monkeypatch, capsys):
    monkeypatch.setenv("EMAIL_HOST", "127.0.0.1")  # keep this process's mail settings as they are
    monkeypatch.setenv("PORT", "8123")
    call_command("demo", "--contacts", "5", "--conversations", "4", "--sessions", "2")
    call_command("demo", "--contacts", "5", "--conversations", "4", "--sessions", "2")

    printed = capsys.readouterr().err
    assert "http://127.0.0.1:8123/" in printed
    assert DEMO_OWNER_EMAIL in printed and DEMO_PASSWORD in printed
    assert "already there; nothing added" in printed
    assert stories(Conversation.objects.all()).count() == 4


def test_without_a_mail_server_the_demo_writes_mail_into_var_mail(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.setenv("EMAIL_BACKEND", "unset")
    monkeypatch.delenv("EMAIL_BACKEND")
    monkeypatch.delenv("EMAIL_HOST", raising=False)
    monkeypatch.setenv("EMAIL_FILE_PATH", "unset")

    assert send_demo_mail_to_files() == str(tmp_path / "mail")
    mail.send_mail("Welcome", "Hello from the demo", "support@acme.test", ["casey@customer.test"])

    (written,) = (tmp_path / "mail").iterdir()
    assert "Hello from the demo" in written.read_text()


def test_with_a_mail_server_the_demo_leaves_mail_settings_alone(settings, monkeypatch):
    monkeypatch.setenv("EMAIL_HOST", "smtp.example.org")
    backend = settings.EMAIL_BACKEND
    assert send_demo_mail_to_files() is None
    assert backend == settings.EMAIL_BACKEND


def test_demo_prints_nothing_to_stdout(db, monkeypatch):
    monkeypatch.setenv("EMAIL_HOST", "127.0.0.1")
    out = io.StringIO()
    call_command("demo", "--contacts", "3", "--conversations", "0", "--sessions", "0", stdout=out)
    assert out.getvalue() == ""


def test_the_demo_leaves_an_audit_trail_of_its_set_up_by_the_people_who_did_it(db):
    from concierge.workspaces.models import AuditEntry

    workspace = seed_demo_workspace(**SMALL).workspace
    trail = AuditEntry.objects.filter(workspace=workspace).order_by("id")
    by_actor = Counter(trail.values_list("actor_label", flat=True))
    assert by_actor["command demo"] == 2  # the workspace and its owner
    assert by_actor["Olivia Bennett"] >= 5 + 3 + 1  # teammates, teams, the CRM key, the tags
    assert by_actor["Marcus Chen"] >= 5  # the session type, its questions, rule and links
    assert "system" not in by_actor
    actions = set(trail.values_list("action", flat=True))
    assert {
        "workspace.created",
        "teammate.added",
        "team.created",
        "tag.created",
        "api_key.created",
        "api_key.revoked",
        "teammate.invited",
    } <= actions
    assert {"session_type.created", "session_type.trigger_added", "availability.weekly_hours_set"} <= actions


def test_the_demo_settings_show_a_pending_invite_teams_tags_and_keys(db, client):
    from django.urls import reverse

    from concierge.workspaces.models import Teammate

    workspace = seed_demo_workspace(**SMALL).workspace
    client.force_login(Teammate.objects.get(workspace=workspace, role="owner").user)
    teammates = client.get(reverse("web:settings_teammates", args=[workspace.slug])).content.decode()
    assert "hana@acme.test" in teammates and ">invited<" in teammates
    teams = client.get(reverse("web:settings_teams", args=[workspace.slug])).content.decode()
    assert all(name in teams for name in ("Product", "Revenue", "Reliability"))
    assert "conversation" in client.get(reverse("web:settings_tags", args=[workspace.slug])).content.decode()
    keys = client.get(reverse("web:settings_api_keys", args=[workspace.slug])).content.decode()
    assert "CRM sync" in keys and "Old helpdesk import" in keys and "revoked" in keys


def test_the_demo_routes_by_area_with_rules_that_show_on_the_timelines(db):
    from concierge.conversations.models import Part
    from concierge.routing.models import Rule, TeamRouting

    workspace = seed_demo_workspace(contacts=60, conversations=80, sessions=0).workspace
    assert [r.name for r in Rule.objects.filter(workspace=workspace)][1:] == [
        "Sales, account, security and privacy to Revenue",
        "Errors, bugs, crashes and performance to Reliability",
        "Product questions and feature requests to Product",
    ]
    by_rule = Part.objects.filter(workspace=workspace, data__has_key="rule")
    assert by_rule.filter(kind="assignment").count() > 10
    assert set(TeamRouting.objects.filter(workspace=workspace).values_list("method", flat=True)) == {
        "round_robin",
        "balanced",
    }
