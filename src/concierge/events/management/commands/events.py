"""`concierge events import FILE --workspace SLUG [--skip-bad-lines]`: import a support log."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from concierge.core.db import waiting_for_a_busy_database
from concierge.core.errors import ServiceError
from concierge.events.services.importing import ImportSummary, import_log_file
from concierge.workspaces.selectors import workspace_by_slug


class Command(BaseCommand):
    help = "The support event log (JSON Lines, see the events spec)."
    # The project's system checks load every URL module (most of a second); an import needs none.
    requires_system_checks = []

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        importing = actions.add_parser(
            "import",
            help="import a JSON Lines file (or - for standard input)",
            description="Import a JSON Lines support log. Without --skip-bad-lines a file with any bad "
            "line is rejected whole and nothing is written. Events whose id is already in the log are "
            "skipped, so a file can be imported twice safely.",
        )
        importing.add_argument("file", help="the file to import, or - for standard input")
        importing.add_argument("--workspace", required=True, help="the workspace's slug")
        importing.add_argument(
            "--skip-bad-lines", action="store_true", help="take every good line and report each bad one"
        )

    def handle(self, *args, action: str, **options):
        if action == "import":
            with waiting_for_a_busy_database(settings.LONG_WRITE_WAIT_SECONDS):
                self.import_file(options["file"], options["workspace"], options["skip_bad_lines"])

    def import_file(self, path: str, slug: str, skip_bad_lines: bool) -> None:
        try:
            workspace = workspace_by_slug(slug)
        except ServiceError as exc:
            raise CommandError(f"{exc.message} Nothing was imported.") from exc
        if path != "-" and not os.path.isfile(path):
            raise CommandError(f"Cannot read {path}: no such file. Nothing was imported.")
        if path != "-" and not os.access(path, os.R_OK):
            raise CommandError(f"Cannot read {path}: permission denied. Nothing was imported.")
        size = None if path == "-" else os.path.getsize(path)
        progress = Progress(
            SpinnerColumn(),
            TextColumn("[bold]Importing[/bold] {task.description}"),
            BarColumn(),
            DownloadColumn(),
            TextColumn("{task.fields[events]:,} events"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
        )
        task = progress.add_task(
            "standard input" if path == "-" else os.path.basename(path), total=size, events=0
        )

        def on_batch(summary: ImportSummary) -> None:
            progress.update(task, completed=summary.bytes_read, events=summary.events_taken)

        with progress:
            summary = import_log_file(workspace, path, skip_bad_lines=skip_bad_lines, on_batch=on_batch)
        self.report(summary, workspace.slug, skip_bad_lines)

    def report(self, summary: ImportSummary, slug: str, skip_bad_lines: bool) -> None:
        for number, reason in summary.bad_lines:
            self.stderr.write(f"line {number}: {reason}")
        if summary.bad_line_count > len(summary.bad_lines):
            self.stderr.write(f"… and {summary.bad_line_count - len(summary.bad_lines):,} more bad lines")
        if summary.rejected:
            raise CommandError(
                f"Rejected: {summary.bad_line_count:,} bad line(s) in {summary.lines_read:,}; nothing was "
                "imported. Fix them, or run again with --skip-bad-lines to take the good lines."
            )
        self.stdout.write(
            f"Imported into '{slug}': {summary.events_taken:,} events taken, "
            f"{summary.duplicates_skipped:,} duplicates skipped, {summary.records_applied:,} records applied, "
            f"{summary.bad_line_count:,} bad lines{' skipped' if summary.bad_line_count else ''} "
            f"({summary.lines_read:,} lines read)."
        )
