"""Inbox list speed: the server CPU one request for the inbox's list costs (50 conversations a page,
each with its contact, assignee, team, tags, due badge and priority), measured in process through
Django's test client (the whole request path but the network: middleware, session, the view, the
query, the templates).

Run it:

  .venv/bin/python benchmarks/inbox.py                 # SQLite, in var/benchmark-inbox/
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/concierge_bench_inbox .venv/bin/python benchmarks/inbox.py

It prints, for the list fragment (what HTMX fetches when a filter changes) and the whole inbox page,
the median and p95 of this process's CPU time per request (time.process_time: on SQLite it includes
the database's work, on PostgreSQL not the server's), and the wall-clock median. `--profile` prints
the cProfile of 50 list requests instead. Results go to docs/benchmarks.md by hand.
"""

import argparse
import cProfile
import os
import platform
import pstats
import statistics
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SLUG = "inbox-bench"


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    return parser.parse_args()


def prepare_environment() -> None:
    sys.path.insert(0, str(PROJECT_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concierge.settings")
    if not os.environ.get("DATABASE_URL"):
        os.environ.setdefault("CONCIERGE_VAR_DIR", str(PROJECT_DIR / "var" / "benchmark-inbox"))


def prepare_workspace(count: int):
    import django

    django.setup()
    from datetime import timedelta

    from django.utils import timezone
    from rich.console import Console

    from benchmarks.seeding import seed_conversations_in_bulk
    from concierge.contacts.services import create_contact
    from concierge.conversations.models import Conversation
    from concierge.conversations.services import tag_for_name
    from concierge.core.management.migrating import migrate_with_progress
    from concierge.workspaces.models import Workspace
    from concierge.workspaces.services import add_teammate, create_team, create_workspace

    console = Console(stderr=True)
    migrate_with_progress(console)
    workspace = Workspace.objects.filter(slug=SLUG).first()
    if workspace is not None:
        return workspace
    workspace = create_workspace(
        name="Inbox bench", slug=SLUG, timezone_name="Europe/Paris", owner_email="owner@inbox-bench.test"
    )
    teammates = [
        add_teammate(workspace, email=f"t{n}@inbox-bench.test", name=f"Teammate {n}", password=None)
        for n in range(12)
    ]
    teams = [create_team(workspace, name=f"Team {n}", members=teammates[n * 4 : n * 4 + 4]) for n in range(3)]
    contacts = [
        create_contact(workspace, external_id=f"c{n}", email=f"c{n}@example.test", name=f"Customer {n}")
        for n in range(200)
    ]
    tags = [tag_for_name(workspace, name) for name in ("billing", "bug", "export", "vip")]
    now = timezone.now()
    seed_conversations_in_bulk(
        workspace,
        count=count,
        contacts=contacts,
        teammates=teammates,
        teams=teams,
        tags=tags,
        start=now - timedelta(days=30),
        end=now - timedelta(hours=1),
        with_events=False,
        varied_text=True,
    )
    # Open, some with an answer due and a priority: every badge a row can show.
    Conversation.objects.filter(workspace=workspace).update(state="open", closed_at=None)
    ids = list(Conversation.objects.filter(workspace=workspace).values_list("id", flat=True))
    Conversation.objects.filter(pk__in=ids[::3]).update(response_due_at=now + timedelta(minutes=20))
    Conversation.objects.filter(pk__in=ids[::5]).update(priority="urgent")
    return workspace


def measure(client, url: str, headers: dict, requests: int) -> tuple[list[float], list[float]]:
    cpu, wall = [], []
    for _ in range(requests):
        began, used = time.perf_counter(), time.process_time()
        response = client.get(url, headers=headers)
        cpu.append((time.process_time() - used) * 1000)
        wall.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.status_code
    return cpu, wall


def main() -> None:
    args = parse_arguments()
    prepare_environment()
    workspace = prepare_workspace(args.conversations)
    from django.db import connection
    from django.test import Client

    from concierge.conversations import views

    owner = workspace.teammates.get(role="owner")
    client = Client()
    client.force_login(owner.user)
    url = f"/w/{workspace.slug}/inbox/"
    fragment = {"HX-Request": "true", "HX-Target": views.LIST_PANE}
    response = client.get(url, headers=fragment)
    rows = response.content.decode().count('class="conversation-row')
    measure(client, url, fragment, 20)  # warm: templates compiled, caches filled
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        measure(client, url, fragment, 50)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        return
    print(
        f"\n{connection.vendor}, {rows} rows a page, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"load average before: {os.getloadavg()[0]:.1f}\n"
    )
    print("| request | requests | CPU median ms | CPU p95 ms | wall median ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, headers in (("list fragment (HTMX)", fragment), ("whole inbox page", {})):
        cpu, wall = measure(client, url, headers, args.requests)
        ordered = sorted(cpu)
        p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
        print(
            f"| {label} | {len(cpu)} | {statistics.median(cpu):.2f} | {p95:.2f} | {statistics.median(wall):.2f} |"
        )
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
