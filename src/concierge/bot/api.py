"""The bot's API: trying a question with the workspace's articles and settings (API key), and the
customer's two buttons under an automated answer (the messenger's contact)."""

from ninja import Router

from concierge.bot import selectors, services
from concierge.bot.engine import verdict_as_json
from concierge.bot.models import BotQuestion
from concierge.bot.schemas import BotAnswerOut, FeedbackIn, PreviewIn, VerdictOut
from concierge.contacts.auth import MessengerContact
from concierge.core.errors import NotFound
from concierge.core.schemas import ObjectId

router = Router(tags=["automated answers"])
messenger_router = Router(auth=MessengerContact(), tags=["messenger"])


@router.post(
    "/answers/preview",
    response=VerdictOut,
    summary="What the bot would answer to a question: the same engine and settings as the messenger",
)
def preview(request, payload: PreviewIn):
    return verdict_as_json(selectors.ask(request.workspace, payload.question, payload.locale))


def _delivered_answer(request, conversation_id: int) -> BotQuestion:
    question = selectors.question_of_contact(request.workspace, request.contact, conversation_id)
    if not question.delivered:
        raise NotFound(f"No automated answer in conversation {conversation_id} for this contact.")
    return question


@messenger_router.get(
    "/conversations/{conversation_id}/bot-answer",
    response=BotAnswerOut,
    summary="The automated answer in one of the contact's conversations, and what they may still press",
)
def bot_answer(request, conversation_id: ObjectId):
    return _delivered_answer(request, conversation_id)


@messenger_router.post(
    "/conversations/{conversation_id}/bot-feedback",
    response=BotAnswerOut,
    summary="'That helped' (helped: true, closes it) or 'Talk to a person' (helped: false, the team)",
)
def bot_feedback(request, conversation_id: ObjectId, payload: FeedbackIn):
    question = _delivered_answer(request, conversation_id)
    return services.record_feedback(question, helped=payload.helped)
