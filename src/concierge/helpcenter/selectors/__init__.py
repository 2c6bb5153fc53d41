"""Reads of the help center, always scoped to a workspace: the teammates' lists (articles), what
the public help center shows (public), and the figures teammates read (figures)."""
