"""`concierge answers ask --workspace SLUG [--locale L] "question"`: what the bot would answer, as JSON."""

import json

from django.core.management.base import BaseCommand, CommandError

from concierge.bot.engine import verdict_as_json
from concierge.bot.selectors import ask
from concierge.core.errors import ServiceError
from concierge.workspaces.selectors import workspace_by_slug


class Command(BaseCommand):
    help = "Automated answers from the help center's articles."
    requires_system_checks = []

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        asking = actions.add_parser(
            "ask",
            help="what the bot would answer to a question (JSON)",
            description="Ask the bot a question as a customer would, with the workspace's published "
            "articles and bot settings: the same engine as the messenger. Prints "
            '{"answer": {"article", "section", "confidence"} or null, "suggestions": [slugs]}.',
        )
        asking.add_argument("--workspace", required=True, help="the workspace's slug")
        asking.add_argument("--locale", help="the customer's language (default: the workspace's)")
        asking.add_argument("question", help="the customer's question")

    def handle(self, *args, action: str, **options):
        try:
            workspace = workspace_by_slug(options["workspace"])
            verdict = ask(workspace, options["question"], options["locale"])
        except ServiceError as exc:
            raise CommandError(exc.message.replace("locale '", "--locale '")) from exc
        self.stdout.write(json.dumps(verdict_as_json(verdict)))
