"""Proactive messages: an audience evaluated over 1,000,000 contacts, and 100,000 deliveries made by
the worker's send run, on SQLite or PostgreSQL, measured in process.

Run it:

  .venv/bin/python benchmarks/outbound.py                      # SQLite, in var/benchmark-outbound/
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/concierge_bench_outbound .venv/bin/python benchmarks/outbound.py

The workspace "outbound-bench" is made once and reused: --contacts contacts written in bulk (each
with a plan, seats, a company, a city, a locale, a cohort 0-9 and a sign-up instant over two years)
and "export failed" tracked 1 to 5 times in the last 14 days by one contact in 20, appended to the
log through its batch path (`append_events`), as the product's tracking does one by one.

Then each audience below is counted (`audience_size`, what a teammate sees before sending)
--repeat times, and a chat to one cohort (a tenth of the contacts: 100,000 of 1,000,000) is made
live and its send run done in process, batch after batch, as the worker does: each batch's
deliveries, their `outbound.sent` events (with the report's rollups) and the run's position in one
transaction. It prints the median and the slowest count per audience, and the send's time and
deliveries per second. Results go to docs/benchmarks.md by hand.
"""

import argparse
import os
import platform
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SLUG = "outbound-bench"
PLANS = ("free", "pro", "team", "enterprise")
CITIES = (
    "Lisbon",
    "London",
    "Berlin",
    "New York",
    "Tokyo",
    "São Paulo",
    "Lagos",
    "Sydney",
    "Toronto",
    "Pune",
)
LOCALES = ("en", "en-GB", "pt-BR", "de", "fr", "es", "ja")
AUDIENCES = {
    "everyone (users)": ({"match": "all", "rules": []}, "users"),
    "plan is pro": (
        {"match": "all", "rules": [{"attribute": "plan", "op": "is", "value": "pro"}]},
        "everyone",
    ),
    "seats > 50": ({"match": "all", "rules": [{"attribute": "seats", "op": "gt", "value": 50}]}, "everyone"),
    "city Lisbon and plan team": (
        {
            "match": "all",
            "rules": [
                {"field": "city", "op": "is", "value": "Lisbon"},
                {"attribute": "plan", "op": "is", "value": "team"},
            ],
        },
        "everyone",
    ),
    "signed up in the last 90 days": (
        {"match": "all", "rules": [{"field": "signed_up", "op": "less_than_days_ago", "value": 90}]},
        "everyone",
    ),
    "export failed 3+ times in 7 days": (
        {"match": "all", "rules": [{"event": "export failed", "op": "at_least", "count": 3, "days": 7}]},
        "everyone",
    ),
    "pro, or export failed 3+ in 7 days": (
        {
            "match": "any",
            "rules": [
                {"attribute": "plan", "op": "is", "value": "pro"},
                {"event": "export failed", "op": "at_least", "count": 3, "days": 7},
            ],
        },
        "everyone",
    ),
}


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch", type=int, default=500, help="contacts per send batch (the worker's)")
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


def prepare_environment() -> None:
    sys.path.insert(0, str(PROJECT_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concierge.settings")
    if not os.environ.get("DATABASE_URL"):
        os.environ.setdefault("CONCIERGE_VAR_DIR", str(PROJECT_DIR / "var" / "benchmark-outbound"))


def seed_contacts(workspace, count: int, rng: random.Random, now: datetime) -> None:
    import orjson
    from django.db import transaction

    from concierge.contacts.models import Contact
    from concierge.core.db import datetime_values, insert_rows

    columns = [
        "workspace_id", "kind", "external_id", "email", "name", "timezone", "locale", "city",
        "attributes", "created_at",
    ]  # fmt: skip
    batch = 20_000
    for start in range(0, count, batch):
        rows, instants = [], []
        for number in range(start, min(count, start + batch)):
            attributes = {
                "plan": rng.choice(PLANS),
                "seats": rng.randint(1, 200),
                "company": f"Company {number % 5000}",
                "cohort": number % 10,
            }
            instants.append(now - timedelta(seconds=rng.randint(0, 2 * 365 * 86400)))
            rows.append(
                [
                    workspace.pk, "user", f"u{number}", f"u{number}@bench.test", f"User {number}", "",
                    rng.choice(LOCALES), rng.choice(CITIES), orjson.dumps(attributes).decode(),
                ]
            )  # fmt: skip
        for row, instant in zip(rows, datetime_values(instants), strict=True):
            row.append(instant)
        with transaction.atomic():
            insert_rows(Contact, columns, rows)
        print(f"  contacts: {min(count, start + batch):,}", end="\r", flush=True)
    print()


def seed_tracked_events(workspace, rng: random.Random, now: datetime) -> int:
    from django.db import transaction

    from concierge.contacts.models import Contact
    from concierge.events.event_types import CONTACT_TRACKED
    from concierge.events.parsing import LogEvent, microseconds_since_epoch
    from concierge.events.services import append_events

    ids = list(Contact.objects.filter(workspace=workspace).order_by("pk").values_list("pk", flat=True)[::20])
    events = []
    for contact_id in ids:
        for _ in range(rng.randint(1, 5)):
            at = now - timedelta(seconds=rng.randint(0, 14 * 86400))
            events.append(
                LogEvent(
                    type=CONTACT_TRACKED,
                    at_us=microseconds_since_epoch(at),
                    contact_ref=None,
                    data={"name": "export failed", "data": {}},
                    contact_id=contact_id,
                )
            )
    for start in range(0, len(events), 10_000):
        with transaction.atomic():
            append_events(workspace, events[start : start + 10_000])
    return len(events)


def prepare_workspace(args: argparse.Namespace):
    import django

    django.setup()
    from rich.console import Console

    from concierge.core.db import refresh_statistics
    from concierge.core.management.migrating import migrate_with_progress
    from concierge.events.models import Event
    from concierge.outbound.services import set_daily_cap
    from concierge.workspaces.models import Workspace
    from concierge.workspaces.services import create_workspace

    migrate_with_progress(Console(stderr=True))
    workspace = Workspace.objects.filter(slug=SLUG).first()
    if workspace is not None:
        return workspace
    rng = random.Random(args.seed)
    now = datetime.now(UTC)
    workspace = create_workspace(
        name="Outbound bench", slug=SLUG, timezone_name="UTC", owner_email="owner@outbound-bench.test"
    )
    # Each run sends to a tenth of the contacts again: a cap of one a day would hold back the runs after the first.
    set_daily_cap(workspace, 50)
    started = time.perf_counter()
    seed_contacts(workspace, args.contacts, rng, now)
    print(f"seeded {args.contacts:,} contacts in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    tracked = seed_tracked_events(workspace, rng, now)
    print(f"seeded {tracked:,} tracked events in {time.perf_counter() - started:.0f} s")
    from concierge.contacts.models import Contact

    refresh_statistics([Contact, Event])
    return workspace


def time_audiences(workspace, repeat: int) -> None:
    from concierge.outbound.selectors import audience_size

    print(f"\n{'audience':<38} {'contacts':>10} {'median ms':>10} {'slowest ms':>11}")
    for name, (audience, kind) in AUDIENCES.items():
        timings, size = [], 0
        for _ in range(repeat):
            started = time.perf_counter()
            size = audience_size(workspace, audience, kind=kind)
            timings.append((time.perf_counter() - started) * 1000)
        print(f"{name:<38} {size:>10,} {statistics.median(timings):>10,.0f} {max(timings):>11,.0f}")


def time_send(workspace, batch: int) -> None:
    from concierge.events.models import Event
    from concierge.outbound.models import Delivery, Message, SendRun
    from concierge.outbound.services import create_message, run_send, set_state

    cohort = Message.objects.filter(workspace=workspace).count() % 10
    message = create_message(
        workspace,
        content_type="chat",
        name=f"Cohort {cohort}",
        versions=[{"locale": "en", "body": "Hi {{first_name|there}}, your exports are faster now."}],
        audience={"match": "all", "rules": [{"attribute": "cohort", "op": "is", "value": cohort}]},
    )
    # Made live without the worker: the send run it opens is run here, in process, and timed.
    set_state(message, "live")
    run = SendRun.objects.get(message=message)
    started = time.perf_counter()
    cpu_started = time.process_time()
    run_send(run.pk, batch_size=batch)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    sent = Delivery.objects.filter(message=message, state="sent").count()
    events = Event.objects.filter(type="outbound.sent", message_ref=message.ref).count()
    assert sent == events, (sent, events)
    print(
        f"\nsend run: {sent:,} deliveries (and as many outbound.sent events) in {seconds:.1f} s = "
        f"{sent / seconds:,.0f} deliveries/s (this process's CPU {cpu:.1f} s), batches of {batch}"
    )


def main() -> None:
    args = parse_arguments()
    prepare_environment()
    workspace = prepare_workspace(args)
    from django.db import connection

    from concierge.contacts.models import Contact

    contacts = Contact.objects.filter(workspace=workspace).count()
    print(
        f"{connection.vendor}, {contacts:,} contacts; Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
    )
    time_audiences(workspace, args.repeat)
    time_send(workspace, args.batch)
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
