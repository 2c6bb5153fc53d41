"""The bot answers a new conversation, is confirmed or assumed resolved, hands over, and a customer who
writes again takes it back from the bot — each counted by the funnel report as the spec defines it."""

from datetime import timedelta

from django.utils import timezone

from concierge.bot import services
from concierge.bot.models import BotQuestion
from concierge.bot.selectors import bot_figures
from concierge.contacts.services import create_contact
from concierge.conversations import services as conversations
from concierge.conversations.models import Conversation, Part
from concierge.events.models import Event
from concierge.reports.selectors import support_report

QUESTION = "How do I export my contacts to CSV?"
UNANSWERABLE = "Can I get a discount for a nonprofit organisation?"


def today(workspace):
    return timezone.localdate(timezone.now(), timezone=_zone(workspace))


def _zone(workspace):
    from zoneinfo import ZoneInfo

    return ZoneInfo(workspace.timezone)


def report_of(workspace):
    day = today(workspace)
    return support_report(workspace, day - timedelta(days=1), day + timedelta(days=1))["current"]


def bot_part(conversation) -> Part:
    return conversation.parts.get(kind=Part.Kind.BOT_ANSWER)


def started_and_answered(workspace, contact, run_tasks, body=QUESTION) -> Conversation:
    conversation = conversations.start_conversation(workspace, contact=contact, body=body)
    run_tasks()
    conversation.refresh_from_db()
    return conversation


def test_end_to_end_through_the_messenger_that_helped_closes_it_by_the_bot(
    workspace, contact, articles, signed_in_customer, run_tasks
):
    started = signed_in_customer.post("/messenger/conversations", {"body": QUESTION})
    assert started.status_code == 201, started.content
    conversation_id = started.json()["id"]
    assert run_tasks() == ["done"]  # the bot's reaction to the conversation starting

    shown = signed_in_customer.get(f"/messenger/conversations/{conversation_id}").json()
    answer = shown["parts"][-1]
    assert (answer["kind"], answer["author"]) == ("bot_answer", "bot")
    assert answer["buttons"] == ["helped", "talk_to_person"]
    assert "Exporting your contacts" in answer["html"]
    assert f"/help/{workspace.slug}/en/articles/export-contacts/" in answer["html"]
    assert "Did that help?" in answer["text"]
    part = Part.objects.get(pk=answer["id"])
    assert part.data["article"] == "export-contacts"
    assert 0.0 <= part.data["confidence"] <= 1.0

    pressed = signed_in_customer.post(
        f"/messenger/conversations/{conversation_id}/bot-feedback", {"helped": True}
    )
    assert pressed.status_code == 200, pressed.content
    assert pressed.json()["outcome"] == "confirmed"
    assert pressed.json()["buttons"] == []
    conversation = Conversation.objects.get(pk=conversation_id)
    assert conversation.state == "closed"
    assert Event.objects.filter(workspace=workspace, type="conversation.closed", data__by="bot").count() == 1
    assert Event.objects.filter(workspace=workspace, type="bot.answered").count() == 1
    closing = conversation.parts.filter(kind="state").last()
    assert closing.data["reason"] == "Confirmed: the customer said it helped"

    current = report_of(workspace)
    assert current["sessions"]["self_serve_resolved"] == 1
    assert current["rates"]["automated_resolution"] == 1.0
    figures = bot_figures(workspace, today(workspace), today(workspace))
    assert (figures.answered, figures.confirmed, figures.assumed, figures.resolution_rate) == (1, 1, 0, 1.0)

    # The same button again changes nothing; the other one is refused with a reason.
    again = signed_in_customer.post(
        f"/messenger/conversations/{conversation_id}/bot-feedback", {"helped": True}
    )
    assert again.status_code == 200
    other = signed_in_customer.post(
        f"/messenger/conversations/{conversation_id}/bot-feedback", {"helped": False}
    )
    assert other.status_code == 409
    assert "already said the answer helped" in other.json()["detail"]


def test_a_quiet_hour_is_assumed_resolved_and_closed_by_the_bot(workspace, contact, articles, run_tasks):
    conversation = started_and_answered(workspace, contact, run_tasks)
    question = BotQuestion.objects.get(conversation=conversation)
    assert question.outcome == "pending"
    assert run_tasks() == []  # not due yet: the check waits for the hour
    assert run_tasks(until=question.asked_at + timedelta(minutes=60)) == ["closed"]
    conversation.refresh_from_db()
    assert conversation.state == "closed"
    assert conversation.closed_at == question.asked_at + timedelta(minutes=60)
    assert (
        "Assumed resolved after 60 minutes" in conversation.parts.filter(kind="state").last().data["reason"]
    )
    # Safe to run twice.
    assert services.assume_resolved(question.pk, due=question.asked_at + timedelta(minutes=60)) is False

    current = report_of(workspace)
    assert current["sessions"]["self_serve_resolved"] == 1
    assert current["rates"]["automated_resolution"] == 1.0
    figures = bot_figures(workspace, today(workspace), today(workspace))
    assert (figures.confirmed, figures.assumed, figures.resolved) == (0, 1, 1)


def test_the_assumed_check_follows_the_workspaces_setting(workspace, contact, articles, run_tasks):
    services.save_bot_settings(workspace, assume_resolved_after_minutes=15)
    conversation = started_and_answered(workspace, contact, run_tasks)
    question = BotQuestion.objects.get(conversation=conversation)
    assert run_tasks(until=question.asked_at + timedelta(minutes=15)) == ["closed"]
    conversation.refresh_from_db()
    assert conversation.closed_at == question.asked_at + timedelta(minutes=15)


def test_talk_to_a_person_hands_it_over_at_once(workspace, contact, articles, signed_in_customer, run_tasks):
    conversation = started_and_answered(workspace, contact, run_tasks)
    pressed = signed_in_customer.post(
        f"/messenger/conversations/{conversation.pk}/bot-feedback", {"helped": False}
    )
    assert pressed.status_code == 200, pressed.content
    assert pressed.json()["outcome"] == "handed_over"
    conversation.refresh_from_db()
    assert conversation.state == "open"
    assert conversation.assignee is None
    handover = conversation.parts.filter(kind="state").last()
    assert handover.data == {"state": "open", "handover": True, "reason": "the customer asked for a person"}
    assert bot_part(conversation).body  # the bot's answer stays for the teammate to read
    assert Event.objects.filter(workspace=workspace, type="conversation.handed_over").count() == 1
    # The assumed check no longer applies.
    question = BotQuestion.objects.get(conversation=conversation)
    assert run_tasks(until=question.asked_at + timedelta(hours=2)) == ["nothing to do"]
    conversation.refresh_from_db()
    assert conversation.state == "open"

    current = report_of(workspace)
    assert current["sessions"]["self_serve_resolved"] == 0
    assert current["sessions"]["human_after_self_serve"] == 1
    assert current["rates"]["automated_resolution"] == 0.0
    figures = bot_figures(workspace, today(workspace), today(workspace))
    assert (figures.answered, figures.handed_over, figures.resolved) == (1, 1, 0)


def test_writing_again_after_a_bot_close_reopens_it_for_a_person(workspace, contact, articles, run_tasks):
    conversation = started_and_answered(workspace, contact, run_tasks)
    question = BotQuestion.objects.get(conversation=conversation)
    services.record_feedback(question, helped=True)
    assert report_of(workspace)["sessions"]["self_serve_resolved"] == 1

    conversations.reply_as_contact(conversation, "Actually the CSV file is empty")
    run_tasks()
    conversation.refresh_from_db()
    assert conversation.state == "open"
    assert conversation.parts.filter(kind=Part.Kind.BOT_ANSWER).count() == 1  # the bot does not answer again
    question.refresh_from_db()
    assert question.reopened_at is not None

    current = report_of(workspace)
    assert current["sessions"]["self_serve_resolved"] == 0
    assert current["sessions"]["human_after_self_serve"] == 1
    assert current["rates"]["automated_resolution"] == 0.0
    figures = bot_figures(workspace, today(workspace), today(workspace))
    assert (figures.answered, figures.confirmed, figures.reopened, figures.resolved) == (1, 0, 1, 0)


def test_writing_before_pressing_a_button_goes_to_the_team(workspace, contact, articles, run_tasks):
    conversation = started_and_answered(workspace, contact, run_tasks)
    question = BotQuestion.objects.get(conversation=conversation)
    conversations.reply_as_contact(conversation, "That is not what I asked")
    assert run_tasks(until=question.asked_at + timedelta(hours=2)) == ["nothing to do"]
    question.refresh_from_db()
    assert (question.outcome, question.handover_reason) == ("handed_over", "the customer wrote again")
    conversation.refresh_from_db()
    assert conversation.state == "open"


def test_a_teammates_reply_stops_the_assumed_close(workspace, contact, agent, articles, run_tasks):
    conversation = started_and_answered(workspace, contact, run_tasks)
    question = BotQuestion.objects.get(conversation=conversation)
    conversations.reply_as_teammate(conversation, agent, "Let me check that for you")
    results = run_tasks(until=question.asked_at + timedelta(hours=2))
    # The bot's check does nothing; other apps' reactions to the reply (the coach, email) run too.
    assert "nothing to do" in results and set(results) <= {"nothing to do", "done"}
    conversation.refresh_from_db()
    assert conversation.state == "open"


def test_not_confident_is_silent_and_recorded_as_unanswered(workspace, contact, articles, run_tasks):
    conversation = started_and_answered(workspace, contact, run_tasks, body=UNANSWERABLE)
    assert not conversation.parts.filter(kind=Part.Kind.BOT_ANSWER).exists()
    assert not conversation.bot_answered
    question = BotQuestion.objects.get(conversation=conversation)
    assert (question.verdict, question.outcome, question.question) == ("unanswered", "none", UNANSWERABLE)
    assert not Event.objects.filter(workspace=workspace, type="bot.answered").exists()
    assert bot_figures(workspace, today(workspace), today(workspace)).unanswered == 1


def test_a_language_without_articles_is_silent(workspace, articles, run_tasks):
    german = create_contact(workspace, external_id="de-1", email="dora@kunde.test", locale="de")
    conversation = started_and_answered(
        workspace, german, run_tasks, body="Wie exportiere ich meine Kontakte?"
    )
    assert not conversation.parts.filter(kind=Part.Kind.BOT_ANSWER).exists()
    assert BotQuestion.objects.get(conversation=conversation).locale == "de"


def test_suggestions_only_offer_articles_and_count_as_an_automated_answer(
    workspace, contact, articles, run_tasks
):
    # An answer threshold no answer reaches: the bot can only suggest.
    services.save_bot_settings(workspace, answer_threshold=1.0, suggest_threshold=0.0)
    conversation = started_and_answered(
        workspace, contact, run_tasks, body="export contacts csv invoice password"
    )
    question = BotQuestion.objects.get(conversation=conversation)
    assert question.verdict == "suggested"
    assert 1 <= len(question.suggestions) <= 3
    part = bot_part(conversation)
    assert "These articles may answer your question" in part.body
    assert part.data["buttons"] == ["helped", "talk_to_person"]
    assert Event.objects.filter(workspace=workspace, type="bot.answered").count() == 1


def test_the_bot_stays_out_when_disabled_or_on_a_channel_it_does_not_answer(
    workspace, contact, articles, run_tasks
):
    services.save_bot_settings(workspace, enabled=False)
    conversation = started_and_answered(workspace, contact, run_tasks)
    assert not BotQuestion.objects.filter(conversation=conversation).exists()

    services.save_bot_settings(workspace, enabled=True, channels=["api"])
    conversation = started_and_answered(workspace, contact, run_tasks)  # the messenger
    assert not BotQuestion.objects.filter(conversation=conversation).exists()
    on_api = conversations.start_conversation(workspace, contact=contact, body=QUESTION, channel="api")
    run_tasks()
    assert BotQuestion.objects.get(conversation=on_api).verdict == "answered"


def test_a_conversation_a_teammate_started_is_not_answered(workspace, contact, agent, articles, run_tasks):
    conversation = conversations.start_conversation(workspace, contact=contact, teammate=agent, body=QUESTION)
    run_tasks()
    assert not BotQuestion.objects.filter(conversation=conversation).exists()


def test_answering_twice_does_nothing_the_second_time(workspace, contact, articles, run_tasks):
    conversation = started_and_answered(workspace, contact, run_tasks)
    assert services.answer_conversation(conversation) is None
    assert conversation.parts.filter(kind=Part.Kind.BOT_ANSWER).count() == 1


def test_the_inbox_shows_the_answer_and_its_outcome(client, workspace, owner, contact, articles, run_tasks):
    conversation = started_and_answered(workspace, contact, run_tasks)
    services.record_feedback(BotQuestion.objects.get(conversation=conversation), helped=True)
    client.force_login(owner.user)
    page = client.get(f"/w/{workspace.slug}/inbox/{conversation.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Automated answer" in text
    assert "Confirmed: the customer said it helped" in text
    assert "Offered to the customer: “That helped” · “Talk to a person”" in text
