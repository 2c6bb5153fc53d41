"""What the coach said about each sent reply, stored by the worker (never in the teammate's send), and
the coach page's figures, which equal the conversations behind them; the composer's hints endpoint."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from concierge.conversations.services import (
    close_conversation,
    rate_conversation,
    reopen_conversation,
    reply_as_contact,
    reply_as_teammate,
    start_conversation,
)
from concierge.replies.models import CoachReview
from concierge.replies.selectors.coaching import coach_figures, conversations_behind
from concierge.workspaces.services import create_team

GOOD_REPLY = (
    "Hi Casey, an export that fails right before your month-end report is the worst timing. Exports stop at "
    "10,000 rows because bigger files were timing out in the browser. I've split your export into two files "
    "and sent both to your email just now."
)
PROMISE = "I promise we'll fix this by tomorrow"


def run_the_worker():
    call_command("worker", "--batch", "--no-recurring", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_a_sent_reply_is_reviewed_by_the_worker_not_during_the_send(workspace, contact, agent):
    conversation = start_conversation(
        workspace, contact=contact, body="My export fails before my month-end report"
    )

    part = reply_as_teammate(conversation, agent, GOOD_REPLY)
    assert not CoachReview.objects.exists()  # the send did not wait for the coach

    run_the_worker()
    review = CoachReview.objects.get()
    assert (review.part_id, review.conversation_id, review.teammate_id) == (
        part.pk,
        conversation.pk,
        agent.pk,
    )
    assert review.judged and review.locale == "en"
    assert (review.restates, review.reasoning, review.resolution, review.overpromise) == (
        True,
        True,
        True,
        False,
    )
    assert review.tone == "casual"
    assert {hint["element"] for hint in review.hints if hint["kind"] == "found"} == {
        "restates",
        "reasoning",
        "resolution",
    }
    assert review.sent_at == part.created_at


@pytest.mark.django_db(transaction=True)
def test_an_overpromise_is_stored_with_its_span_and_a_review_is_made_once(workspace, contact, agent):
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    conversation = start_conversation(workspace, contact=contact, body="The export button does nothing")
    reply_as_teammate(conversation, agent, PROMISE)
    run_the_worker()
    DBTaskResult.objects.update(status=TaskResultStatus.READY)  # the task runs again
    run_the_worker()

    review = CoachReview.objects.get()
    assert review.overpromise is True
    warning = next(hint for hint in review.hints if hint["element"] == "overpromise")
    assert (warning["start"], warning["end"]) == (0, len(PROMISE))


@pytest.mark.django_db(transaction=True)
def test_a_reply_in_a_language_without_rules_is_stored_unjudged(workspace, agent):
    from concierge.contacts.services import create_contact

    lena = create_contact(workspace, external_id="lena", name="Lena", locale="de")
    conversation = start_conversation(workspace, contact=lena, body="Der Export schlägt fehl")
    reply_as_teammate(conversation, agent, "Ich verspreche, dass es morgen behoben ist.")
    run_the_worker()

    review = CoachReview.objects.get()
    assert review.judged is False and review.hints == []
    assert review.overpromise is None and review.tone == ""


def _reviewed(workspace, contact, teammate, body, *, rating=None, reopen=False):
    conversation = start_conversation(workspace, contact=contact, body="My export fails before my report")
    reply_as_teammate(conversation, teammate, body)
    close_conversation(conversation, teammate=teammate)
    if rating:
        rate_conversation(conversation, rating=rating)
    if reopen:
        reply_as_contact(conversation, "It still fails")
    return conversation


@pytest.mark.django_db(transaction=True)
def test_the_pages_figures_equal_the_conversations_behind_them(workspace, contact, owner, agent, client):
    create_team(workspace, name="Billing", members=[agent])
    good_one = _reviewed(workspace, contact, agent, GOOD_REPLY, rating=5)
    good_two = _reviewed(workspace, contact, owner, GOOD_REPLY, rating=4)
    promised = _reviewed(workspace, contact, agent, PROMISE, rating=2, reopen=True)
    unrated = _reviewed(workspace, contact, agent, PROMISE)
    reopen_conversation(unrated, teammate=agent)
    run_the_worker()

    now = timezone.now()
    figures = coach_figures(workspace, now - timedelta(days=30), now + timedelta(seconds=1))
    everyone = {figure.element: figure for figure in figures["workspace"].elements}
    overpromise = everyone["overpromise"]
    assert figures["workspace"].replies == 4
    assert (overpromise.present, overpromise.replies) == (2, 4)
    assert overpromise.conversations_with == 2 and overpromise.conversations_without == 2
    assert overpromise.rating_with == 2 and overpromise.rated_with == 1
    assert overpromise.rating_without == 4.5 and overpromise.rated_without == 2
    assert (overpromise.reopened_with, overpromise.reopened_without) == (2, 0)
    period = (now - timedelta(days=30), now + timedelta(seconds=1))
    behind = conversations_behind(workspace, *period, element="overpromise", present=True)
    assert sorted(c.pk for c in behind) == sorted([promised.pk, unrated.pk]) and len(behind) == 2
    without = conversations_behind(workspace, *period, element="overpromise", present=False)
    assert sorted(c.pk for c in without) == sorted([good_one.pk, good_two.pk])
    assert [c.rating for c in behind if c.rating] == [2]  # the mean rating with it: 2 of one rated

    by_teammate = {group.name: group for group in figures["teammates"]}
    assert by_teammate["Avery Agent"].replies == 3 and by_teammate["Olivia Owner"].replies == 1
    (billing,) = figures["teams"]
    assert billing.name == "Billing" and billing.replies == 3
    billing_reasoning = next(figure for figure in billing.elements if figure.element == "reasoning")
    assert billing_reasoning.present == 1
    by_team = conversations_behind(
        workspace, *period, element="reasoning", present=True, team_id=billing.team_id
    )
    assert [c.pk for c in by_team] == [good_one.pk]
    owners = conversations_behind(workspace, *period, element="restates", present=True, teammate_id=owner.pk)
    assert [c.pk for c in owners] == [good_two.pk]

    client.force_login(owner.user)
    page = client.get("/w/acme/coach/?days=30")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Reply coach" in text and "<svg" in text
    assert "2 of 4" in text  # overpromises, everyone
    assert 'class="coach-reopened-with">2 of <a' in text

    drill = client.get(
        f"/w/acme/coach/conversations/?days=30&element=overpromise&present=1&team={billing.team_id}"
    )
    assert drill.status_code == 200
    listed = drill.content.decode()
    assert "2 conversations" in listed
    assert f"/w/acme/inbox/{promised.pk}/" in listed and f"/w/acme/inbox/{unrated.pk}/" in listed
    assert f"/w/acme/inbox/{good_one.pk}/" not in listed


@pytest.mark.django_db
def test_the_drill_down_answers_bad_input(workspace, other_workspace, owner, client):
    client.force_login(owner.user)
    bad = client.get("/w/acme/coach/conversations/?days=2&element=charm&present=yes&team=x")
    other_team = create_team(other_workspace, name="Elsewhere")
    stranger = client.get(f"/w/acme/coach/conversations/?element=reasoning&present=1&team={other_team.pk}")

    assert bad.status_code == 400
    text = bad.content.decode()
    for message in (
        "The period must be one of 7, 30, 90, 365 days.",
        "The element must be one of restates, reasoning, resolution, overpromise.",
        "present must be 1 (with the element) or 0 (without it).",
        "team must be a number.",
    ):
        assert message in text
    assert stranger.status_code == 404


@pytest.mark.django_db
def test_the_page_refuses_a_period_it_does_not_offer(workspace, owner, client):
    client.force_login(owner.user)
    response = client.get("/w/acme/coach/?days=12")
    assert response.status_code == 400
    assert "The period must be one of 7, 30, 90, 365 days." in response.content.decode()


@pytest.mark.django_db
def test_another_workspaces_page_is_not_found(workspace, other_workspace, owner, client):
    client.force_login(owner.user)
    assert client.get(f"/w/{other_workspace.slug}/coach/").status_code == 404


@pytest.mark.django_db
def test_the_composers_hints_point_at_the_words(workspace, contact, owner, client):
    conversation = start_conversation(workspace, contact=contact, body="The export button does nothing")
    client.force_login(owner.user)

    response = client.post(f"/w/acme/inbox/{conversation.pk}/coach/", {"body": PROMISE})

    assert response.status_code == 200
    html = response.content.decode()
    escaped = PROMISE.replace("'", "&#x27;")
    assert (
        f'<mark class="coach-warning" title="Promises something support can&#x27;t guarantee (promise)">{escaped}</mark>'
        in html
    )
    assert "Try: " in html


@pytest.mark.django_db
def test_the_composers_hints_answer_bad_input(workspace, other_workspace, contact, owner, client):
    from concierge.contacts.services import create_contact

    conversation = start_conversation(workspace, contact=contact, body="Export fails")
    stranger = create_contact(other_workspace, external_id="s-1", name="Stranger")
    elsewhere = start_conversation(other_workspace, contact=stranger, body="Hello")
    client.force_login(owner.user)

    empty = client.post(f"/w/acme/inbox/{conversation.pk}/coach/", {"body": "  "})
    too_long = client.post(f"/w/acme/inbox/{conversation.pk}/coach/", {"body": "a" * 20_001})
    other = client.post(f"/w/acme/inbox/{elsewhere.pk}/coach/", {"body": PROMISE})
    missing = client.post("/w/acme/inbox/999999/coach/", {"body": PROMISE})
    read = client.get(f"/w/acme/inbox/{conversation.pk}/coach/")

    assert empty.status_code == 200 and "coach-hint" not in empty.content.decode()
    assert too_long.status_code == 400 and "longer than 20,000 characters" in too_long.content.decode()
    assert other.status_code == 404 and missing.status_code == 404
    assert read.status_code == 405


@pytest.mark.django_db
def test_an_owner_chooses_the_teams_voice_and_the_trail_records_it(workspace, contact, owner, client):
    from concierge.workspaces.models import AuditEntry

    conversation = start_conversation(workspace, contact=contact, body="What happens to archived boards?")
    formal = "Dear Mr. Sato, Please be advised that archived boards are retained. Yours sincerely, Support"
    client.force_login(owner.user)
    before = client.post(f"/w/acme/inbox/{conversation.pk}/coach/", {"body": formal}).content.decode()

    response = client.post("/w/acme/coach/voice/", {"voice": "formal"})

    assert response.status_code == 302
    entry = AuditEntry.objects.get(workspace=workspace, action="coach.voice_changed")
    assert entry.changes == {"voice": ["casual", "formal"]} and entry.actor_teammate == owner
    after = client.post(f"/w/acme/inbox/{conversation.pk}/coach/", {"body": formal}).content.decode()
    assert 'data-element="tone"' in before and 'data-element="tone"' not in after
    assert "towards a <strong>formal</strong> tone" in client.get("/w/acme/coach/").content.decode()


@pytest.mark.django_db
def test_a_voice_the_coach_does_not_know_is_refused_and_agents_may_not_choose(
    workspace, owner, agent, client
):
    from concierge.workspaces.models import AuditEntry

    client.force_login(owner.user)
    refused = client.post("/w/acme/coach/voice/", {"voice": "pirate"})
    client.force_login(agent.user)
    forbidden = client.post("/w/acme/coach/voice/", {"voice": "formal"})

    assert refused.status_code == 400
    assert "The voice must be one of casual, formal." in refused.content.decode()
    assert forbidden.status_code == 403
    assert not AuditEntry.objects.filter(action="coach.voice_changed").exists()
    assert 'name="voice"' not in client.get("/w/acme/coach/").content.decode()  # no form for an agent
