from typing import Literal

from ninja import Field, Schema

from concierge.core.schemas import Text


class PreviewIn(Schema):
    question: Text = Field(description="The words a customer would write (at most 2,000 characters).")
    locale: Text | None = Field(
        None, description="The customer's language; the workspace's default if left out."
    )


class AnswerOut(Schema):
    article: str = Field(description="The article's slug.")
    section: str | None = Field(description="The answering section's heading; null for the article's lead.")
    confidence: float = Field(ge=0.0, le=1.0)


class VerdictOut(Schema):
    answer: AnswerOut | None = Field(description="The confident answer, or null.")
    suggestions: list[str] = Field(description="Up to three article slugs worth suggesting.")


class FeedbackIn(Schema):
    helped: bool = Field(description="true: 'That helped' (closes it); false: 'Talk to a person' (the team).")


class BotAnswerOut(Schema):
    conversation_id: int
    verdict: Literal["answered", "suggested"]
    article: str | None
    section: str | None
    suggestions: list[str]
    outcome: Literal["pending", "confirmed", "assumed", "handed_over"]
    buttons: list[str] = Field(description="What the customer may still press: empty once decided.")
    conversation_state: Literal["open", "closed"]

    @staticmethod
    def resolve_conversation_id(question) -> int:
        return question.conversation_id

    @staticmethod
    def resolve_article(question) -> str | None:
        return question.article or None

    @staticmethod
    def resolve_buttons(question) -> list[str]:
        return ["helped", "talk_to_person"] if question.outcome == "pending" else []

    @staticmethod
    def resolve_conversation_state(question) -> str:
        return "closed" if question.conversation.state == "closed" else "open"
