"""Replies' fixtures: a mailbox and the worker, for saved replies sent in email conversations."""

from tests.mail.conftest import run_tasks, support  # noqa: F401
