"""What a team offers and when its agents can host are configuration: each change to a session type,
its questions, rules and booking links, and to a teammate's hours, dates and time off writes one
audit entry with who made it; a change that changes nothing writes none, and one refused writes none."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from concierge.core.errors import Conflict
from concierge.meetings.models import TimeOff
from concierge.meetings.services import availability
from concierge.meetings.services import session_types as types
from concierge.workspaces.models import ApiKey
from concierge.workspaces.services import Actor
from tests.audit_trail import entries_written, the_only_entry, whole_trail_text

WEEKDAYS_9_TO_17 = [
    (day, "09:00", "17:00") for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
]


def test_a_session_type_configured_through_the_api_names_the_key(api, workspace, chicago_agent, london_agent):
    key = ApiKey.objects.get(workspace=workspace, name="tests")
    with entries_written(workspace) as written:
        type_id = api.post(
            "/meetings/types",
            {"name": "Payments setup", "host_ids": [london_agent.pk, chicago_agent.pk], "length_minutes": 45},
        ).json()["id"]
        api.post(f"/meetings/types/{type_id}/questions", {"label": "What should we cover?", "key": "topic"})
        api.post(
            f"/meetings/types/{type_id}/rules",
            {"source": "answer", "key": "topic", "value": "Refunds", "message": "Write to us instead."},
        )
        token = api.post(f"/meetings/types/{type_id}/triggers", {"place": "payments page"}).json()["token"]
        api.patch(f"/meetings/types/{type_id}", {"length_minutes": 45, "name": "Payments setup"})  # no change
        api.patch(f"/meetings/types/{type_id}", {"length_minutes": 60, "host_ids": [chicago_agent.pk]})
        api.patch(f"/meetings/types/{type_id}", {"is_active": False})
    assert [(e.action, e.target_type, e.target_label) for e in written] == [
        ("session_type.created", "session_type", "Payments setup"),
        ("session_type.question_added", "intake_question", "Payments setup › What should we cover?"),
        ("session_type.rule_added", "eligibility_rule", "Payments setup › answer topic equals 'Refunds'"),
        ("session_type.trigger_added", "booking_trigger", "Payments setup › payments page"),
        ("session_type.updated", "session_type", "Payments setup"),
        ("session_type.deactivated", "session_type", "Payments setup"),
    ]
    assert {(e.actor_kind, e.actor_api_key_id) for e in written} == {("api_key", key.pk)}
    created = written[0].changes
    assert created["name"] == [None, "Payments setup"] and created["length_minutes"] == [None, 45]
    assert created["hosts"] == [None, ["Chris Carter", "Lou Lane"]]
    assert written[1].changes == {
        "key": [None, "topic"],
        "label": [None, "What should we cover?"],
        "kind": [None, "text"],
        "required": [None, True],
    }
    assert written[2].changes == {
        "source": [None, "answer"],
        "key": [None, "topic"],
        "operator": [None, "equals"],
        "value": [None, "Refunds"],
        "message": [None, "Write to us instead."],
    }
    assert written[3].changes == {"place": [None, "payments page"], "kind": [None, "product_button"]}
    assert written[4].changes == {
        "length_minutes": [45, 60],
        "hosts": [["Chris Carter", "Lou Lane"], ["Chris Carter"]],
    }
    assert written[5].changes == {"is_active": [True, False]}
    assert token not in whole_trail_text()


def test_removing_a_question_records_the_rules_that_went_with_it(workspace, owner, session_type):
    actor = Actor.for_teammate(owner)
    question = types.add_intake_question(session_type, label="Topic?", key="topic", actor=actor)
    types.add_eligibility_rule(session_type, source="answer", key="topic", value="Billing", message="No.")
    other = types.add_eligibility_rule(
        session_type, source="attribute", key="plan", value="free", message="Upgrade."
    )
    with entries_written(workspace) as written:
        types.remove_intake_question(question, actor=actor)
        types.remove_eligibility_rule(other, actor=actor)
    removed, rule_removed = written
    assert (removed.action, removed.actor_teammate, removed.target_label) == (
        "session_type.question_removed",
        owner,
        "Setup walkthrough › Topic?",
    )
    assert removed.changes == {
        "key": ["topic", None],
        "label": ["Topic?", None],
        "kind": ["text", None],
        "required": [True, None],
        "eligibility_rules": [["answer topic equals 'Billing'"], None],
    }
    assert rule_removed.action == "session_type.rule_removed"
    assert rule_removed.changes["key"] == ["plan", None]


def test_a_booking_link_deactivated_twice_is_recorded_once(workspace, owner, trigger):
    with entries_written(workspace) as written:
        types.deactivate_booking_trigger(trigger, actor=Actor.for_teammate(owner))
        types.deactivate_booking_trigger(trigger, actor=Actor.for_teammate(owner))
    entry = the_only_entry(written)
    assert (entry.action, entry.target_id, entry.changes) == (
        "session_type.trigger_deactivated",
        trigger.pk,
        {"is_active": [True, False]},
    )


def test_a_refused_session_type_change_records_nothing_and_changes_nothing(workspace, owner, session_type):
    types.create_session_type(workspace, name="Billing review")
    with entries_written(workspace) as written:
        with pytest.raises(Conflict):
            types.update_session_type(session_type, name="Billing review", actor=Actor.for_teammate(owner))
        with pytest.raises(Conflict):
            types.create_session_type(workspace, name="Billing review")
    assert written == []
    session_type.refresh_from_db()
    assert session_type.name == "Setup walkthrough"


def test_the_session_types_page_names_the_teammate(client, workspace, owner, chicago_agent):
    client.force_login(owner.user)
    url = f"/w/{workspace.slug}/sessions/types/"
    with entries_written(workspace) as written:
        response = client.post(
            url,
            {
                "form": "type",
                "name": "Onboarding call",
                "length_minutes": 30,
                "slot_step_minutes": 30,
                "buffer_after_minutes": 0,
                "minimum_notice_minutes": 60,
                "horizon": "days",
                "horizon_days": 14,
                "on_demand_hours": 4,
                "channel": "video",
                "hosts": [chicago_agent.pk],
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    entry = the_only_entry(written)
    assert (entry.action, entry.actor_teammate, entry.target_label) == (
        "session_type.created",
        owner,
        "Onboarding call",
    )


def test_hours_set_by_an_admin_for_someone_else_name_both(client, workspace, owner, london_agent):
    client.force_login(owner.user)
    url = f"/w/{workspace.slug}/sessions/availability/?teammate={london_agent.pk}"
    weekly = {"form": "weekly", "timezone": "Europe/London", "monday": "09:00-12:00, 13:00-17:00"}
    with entries_written(workspace) as written:
        assert client.post(url, weekly).status_code == 302
        assert client.post(url, weekly).status_code == 302  # the same hours again: nothing changes
        assert client.post(url, {**weekly, "monday": "", "friday": "10:00-14:00"}).status_code == 302
    first, second = written
    assert (first.action, first.actor_teammate, first.target_id, first.target_label) == (
        "availability.weekly_hours_set",
        owner,
        london_agent.pk,
        "Lou Lane",
    )
    assert first.changes == {
        "monday": [None, "09:00-12:00, 13:00-17:00"],
        "timezone": [None, "Europe/London"],
    }
    assert second.changes == {"monday": ["09:00-12:00, 13:00-17:00", None], "friday": [None, "10:00-14:00"]}


def test_seasonal_hours_are_recorded_with_their_dates(workspace, chicago_agent):
    with entries_written(workspace) as written:
        availability.set_seasonal_hours(
            chicago_agent,
            [("monday", "08:00", "14:00")],
            valid_from=date(2031, 6, 1),
            valid_until=date(2031, 8, 31),
            actor=Actor.for_teammate(chicago_agent),
        )
    entry = the_only_entry(written)
    assert (entry.action, entry.target_label, entry.actor_label) == (
        "availability.seasonal_hours_set",
        "Chris Carter · 2031-06-01 to 2031-08-31",
        "Chris Carter",
    )
    assert entry.changes == {"monday": [None, "08:00-14:00"], "timezone": [None, "America/Chicago"]}


def test_date_overrides_set_changed_and_cleared(workspace, chicago_agent):
    actor = Actor.for_teammate(chicago_agent)
    day = date(2031, 12, 24)
    with entries_written(workspace) as written:
        availability.set_date_override(chicago_agent, day, [("09:00", "12:00")], actor=actor)
        availability.set_date_override(chicago_agent, day, [("09:00", "12:00")], actor=actor)
        availability.set_date_override(chicago_agent, day, [], actor=actor)
        availability.clear_date_override(chicago_agent, day, actor=actor)
        availability.clear_date_override(chicago_agent, day, actor=actor)
    assert [(e.action, e.target_label, e.changes) for e in written] == [
        (
            "availability.date_override_set",
            "Chris Carter · 2031-12-24",
            {"hours": [None, "09:00-12:00"], "timezone": [None, "America/Chicago"]},
        ),
        (
            "availability.date_override_set",
            "Chris Carter · 2031-12-24",
            {"hours": ["09:00-12:00", "unavailable"]},
        ),
        (
            "availability.date_override_cleared",
            "Chris Carter · 2031-12-24",
            {"hours": ["unavailable", None], "timezone": ["America/Chicago", None]},
        ),
    ]


def test_time_off_added_and_removed(workspace, chicago_agent, agents):
    actor = Actor.for_teammate(chicago_agent)
    zone = ZoneInfo("America/Chicago")
    starts, ends = datetime(2031, 7, 1, tzinfo=zone), datetime(2031, 7, 15, tzinfo=zone)
    with entries_written(workspace) as written:
        time_off = availability.add_time_off(
            chicago_agent, starts_at=starts, ends_at=ends, reason="Holiday", actor=actor
        )
        availability.remove_time_off(TimeOff.objects.get(pk=time_off.pk), actor=actor)
    added, removed = written
    assert (added.action, removed.action) == ("availability.time_off_added", "availability.time_off_removed")
    assert added.changes["reason"] == [None, "Holiday"]
    assert [added.changes["starts_at"][0], added.changes["ends_at"][0]] == [None, None]
    # Instants are kept as the same instants (in UTC since the service reads them through core.dates).
    assert datetime.fromisoformat(added.changes["starts_at"][1]) == starts
    assert datetime.fromisoformat(added.changes["ends_at"][1]) == ends
    assert datetime.fromisoformat(removed.changes["starts_at"][0]) == starts
    assert datetime.fromisoformat(removed.changes["ends_at"][0]) == ends
    assert removed.changes["starts_at"][1] is None
    assert removed.changes["reason"] == ["Holiday", None]
