"""`concierge createapikey`: a server-to-server API key for a workspace, printed once."""

from django.core.management.base import BaseCommand, CommandError

from concierge.core.errors import ServiceError
from concierge.workspaces.selectors import workspace_by_slug
from concierge.workspaces.services import Actor, create_api_key


class Command(BaseCommand):
    help = "Create an API key for a workspace. The key is printed once (on standard output) and never again."
    # Django's system checks build the whole URL map (half of the command's time); it needs none.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--workspace", required=True, help="the workspace's slug")
        parser.add_argument("--name", default="API key", help="what the key is for, e.g. 'CRM sync'")

    def handle(self, *args, **options):
        try:
            workspace = workspace_by_slug(options["workspace"])
            key, raw = create_api_key(
                workspace, name=options["name"], actor=Actor.for_command("createapikey")
            )
        except ServiceError as exc:
            raise CommandError(f"{exc.message} No key was created.") from exc
        self.stderr.write(
            f"API key '{key.name}' for workspace '{workspace.slug}'. Store it now: it is not shown again."
        )
        self.stdout.write(raw)
