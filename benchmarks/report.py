"""Support funnel report speed: import a generated support log with the real importer, then time the
report for a 90-day period.

  .venv/bin/python benchmarks/report.py --sessions 100000            # SQLite, in var/benchmark-report/
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/concierge_bench_report \\
      .venv/bin/python benchmarks/report.py --sessions 1000000

Each run starts from an empty database (the SQLite file is removed; the PostgreSQL database is
dropped and created again), creates the workspace "bench" (America/New_York), writes the log with
its own seeded generator (kept in var/benchmark-report/ and reused by later runs with the same
--sessions and --seed), imports it with `concierge events import` in a child process (wall time and
the child's peak memory), then times `support_report` for 1 January - 31 March 2026 (90 days) and
the previous 90 days: the first call, then the best and median of --repeat calls.

The log: --sessions support sessions spread over the 90 days (a Poisson stream), each by one of
sessions/3 contacts, in time order as an export would be (a conversation's later replies, closes and
ratings come with its start, so the file is not strictly sorted). A session is a visit or search that
stops, article views that resolve it, an automated answer that resolves it, or a conversation with a
teammate (after self-serve or from the start) with replies, a close and sometimes a rating; one in
ten is preceded by a proactive message (opened, clicked, reacted to at times). Events have random
ids. With --shuffle the lines are written in random order instead (out-of-order arrival).

With --reimport the same file is imported a second time (every event already in the log): its time
is printed beside the first import's, and the run fails if the report changed.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
WORK_DIR = PROJECT_DIR / "var" / "benchmark-report"
PERIOD = (date(2026, 1, 1), date(2026, 3, 31))
PERIOD_START = datetime(2026, 1, 1, 5, 0, tzinfo=UTC).timestamp()  # midnight in New York
SPAN_SECONDS = 90 * 86_400
MESSAGES = 200


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sessions", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5, help="timed report calls after the first")
    parser.add_argument("--shuffle", action="store_true", help="write the log's lines in random order")
    parser.add_argument(
        "--reimport",
        action="store_true",
        help="then import the same file again (every event a duplicate) and check the report is unchanged",
    )
    parser.add_argument(
        "--report-only", action="store_true", help="time the report on the database the last run left"
    )
    return parser.parse_args()


# The generator --------------------------------------------------------------------------------


class LogWriter:
    def __init__(self, out, rng: random.Random):
        self.out = out
        self.rng = rng
        self.events = 0

    def event(self, type_: str, at: float, contact: int, extra: str = "") -> None:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(at))
        self.out.write(
            f'{{"type":"{type_}","at":"{stamp}Z","contact":"u{contact}","id":"{self.rng.getrandbits(80):020x}"{extra}}}\n'
        )
        self.events += 1


def write_messages(out, rng: random.Random) -> None:
    for number in range(MESSAGES):
        record = {
            "type": "outbound_message",
            "id": f"m{number}",
            "content_type": rng.choice(["chat", "post", "email", "banner", "tooltip_group"]),
            "sender": f"t{rng.randrange(20)}",
            "tags": rng.sample(["onboarding", "outage", "billing", "feature", "survey"], rng.randrange(3)),
        }
        out.write(json.dumps(record) + "\n")


def write_session(log: LogWriter, rng: random.Random, at: float, contact: int, conversation: int) -> bool:
    """One session's events; True when it used the conversation number."""
    if rng.random() < 0.1:
        message = rng.randrange(MESSAGES)
        sent = at - rng.uniform(600, 6 * 3600)
        log.event("outbound.sent", sent, contact, f',"message":"m{message}"')
        if rng.random() < 0.55:
            log.event("outbound.opened", sent + rng.uniform(10, 600), contact, f',"message":"m{message}"')
            if rng.random() < 0.3:
                log.event(
                    "outbound.clicked", sent + rng.uniform(600, 900), contact, f',"message":"m{message}"'
                )
            if rng.random() < 0.15:
                extra = f',"message":"m{message}","reaction":"👍"'
                log.event("outbound.reacted", sent + rng.uniform(600, 900), contact, extra)
    kind = rng.random()
    if kind < 0.15:  # stopped
        log.event("help_center.visited", at, contact, ',"channel":"help_center"')
        if rng.random() < 0.5:
            log.event("article.searched", at + 30, contact, ',"channel":"help_center","query":"export"')
        return False
    if kind < 0.2:  # human from the start
        return write_conversation(log, rng, at, contact, conversation, bot=rng.random() < 0.3)
    log.event("help_center.visited", at, contact, ',"channel":"help_center"')
    log.event("article.searched", at + 20, contact, ',"channel":"messenger","query":"invoice"')
    log.event(
        "article.viewed", at + 45, contact, f',"channel":"help_center","article":"a{rng.randrange(500)}"'
    )
    if kind < 0.5:  # resolved by the article
        return False
    return write_conversation(log, rng, at + rng.uniform(60, 3600), contact, conversation, bot=kind < 0.65)


def write_conversation(log: LogWriter, rng, at: float, contact: int, number: int, bot: bool) -> bool:
    ref = f',"conversation":"k{number}"'
    log.event("conversation.started", at, contact, ref + ',"channel":"messenger","initiator":"contact"')
    if bot:
        log.event("bot.answered", at + 5, contact, ref)
        if rng.random() < 0.6:
            log.event("conversation.closed", at + rng.uniform(60, 900), contact, ref + ',"by":"bot"')
            return True
    reply = at + rng.expovariate(1 / 7200)
    log.event(
        "conversation.replied",
        reply,
        contact,
        ref + f',"author":"teammate","teammate":"t{rng.randrange(20)}"',
    )
    if rng.random() < 0.85:
        closed = reply + rng.expovariate(1 / 40_000)
        log.event("conversation.closed", closed, contact, ref + ',"by":"teammate"')
        if rng.random() < 0.35:
            log.event("conversation.rated", closed + 300, contact, ref + f',"rating":{rng.randint(1, 5)}')
    return True


def generate_log(path: Path, sessions: int, seed: int, shuffle: bool) -> int:
    rng = random.Random(seed)
    contacts = max(1, sessions // 3)
    with open(path, "w", encoding="utf-8") as out:
        write_messages(out, rng)
        log = LogWriter(out, rng)
        at, conversation = PERIOD_START, 0
        for _ in range(sessions):
            at = min(at + rng.expovariate(sessions / SPAN_SECONDS), PERIOD_START + SPAN_SECONDS - 86_400)
            if write_session(log, rng, at, rng.randrange(contacts), conversation):
                conversation += 1
    if shuffle:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        rng.shuffle(lines)
        path.write_text("".join(lines), encoding="utf-8")
    return log.events


# The run --------------------------------------------------------------------------------------


def fresh_database(keep: bool) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if keep:
        if not url.startswith("postgres"):
            os.environ["DATABASE_URL"] = f"sqlite:///{WORK_DIR / 'bench.sqlite3'}"
        return "PostgreSQL" if url.startswith("postgres") else "SQLite"
    if url.startswith("postgres"):
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        return "PostgreSQL"
    database = WORK_DIR / "bench.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    return "SQLite"


def import_in_child(path: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (the importer and its reader process) and the importer's peak
    resident memory (MB)."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [
            str(PROJECT_DIR / ".venv" / "bin" / "concierge"),
            "events",
            "import",
            str(path),
            "--workspace",
            "bench",
        ],
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        sys.exit("the import failed")
    print(f"importer CPU: user {usage.ru_utime:.1f} s, system {usage.ru_stime:.1f} s")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def reimport_and_compare(path: Path, events: int, workspace, report: dict) -> None:
    """Import the same file again: every event is a duplicate, and the report must not change."""
    from concierge.reports.selectors import support_report

    seconds, cpu, _ = import_in_child(path)
    print(
        f"re-import: {events:,} duplicate events in {seconds:.1f} s = {events / seconds:,.0f} events/s "
        f"(CPU {cpu:.1f} s)"
    )
    if support_report(workspace, *PERIOD) != report:
        sys.exit("the report changed after importing the same file again")


def main() -> None:
    args = parse_arguments()
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("CONCIERGE_VAR_DIR", str(WORK_DIR))
    os.environ["DJANGO_SETTINGS_MODULE"] = "concierge.settings"
    vendor = fresh_database(keep=args.report_only)
    path = WORK_DIR / f"log-{args.sessions}-{args.seed}{'-shuffled' if args.shuffle else ''}.jsonl"
    events_file = path.with_suffix(".events")
    if not args.report_only and (not path.exists() or not events_file.exists()):
        started = time.perf_counter()
        events = generate_log(path, args.sessions, args.seed, args.shuffle)
        events_file.write_text(str(events))
        print(f"generated {events:,} events in {time.perf_counter() - started:.0f} s: {path}", flush=True)
    events = int(events_file.read_text()) if events_file.exists() else 0

    import django

    django.setup()
    from django.core.management import call_command

    from concierge.reports.models import SupportSession
    from concierge.reports.selectors import support_report
    from concierge.workspaces.selectors import workspace_by_slug
    from concierge.workspaces.services import create_workspace

    if args.report_only:
        workspace = workspace_by_slug("bench")
        seconds = cpu = memory = float("nan")
    else:
        call_command("migrate", verbosity=0)
        workspace = create_workspace(
            name="Bench", slug="bench", timezone_name="America/New_York", owner_email="bench@example.test"
        )
        load_before = os.getloadavg()[0]
        seconds, cpu, memory = import_in_child(path)
        print(
            f"import: {events:,} events in {seconds:.1f} s = {events / seconds:,.0f} events/s "
            f"(CPU {cpu:.1f} s = {events / cpu:,.0f} events per CPU second), peak {memory:.0f} MB; "
            f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
        )

    started = time.perf_counter()
    report = support_report(workspace, *PERIOD)
    first = time.perf_counter() - started
    if args.reimport:
        reimport_and_compare(path, events, workspace, report)
    timings = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        support_report(workspace, *PERIOD)
        timings.append(time.perf_counter() - started)
    sessions = report["current"]["sessions"]["total"]
    print(
        f"report: {sessions:,} sessions in the period ({SupportSession.objects.count():,} stored): "
        f"first {first * 1000:.0f} ms, best {min(timings) * 1000:.0f} ms, "
        f"median {statistics.median(timings) * 1000:.0f} ms"
    )
    print(
        f"| {vendor} | {args.sessions:,}{' shuffled' if args.shuffle else ''} | {events:,} | {sessions:,} | "
        f"{seconds:.1f} s | {events / seconds:,.0f} | {events / cpu:,.0f} | {memory:.0f} MB | "
        f"{first * 1000:.0f} ms | {min(timings) * 1000:.0f} ms |"
    )


if __name__ == "__main__":
    main()
