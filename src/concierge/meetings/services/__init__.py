"""Writes for 1:1 sessions, one module per sub-domain: session types, availability, booking,
emails and reminders, preparation, outcomes, follow-ups and feedback."""
