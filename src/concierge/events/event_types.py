"""The support log's event types the log's own services write (not the import format's: types.py)."""

# Concierge('track', 'event-name', {data}) on the customer's site, or the API: data {"name": ..., "data": {...}}.
CONTACT_TRACKED = "contact.tracked"
