"""The teammates' 1:1 session pages: the list, a session's page and its actions, session types with
their links, the report with its chart, and the insights — each for its own workspace only."""

import html
from datetime import date

import pytest

from concierge.conversations.services import start_conversation
from concierge.meetings.models import Booking, BookingTrigger, SessionType
from concierge.meetings.services.booking import book_session
from concierge.meetings.services.outcomes import mark_session_held
from concierge.meetings.services.session_types import add_intake_question

from .conftest import utc

NOW = utc(2027, 3, 8, 0, 0)


@pytest.fixture
def booking(session_type, trigger, contact):
    add_intake_question(session_type, label="What do you expect?", key="expect")
    start_conversation(session_type.workspace, contact=contact, body="How do I connect my domain?")
    return book_session(
        session_type,
        trigger=trigger,
        contact=contact,
        start=utc(2027, 3, 9, 15, 0),
        timezone_name="America/Los_Angeles",
        answers={"expect": "Set up routing"},
        at=NOW,
    )


@pytest.fixture
def signed_in(client, chicago_agent):
    client.force_login(chicago_agent.user)
    return client


def test_the_list_shows_sessions_in_the_teammates_own_time(signed_in, booking, workspace):
    page = signed_in.get(f"/w/{workspace.slug}/sessions/?view=all")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Tuesday 9 March at 9:00 AM, Chicago time" in text
    assert "Casey Customer" in text and "setup page" in text


def test_the_session_page_shows_intake_past_conversations_and_both_times(signed_in, booking, workspace):
    text = signed_in.get(f"/w/{workspace.slug}/sessions/{booking.pk}/").content.decode()
    assert "Set up routing" in text
    assert "How do I connect my domain?" in text
    assert "Tuesday 9 March at 9:00 AM, Chicago time" in text
    assert "The customer sees: Tuesday 9 March at 7:00 AM, Los Angeles time" in text
    assert "data-session-timer" in text and 'data-length-minutes="30"' in text


def test_actions_run_through_the_services_and_show_their_errors(signed_in, booking, workspace):
    base = f"/w/{workspace.slug}/sessions/{booking.pk}"
    assert signed_in.post(f"{base}/notes/", {"notes": "Bring the DNS guide"}).status_code == 302
    assert signed_in.post(f"{base}/checklist/", {"index": 0, "done": "on"}).status_code == 302
    too_early = signed_in.post(f"{base}/held/")
    assert too_early.status_code == 409
    assert "This session has not started yet." in too_early.content.decode()
    assert signed_in.post(f"{base}/checklist/", {"index": 9, "done": "on"}).status_code == 404
    declined = signed_in.post(f"{base}/decline/", {"reason": "answered_in_conversation", "message": ""})
    assert declined.status_code == 302
    booking.refresh_from_db()
    assert (booking.notes, booking.checklist[0]["done"], booking.status) == (
        "Bring the DNS guide",
        True,
        "declined",
    )


def test_after_the_session_the_agent_follows_up_and_enters_feedback(
    signed_in, booking, workspace, chicago_agent
):
    mark_session_held(booking, teammate=chicago_agent, at=utc(2027, 3, 9, 15, 35))
    base = f"/w/{workspace.slug}/sessions/{booking.pk}"
    page = signed_in.get(f"{base}/").content.decode()
    assert "Send the follow-up" in page and "What we learnt" in page
    sent = signed_in.post(
        f"{base}/follow-up/",
        {
            "recap": "Routing set up",
            "articles": "Routing | https://help.example.com/routing",
            "next_steps": "Invite team",
        },
    )
    assert sent.status_code == 302
    saved = signed_in.post(
        f"{base}/feedback/",
        {"product_usage": "Two shops", "missing_features": "Dark mode, Exports", "activity_area": "Retail"},
    )
    assert saved.status_code == 302
    insights = signed_in.get(f"/w/{workspace.slug}/sessions/insights/")  # entered today: the last 30 days
    text = insights.content.decode()
    assert "Dark mode" in text and "Retail" in text


def test_the_report_page_draws_its_own_chart(signed_in, booking, workspace):
    page = signed_in.get(
        f"/w/{workspace.slug}/sessions/reports/?period=custom&start=2027-03-01&end=2027-03-31"
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert '<svg class="chart"' in text and 'class="bar-booked"' in text
    assert 'data-figure="booked">1<' in text
    assert "setup page" in text
    assert "cdn" not in text.lower()
    bad = signed_in.get(
        f"/w/{workspace.slug}/sessions/reports/?period=custom&start=2027-03-31&end=2027-03-01"
    )
    assert bad.status_code == 422


def test_session_types_and_links_are_made_from_the_page(signed_in, workspace, chicago_agent, agents):
    url = f"/w/{workspace.slug}/sessions/types/"
    created = signed_in.post(
        url,
        {
            "form": "type",
            "name": "Payments",
            "length_minutes": 45,
            "slot_step_minutes": 15,
            "buffer_after_minutes": 10,
            "minimum_notice_minutes": 60,
            "horizon": "days",
            "horizon_days": 7,
            "on_demand_hours": 4,
            "channel": "video",
            "hosts": [chicago_agent.pk],
        },
    )
    assert created.status_code == 302
    session_type = SessionType.objects.get(name="Payments")
    assert list(session_type.hosts.all()) == [chicago_agent]
    linked = signed_in.post(
        url,
        {
            "form": "trigger",
            "session_type": session_type.pk,
            "place": "billing page",
            "kind": "product_button",
        },
    )
    assert linked.status_code == 302
    token = BookingTrigger.objects.get(place="billing page").token
    assert f"/book/{token}/" in signed_in.get(url).content.decode()
    duplicate = signed_in.post(url, {"form": "type", **{"name": "Payments", "length_minutes": 0}})
    assert duplicate.status_code == 422


def test_another_workspaces_teammate_sees_nothing(client, booking, other_workspace, workspace):
    client.force_login(other_workspace.teammates.get().user)
    assert client.get(f"/w/{workspace.slug}/sessions/{booking.pk}/").status_code == 404
    assert client.get(f"/w/{other_workspace.slug}/sessions/{booking.pk}/").status_code == 404
    assert (
        client.post(
            f"/w/{other_workspace.slug}/sessions/{booking.pk}/decline/", {"reason": "other"}
        ).status_code
        == 404
    )
    assert Booking.objects.get().status == "booked"
    assert date(2027, 3, 9) == booking.starts_at.date()


def test_a_teammate_sets_their_hours_dates_and_time_off_from_the_page(signed_in, workspace, chicago_agent):
    from concierge.meetings.models import DateOverride, TimeOff, WeeklyHours

    url = f"/w/{workspace.slug}/sessions/availability/"
    assert "Chris Carter's hours" in signed_in.get(url).content.decode()
    weekly = {
        "form": "weekly",
        "timezone": "America/Chicago",
        "monday": "09:00-12:00, 13:00-17:00",
        "friday": "10:00-14:00",
    }
    assert signed_in.post(url, weekly).status_code == 302
    rows = WeeklyHours.objects.filter(teammate=chicago_agent, valid_from__isnull=True).order_by(
        "weekday", "start_time"
    )
    assert [(r.weekday, f"{r.start_time:%H:%M}", f"{r.end_time:%H:%M}") for r in rows] == [
        (0, "09:00", "12:00"),
        (0, "13:00", "17:00"),
        (4, "10:00", "14:00"),
    ]
    bad = signed_in.post(url, {**weekly, "tuesday": "nine to five"})
    assert bad.status_code == 422 and "is not a range" in bad.content.decode()
    assert WeeklyHours.objects.filter(teammate=chicago_agent, valid_from__isnull=True).count() == 3

    assert signed_in.post(url, {"form": "override", "date": "2031-12-24", "hours": ""}).status_code == 302
    assert DateOverride.objects.get(teammate=chicago_agent).start_time is None
    off = {"form": "time-off", "starts": "2031-07-01T00:00", "ends": "2031-07-15T00:00", "reason": "Holiday"}
    assert signed_in.post(url, off).status_code == 302
    time_off = TimeOff.objects.get(teammate=chicago_agent)
    assert time_off.starts_at == utc(2031, 7, 1, 5, 0)  # midnight in Chicago (CDT)
    assert signed_in.post(url, {"form": "remove-time-off", "time_off": time_off.pk}).status_code == 302
    assert not TimeOff.objects.exists()


def test_only_owners_and_admins_change_someone_elses_hours(
    signed_in, workspace, owner, chicago_agent, london_agent
):
    from concierge.meetings.models import WeeklyHours

    url = f"/w/{workspace.slug}/sessions/availability/"
    signed_in.post(
        url,
        {"form": "weekly", "timezone": "Europe/London", "teammate": london_agent.pk, "monday": "06:00-07:00"},
    )
    assert not WeeklyHours.objects.filter(
        teammate=london_agent, start_time="06:00"
    ).exists()  # changed their own instead
    signed_in.force_login(owner.user)
    page = signed_in.get(url, {"teammate": london_agent.pk}).content.decode()
    assert "Lou Lane's hours" in page
    signed_in.post(
        url + f"?teammate={london_agent.pk}",
        {"form": "weekly", "timezone": "Europe/London", "monday": "06:00-07:00"},
    )
    assert WeeklyHours.objects.filter(teammate=london_agent, start_time="06:00").exists()


def test_the_admin_shows_sessions_read_only(client, booking, db):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    root = get_user_model().objects.create_superuser("root@example.test", "root@example.test", "x-password-1")
    client.force_login(root)
    for model in (Booking, SessionType):
        name = f"admin:meetings_{model._meta.model_name}"
        assert client.get(reverse(f"{name}_changelist")).status_code == 200
        assert client.get(reverse(f"{name}_change", args=[model.objects.first().pk])).status_code == 200
    assert (
        client.post(reverse("admin:meetings_booking_delete", args=[booking.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert Booking.objects.filter(pk=booking.pk).exists()


def _type_url(workspace, session_type) -> str:
    return f"/w/{workspace.slug}/sessions/types/{session_type.pk}/"


def test_intake_questions_and_rules_are_added_and_removed_on_the_session_types_page(
    signed_in, workspace, session_type, trigger, chicago_agent
):
    from concierge.meetings.models import EligibilityRule, IntakeQuestion
    from tests.audit_trail import entries_written

    url = _type_url(workspace, session_type)
    assert url in signed_in.get(f"/w/{workspace.slug}/sessions/types/").content.decode()
    with entries_written(workspace) as written:
        added = signed_in.post(
            url,
            {
                "form": "question",
                "label": "What is it about?",
                "kind": "choice",
                "choices": "Setup\n\nBilling\n",
                "required": "on",
                "key": "topic",
            },
        )
        assert added.status_code == 302
        ruled = signed_in.post(
            url,
            {
                "form": "rule",
                "source": "answer",
                "key": "topic",
                "operator": "equals",
                "value": "Billing",
                "message": "Billing is answered in a conversation.",
                "alternative_url": "https://help.example.com/billing",
                "alternative_label": "Billing help",
            },
        )
        assert ruled.status_code == 302
    assert [(entry.action, entry.actor_teammate_id) for entry in written] == [
        ("session_type.question_added", chicago_agent.pk),
        ("session_type.rule_added", chicago_agent.pk),
    ]
    question = IntakeQuestion.objects.get(session_type=session_type)
    assert (question.key, question.kind, question.choices, question.required) == (
        "topic",
        "choice",
        ["Setup", "Billing"],
        True,
    )
    page = signed_in.get(url).content.decode()
    assert "When the answer to “What is it about?” is “Billing”" in page
    assert "Billing is answered in a conversation." in page

    # The booking page asks the question and checks the rule at once.
    booking_page = signed_in.get(f"/book/{trigger.token}/").content.decode()
    assert "What is it about?" in booking_page
    refusal = signed_in.post(f"/book/{trigger.token}/eligibility/", {"answer_topic": "Billing"})
    assert "Billing is answered in a conversation." in refusal.content.decode()

    removed = signed_in.post(url, {"form": "remove-question", "question": question.pk})
    assert removed.status_code == 302
    assert not IntakeQuestion.objects.filter(session_type=session_type).exists()
    assert not EligibilityRule.objects.filter(session_type=session_type).exists()  # it read the answer


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        (
            {"form": "question", "label": "Pick one", "kind": "choice", "choices": "Only"},
            "at least two choices",
        ),
        ({"form": "question", "label": "", "kind": "text"}, "Question: This field is required."),
        ({"form": "question", "label": "Size?", "kind": "maybe"}, "Answered with: Select a valid choice."),
        (
            {
                "form": "rule",
                "source": "answer",
                "key": "nothing",
                "operator": "equals",
                "value": "x",
                "message": "No",
            },
            "asks no question with key 'nothing'",
        ),
        (
            {
                "form": "rule",
                "source": "attribute",
                "key": "plan",
                "operator": "equals",
                "value": "",
                "message": "No",
            },
            "needs a single value",
        ),
        (
            {
                "form": "rule",
                "source": "attribute",
                "key": "plan",
                "operator": "in",
                "value": "",
                "message": "No",
            },
            "needs a list of values",
        ),
        (
            {"form": "rule", "source": "attribute", "key": "plan", "operator": "missing", "message": ""},
            "required",
        ),
        ({"form": "remove-question", "question": "abc"}, "is not a question id"),
        ({"form": "teleport"}, "Unknown form."),
    ],
)
def test_bad_input_on_the_session_types_page_is_told_and_writes_nothing(
    signed_in, workspace, session_type, posted, message
):
    from concierge.meetings.models import EligibilityRule, IntakeQuestion
    from tests.audit_trail import entries_written

    with entries_written(workspace) as written:
        response = signed_in.post(_type_url(workspace, session_type), posted)
    assert response.status_code == 422
    assert message in html.unescape(response.content.decode())
    assert written == []
    assert not IntakeQuestion.objects.exists() and not EligibilityRule.objects.exists()


def test_another_types_or_workspaces_question_or_rule_is_a_404(
    signed_in, client, workspace, session_type, other_workspace, chicago_agent
):
    from concierge.meetings.services.session_types import add_eligibility_rule, create_session_type

    other_type = create_session_type(workspace, name="Billing review", hosts=[chicago_agent])
    question = add_intake_question(other_type, label="Plan?", key="plan")
    rule = add_eligibility_rule(
        other_type, source="attribute", key="plan", value="free", message="Upgrade first."
    )
    url = _type_url(workspace, session_type)
    assert signed_in.post(url, {"form": "remove-question", "question": question.pk}).status_code == 404
    assert signed_in.post(url, {"form": "remove-rule", "rule": rule.pk}).status_code == 404
    assert other_type.questions.count() == 1 and other_type.eligibility_rules.count() == 1
    assert signed_in.get(f"/w/{workspace.slug}/sessions/types/999999/").status_code == 404

    client.force_login(other_workspace.teammates.get().user)
    assert client.get(url).status_code == 404
    assert client.get(f"/w/{other_workspace.slug}/sessions/types/{session_type.pk}/").status_code == 404
    assert (
        client.post(
            f"/w/{other_workspace.slug}/sessions/types/{session_type.pk}/",
            {"form": "remove-question", "question": question.pk},
        ).status_code
        == 404
    )
    assert other_type.questions.count() == 1


def test_the_report_and_insights_name_the_period_by_city_and_headings_read_as_words(
    signed_in, booking, workspace, chicago_agent
):
    from concierge.meetings.services.feedback import record_feedback

    mark_session_held(booking, teammate=chicago_agent, at=utc(2027, 3, 9, 15, 35))
    record_feedback(
        booking,
        teammate=chicago_agent,
        product_usage="Runs two shops",
        demographics={"company_size": "11-50"},
        at=utc(2027, 3, 9, 16, 0),
    )
    march = "?period=custom&start=2027-03-01&end=2027-03-31"
    for page in ("reports", "insights"):
        text = signed_in.get(f"/w/{workspace.slug}/sessions/{page}/{march}").content.decode()
        assert "Days run midnight to midnight in <strong>New York time</strong>" in text, page
        assert "America/New_York" not in text, page
        assert '<nav class="segmented" aria-label="Period">' in text, page
        assert 'name="start" required value="2027-03-01"' in text, page
    insights = signed_in.get(f"/w/{workspace.slug}/sessions/insights/{march}").content.decode()
    assert '<h3 class="plain-heading">Company size</h3>' in insights
    assert "company_size" not in insights.replace('name="company_size"', "")
    assert "Runs two shops" in insights
    april = signed_in.get(
        f"/w/{workspace.slug}/sessions/insights/?period=custom&start=2027-04-01&end=2027-04-30"
    ).content.decode()
    assert "Runs two shops" not in april and "No feedback entered in this period" in april
