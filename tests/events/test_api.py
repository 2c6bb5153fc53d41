"""POST /api/v1/events: the same validation and idempotency as the importer, all or nothing."""

from datetime import date

from concierge.events.models import Event
from concierge.reports.selectors import support_report
from tests.events.test_import import EXAMPLE


def test_events_are_appended_and_a_retry_changes_nothing(workspace, api):
    response = api.post("/events", {"events": EXAMPLE})
    assert response.status_code == 200, response.content
    assert response.json() == {"events_taken": 7, "duplicates_skipped": 0, "records_applied": 1}
    assert api.post("/events", {"events": EXAMPLE}).json() == {
        "events_taken": 0,
        "duplicates_skipped": 7,
        "records_applied": 1,
    }
    assert Event.objects.filter(workspace=workspace).count() == 7
    assert support_report(workspace, date(2026, 3, 2), date(2026, 3, 2))["current"]["sessions"]["total"] == 1


def test_a_bad_event_rejects_the_call_with_each_index_and_reason(workspace, api):
    events = [
        EXAMPLE[2],
        {"type": "help_center.visited", "contact": "c1", "channel": "help_center"},
        "not an object",
        {**EXAMPLE[7], "rating": 0},
        {**EXAMPLE[2], "at": "2026-03-02T09:00:00", "id": "other"},
    ]
    response = api.post("/events", {"events": events})
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "4 of 5 events are bad; nothing was written."
    assert [error["index"] for error in body["errors"]] == [1, 2, 3, 4]
    assert "lacks the required field 'at'" in body["errors"][0]["reason"]
    assert "not a JSON object" in body["errors"][1]["reason"]
    assert "'rating' must be a whole number from 1 to 5" in body["errors"][2]["reason"]
    assert "no UTC offset" in body["errors"][3]["reason"]
    assert Event.objects.filter(workspace=workspace).count() == 0


def test_more_than_a_thousand_events_is_refused(workspace, api):
    events = [{**EXAMPLE[2], "id": f"e{n}"} for n in range(1001)]
    response = api.post("/events", {"events": events})
    assert response.status_code == 422 and "the limit is 1,000" in response.json()["detail"]
    assert Event.objects.filter(workspace=workspace).count() == 0


def test_a_thousand_events_in_one_call_are_taken(workspace, api):
    events = [{**EXAMPLE[2], "id": f"e{n}", "contact": f"c{n % 50}"} for n in range(1000)]
    assert api.post("/events", {"events": events}).json()["events_taken"] == 1000


def test_events_need_an_api_key_and_stay_in_its_workspace(workspace, other_workspace, api, other_api):
    from tests.api_client import ApiClient

    assert ApiClient({}).post("/events", {"events": EXAMPLE}).status_code == 401
    other_api.post("/events", {"events": EXAMPLE})
    assert Event.objects.filter(workspace=workspace).count() == 0
    assert Event.objects.filter(workspace=other_workspace).count() == 7
