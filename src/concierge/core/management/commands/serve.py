"""`concierge serve`: migrate, then serve Concierge (gunicorn with uvicorn workers: ASGI) on 127.0.0.1:$PORT."""

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from concierge.core.management.migrating import migrate_with_progress
from concierge.core.management.production_server import (
    default_worker_count,
    follow_the_served_address,
    port_from_environment,
    run_production_server,
)


def add_server_arguments(parser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (default: $PORT, else 8000)")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="web processes (default: $WEB_CONCURRENCY, else 2 per core + 1)",
    )
    parser.add_argument("--threads", type=int, default=4, help="threads per web process (default: 4)")
    parser.add_argument(
        "--no-migrate",
        action="store_true",
        help="skip applying migrations first (run `concierge migrate` yourself)",
    )
    parser.add_argument(
        "--with-worker", action="store_true", help="also run `concierge worker` (background tasks) beside it"
    )


def serve_from_options(options: dict, *, console: Console, on_ready=None) -> None:
    """The one code path both `serve` and `demo --serve` take."""
    try:
        port = options["port"] or port_from_environment()
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    if not 0 < port < 65536:
        raise CommandError(f"--port must be a number from 1 to 65535, not {port}.")
    workers = default_worker_count() if options["workers"] is None else options["workers"]
    if workers < 1 or options["threads"] < 1:
        raise CommandError("--workers and --threads must be at least 1.")
    if not options["no_migrate"]:
        migrate_with_progress(console)
    follow_the_served_address(options["host"], port)

    def announce():
        console.print(
            f"Concierge is serving at [bold]http://{options['host']}:{port}/[/bold] (Ctrl+C stops it)"
        )
        if on_ready is not None:
            on_ready()

    run_production_server(
        host=options["host"],
        port=port,
        workers=workers,
        threads=options["threads"],
        with_worker=options["with_worker"],
        on_ready=announce,
    )


class Command(BaseCommand):
    help = "Apply migrations, then serve Concierge (gunicorn with uvicorn workers, ASGI: pages, API and live streams) on 127.0.0.1:$PORT."

    def add_arguments(self, parser):
        add_server_arguments(parser)

    def handle(self, *args, **options):
        serve_from_options(options, console=Console(stderr=True))
