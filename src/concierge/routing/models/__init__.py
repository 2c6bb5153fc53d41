"""Routing's tables, one module per concern: rules and assignment (rules, assignment), the
support-day rotation (rotation), office hours and service levels (hours). Each module's models are
imported here so Django finds them."""
