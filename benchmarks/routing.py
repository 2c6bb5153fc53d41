"""Routing speed: what the task that reacts to a new conversation does — the trigger's rules
evaluated (50 enabled rules, the last one matching) and the conversation assigned by its team's
balanced method — in a workspace with 100,000 open conversations, measured in process.

Side by side: the same run with each member's open conversations counted at every assignment through
the (workspace, assignee, state) index (about 1,700 entries a teammate here), instead of the counts
the database keeps (conversations.OpenCount).

Run it:

  .venv/bin/python benchmarks/routing.py                     # SQLite, in var/benchmark-routing/
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/concierge_bench_routing .venv/bin/python benchmarks/routing.py

The workspace "routing-bench" is made once (bulk seeding, then every conversation set open) and
reused; its conversations are indexed for search as they are seeded. On PostgreSQL each run first
vacuums and analyzes the tables it reads (as autovacuum would on a live server). Each run starts
--runs new conversations through the service (not timed), after ten untimed runs (a process's first
runs read the rules and prepare statements), and times on each the task's body until its transaction
commits (the conversation assigned for good) and whole (with the live signals Django sends once it
has committed); then the inbox's search is timed over the same conversations (--search-rounds of 20
queries in two states). It prints the median, p95 and p99 in milliseconds. Results go to
docs/benchmarks.md by hand.
"""

import argparse
import os
import platform
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SLUG = "routing-bench"
TEAMS, MEMBERS_PER_TEAM, RULES = 6, 10, 50


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--search-rounds", type=int, default=10)
    parser.add_argument(
        "--only", choices=["routing", "search"], help="time only the rule runs or only the search"
    )
    return parser.parse_args()


def prepare_environment() -> None:
    sys.path.insert(0, str(PROJECT_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concierge.settings")
    if not os.environ.get("DATABASE_URL"):
        os.environ.setdefault("CONCIERGE_VAR_DIR", str(PROJECT_DIR / "var" / "benchmark-routing"))


def prepare_workspace(args: argparse.Namespace):
    import django

    django.setup()
    from django.utils import timezone
    from rich.console import Console

    from benchmarks.seeding import seed_conversations_in_bulk
    from concierge.contacts.services import create_contact
    from concierge.conversations.models import Conversation
    from concierge.conversations.services import tag_for_name
    from concierge.core.management.migrating import migrate_with_progress
    from concierge.routing.services.assignment import set_team_routing
    from concierge.routing.services.rules import RuleInput, create_rule
    from concierge.workspaces.models import Workspace
    from concierge.workspaces.services import add_teammate, create_team, create_workspace

    console = Console(stderr=True)
    migrate_with_progress(console)
    workspace = Workspace.objects.filter(slug=SLUG).first()
    if workspace is not None:
        return workspace
    workspace = create_workspace(
        name="Routing bench", slug=SLUG, timezone_name="UTC", owner_email="owner@routing-bench.test"
    )
    teammates = [
        add_teammate(workspace, email=f"t{n}@routing-bench.test", name=f"Teammate {n}", password=None)
        for n in range(TEAMS * MEMBERS_PER_TEAM)
    ]
    teams = [
        create_team(
            workspace, name=f"Team {n}", members=teammates[n * MEMBERS_PER_TEAM : (n + 1) * MEMBERS_PER_TEAM]
        )
        for n in range(TEAMS)
    ]
    contacts = [
        create_contact(workspace, external_id=f"c{n}", email=f"c{n}@example.test") for n in range(500)
    ]
    tags = [tag_for_name(workspace, name) for name in ("billing", "bug", "export")]
    now = timezone.now()
    console.print(f"Seeding {args.conversations:,} conversations (and indexing them for search)…")
    began = time.perf_counter()
    seed_conversations_in_bulk(
        workspace,
        count=args.conversations,
        contacts=contacts,
        teammates=teammates,
        teams=teams,
        tags=tags,
        start=now - timedelta(days=365),
        end=now - timedelta(days=1),
        with_events=False,
        varied_text=True,
        indexed=True,
        on_progress=lambda done, total: (
            console.print(f"  {done:,} of {total:,} ({time.perf_counter() - began:.0f} s)")
            if done % 10_000 == 0 or done == total
            else None
        ),
    )
    console.print(f"Seeded in {time.perf_counter() - began:.0f} s")
    # Every one open: the worst case for counting a teammate's open conversations.
    Conversation.objects.filter(workspace=workspace).update(state="open", closed_at=None)
    for number in range(RULES - 1):  # rules that do not match: words nobody writes
        create_rule(
            workspace,
            RuleInput(
                name=f"Rule {number}",
                trigger="started",
                match="any",
                conditions=[
                    {
                        "field": "message",
                        "operator": "contains_any",
                        "value": [f"zq{number}x", f"word{number}y"],
                    },
                    {"field": "contact.plan", "operator": "is", "value": f"plan-{number}"},
                ],
                actions=[{"type": "assign_team", "team_id": teams[number % TEAMS].pk}],
            ),
        )
    create_rule(
        workspace,
        RuleInput(
            name="Exports to Team 0",
            trigger="started",
            conditions=[{"field": "message", "operator": "contains_any", "value": ["export"]}],
            actions=[
                {"type": "tag", "tag_id": tags[2].pk},
                {"type": "assign_by_method", "team_id": teams[0].pk},
            ],
        ),
    )
    set_team_routing(teams[0], method="balanced", open_limit=None)
    return workspace


def analyze_tables() -> None:
    """PostgreSQL's tables vacuumed and analyzed, as autovacuum keeps them on a live server: a server
    without it plans the seeded tables blind (scans where an index serves) and reads every row an
    index-only count could skip. Nothing on SQLite, which Concierge never analyzes."""
    from django.db import connection

    from concierge.contacts.models import Contact
    from concierge.conversations.models import Conversation, Part
    from concierge.core.models import SearchEntry, SearchTerm

    if connection.vendor != "postgresql":
        return
    models = [Conversation, Conversation.tags.through, Part, Contact, SearchEntry, SearchTerm]
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def counted_open_count_sql(member: str) -> str:
    """Each member's open conversations counted at every assignment from the (workspace, assignee,
    state) index, as before the database kept the counts: about 1,700 index entries a teammate here."""
    from concierge.conversations.models import Conversation
    from concierge.core.db import table

    return (
        f"(SELECT COUNT(*) FROM {table(Conversation)} c"
        f" WHERE c.workspace_id = t.workspace_id AND c.assignee_id = {member} AND c.state = 'open')"
    )


WARM_UP_RUNS = 10  # not timed: the process's first runs read the rules and prepare statements


def measure(workspace, runs: int) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """`runs` rule runs, each on a conversation just started (not timed): the task's whole body (its
    transaction, then the live signals sent once it has committed), and the time until the run's
    transaction committed (the conversation assigned for good), with this process's CPU to then."""
    from django.db import connection

    from concierge.contacts.models import Contact
    from concierge.conversations.services import start_conversation
    from concierge.routing.services.rules import rule_run_key, run_rules_once

    contact = Contact.objects.filter(workspace=workspace).first()
    commits = []
    run_commit_hooks = connection.run_and_clear_commit_hooks

    def note_the_commit():  # Django runs a transaction's after-commit hooks as soon as it commits
        commits.append((time.perf_counter(), time.process_time()))
        run_commit_hooks()

    whole, committed = [], []
    for number in range(WARM_UP_RUNS + runs):
        conversation = start_conversation(workspace, contact=contact, body="Our export fails every night")
        commits.clear()
        connection.run_and_clear_commit_hooks = note_the_commit
        try:
            began, cpu = time.perf_counter(), time.process_time()
            outcomes = run_rules_once(
                rule_run_key("started", conversation.pk), workspace.pk, conversation.pk, "started"
            )
            ended, cpu_ended = time.perf_counter(), time.process_time()
        finally:
            del connection.run_and_clear_commit_hooks
        assert [o.name for o in outcomes] == ["Exports to Team 0"], outcomes
        if number >= WARM_UP_RUNS:
            whole.append(((ended - began) * 1000, (cpu_ended - cpu) * 1000))
            committed.append(((commits[0][0] - began) * 1000, (commits[0][1] - cpu) * 1000))
    return whole, committed


SEARCHES = [
    "export", "invoice", "password reset", "webhook fails", "refund", "error e0042", "e1234",
    "calendar times out", "subscription charges twice", "dashboard", "c17@example.test", "teammate",
    "pasword", "integraton fails", "the export", "login is stuck", "attachment", "tax receipt",
    "booking reminder", "api limit",
]  # fmt: skip


def measure_search(workspace, rounds: int) -> list[tuple[float, float]]:
    """The inbox's search (conversations.selectors.search_inbox, a page of 50 with the list's rows
    loaded), each query of SEARCHES in every state and in the open ones, `rounds` times."""
    from concierge.conversations.selectors import search_inbox

    timings = []
    for _ in range(rounds):
        for query in SEARCHES:
            for state in (None, "open"):
                began, cpu = time.perf_counter(), time.process_time()
                found = search_inbox(workspace, query, per_page=50, state=state)
                list(found.conversations)
                timings.append(((time.perf_counter() - began) * 1000, (time.process_time() - cpu) * 1000))
    return timings


def summary(label: str, timings: list[tuple[float, float]]) -> str:
    """Wall-clock and this process's CPU (which, on SQLite, includes the database's work; on
    PostgreSQL, not the server's), median, p95 and p99, in milliseconds."""

    def figures(values):
        ordered = sorted(values)
        p = lambda share: ordered[min(len(ordered) - 1, int(share * len(ordered)))]  # noqa: E731
        return f"{statistics.median(ordered):.2f} | {p(0.95):.2f} | {p(0.99):.2f}"

    wall, cpu = [t[0] for t in timings], [t[1] for t in timings]
    return f"| {label} | {len(timings)} | {figures(wall)} | {figures(cpu)} |"


HEADER = (
    "| variant | runs | median ms | p95 ms | p99 ms | CPU median ms | CPU p95 ms | CPU p99 ms |\n"
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
)


def main() -> None:
    args = parse_arguments()
    prepare_environment()
    workspace = prepare_workspace(args)
    analyze_tables()
    from django.db import connection

    from concierge.conversations.models import Conversation

    open_now = Conversation.objects.filter(workspace=workspace, state="open").count()
    print(
        f"\n{connection.vendor}, {open_now:,} open conversations, {RULES} rules; {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; load average before: {os.getloadavg()[0]:.1f}\n"
    )
    if args.only != "search":
        measure_routing(workspace, args.runs)
    if args.only != "routing":
        total = Conversation.objects.filter(workspace=workspace).count()
        print(f"\nInbox search over {total:,} conversations ({len(SEARCHES)} queries × 2 states):\n")
        print(HEADER)
        print(
            summary("search_inbox, a page of 50", measure_search(workspace, args.search_rounds)), flush=True
        )
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")


def measure_routing(workspace, runs: int) -> None:
    """The rule runs, then the side-by-side anchor (each member's open conversations counted)."""
    from concierge.routing.selectors import availability

    print(HEADER)
    whole, committed = measure(workspace, runs)
    print(summary("rules + balanced assignment, until the assignment is committed", committed))
    print(summary("the same, and the live signals sent after the commit (the task's whole body)", whole))
    kept = availability.open_count_sql
    availability.open_count_sql = counted_open_count_sql
    try:
        whole, committed = measure(workspace, max(30, runs // 5))
        print(summary("anchor: each member's open conversations counted (index), until committed", committed))
        print(summary("anchor: the same, the task's whole body", whole), flush=True)
    finally:
        availability.open_count_sql = kept


if __name__ == "__main__":
    main()
