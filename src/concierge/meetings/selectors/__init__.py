"""Reads for 1:1 sessions, always scoped to a workspace: slots, bookings, session types, reports."""
