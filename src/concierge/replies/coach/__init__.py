"""The reply coach: `coach_reply(customer_messages, reply, locale, voice=...)` -> CoachReport."""

from concierge.replies.coach.engine import CoachReport, Hint, coach_reply

__all__ = ["CoachReport", "Hint", "coach_reply"]
