"""The support log's event types about contacts (the product's own, not the import format's)."""

CONTACT_MERGED = "contact.merged"
