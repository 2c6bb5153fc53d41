"""`concierge report support --workspace SLUG --from YYYY-MM-DD --to YYYY-MM-DD [...]`."""

import json

from django.core.management.base import BaseCommand, CommandError

from concierge.core.errors import ServiceError
from concierge.reports.selectors import parse_report_date, support_report, write_figures_csv
from concierge.workspaces.selectors import workspace_by_slug

FORMATS = ("json", "csv", "text")


class Command(BaseCommand):
    help = "Reports over the support event log."
    # Django's system checks build the whole URL map (half of the command's time); it needs none.
    requires_system_checks = []

    def add_arguments(self, parser):
        reports = parser.add_subparsers(dest="report", required=True, metavar="REPORT")
        support = reports.add_parser(
            "support",
            help="the support funnel report for a period and the one before it",
            description="The support funnel report. Dates are days in the workspace's time zone, both "
            "included; the previous period is the same number of days just before --from.",
        )
        support.add_argument("--workspace", required=True, help="the workspace's slug")
        support.add_argument("--from", dest="date_from", required=True, metavar="YYYY-MM-DD")
        support.add_argument("--to", dest="date_to", required=True, metavar="YYYY-MM-DD")
        support.add_argument("--tag", help="count only proactive messages with this tag")
        support.add_argument("--content-type", help="count only proactive messages of this content type")
        support.add_argument("--sender", help="count only proactive messages from this sender")
        support.add_argument("--format", choices=FORMATS, default="text", help="json, csv or text (default)")

    def handle(self, *args, report: str, **options):
        try:
            workspace = workspace_by_slug(options["workspace"])
            date_from = parse_report_date(options["date_from"], field="from")
            date_to = parse_report_date(options["date_to"], field="to")
            figures = support_report(
                workspace,
                date_from,
                date_to,
                tag=options["tag"],
                content_type=options["content_type"],
                sender=options["sender"],
            )
        except ServiceError as exc:
            raise CommandError(exc.message.replace("'from'", "--from").replace("'to'", "--to")) from exc
        if options["format"] == "json":
            self.stdout.write(json.dumps(figures, indent=2))
        elif options["format"] == "csv":
            write_figures_csv(figures, self.stdout)
        else:
            self.stdout.write(render_text(figures, workspace.name, options), ending="")


def render_text(report: dict, workspace_name: str, options: dict) -> str:
    """A summary for a terminal: each figure, the previous period's, and the change."""
    current, previous = report["current"], report["previous"]
    filters = ", ".join(
        f"{label} {options[key]}"
        for key, label in (("tag", "tag"), ("content_type", "content type"), ("sender", "sender"))
        if options.get(key)
    )
    lines = [
        f"Support funnel — {workspace_name} ({report['timezone']})",
        f"Period   {current['start']}  to  {current['end']}",
        f"Previous {previous['start']}  to  {previous['end']}",
        "",
        f"{'':38}{'current':>12}{'previous':>12}{'change':>10}",
    ]

    def row(label: str, path: tuple, kind: str = "count") -> None:
        now, before = _dig(current, path), _dig(previous, path)
        lines.append(
            f"  {label:36}{_show(now, kind):>12}{_show(before, kind):>12}{_change(now, before, kind):>10}"
        )

    lines.append(f"Proactive messages{f' ({filters})' if filters else ''}")
    for key in ("sent", "opened", "clicked", "reacted"):
        row(key.capitalize(), ("proactive", key))
    lines.append("Support sessions")
    row("Sessions", ("sessions", "total"))
    row("People seeking support", ("people_seeking_support",))
    row("Stopped seeking support", ("sessions", "stopped"))
    row("Tried self-serve", ("sessions", "self_serve_tried"))
    row("Resolved by self-serve", ("sessions", "self_serve_resolved"))
    row("Human support after self-serve", ("sessions", "human_after_self_serve"))
    row("Human support from the start", ("sessions", "human_from_start"))
    lines.append("Resolution rates")
    row("Self-serve resolution", ("rates", "self_serve_resolution"), "rate")
    row("Articles resolution", ("rates", "articles_resolution"), "rate")
    row("Automated resolution", ("rates", "automated_resolution"), "rate")
    for group, title in (("after_self_serve", "after self-serve"), ("from_start", "from the start")):
        lines.append(f"Served by a teammate {title}")
        base = ("human_support", group)
        row("Conversations", (*base, "conversations"))
        row("Ratings", (*base, "ratings"))
        row("Average rating", (*base, "rating_average"), "rating")
        row("Positive ratings (4 or 5)", (*base, "rating_positive_share"), "rate")
        row("Median first response", (*base, "median_first_response_seconds"), "duration")
        row("Median time to close", (*base, "median_time_to_close_seconds"), "duration")
    return "\n".join(lines) + "\n"


def _dig(figures: dict, path: tuple):
    for key in path:
        figures = figures[key]
    return figures


def _show(value, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "rate":
        return f"{value * 100:.1f}%"
    if kind == "rating":
        return f"{value:.2f}"
    if kind == "duration":
        return _duration(value)
    return f"{value:,}"


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    if abs(seconds) < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(abs(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


def _change(now, before, kind: str) -> str:
    if now is None or before is None:
        return ""
    if kind == "rate":
        return f"{(now - before) * 100:+.1f} pt"
    if before == 0:
        return "new" if now else ""
    return f"{(now - before) / before * 100:+.0f}%"
