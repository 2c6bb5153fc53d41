"""Every figure of the funnel report and the spec's edge cases, on small hand-written logs.

The `workspace` fixture's zone is America/New_York; times below are UTC unless they say otherwise.
"""

from datetime import date

import pytest

from concierge.workspaces.services import create_workspace
from tests.reports.logs import event, import_objects, report_of

MARCH_2 = date(2026, 3, 2)


def started(at, conversation, contact="c1", **fields):
    return event("conversation.started", at, contact, conversation=conversation, **fields)


def in_conversation(type_, at, conversation, contact="c1", **fields):
    return event(type_, at, contact, conversation=conversation, **fields)


def test_a_seeking_action_exactly_24_hours_later_begins_a_new_session(workspace):
    log = [
        event("help_center.visited", "2026-03-02T15:00:00"),
        event("help_center.visited", "2026-03-03T14:59:59"),  # inside the first session
        event("help_center.visited", "2026-03-03T15:00:00"),  # start + 24h: a new one
        event("article.searched", "2026-03-04T14:59:59.999999"),  # inside the second
    ]
    current = report_of(workspace, log, MARCH_2, date(2026, 3, 5))["current"]
    assert current["sessions"]["total"] == 2
    assert current["people_seeking_support"] == 1


def test_a_session_belongs_to_the_period_it_starts_in_with_everything_after(workspace):
    log = [
        event("article.viewed", "2026-03-03T04:30:00"),  # 23:30 on 2 March in New York
        started("2026-03-03T06:00:00", "k1"),  # 3 March locally, still the same session
        in_conversation("conversation.replied", "2026-03-05T06:00:00", "k1"),
        in_conversation("conversation.closed", "2026-03-06T06:00:00", "k1", by="teammate"),  # days later
        in_conversation("conversation.rated", "2026-03-07T06:00:00", "k1", rating=4),
    ]
    report = report_of(workspace, log, MARCH_2, MARCH_2)
    current, previous = report["current"], report["previous"]
    assert current["sessions"]["human_after_self_serve"] == 1
    assert current["human_support"]["after_self_serve"] == {
        "conversations": 1,
        "ratings": 1,
        "rating_average": 4.0,
        "rating_positive_share": 1.0,
        "median_first_response_seconds": 172800.0,
        "median_time_to_close_seconds": 259200.0,
    }
    assert previous["sessions"]["total"] == 0
    assert report_of(workspace, log, date(2026, 3, 3), date(2026, 3, 3))["current"]["sessions"]["total"] == 0


def test_a_reopened_conversation_counts_from_its_last_close(workspace):
    log = [
        started("2026-03-02T15:00:00", "k1"),
        in_conversation("conversation.closed", "2026-03-02T16:00:00", "k1", by="teammate"),
        in_conversation("conversation.reopened", "2026-03-02T17:00:00", "k1"),
        in_conversation("conversation.closed", "2026-03-02T18:00:00", "k1", by="teammate"),
        started("2026-03-02T15:30:00", "k2"),
        in_conversation("conversation.closed", "2026-03-02T16:00:00", "k2", by="teammate"),
        in_conversation("conversation.reopened", "2026-03-02T17:00:00", "k2"),  # open again: no close time
    ]
    group = report_of(workspace, log, MARCH_2, MARCH_2)["current"]["human_support"]["from_start"]
    assert group["conversations"] == 2
    assert group["median_time_to_close_seconds"] == 10800.0


def test_bot_resolved_versus_handed_to_a_person(workspace):
    log = [
        # c1: the bot answered and closed it: resolved by self-serve.
        started("2026-03-02T15:00:00", "k1"),
        in_conversation("bot.answered", "2026-03-02T15:01:00", "k1"),
        in_conversation("conversation.closed", "2026-03-02T15:05:00", "k1", by="bot"),
        # c2: the bot answered, a teammate took over and closed it: human after self-serve.
        started("2026-03-02T15:00:00", "k2", "c2"),
        in_conversation("bot.answered", "2026-03-02T15:01:00", "k2", "c2"),
        in_conversation("conversation.replied", "2026-03-02T15:10:00", "k2", "c2"),
        in_conversation("conversation.closed", "2026-03-02T15:20:00", "k2", "c2", by="teammate"),
        # c3: a teammate replied before the bot closed it: not bot-resolved.
        started("2026-03-02T15:00:00", "k3", "c3"),
        in_conversation("bot.answered", "2026-03-02T15:01:00", "k3", "c3"),
        in_conversation("conversation.replied", "2026-03-02T15:02:00", "k3", "c3"),
        in_conversation("conversation.closed", "2026-03-02T15:03:00", "k3", "c3", by="bot"),
        # c4: closed by the bot, then reopened: not bot-resolved.
        started("2026-03-02T15:00:00", "k4", "c4"),
        in_conversation("bot.answered", "2026-03-02T15:01:00", "k4", "c4"),
        in_conversation("conversation.closed", "2026-03-02T15:03:00", "k4", "c4", by="bot"),
        in_conversation("conversation.reopened", "2026-03-02T15:04:00", "k4", "c4"),
    ]
    current = report_of(workspace, log, MARCH_2, MARCH_2)["current"]
    assert current["sessions"]["self_serve_resolved"] == 1
    assert current["sessions"]["human_after_self_serve"] == 3
    assert current["rates"]["automated_resolution"] == 0.25
    assert current["rates"]["self_serve_resolution"] == 0.25
    assert current["human_support"]["after_self_serve"]["conversations"] == 3


def test_self_serve_must_come_before_the_first_human_conversation(workspace):
    log = [
        started("2026-03-02T15:00:00", "k1"),
        event("article.viewed", "2026-03-02T15:00:00"),  # at the same instant: not before
        event("article.searched", "2026-03-02T15:30:00"),
        # c2: an automated answer in a later conversation does not count either
        started("2026-03-02T15:00:00", "k2", "c2"),
        started("2026-03-02T16:00:00", "k3", "c2"),
        in_conversation("bot.answered", "2026-03-02T16:01:00", "k3", "c2"),
        # c3: the search before the conversation makes it "after self-serve"
        event("article.searched", "2026-03-02T14:59:59", "c3"),
        started("2026-03-02T15:00:00", "k4", "c3"),
    ]
    current = report_of(workspace, log, MARCH_2, MARCH_2)["current"]
    assert current["sessions"]["human_from_start"] == 2
    assert current["sessions"]["human_after_self_serve"] == 1
    assert current["human_support"]["from_start"]["conversations"] == 3


def test_a_teammate_initiated_conversation_is_not_seeking_support(workspace):
    log = [
        started("2026-03-02T15:00:00", "k1", initiator="teammate"),  # no session of its own
        in_conversation("conversation.replied", "2026-03-02T15:05:00", "k1", author="contact"),
        event("help_center.visited", "2026-03-02T16:00:00", "c2"),
        started(
            "2026-03-02T17:00:00", "k2", "c2", initiator="teammate"
        ),  # in c2's session, not human support
        in_conversation("conversation.replied", "2026-03-02T17:05:00", "k2", "c2"),
    ]
    current = report_of(workspace, log, MARCH_2, MARCH_2)["current"]
    assert current["sessions"]["total"] == 1
    assert current["sessions"]["stopped"] == 1
    assert current["human_support"]["from_start"]["conversations"] == 0


def test_a_later_rating_replaces_an_earlier_one(workspace):
    log = [
        started("2026-03-02T15:00:00", "k1"),
        in_conversation("conversation.rated", "2026-03-02T17:00:00", "k1", rating=5),
        in_conversation("conversation.rated", "2026-03-02T16:00:00", "k1", rating=1),  # earlier, listed later
        started("2026-03-02T15:00:00", "k2", "c2"),
        in_conversation("conversation.rated", "2026-03-02T16:00:00", "k2", "c2", rating=2),
        started("2026-03-02T15:00:00", "k3", "c3"),
        in_conversation("conversation.rated", "2026-03-02T16:00:00", "k3", "c3", rating=4),
        in_conversation("conversation.rated", "2026-03-02T18:00:00", "k3", "c3", rating=2),
    ]
    group = report_of(workspace, log, MARCH_2, MARCH_2)["current"]["human_support"]["from_start"]
    assert (group["ratings"], group["rating_average"], group["rating_positive_share"]) == (3, 3.0, 0.3333)


def test_proactive_figures_count_distinct_pairs_and_filter_by_the_message_as_it_is_now(workspace):
    log = [
        {"type": "outbound_message", "id": "m1", "content_type": "banner", "sender": "t1"},
        event("outbound.opened", "2026-03-01T10:00:00", "c1", message="m1"),  # before the send: counts
        event("outbound.sent", "2026-03-02T15:00:00", "c1", message="m1"),
        event("outbound.sent", "2026-03-02T16:00:00", "c1", message="m1"),  # the same pair again
        event("outbound.sent", "2026-03-02T15:00:00", "c2", message="m1"),
        event("outbound.clicked", "2026-03-20T10:00:00", "c2", message="m1"),  # much later: counts
        event("outbound.reacted", "2026-03-02T17:00:00", "c2", message="m1", reaction="👍"),
        event("outbound.sent", "2026-03-02T15:00:00", "c3", message="m2"),  # no description
        event("outbound.opened", "2026-03-02T15:30:00", "c3", message="m2"),
        event("outbound.opened", "2026-03-02T15:30:00", "c4", message="m2"),  # opened without a send
    ]
    everything = report_of(workspace, log, MARCH_2, MARCH_2)["current"]["proactive"]
    assert everything == {"sent": 4, "opened": 2, "clicked": 1, "reacted": 1}
    banner = report_of(workspace, log, MARCH_2, MARCH_2, content_type="banner", sender="t1")["current"]
    assert banner["proactive"] == {"sent": 3, "opened": 1, "clicked": 1, "reacted": 1}
    assert report_of(workspace, log, MARCH_2, MARCH_2, tag="outage")["current"]["proactive"]["sent"] == 0
    tagged_later = {"type": "outbound_message", "id": "m1", "tags": ["outage"]}
    retagged = report_of(workspace, [*log, tagged_later], MARCH_2, MARCH_2, tag="outage")["current"]
    assert retagged["proactive"] == {"sent": 3, "opened": 1, "clicked": 1, "reacted": 1}
    assert retagged["sessions"]["total"] == 0  # filters do not change the other figures


def test_article_views_followed_by_a_conversation_in_the_session_are_not_resolved(workspace):
    log = [
        event("article.viewed", "2026-03-02T15:00:00"),
        event("article.viewed", "2026-03-02T15:10:00"),
        started("2026-03-02T15:20:00", "k1", initiator="contact"),
        event("article.viewed", "2026-03-02T15:20:00"),  # at the start: not followed by it
        event("article.viewed", "2026-03-02T15:30:00"),
        event("article.viewed", "2026-03-02T15:00:00", "c2"),
        started("2026-03-02T15:10:00", "k2", "c2", initiator="teammate"),  # not started by the contact
        event("article.viewed", "2026-03-02T16:00:00", "c3"),
        started("2026-03-03T16:00:00", "k3", "c3"),  # later, but in the next session
    ]
    current = report_of(workspace, log, MARCH_2, date(2026, 3, 3))["current"]
    assert current["rates"]["articles_resolution"] == round(4 / 6, 4)


def test_people_are_counted_once_however_many_sessions_they_had(workspace):
    log = [
        event("help_center.visited", "2026-02-28T15:00:00"),  # the previous period
        event("help_center.visited", "2026-03-02T15:00:00"),
        event("help_center.visited", "2026-03-04T15:00:00"),
        event("help_center.visited", "2026-03-04T15:00:00", "c2"),
    ]
    report = report_of(workspace, log, MARCH_2, date(2026, 3, 5))
    assert (report["current"]["sessions"]["total"], report["current"]["people_seeking_support"]) == (3, 2)
    assert report["previous"]["people_seeking_support"] == 1


def test_medians_of_an_even_count_are_the_mean_of_the_middle_two(workspace):
    log = []
    for number, reply in enumerate(["15:01:00", "15:03:00", "15:04:01", "15:10:00"]):
        conversation, contact = f"k{number}", f"c{number}"
        log.append(started("2026-03-02T15:00:00", conversation, contact))
        log.append(in_conversation("conversation.replied", f"2026-03-02T{reply}", conversation, contact))
    group = report_of(workspace, log, MARCH_2, MARCH_2)["current"]["human_support"]["from_start"]
    assert group["median_first_response_seconds"] == 210.5
    assert group["median_time_to_close_seconds"] is None


def test_zero_denominators_give_null(workspace):
    report = report_of(workspace, [event("help_center.visited", "2026-03-02T15:00:00")], MARCH_2, MARCH_2)
    current = report["current"]
    assert current["sessions"] == {
        "total": 1,
        "stopped": 1,
        "self_serve_tried": 0,
        "self_serve_resolved": 0,
        "human_after_self_serve": 0,
        "human_from_start": 0,
    }
    assert current["rates"] == {
        "self_serve_resolution": None,
        "articles_resolution": None,
        "automated_resolution": None,
    }
    assert current["human_support"]["after_self_serve"]["rating_average"] is None
    assert current["human_support"]["from_start"]["median_first_response_seconds"] is None


def test_a_period_across_the_start_of_daylight_saving_time_in_new_york(workspace):
    log = [
        event("help_center.visited", "2026-03-07T05:00:00"),  # 00:00 EST on 7 March: in
        event("help_center.visited", "2026-03-10T03:59:59", "c2"),  # 23:59:59 EDT on 9 March: in
        event("help_center.visited", "2026-03-10T04:00:00", "c3"),  # 00:00 EDT on 10 March: out
        event("help_center.visited", "2026-03-07T04:59:59", "c4"),  # 23:59:59 EST on 6 March: out
    ]
    report = report_of(workspace, log, date(2026, 3, 7), date(2026, 3, 9))
    assert report["timezone"] == "America/New_York"
    assert (report["current"]["start"], report["current"]["end"]) == (
        "2026-03-07T00:00:00-05:00",
        "2026-03-10T00:00:00-04:00",
    )
    assert report["previous"]["start"] == "2026-03-04T00:00:00-05:00"
    assert report["current"]["sessions"]["total"] == 2
    assert report["previous"]["sessions"]["total"] == 1


@pytest.mark.parametrize(
    ("zone", "first", "last", "start", "end"),
    [
        # Sydney leaves daylight-saving time on 5 April 2026 (a 25-hour day).
        (
            "Australia/Sydney",
            date(2026, 4, 5),
            date(2026, 4, 5),
            "2026-04-05T00:00:00+11:00",
            "2026-04-06T00:00:00+10:00",
        ),
        # Santiago skips midnight on 6 September 2026: the day starts at 01:00.
        (
            "America/Santiago",
            date(2026, 9, 6),
            date(2026, 9, 6),
            "2026-09-06T01:00:00-03:00",
            "2026-09-07T00:00:00-03:00",
        ),
    ],
)
def test_a_period_across_a_southern_daylight_saving_change(db, zone, first, last, start, end):
    workspace = create_workspace(name="South", slug="south", timezone_name=zone, owner_email="o@south.test")
    log = [
        event("help_center.visited", start),  # the period's first instant
        event("help_center.visited", end, "c2"),  # the next period's first instant
    ]
    report = report_of(workspace, log, first, last)
    assert (report["current"]["start"], report["current"]["end"]) == (start, end)
    assert report["current"]["sessions"]["total"] == 1


def test_a_late_event_inside_computed_sessions_rebuilds_them(workspace):
    early = event("help_center.visited", "2026-03-02T15:00:00")
    later = [
        event("article.viewed", "2026-03-03T10:00:00"),  # session from 2 March 15:00 … 3 March 15:00
        event("help_center.visited", "2026-03-03T16:00:00"),  # a second session
    ]
    import_objects(workspace, later)
    report = report_of(workspace, [early, *later], date(2026, 3, 2), date(2026, 3, 3))  # early arrives last
    assert report["current"]["sessions"]["total"] == 2
    assert report["current"]["sessions"]["self_serve_resolved"] == 1
