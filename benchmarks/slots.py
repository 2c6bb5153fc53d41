"""1:1 sessions speed: free slots for a pool of 20 agents over a 28-day horizon with 2,000 existing
bookings (target: under 50 ms), and booking throughput when many customers book at once.

What it measures:
  slots       free_slots() for the whole 28-day horizon of the pool (5 queries + interval arithmetic)
  slots+days  the same, grouped and labelled by day in a customer's zone (what the booking page shows)
  contention  THREADS threads book random offered slots at once through book_session(), each with its
              own database connection: bookings per second, attempts refused as "just taken", and
              the latency of an attempt (p50/p99)

Run it (it builds its own workspace "bench-slots" and removes it first if a previous run left one):

  .venv/bin/python benchmarks/slots.py                   # SQLite, a file in var/benchmark-slots/
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/concierge_bench_slots .venv/bin/python benchmarks/slots.py

Emails are not sent (the tasks are queued in the database; no worker runs). Record the figures in
docs/benchmarks.md by hand, with the machine and the exact command.
"""

import argparse
import os
import platform
import random
import statistics
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
AGENT_ZONES = [
    "America/Los_Angeles",
    "America/Denver",
    "America/Chicago",
    "America/New_York",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Belgrade",
    "Asia/Kolkata",
    "Australia/Sydney",
]


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--days", type=int, default=28, help="the booking horizon")
    parser.add_argument("--bookings", type=int, default=2_000, help="existing bookings before measuring")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs of the slot computation")
    parser.add_argument("--threads", type=int, default=8, help="concurrent bookers in the contention run")
    parser.add_argument("--attempts", type=int, default=40, help="booking attempts per thread")
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


def prepare_environment() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concierge.settings")
    if not os.environ.get("DATABASE_URL"):
        var_dir = PROJECT_DIR / "var" / "benchmark-slots"
        var_dir.mkdir(parents=True, exist_ok=True)
        database = var_dir / "slots.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    sys.path.insert(0, str(PROJECT_DIR / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_workspace(args):
    """20 agents in ten zones, Monday-Friday 09:00-17:00 local, hosting one 30-minute session type."""
    from concierge.meetings.services.availability import set_weekly_hours
    from concierge.meetings.services.session_types import create_booking_trigger, create_session_type
    from concierge.workspaces.models import Workspace
    from concierge.workspaces.services import add_teammate, create_workspace

    Workspace.objects.filter(slug="bench-slots").delete()
    workspace = create_workspace(
        name="Bench slots", slug="bench-slots", timezone_name="UTC", owner_email="owner@bench-slots.test"
    )
    hours = [(day, "09:00", "17:00") for day in ("monday", "tuesday", "wednesday", "thursday", "friday")]
    agents = []
    for index in range(args.agents):
        zone = AGENT_ZONES[index % len(AGENT_ZONES)]
        agent = add_teammate(
            workspace, email=f"agent{index}@bench-slots.test", name=f"Agent {index}", timezone_name=zone
        )
        set_weekly_hours(agent, hours)
        agents.append(agent)
    session_type = create_session_type(
        workspace,
        name="Walkthrough",
        hosts=agents,
        length_minutes=30,
        slot_step_minutes=30,
        buffer_after_minutes=10,
        minimum_notice_minutes=0,
        horizon_days=args.days,
    )
    return workspace, session_type, create_booking_trigger(session_type, place="benchmark")


def book_existing(session_type, trigger, count: int, rng: random.Random) -> int:
    """`count` bookings spread at random over the horizon, made through the booking service."""
    from concierge.core.errors import ServiceError
    from concierge.meetings.selectors.slots import free_slots
    from concierge.meetings.services.booking import book_session

    starts = [slot.start for slot in free_slots(session_type) for _ in range(slot.capacity)]
    rng.shuffle(starts)
    made = 0
    for index, start in enumerate(starts):
        if made == count:
            break
        try:
            book_session(
                session_type,
                trigger=trigger,
                start=start,
                timezone_name="Europe/Belgrade",
                customer_name=f"Customer {index}",
                customer_email=f"c{index}@bench-slots.test",
                confirm_night=True,
            )
            made += 1
        except ServiceError:
            continue
    return made


def time_runs(function, repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of each run. On a shared machine the CPU time (this process's,
    plus the database's own work when it is SQLite in-process) says more than the wall clock."""
    function()  # warm caches (zone data, query plans)
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        function()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return wall, cpu


def summary(runs: tuple[list[float], list[float]]) -> str:
    wall, cpu = sorted(runs[0]), sorted(runs[1])
    p95 = wall[min(len(wall) - 1, int(len(wall) * 0.95))]
    return (
        f"wall p50 {statistics.median(wall):.1f} ms, p95 {p95:.1f} ms, min {wall[0]:.1f} ms; "
        f"cpu p50 {statistics.median(cpu):.1f} ms"
    )


def contention(session_type, trigger, args, rng: random.Random) -> dict:
    """THREADS bookers at once, each trying ATTEMPTS random offered starts (many pick the same ones)."""
    from django.db import connection

    from concierge.core.errors import Conflict, ServiceError
    from concierge.meetings.selectors.slots import free_slots
    from concierge.meetings.services.booking import book_session

    # A narrow window (the next three working days' slots) so threads really compete for the same ones.
    offered = [slot.start for slot in free_slots(session_type)][:200]
    barrier = threading.Barrier(args.threads)
    lock = threading.Lock()
    results = {"booked": 0, "taken": 0, "other": 0, "latencies": []}

    def booker(number: int) -> None:
        local_rng = random.Random(rng.random() + number)
        barrier.wait()
        try:
            for attempt in range(args.attempts):
                start = local_rng.choice(offered)
                began = time.perf_counter()
                try:
                    book_session(
                        session_type,
                        trigger=trigger,
                        start=start,
                        timezone_name="Asia/Kathmandu",
                        customer_name=f"Racer {number}-{attempt}",
                        customer_email=f"r{number}-{attempt}@bench-slots.test",
                        confirm_night=True,
                    )
                    outcome = "booked"
                except Conflict:
                    outcome = "taken"
                except ServiceError:
                    outcome = "other"
                elapsed = (time.perf_counter() - began) * 1000
                with lock:
                    results[outcome] += 1
                    results["latencies"].append(elapsed)
        finally:
            connection.close()

    threads = [threading.Thread(target=booker, args=(n,)) for n in range(args.threads)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results["seconds"] = time.perf_counter() - began
    return results


def check_no_overlaps(session_type) -> int:
    """Double-booked agent time left behind (must be 0)."""
    from concierge.meetings.models import Booking

    overlaps = 0
    rows = (
        Booking.objects.filter(session_type=session_type, status__in=Booking.BLOCKING_STATUSES)
        .order_by("agent_id", "starts_at")
        .values_list("agent_id", "starts_at", "blocked_until")
    )
    previous = None
    for row in rows:
        if previous and previous[0] == row[0] and row[1] < previous[2]:
            overlaps += 1
        previous = row
    return overlaps


def main() -> None:
    args = parse_arguments()
    prepare_environment()
    from django.db import connection
    from django.utils import timezone

    from concierge.meetings.models import Booking
    from concierge.meetings.selectors.slots import free_slots, slots_by_local_day

    rng = random.Random(args.seed)
    print(
        f"{platform.python_implementation()} {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} CPUs; database: {connection.vendor}"
    )
    started = time.perf_counter()
    workspace, session_type, trigger = build_workspace(args)
    made = book_existing(session_type, trigger, args.bookings, rng)
    print(f"setup: {args.agents} agents, {made} bookings in {time.perf_counter() - started:.1f} s")

    horizon_end = timezone.now() + timedelta(days=args.days)
    in_window = Booking.objects.filter(session_type=session_type, starts_at__lt=horizon_end).count()
    slots = free_slots(session_type)
    print(
        f"horizon: {args.days} days, {in_window} bookings in it, {len(slots)} free slots offered "
        f"({sum(s.capacity for s in slots)} agent-slots)"
    )

    print(f"slots       {summary(time_runs(lambda: free_slots(session_type), args.repeat))}")
    print(
        "slots+days  "
        + summary(
            time_runs(
                lambda: slots_by_local_day(free_slots(session_type), "Asia/Kathmandu", "en"), args.repeat
            )
        )
    )

    result = contention(session_type, trigger, args, rng)
    attempts = result["booked"] + result["taken"] + result["other"]
    latencies = sorted(result["latencies"])
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(
        f"contention  {args.threads} threads x {args.attempts} attempts: {result['booked']} booked, "
        f"{result['taken']} refused as taken, {result['other']} other refusals in {result['seconds']:.1f} s; "
        f"{result['booked'] / result['seconds']:.0f} bookings/s, {attempts / result['seconds']:.0f} attempts/s; "
        f"attempt p50 {statistics.median(latencies):.0f} ms, p99 {p99:.0f} ms"
    )
    print(f"overlapping agent time after the run: {check_no_overlaps(session_type)}")
    workspace.delete()


if __name__ == "__main__":
    main()
