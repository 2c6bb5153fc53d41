"""`concierge mail listen [--host 127.0.0.1] [--port 2525]`: the SMTP listener for the workspaces'
support addresses (docs/mail.md)."""

import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from concierge.mail.listener import start_listener


class Command(BaseCommand):
    help = "The email channel: `mail listen` accepts mail for the workspaces' support addresses over SMTP."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        listen = actions.add_parser("listen", help="run the SMTP listener (aiosmtpd) until stopped")
        listen.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
        listen.add_argument(
            "--port", type=int, default=None, help="port to listen on (default: $SMTP_PORT, else 2525)"
        )

    def handle(self, *args, action: str, **options):
        port = settings.SMTP_PORT if options["port"] is None else options["port"]
        if not 0 < port < 65536:
            raise CommandError(f"--port must be a number from 1 to 65535, not {port}.")
        try:
            controller = start_listener(options["host"], port)
        except OSError as error:
            raise CommandError(f"Cannot listen on {options['host']}:{port}: {error}") from error
        self.stdout.write(
            f"Concierge is accepting mail at smtp://{options['host']}:{port} "
            f"(messages up to {settings.MAIL_MAX_MESSAGE_BYTES} bytes; Ctrl+C stops it)"
        )
        self.stdout.flush()
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
