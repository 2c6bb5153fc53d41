"""Writing small support logs by hand in tests, and reading the report they give."""

import itertools
import json
from datetime import date

from concierge.events.services.importing import import_log
from concierge.reports.selectors import support_report
from tests.reports.reference import reference_report

_ids = itertools.count()


def event(type_: str, at: str, contact: str = "c1", **fields) -> dict:
    """One event line; `at` without a zone is taken as UTC ('2026-03-02T09:00' → '…Z')."""
    if not at.endswith("Z") and "+" not in at[10:] and "-" not in at[10:]:
        at += "Z"
    defaults = {
        "help_center.visited": {"channel": "help_center"},
        "article.searched": {"channel": "help_center", "query": "export"},
        "article.viewed": {"channel": "help_center", "article": "a1"},
        "conversation.started": {"channel": "messenger"},
        "conversation.replied": {"author": "teammate", "teammate": "t1"},
        "conversation.reacted": {},
        "outbound.reacted": {"reaction": "👍"},
    }
    return {
        "type": type_,
        "at": at,
        "contact": contact,
        "id": f"x{next(_ids)}",
        **defaults.get(type_, {}),
        **fields,
    }


def import_objects(workspace, log: list[dict]):
    summary = import_log(workspace, [json.dumps(obj) for obj in log])
    assert not summary.rejected, summary.bad_lines
    return summary


def report_of(workspace, log: list[dict], date_from: date, date_to: date, **filters) -> dict:
    """The report after importing the log (again: it is idempotent), checked against the from-scratch
    reference over the whole log as well."""
    import_objects(workspace, log)
    report = support_report(workspace, date_from, date_to, **filters)
    assert report == reference_report(log, workspace.timezone, date_from, date_to, **filters)
    return report
