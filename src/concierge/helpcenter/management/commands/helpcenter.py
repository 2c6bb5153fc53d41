"""`concierge helpcenter import DIR --workspace SLUG` and `concierge helpcenter export DIR
[--workspace SLUG]`: the help center's articles as a folder of Markdown files (docs/helpcenter.md)."""

from django.core.management.base import BaseCommand, CommandError

from concierge.core.errors import ServiceError
from concierge.helpcenter.services.folders import (
    FolderImport,
    FolderImportError,
    export_articles,
    import_articles,
)
from concierge.workspaces.models import Workspace
from concierge.workspaces.selectors import workspace_by_slug


class Command(BaseCommand):
    help = "The help center's articles as a folder of Markdown files with YAML front matter."
    requires_system_checks = []

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        importing = actions.add_parser(
            "import",
            help="import (or sync again) a folder of Markdown articles",
            description="Import a folder of Markdown files with YAML front matter (title, locale, "
            "collection; optional state, visibility, summary). The file name without .md is the "
            "article's slug; <slug>.<locale>.md is another language of it. Importing again updates "
            "articles by slug. A folder with any bad file is rejected whole: nothing is imported.",
        )
        importing.add_argument("directory", help="the folder to import")
        importing.add_argument("--workspace", required=True, help="the workspace's slug")
        exporting = actions.add_parser(
            "export",
            help="write every article to a folder, in the format import reads",
            description="Write each translation of each article as a Markdown file with YAML front "
            "matter; importing the folder again changes nothing.",
        )
        exporting.add_argument("directory", help="the folder to write into (created when missing)")
        exporting.add_argument("--workspace", help="the workspace's slug (needed when there are several)")

    def handle(self, *args, action: str, **options):
        if action == "import":
            self.import_folder(options["directory"], self.workspace(options["workspace"], "imported"))
        else:
            self.export_folder(options["directory"], self.workspace(options["workspace"], "exported"))

    def workspace(self, slug: str | None, done: str) -> Workspace:
        if slug is None:
            workspaces = list(Workspace.objects.order_by("slug")[:2])
            if len(workspaces) == 1:
                return workspaces[0]
            raise CommandError(f"Name the workspace with --workspace SLUG. Nothing was {done}.")
        try:
            return workspace_by_slug(slug)
        except ServiceError as exc:
            raise CommandError(f"{exc.message} Nothing was {done}.") from exc

    def import_folder(self, directory: str, workspace: Workspace) -> None:
        try:
            summary = import_articles(workspace, directory)
        except FolderImportError as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"Rejected: {len(exc.problems)} problem(s), the first: {exc.problems[0]}. Nothing was "
                "imported; fix them and run again."
            ) from exc
        self.stdout.write(summary_text(summary, workspace.slug))

    def export_folder(self, directory: str, workspace: Workspace) -> None:
        try:
            written = export_articles(workspace, directory)
        except OSError as exc:
            raise CommandError(f"Cannot write to {directory}: {exc.strerror}.") from exc
        self.stdout.write(f"Exported {written} article file(s) from '{workspace.slug}' to {directory}.")


def summary_text(summary: FolderImport, slug: str) -> str:
    return (
        f"Imported {summary.files} file(s) into '{slug}':\n"
        f"  translations: {summary.translations_created} created, {summary.translations_updated} updated, "
        f"{summary.translations_unchanged} unchanged\n"
        f"  articles:     {summary.articles_created} created, {summary.articles_updated} updated\n"
        f"  collections:  {summary.collections_created} created, {summary.collections_updated} updated"
    )
