"""`concierge createworkspace`: a new workspace with its owner."""

import getpass
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from concierge.core.errors import ServiceError
from concierge.workspaces.selectors import teammates
from concierge.workspaces.services import Actor, create_workspace


def stdin_is_a_terminal() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def ask_for_new_password() -> str:
    """Ask twice without echo; only called when a person sits at a terminal."""
    first = getpass.getpass("Owner password: ")
    second = getpass.getpass("Owner password (again): ")
    if first != second:
        raise CommandError("The two passwords differ; nothing was created.")
    return first


class Command(BaseCommand):
    help = "Create a workspace and its owner (asks for the owner's password when it is not given)."
    # Django's system checks build the whole URL map (half of the command's time); it needs none.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="the workspace's name, e.g. 'Acme'")
        parser.add_argument(
            "--slug", required=True, help="short name in URLs: lowercase letters, digits, '-'"
        )
        parser.add_argument(
            "--timezone", required=True, help="IANA zone that defines its days, e.g. 'Europe/Paris'"
        )
        parser.add_argument("--owner-email", required=True, help="the owner's email, used to sign in")
        parser.add_argument("--owner-password", help="the owner's password (asked for when left out)")
        parser.add_argument("--owner-name", default="", help="the owner's name (default: from the email)")
        parser.add_argument("--locale", default="en", help="the workspace's default locale (default: en)")

    def handle(self, *args, **options):
        password = options["owner_password"]
        if password is None:
            if not stdin_is_a_terminal():
                raise CommandError(
                    "No --owner-password given and no terminal to ask for one: "
                    "pass --owner-password (nothing was created)."
                )
            password = ask_for_new_password()
        try:
            workspace = create_workspace(
                name=options["name"],
                slug=options["slug"],
                timezone_name=options["timezone"],
                owner_email=options["owner_email"],
                owner_password=password,
                owner_name=options["owner_name"],
                locale=options["locale"],
                actor=Actor.for_command("createworkspace"),
            )
        except ServiceError as exc:
            raise CommandError(f"{exc.message} Nothing was created.") from exc
        owner = teammates(workspace).get(role="owner")
        self.stdout.write(
            f"Created workspace '{workspace.name}' ({workspace.slug}, {workspace.timezone}) "
            f"owned by {owner.email}.\nSign in at {settings.PUBLIC_URL}/login/"
        )
