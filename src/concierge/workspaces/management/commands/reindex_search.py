"""`concierge reindex_search`: rebuild the search index of every workspace (or one) from the sources
the apps register (core.search.register_source): a backfill after an upgrade or an import."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from concierge.core.errors import ServiceError
from concierge.core.search import reindex_workspace
from concierge.workspaces.models import Workspace
from concierge.workspaces.selectors import workspace_by_slug


class Command(BaseCommand):
    help = "Rebuild the search index (conversations and every registered kind) of each workspace, or of one."

    def add_arguments(self, parser):
        parser.add_argument("--workspace", help="only this workspace (its slug)")

    def handle(self, *args, **options):
        if options["workspace"] is not None:
            try:
                workspaces = [workspace_by_slug(options["workspace"])]
            except ServiceError as exc:
                raise CommandError(f"{exc.message} Nothing was reindexed.") from exc
        else:
            workspaces = list(Workspace.objects.order_by("pk"))
        for workspace in workspaces:
            with transaction.atomic():  # a workspace's index is rebuilt whole or left as it was
                indexed = reindex_workspace(workspace.pk)
            kinds = ", ".join(_counted(count, kind) for kind, count in sorted(indexed.items())) or "nothing"
            self.stdout.write(f"{workspace.slug}: {kinds} indexed")


def _counted(count: int, kind: str) -> str:
    """ "1 conversation", "3 saved replies": a kind of document (`saved_reply`) as words, counted."""
    words = kind.replace("_", " ")
    if count != 1:
        words = words[:-1] + "ies" if words.endswith("y") else words + "s"
    return f"{count:,} {words}"
