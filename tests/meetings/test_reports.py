"""The 1:1 sessions report for a period, read from the event log, and the feedback insights."""

from datetime import date, timedelta

import pytest

from concierge.core.errors import InvalidInput
from concierge.meetings.errors import CustomerIneligible
from concierge.meetings.selectors.reports import feedback_insights, sessions_report
from concierge.meetings.services.booking import book_session, cancel_booking, decline_booking
from concierge.meetings.services.feedback import record_feedback
from concierge.meetings.services.outcomes import mark_no_show, mark_session_held
from concierge.meetings.services.session_types import add_eligibility_rule, create_booking_trigger

from .conftest import utc

NOW = utc(2027, 3, 8, 12, 0)


@pytest.fixture
def month_of_sessions(session_type, trigger, chicago_agent, london_agent):
    """Five sessions booked on 8 March 2027 from two triggers; then each meets a different end."""
    email_trigger = create_booking_trigger(session_type, place="onboarding email", kind="email_link")

    def book(start, index, via):
        return book_session(
            session_type,
            trigger=via,
            start=start,
            timezone_name="Europe/Belgrade",
            customer_name=f"C{index}",
            customer_email=f"c{index}@customer.test",
            confirm_night=True,
            at=NOW,
        )

    held = book(utc(2027, 3, 9, 10, 0), 1, trigger)  # lead time 22 h
    missed = book(utc(2027, 3, 10, 10, 0), 2, trigger)  # 46 h
    agent_missed = book(utc(2027, 3, 11, 10, 0), 3, email_trigger)  # 70 h
    cancelled = book(utc(2027, 3, 12, 10, 0), 4, email_trigger)  # 94 h
    declined = book(utc(2027, 3, 12, 11, 0), 5, trigger)  # 95 h
    mark_session_held(held, teammate=held.agent, at=utc(2027, 3, 9, 10, 35))
    mark_no_show(missed, side="customer", teammate=missed.agent, at=utc(2027, 3, 10, 10, 15))
    mark_no_show(agent_missed, side="agent", teammate=agent_missed.agent, at=utc(2027, 3, 11, 10, 15))
    cancel_booking(cancelled, by="customer", at=NOW + timedelta(hours=1))
    decline_booking(declined, teammate=chicago_agent, reason="against_terms", at=NOW + timedelta(hours=2))
    add_eligibility_rule(
        session_type, source="attribute", key="plan", operator="missing", message="Paid plans only."
    )
    with pytest.raises(CustomerIneligible):
        book(utc(2027, 3, 15, 10, 0), 6, email_trigger)
    return {"held": held, "trigger": trigger, "email_trigger": email_trigger}


def test_the_report_counts_each_step_of_the_period(workspace, month_of_sessions):
    report = sessions_report(workspace, date(2027, 3, 1), date(2027, 3, 31)).as_dict()
    assert report["start"] == "2027-03-01T00:00:00-05:00"
    assert report["end"] == "2027-04-01T00:00:00-04:00"  # across New York's change on 14 March
    assert (report["booked"], report["held"], report["cancelled"]) == (5, 1, 1)
    assert report["no_shows"] == {"customer": 1, "agent": 1}
    assert report["declined_ineligible"] == {"by_rules": 1, "by_agent": 1}
    assert report["lead_time_hours"] == {"median": 70.0, "average": 65.4}

    by_place = {row["place"]: row for row in report["by_trigger"]}
    assert by_place["setup page"]["booked"] == 3
    assert by_place["setup page"]["held"] == 1
    assert by_place["setup page"]["no_show_customer"] == 1
    assert by_place["setup page"]["declined"] == 1
    assert by_place["onboarding email"]["booked"] == 2
    assert by_place["onboarding email"]["cancelled"] == 1
    assert by_place["onboarding email"]["no_show_agent"] == 1
    assert by_place["onboarding email"]["declined"] == 1  # the eligibility rule's refusal
    assert sum(row["booked"] for row in report["by_agent"]) == 5

    daily = {row["day"]: row for row in report["daily"]}
    assert len(daily) == 31
    assert daily["2027-03-08"]["booked"] == 5
    assert daily["2027-03-09"]["held"] == 1
    assert daily["2027-03-10"]["no_shows"] == 1


def test_a_period_counts_what_happened_in_it(workspace, month_of_sessions):
    report = sessions_report(workspace, date(2027, 3, 9), date(2027, 3, 9))
    assert (report.booked, report.held, report.cancelled) == (0, 1, 0)
    with pytest.raises(InvalidInput, match="from must not be after to"):
        sessions_report(workspace, date(2027, 3, 9), date(2027, 3, 1))


def test_insights_count_features_and_areas_however_they_were_written(workspace, month_of_sessions):
    held = month_of_sessions["held"]
    record_feedback(
        held,
        teammate=held.agent,
        product_usage="Runs two web shops on it",
        important_features=["Routing rules", "Saved replies"],
        missing_features="Dark mode, WhatsApp channel",
        activity_area="E-commerce",
        demographics={"company_size": "11-50", "region": "Europe"},
        at=utc(2027, 3, 9, 11, 0),
    )
    from concierge.meetings.models import Booking

    missed = Booking.objects.get(no_show_side="customer")
    record_feedback(
        missed,
        teammate=missed.agent,
        missing_features=["dark  MODE"],
        activity_area="e-commerce",
        demographics={"company_size": "11-50"},
        at=utc(2027, 3, 10, 11, 0),
    )
    insights = feedback_insights(workspace, date(2027, 3, 1), date(2027, 3, 31))
    assert insights["entries"] == 2
    assert insights["missing_features"][0] == {"feature": "Dark mode", "count": 2}
    assert {row["feature"] for row in insights["important_features"]} == {"Routing rules", "Saved replies"}
    assert insights["activity_areas"] == [{"area": "E-commerce", "count": 2}]
    assert insights["demographics"]["company_size"] == [{"value": "11-50", "count": 2}]


def test_recent_feedback_follows_the_period_like_the_insights(workspace, month_of_sessions):
    from concierge.meetings.models import Booking
    from concierge.meetings.selectors.reports import recent_feedback

    held = month_of_sessions["held"]
    missed = Booking.objects.get(no_show_side="customer")
    early = record_feedback(held, teammate=held.agent, activity_area="Retail", at=utc(2027, 3, 9, 11, 0))
    late = record_feedback(missed, teammate=missed.agent, activity_area="Travel", at=utc(2027, 4, 20, 11, 0))
    march, april = (date(2027, 3, 1), date(2027, 3, 31)), (date(2027, 4, 1), date(2027, 4, 30))
    assert list(recent_feedback(workspace, *march)) == [early]
    assert list(recent_feedback(workspace, *april)) == [late]
    assert list(recent_feedback(workspace)) == [late, early]  # without a period: the latest of all
    assert feedback_insights(workspace, *march)["entries"] == 1
