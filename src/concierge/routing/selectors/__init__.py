"""Routing's reads, one module per concern; each takes the workspace (or one of its rows) first."""
