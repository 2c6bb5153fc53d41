"""Bring the database schema up to date, with a progress bar when there is work to do."""

import io

from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn


def pending_migration_count() -> int:
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


class _MigrationProgressStream(io.StringIO):
    """Stands in for migrate's output and advances the bar on each migration it reports applied."""

    def __init__(self, progress: Progress, task_id):
        super().__init__()
        self.progress = progress
        self.task_id = task_id

    def write(self, text: str) -> int:
        for line in text.splitlines():
            if line.strip().startswith("Applying "):
                name = line.strip().removeprefix("Applying ").rstrip(".")
                self.progress.update(self.task_id, description=f"Migrating {name}")
            elif line.strip().endswith("OK"):
                self.progress.advance(self.task_id)
        return super().write(text)


def migrate_with_progress(console: Console | None = None) -> int:
    """Apply every pending migration; returns how many were applied."""
    console = console or Console(stderr=True)
    pending = pending_migration_count()
    if not pending:
        return 0
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task_id = progress.add_task("Migrating the database", total=pending)
        call_command(
            "migrate", interactive=False, verbosity=1, stdout=_MigrationProgressStream(progress, task_id)
        )
    console.print(f"Database ready ({pending} migrations applied).")
    return pending
