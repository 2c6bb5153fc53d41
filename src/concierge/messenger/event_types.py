"""The support log's event types the messenger writes (the product's own, not the import format's)."""

# Concierge('track', 'event-name', {data}) on the customer's site: data {"name": ..., "data": {...}}.
CONTACT_TRACKED = "contact.tracked"
