"""The ten bad inputs the attack found, each answered with a clear 4xx now, on SQLite and PostgreSQL.
(tests/core/test_bad_input_on_every_page.py and test_schemathesis.py close their classes everywhere.)"""

import base64
import json

import pytest
from django.test import Client

from concierge.meetings.models import DateOverride, TimeOff, WeeklyHours
from tests.api_client import api_client_for


@pytest.fixture
def web(db, one_of_everything):
    client = Client(raise_request_exception=False)
    client.force_login(one_of_everything["booking"].workspace.teammates.get(role="owner").user)
    return client


def text_of(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize(
    ("page", "query"),
    [
        ("sessions/reports/", {"period": "custom", "start": "9999-12-31", "end": "9999-12-31"}),
        ("sessions/insights/", {"period": "custom", "start": "0001-01-01", "end": "0001-01-01"}),
        ("reports/support/", {"from": "9999-12-31", "to": "9999-12-31"}),
    ],
)
def test_periods_at_the_calendars_edges_are_a_form_error(web, workspace, page, query):
    response = web.get(f"/w/{workspace.slug}/{page}", query)
    assert response.status_code == 422
    assert "Enter a date from 1900-01-01 to 9000-12-31" in text_of(
        response
    ) or "Choose a date from" in text_of(response)


def test_the_reports_apis_refuse_the_calendars_edges(workspace):
    api = api_client_for(workspace)
    meetings = api.get("/meetings/report", **{"from": "0001-01-01", "to": "9999-12-31"})
    assert meetings.status_code == 422
    assert "must be from 1900-01-01 to 9000-12-31" in meetings.json()["detail"]
    support = api.get("/reports/support", **{"from": "9999-12-31", "to": "9999-12-31"})
    assert support.status_code == 422


@pytest.mark.parametrize(
    "form",
    [
        {"form": "weekly", "timezone": "Europe/Belgrade", "monday": "99999999999999999999:00-10:00"},
        {"form": "override", "date": "2030-01-01", "hours": "99999999999999999999:00-10:00"},
    ],
)
def test_an_hour_that_does_not_fit_is_not_a_time(web, workspace, form):
    response = web.post(f"/w/{workspace.slug}/sessions/availability/", form)
    assert response.status_code == 422
    assert "must be a time like &#x27;09:30&#x27; (00:00 to 23:59)" in text_of(response)
    assert not WeeklyHours.objects.filter(start_time__hour=10).exists()
    assert not DateOverride.objects.filter(date="2030-01-01").exists()


@pytest.mark.parametrize("time_off", ["abc", "99999999999999999999", "²", "-1", ""])
def test_removing_time_off_by_a_bad_id_is_a_form_error(web, workspace, time_off):
    response = web.post(
        f"/w/{workspace.slug}/sessions/availability/", {"form": "remove-time-off", "time_off": time_off}
    )
    assert response.status_code == 422
    assert "is not a time off id" in text_of(response)
    assert TimeOff.objects.count() == 1


def test_time_off_at_the_calendars_edge_is_a_form_error(web, workspace):
    response = web.post(
        f"/w/{workspace.slug}/sessions/availability/",
        {"form": "time-off", "starts": "0001-01-01T00:00", "ends": "0001-01-02T00:00"},
    )
    assert response.status_code == 422
    assert "Enter a date from 1900-01-01 to 9000-12-31" in text_of(response)
    assert TimeOff.objects.count() == 1


def test_a_forged_cursor_at_the_calendars_edge_is_refused(workspace):
    api = api_client_for(workspace)
    payload = ["conversations.conversation:-last_activity_at,-id", "9999-12-31T23:59:59-12:00", 1]
    cursor = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    response = api.get("/conversations", cursor=cursor)
    assert response.status_code == 422
    assert response.json()["detail"].startswith("cursor is not valid for this list")


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/w/acme/contacts/", {"q": "a\x00b"}),
        ("get", "/book/ab%00cd/", None),
        ("post", "/w/acme/inbox/CONVERSATION/tags/add/", {"tag": "a\x00b"}),
    ],
)
def test_nul_in_a_query_a_path_or_a_form_is_a_400_on_a_page(web, one_of_everything, method, path, data):
    path = path.replace("CONVERSATION", str(one_of_everything["conversation"].pk))
    response = getattr(web, method)(path, data) if data is not None else getattr(web, method)(path)
    assert response.status_code == 400
    assert "must not contain NUL characters (U+0000)" in text_of(response)


def test_nul_in_a_json_body_is_refused_naming_its_field_but_the_text_backslash_u0000_is_not(workspace):
    api = api_client_for(workspace)
    refused = api.post("/contacts", raw='{"name": "a\\u0000b", "email": "n@example.test"}')
    assert refused.status_code == 422
    assert refused.json() == {
        "detail": "name: must not contain NUL characters (U+0000); remove it and send it again.",
        "field": "name",
    }
    kept = api.post("/contacts", {"name": "a\\u0000b", "email": "n@example.test"})
    assert kept.status_code == 201, kept.content
    assert kept.json()["name"] == "a\\u0000b"
