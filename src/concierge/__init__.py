"""Concierge: an open-source, self-hosted conversational support platform."""
