"""Routing's writes, one module per concern: rules (services.rules), assignment
(services.assignment), the rotation and office hours (their own modules)."""
