"""The proactive messages' pages: the list with each message's figures, the editor (create, change,
live preview, the audience's size, bad input refused with a message and nothing written), a
message's page with its chart, its state changes, the preview as a chosen contact, and another
workspace's message a 404 everywhere."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from concierge.contacts.services import create_contact
from concierge.outbound.forms import rule_rows
from concierge.outbound.models import Message
from concierge.outbound.services import create_imported_message, create_message, deliver, set_state
from concierge.workspaces.models import AuditEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(email="owner@acme.test") -> Client:
    client = Client()
    assert client.login(username=email, password=PASSWORD)
    return client


def chat_form(**changes) -> dict:
    form = {
        "name": "Export keeps failing",
        "content_type": "chat",
        "sender": "",
        "tags": "exports, reliability",
        "locale_0": "en",
        "subject_0": "",
        "body_0": "Hi {{first_name|there}}, we saw your export fail. Want a hand?",
        "match": "all",
        "audience_kind": "users",
        "audience_mode": "dynamic",
        "rule_subject": ["attribute"],
        "rule_name": ["plan"],
        "rule_op": ["is"],
        "rule_value": ["pro"],
        "rule_count": [""],
        "rule_days": [""],
        "trigger": "now",
        "max_per_contact": "1",
        "min_gap_days": "0",
        "goal_days": "7",
    }
    form.update(changes)
    return form


@pytest.fixture
def customers(workspace):
    return [
        create_contact(
            workspace,
            external_id="u1",
            name="Pat Pro",
            email="pat@x.test",
            attributes={"plan": "pro", "seats": 12},
        ),
        create_contact(
            workspace,
            external_id="u2",
            name="Fran Free",
            email="fran@x.test",
            attributes={"plan": "free", "seats": 1},
        ),
        create_contact(
            workspace,
            external_id="u3",
            name="Sam Pro",
            email="sam@x.test",
            locale="es",
            attributes={"plan": "pro", "seats": 3},
        ),
    ]


def test_create_a_chat_from_the_editor_and_see_it_listed(workspace, owner, customers):
    client = signed_in()
    assert client.get("/w/acme/outbound/new/").status_code == 200
    response = client.post("/w/acme/outbound/new/", chat_form(sender=str(owner.pk)))
    message = Message.objects.get(workspace=workspace)
    assert response.status_code == 302 and response["Location"] == f"/w/acme/outbound/{message.pk}/"
    assert (message.name, message.content_type, message.state) == ("Export keeps failing", "chat", "draft")
    assert message.tags == ["exports", "reliability"] and message.sender == owner
    assert message.audience == {"match": "all", "rules": [{"attribute": "plan", "op": "is", "value": "pro"}]}
    assert AuditEntry.objects.filter(workspace=workspace, action="outbound_message.created").count() == 1

    page = client.get(f"/w/acme/outbound/{message.pk}/").content.decode()
    assert "plan is pro" in page and "data-audience-size>2<" in page
    listed = client.get("/w/acme/outbound/").content.decode()
    assert "Export keeps failing" in listed and "Proactive messages" in listed


def test_the_editor_refuses_bad_input_with_a_message_and_writes_nothing(workspace, customers):
    client = signed_in()
    bad = [
        (chat_form(body_0="Hi {{customer.name}}"), "Unknown variable"),
        (chat_form(content_type="fax"), "content type"),
        (chat_form(rule_op=["gt"], rule_value=["lots"]), "Rule 1"),
        (chat_form(rule_subject=["nonsense"]), "Rule 1"),
        (chat_form(trigger="schedule", schedule_on="2026-02-30", schedule_time="09:00"), "date"),
        (chat_form(trigger="schedule", schedule_on="2026-03-01", schedule_time="25:00"), "time of day"),
        (chat_form(max_per_contact="²"), "whole number"),
        (chat_form(sender="999999"), "sender"),
        (chat_form(trigger="page", page_url=""), "page"),
        (chat_form(content_type="email", subject_0=""), "subject"),
    ]
    for form, words in bad:
        response = client.post("/w/acme/outbound/new/", form)
        assert response.status_code in (400, 409, 422), (form, response.status_code)
        assert words in response.content.decode(), (words, response.content.decode()[:400])
    assert not Message.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="outbound_message").exists()


def test_edit_a_message_and_its_audience_size_and_live_preview(workspace, owner, customers):
    message = create_message(
        workspace,
        content_type="post",
        name="New dashboards",
        versions=[{"locale": "en", "subject": "Dashboards", "body": "Hello"}],
    )
    client = signed_in()
    form = chat_form(
        content_type="post",
        name="New dashboards!",
        subject_0="Dashboards, {{first_name|friend}}",
        body_0="**New**",
    )
    assert client.post(f"/w/acme/outbound/{message.pk}/edit/", form).status_code == 302
    message.refresh_from_db()
    assert message.name == "New dashboards!" and message.versions.get().subject.startswith("Dashboards")

    size = client.post("/w/acme/outbound/audience-size/", chat_form(rule_op=["is_not"]))
    assert size.status_code == 200 and "data-audience-size>1<" in size.content.decode()
    refused = client.post("/w/acme/outbound/audience-size/", chat_form(rule_op=["at_least"]))
    assert refused.status_code == 422 and "Rule 1" in refused.content.decode()

    preview = client.post("/w/acme/outbound/preview/", {**form, "row": "0"}).content.decode()
    assert "Dashboards, Jordan" in preview and "<strong>New</strong>" in preview and "look-post" in preview
    broken = client.post(
        "/w/acme/outbound/preview/", {**form, "body_0": "{{nope.x}}", "row": "0"}
    ).content.decode()
    assert "Unknown variable" in broken
    assert client.get("/w/acme/outbound/rule-row/").status_code == 200


def test_state_changes_from_the_message_page(workspace, customers):
    message = create_message(
        workspace, content_type="chat", name="Hi", versions=[{"locale": "en", "body": "Hi"}]
    )
    client = signed_in()
    page = client.get(f"/w/acme/outbound/{message.pk}/").content.decode()
    assert "Go live" in page and "Pause" not in page
    assert client.post(f"/w/acme/outbound/{message.pk}/state/", {"state": "live"}).status_code == 302
    message.refresh_from_db()
    assert message.state == "live"
    refused = client.post(f"/w/acme/outbound/{message.pk}/state/", {"state": "draft"})
    assert refused.status_code == 409 and "cannot become draft" in refused.content.decode()
    assert client.post(f"/w/acme/outbound/{message.pk}/state/", {"state": "nonsense"}).status_code == 422
    message.refresh_from_db()
    assert message.state == "live"


def test_figures_in_the_list_and_the_chart(workspace, customers):
    message = create_message(
        workspace, content_type="chat", name="Welcome", versions=[{"locale": "en", "body": "Hi"}]
    )
    set_state(message, "live")
    yesterday = timezone.now() - timedelta(days=1)
    deliver(message, customers[0], at=yesterday)
    deliver(message, customers[2], at=timezone.now())
    client = signed_in()
    listed = client.get("/w/acme/outbound/").content.decode()
    assert 'data-figure="sent">2' in listed
    page = client.get(f"/w/acme/outbound/{message.pk}/").content.decode()
    assert 'data-figure="sent">2<' in page and "<polyline" in page and "line-sent" in page
    assert client.get("/w/acme/outbound/", {"state": "live"}).content.decode().count("Welcome") >= 1
    assert "Welcome" not in client.get("/w/acme/outbound/", {"state": "draft"}).content.decode()
    assert client.get("/w/acme/outbound/", {"state": "²"}).status_code == 400
    assert client.get("/w/acme/outbound/", {"type": "fax"}).status_code == 400


def test_preview_as_a_chosen_contact_in_their_language(workspace, owner, customers):
    message = create_message(
        workspace,
        content_type="email",
        name="Monthly",
        sender=owner,
        versions=[
            {
                "locale": "en",
                "subject": "News for {{company|you}}",
                "body": "Hi {{first_name|there}}, you have {{seats}} seats.",
            },
            {"locale": "es", "subject": "Novedades", "body": "Hola {{first_name|}}"},
        ],
    )
    client = signed_in()
    page = client.get(
        f"/w/acme/outbound/{message.pk}/preview/", {"contact": customers[0].pk}
    ).content.decode()
    assert "Hi Pat, you have 12 seats." in page and "look-email" in page and "pat@x.test" in page
    spanish = client.get(
        f"/w/acme/outbound/{message.pk}/preview/", {"contact": customers[2].pk}
    ).content.decode()
    assert "Hola Sam" in spanish and "Novedades" in spanish
    example = client.get(f"/w/acme/outbound/{message.pk}/preview/").content.decode()
    assert "Hi Jordan" in example
    assert client.get(f"/w/acme/outbound/{message.pk}/preview/", {"contact": "99999999"}).status_code == 404
    assert client.get(f"/w/acme/outbound/{message.pk}/preview/", {"contact": "x"}).status_code == 404


def test_another_workspaces_message_and_contact_are_404(workspace, other_workspace, other_contact, customers):
    theirs = create_message(
        other_workspace, content_type="chat", name="Theirs", versions=[{"locale": "en", "body": "x"}]
    )
    mine = create_message(
        workspace, content_type="chat", name="Mine", versions=[{"locale": "en", "body": "x"}]
    )
    client = signed_in()
    for suffix in ("", "edit/", "preview/"):
        assert client.get(f"/w/acme/outbound/{theirs.pk}/{suffix}").status_code == 404
    assert client.post(f"/w/acme/outbound/{theirs.pk}/state/", {"state": "live"}).status_code == 404
    assert client.post(f"/w/acme/outbound/{theirs.pk}/edit/", chat_form()).status_code == 404
    assert (
        client.get(f"/w/acme/outbound/{mine.pk}/preview/", {"contact": other_contact.pk}).status_code == 404
    )
    assert "Theirs" not in client.get("/w/acme/outbound/").content.decode()
    theirs.refresh_from_db()
    assert theirs.state == "draft"
    # Someone outside the workspace gets a 404 for its pages.
    outsider = signed_in("owner@globex.test")
    assert outsider.get("/w/acme/outbound/").status_code == 404


def test_a_stopped_or_imported_message_keeps_its_content_and_changes_its_description(workspace, owner):
    stopped = create_message(
        workspace, content_type="chat", name="Old", versions=[{"locale": "en", "body": "Hi"}]
    )
    set_state(stopped, "stopped")
    imported = create_imported_message(workspace, "msg_2024_spring", content_type="in_app", tags=["spring"])
    client = signed_in()
    editor = client.get(f"/w/acme/outbound/{stopped.pk}/edit/").content.decode()
    assert "only its name, type, sender and tags can change" in editor and "body_0" not in editor
    form = {"name": "Old chat", "content_type": "chat", "sender": str(owner.pk), "tags": "archive"}
    assert client.post(f"/w/acme/outbound/{stopped.pk}/edit/", form).status_code == 302
    stopped.refresh_from_db()
    assert (stopped.name, stopped.tags, stopped.sender, stopped.versions.get().body) == (
        "Old chat",
        ["archive"],
        owner,
        "Hi",
    )

    page = client.get(f"/w/acme/outbound/{imported.pk}/").content.decode()
    assert "imported" in page and "Go live" not in page and "in_app" in page
    form = {"name": "Spring promo", "content_type": "in_app", "sender": "", "tags": "spring, promo"}
    assert client.post(f"/w/acme/outbound/{imported.pk}/edit/", form).status_code == 302
    imported.refresh_from_db()
    assert (imported.name, imported.tags, imported.content_type) == (
        "Spring promo",
        ["spring", "promo"],
        "in_app",
    )
    assert "Spring promo" in client.get("/w/acme/outbound/").content.decode()


def test_saving_a_live_fixed_message_keeps_its_audience_as_it_was(workspace, customers):
    audience = {
        "match": "any",
        "rules": [
            {"attribute": "plan", "op": "in", "value": ["pro", "enterprise"]},
            {"attribute": "seats", "op": "gte", "value": 10},
            {"attribute": "trial", "op": "is", "value": True},
            {"event": "export failed", "op": "at_least", "count": 3, "days": 7},
            {"event": "signed in", "op": "ever"},
            {"field": "signed_up", "op": "less_than_days_ago", "value": 30},
            {"field": "locale", "op": "in", "value": ["es", "pt"]},
            {"tag": "billing", "op": "has_not"},
        ],
    }
    message = create_message(
        workspace,
        content_type="chat",
        name="Fixed",
        audience=audience,
        audience_mode="fixed",
        versions=[{"locale": "en", "body": "Hi"}],
    )
    set_state(message, "live")
    message.refresh_from_db()
    kept = message.audience  # as the service cleaned it
    client = signed_in()
    editor = client.get(f"/w/acme/outbound/{message.pk}/edit/").content.decode()
    rows = rule_rows(message.audience)
    for row in rows:  # the builder shows each rule as it is kept
        assert f'name="rule_value" aria-label="Value" value="{row["value"]}"' in editor
    data = chat_form(name="Fixed, renamed", match="any", audience_kind="everyone", audience_mode="fixed")
    for key in ("subject", "name", "op", "value", "count", "days"):
        data[f"rule_{key}"] = [row[key] for row in rows]
    assert client.post(f"/w/acme/outbound/{message.pk}/edit/", data).status_code == 302
    message.refresh_from_db()
    assert message.name == "Fixed, renamed" and message.audience == kept
    # Changing who gets it now is refused, and nothing changes.
    data["rule_value"] = ["pro", *data["rule_value"][1:]]
    refused = client.post(f"/w/acme/outbound/{message.pk}/edit/", data)
    assert refused.status_code == 409 and "fixed when it went live" in refused.content.decode()
    message.refresh_from_db()
    assert message.audience == kept
