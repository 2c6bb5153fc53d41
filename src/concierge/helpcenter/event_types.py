"""The support log's event types only the help center writes (its audit trail: not part of the
import format, and left out of the funnel report). The funnel's own (help_center.visited,
article.searched, article.viewed) are the import format's: concierge.events.types."""

ARTICLE_REACTED = "article.reacted"
