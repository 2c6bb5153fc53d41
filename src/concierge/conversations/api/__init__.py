"""The conversations app's routers: the inbox and tags (API keys) and the messenger (contacts)."""

from concierge.conversations.api.inbox import router
from concierge.conversations.api.messenger import router as messenger_router
from concierge.conversations.api.tags import router as tags_router

__all__ = ["messenger_router", "router", "tags_router"]
