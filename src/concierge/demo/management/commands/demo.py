"""`concierge demo [--serve]`: the database, the demo workspace "Acme", and (with --serve) the server."""

import os
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from concierge.core.management.commands.serve import add_server_arguments, serve_from_options
from concierge.core.management.migrating import migrate_with_progress
from concierge.core.management.production_server import follow_the_served_address, port_from_environment
from concierge.demo.seed import DEMO_MAILBOX, DEMO_OWNER_EMAIL, DEMO_PASSWORD, DEMO_SLUG, seed_demo_workspace
from concierge.demo.site import DemoSite, allow_the_demo_site, demo_site_pages, demo_site_port, site_origin
from concierge.workspaces.selectors import workspace_by_slug

FILE_MAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


def send_demo_mail_to_files() -> str | None:
    """Without a mail server configured (no EMAIL_HOST), the demo writes its mail into var/mail.

    Returns the folder, or None when a mail server or backend was configured. The environment is set
    too, so the background worker the demo starts writes mail to the same folder.
    """
    if os.environ.get("EMAIL_HOST") or os.environ.get("EMAIL_BACKEND"):
        return None
    folder = str(settings.VAR_DIR / "mail")
    os.environ["EMAIL_BACKEND"] = FILE_MAIL_BACKEND
    os.environ["EMAIL_FILE_PATH"] = folder
    settings.EMAIL_BACKEND = FILE_MAIL_BACKEND
    settings.EMAIL_FILE_PATH = folder
    return folder


def start_mail_listener(host: str, port: int) -> subprocess.Popen:
    """`concierge mail listen` beside the server, so mail sent to the demo's address arrives."""
    return subprocess.Popen(
        [sys.executable, "-m", "concierge.cli", "mail", "listen", "--host", host, "--port", str(port)],
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
    )


class Command(BaseCommand):
    help = "Set up the database with the demo workspace 'Acme' (once) and print how to sign in; --serve also serves it."

    def add_arguments(self, parser):
        parser.add_argument(
            "--serve", action="store_true", help="then serve it, as `concierge serve --with-worker`"
        )
        parser.add_argument("--contacts", type=int, default=300, help="contacts to create (default: 300)")
        parser.add_argument(
            "--conversations", type=int, default=400, help="conversations to create (default: 400)"
        )
        parser.add_argument("--sessions", type=int, default=40, help="1:1 sessions to book (default: 40)")
        parser.add_argument(
            "--seed", type=int, default=2024, help="random seed; the same seed gives the same data"
        )
        add_server_arguments(parser)

    def handle(self, *args, **options):
        console = Console(stderr=True)
        if options["contacts"] < 1 or options["conversations"] < 0 or options["sessions"] < 0:
            raise CommandError("--contacts must be at least 1, --conversations and --sessions at least 0.")
        try:
            port = options["port"] or port_from_environment()
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        address = f"http://{options['host']}:{port}/"
        smtp_port = settings.SMTP_PORT
        site_port = None
        if options["serve"]:
            try:
                site_port = demo_site_port(port)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            # The links the seeded sessions' emails carry name the address it will serve at (unless
            # PUBLIC_URL says otherwise); without --serve they follow $PORT (settings.PUBLIC_URL).
            follow_the_served_address(options["host"], port)
        mail_folder = send_demo_mail_to_files()
        migrate_with_progress(console)
        self.seed(console, options)
        site = None
        if site_port is not None:
            site = self.start_site(options["host"], site_port, settings.PUBLIC_URL + "/")

        def print_sign_in():
            console.print(f"\n  Concierge demo:  [bold]{address}[/bold]")
            console.print(
                f"  Sign in as:      [bold]{DEMO_OWNER_EMAIL}[/bold]  password  [bold]{DEMO_PASSWORD}[/bold]"
            )
            if options["serve"]:
                console.print(
                    f"  Mail in:         [bold]smtp://{options['host']}:{smtp_port}[/bold] to {DEMO_MAILBOX} "
                    f"(e.g. swaks --server {options['host']}:{smtp_port} --to {DEMO_MAILBOX})"
                )
            if site is not None:
                site_address = site_origin(options["host"], site.port)
                console.print(
                    f"  Product site:    [bold]{site_address}/[/bold] (the messenger as a customer; "
                    f"{site_address}/?visitor as an anonymous visitor)"
                )
            if mail_folder:
                console.print(f"  Mail it sends:   written to {mail_folder} (set EMAIL_HOST to send it)")
            console.print()

        if not options["serve"]:
            print_sign_in()
            console.print("Start it with `concierge demo --serve` (or `concierge serve`).")
            return
        options.update(with_worker=True, no_migrate=True)  # migrated above
        listener = start_mail_listener(options["host"], smtp_port)
        try:
            serve_from_options(options, console=console, on_ready=print_sign_in)
        finally:
            listener.terminate()
            listener.wait(timeout=15)
            site.stop()

    @staticmethod
    def start_site(host: str, port: int, concierge_address: str) -> DemoSite:
        """The demo's product site with the messenger embedded (demo/site.py), allowed to embed it."""
        try:
            site = DemoSite(host=host, port=port)
        except OSError as exc:
            raise CommandError(
                f"The demo's product site cannot listen on {host}:{port} ({exc.strerror or exc}); "
                "set DEMO_SITE_PORT to a free port."
            ) from exc
        workspace = allow_the_demo_site(workspace_by_slug(DEMO_SLUG), site_origin(host, site.port))
        return site.start(demo_site_pages(workspace, concierge_address))

    def seed(self, console: Console, options: dict) -> None:
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=True) as progress:
            task_id = progress.add_task("Seeding the demo workspace", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task_id, completed=done, total=total)

            result = seed_demo_workspace(
                contacts=options["contacts"],
                conversations=options["conversations"],
                sessions=options["sessions"],
                seed=options["seed"],
                on_progress=advance,
            )
        if result.created:
            console.print(
                f"Demo workspace '{result.workspace.name}' seeded: {result.contacts} contacts, "
                f"{result.conversations} conversations and {result.sessions} 1:1 sessions over the last 60 days."
            )
        else:
            console.print(f"Demo workspace '{result.workspace.name}' is already there; nothing added.")
