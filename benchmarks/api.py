"""API speed: requests per second and p50/p99 latency of the REST API, served by `concierge serve`
(gunicorn) on 127.0.0.1, for the demo workspace grown to many conversations.

What it measures, each with an API key of the demo workspace "Acme":
  create  POST /api/v1/conversations                  a conversation with its first message
  reply   POST /api/v1/conversations/{id}/replies     a teammate's reply
  list    GET  /api/v1/conversations?limit=50          the inbox's first page, 50 per page
  open    GET  /api/v1/conversations?state=open&limit=50
  pages   GET  /api/v1/conversations?limit=50&cursor=… walking deeper pages with next_cursor

Run it (it prepares the database, starts the server itself and stops it at the end):

  .venv/bin/python benchmarks/api.py                         # SQLite, in var/benchmark/
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/concierge_bench_api .venv/bin/python benchmarks/api.py

The database is migrated, seeded with the demo (`concierge demo`'s data) and grown to
--conversations (default 100,000) with `seed_conversations_in_bulk`; a second run reuses it.
With --no-server it measures a server you started yourself on --port (same database).
Results go to docs/benchmarks.md by hand, with the machine and the exact command.
"""

import argparse
import http.client
import json
import math
import os
import platform
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, default=100_000, help="grow Acme to at least this many")
    parser.add_argument(
        "--contacts", type=int, default=5_000, help="grow Acme to at least this many contacts"
    )
    parser.add_argument("--requests", type=int, default=1_000, help="measured requests per scenario")
    parser.add_argument("--concurrency", default="1,4", help="client threads, e.g. '1,4' runs each level")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn processes (default: serve's)")
    parser.add_argument("--no-server", action="store_true", help="use a server already listening on --port")
    parser.add_argument(
        "--server-pid",
        type=int,
        default=None,
        help="with --no-server: that server's pid, for its CPU per request",
    )
    parser.add_argument(
        "--server-python",
        default=None,
        help="the Python whose Concierge serves (another checkout's, to compare before and after a change)",
    )
    parser.add_argument("--only", default="create,reply,list,open,pages", help="scenarios to run")
    return parser.parse_args()


def prepare_environment() -> None:
    """A database of its own unless DATABASE_URL says otherwise, so the demo's data stays untouched."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concierge.settings")
    if not os.environ.get("DATABASE_URL"):
        os.environ.setdefault("CONCIERGE_VAR_DIR", str(PROJECT_DIR / "var" / "benchmark"))
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")


@dataclass
class Workload:
    api_key: str
    contact_ids: list[int]
    conversation_ids: list[int]  # replied to when this run created none
    teammate_id: int
    conversations: int
    database: str


def prepare_workspace(args: argparse.Namespace) -> Workload:
    import django

    django.setup()
    from django.db import connection, connections, transaction
    from django.utils import timezone
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from concierge.contacts.models import Contact
    from concierge.contacts.services import create_contact
    from concierge.conversations.models import Conversation
    from concierge.conversations.selectors import tags
    from concierge.core.management.migrating import migrate_with_progress
    from concierge.demo.seed import seed_demo_workspace
    from concierge.workspaces.selectors import teammates, teams
    from concierge.workspaces.services import create_api_key

    sys.path.insert(0, str(PROJECT_DIR))
    from benchmarks.seeding import seed_conversations_in_bulk

    console = Console(stderr=True)
    migrate_with_progress(console)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        demo = progress.add_task("Seeding the demo workspace", total=None)
        workspace = seed_demo_workspace(
            on_progress=lambda done, total: progress.update(demo, completed=done, total=total)
        ).workspace
        progress.update(demo, total=1, completed=1)

        have = Contact.objects.filter(workspace=workspace).count()
        more = progress.add_task("Adding contacts", total=max(0, args.contacts - have))
        with transaction.atomic():
            for number in range(have, args.contacts):
                create_contact(
                    workspace, external_id=f"bench_{number:07d}", email=f"bench{number}@load.example"
                )
                progress.advance(more)

        have = Conversation.objects.filter(workspace=workspace).count()
        grow = progress.add_task("Adding conversations in bulk", total=max(0, args.conversations - have))
        contacts = list(Contact.objects.filter(workspace=workspace, kind="user")[:20_000])
        now = timezone.now()
        seed_conversations_in_bulk(
            workspace,
            count=max(0, args.conversations - have),
            contacts=contacts,
            teammates=list(teammates(workspace)),
            teams=list(teams(workspace)),
            tags=list(tags(workspace)),
            start=now - timedelta(days=365),
            end=now - timedelta(days=61),
            seed=have,
            on_progress=lambda done, total: progress.update(grow, completed=done),
        )
    with connection.cursor() as cursor:
        # Fresh planner statistics after a large insert (autovacuum would get there, but later).
        cursor.execute("ANALYZE")
    _, raw_key = create_api_key(workspace, name="benchmark")
    workload = Workload(
        api_key=raw_key,
        contact_ids=[c.pk for c in contacts[:2000]],
        conversation_ids=list(
            Conversation.objects.filter(workspace=workspace)
            .order_by("-pk")
            .values_list("pk", flat=True)[:2000]
        ),
        teammate_id=teammates(workspace).first().pk,
        conversations=Conversation.objects.filter(workspace=workspace).count(),
        database=describe_database(connection),
    )
    connections.close_all()
    return workload


def describe_database(connection) -> str:
    if connection.vendor == "sqlite":
        return "SQLite " + ".".join(map(str, connection.Database.sqlite_version_info))
    version = connection.pg_version
    return f"PostgreSQL {version // 10000}.{version % 10000}"


def start_server(args: argparse.Namespace) -> subprocess.Popen:
    python = args.server_python or sys.executable
    command = [python, "-m", "concierge.cli", "serve", "--no-migrate", "--port", str(args.port)]
    if args.workers:
        command += ["--workers", str(args.workers)]
    return subprocess.Popen(command, env=os.environ.copy(), stdout=subprocess.DEVNULL)


def wait_until_serving(port: int, api_key: str, seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            status, _ = Client(port, api_key).request("GET", "/api/v1/workspace")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"No answer from 127.0.0.1:{port} within {seconds:.0f} s")


class Client:
    """One keep-alive HTTP connection, as a real API client would hold."""

    def __init__(self, port: int, api_key: str):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"}

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        payload = json.dumps(body) if body is not None else None
        try:
            self.connection.request(method, path, body=payload, headers=self.headers)
            response = self.connection.getresponse()
        except (http.client.HTTPException, ConnectionError):
            self.connection.close()  # the server closed an idle connection: reconnect once
            self.connection.request(method, path, body=payload, headers=self.headers)
            response = self.connection.getresponse()
        data = response.read()
        return response.status, (json.loads(data) if data else {})


def process_tree_cpu_seconds(pid: int | None) -> float | None:
    """CPU time (user + system) used so far by a process and its children (Linux /proc), so the
    server's own cost per request shows even on a machine shared with other work."""
    if pid is None or not Path("/proc").is_dir():
        return None
    parents: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        process = int(stat.parent.name)
        parents[process] = int(fields[1])
        ticks[process] = int(fields[11]) + int(fields[12])
    tree, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, ppid in parents.items() if ppid == parent and child not in tree]
        tree.update(children)
        frontier.extend(children)
    return sum(ticks.get(process, 0) for process in tree) / os.sysconf("SC_CLK_TCK")


@dataclass
class Result:
    scenario: str
    concurrency: int
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    server_cpu_seconds: float | None = None

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(q * len(ordered)) - 1)] * 1000 if ordered else float("nan")

    def row(self) -> str:
        rate = len(self.latencies) / self.seconds if self.seconds else 0
        done = len(self.latencies) + self.errors
        cpu = f"{self.server_cpu_seconds / done * 1000:.1f}" if self.server_cpu_seconds and done else "–"
        return (
            f"| {self.scenario} | {self.concurrency} | {len(self.latencies)} | {rate:,.0f} | "
            f"{self.percentile(0.50):.1f} | {self.percentile(0.99):.1f} | {cpu} | {self.errors} |"
        )


class Scenario:
    """Each thread makes its own requests in turn; `step` is one request and says whether it went well."""

    name = ""
    expected_status = 200

    def __init__(self, workload: Workload, shared: dict):
        self.workload, self.shared = workload, shared

    def step(self, client: Client, number: int, state: dict) -> tuple[int, dict]:
        raise NotImplementedError


class CreateConversation(Scenario):
    name = "create conversation + first message"
    expected_status = 201

    def step(self, client, number, state):
        contact_id = self.workload.contact_ids[number % len(self.workload.contact_ids)]
        status, body = client.request(
            "POST",
            "/api/v1/conversations",
            {"contact_id": contact_id, "subject": "Export fails", "body": f"My export #{number} fails."},
        )
        if status == 201:
            self.shared.setdefault("created", []).append(body["id"])
        return status, body


class Reply(Scenario):
    name = "reply (teammate)"
    expected_status = 201

    def step(self, client, number, state):
        ids = self.shared.get("created") or self.workload.conversation_ids
        return client.request(
            "POST",
            f"/api/v1/conversations/{ids[number % len(ids)]}/replies",
            {"author": "teammate", "teammate_id": self.workload.teammate_id, "body": "We're on it."},
        )


class ListInbox(Scenario):
    name = "list inbox, 50 per page"
    query = "limit=50"

    def step(self, client, number, state):
        return client.request("GET", f"/api/v1/conversations?{self.query}")


class ListOpen(ListInbox):
    name = "list open, 50 per page"
    query = "state=open&limit=50"


class WalkPages(Scenario):
    name = "next pages (cursor), 50 per page"

    def step(self, client, number, state):
        cursor = state.get("cursor")
        path = "/api/v1/conversations?limit=50" + (f"&cursor={cursor}" if cursor else "")
        status, body = client.request("GET", path)
        state["cursor"] = body.get("next_cursor") if status == 200 else None
        return status, body


SCENARIOS = {
    "create": CreateConversation,
    "reply": Reply,
    "list": ListInbox,
    "open": ListOpen,
    "pages": WalkPages,
}


def run_scenario(
    scenario: Scenario, *, port: int, concurrency: int, requests: int, server_pid: int | None
) -> Result:
    result = Result(scenario.name, concurrency)
    lock = threading.Lock()
    per_thread = max(1, requests // concurrency)
    warmup = 10
    barrier = threading.Barrier(concurrency + 1)

    def work(thread_number: int) -> None:
        client, state = Client(port, scenario.workload.api_key), {}
        for number in range(warmup):
            scenario.step(client, thread_number * 1_000_000 + number, state)
        barrier.wait()
        for number in range(per_thread):
            began = time.perf_counter()
            status, _ = scenario.step(client, thread_number * 1_000_000 + warmup + number, state)
            took = time.perf_counter() - began
            with lock:
                if status == scenario.expected_status:
                    result.latencies.append(took)
                else:
                    result.errors += 1
        client.connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    barrier.wait()
    began, cpu_before = time.perf_counter(), process_tree_cpu_seconds(server_pid)
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - began
    cpu_after = process_tree_cpu_seconds(server_pid)
    if cpu_before is not None and cpu_after is not None:
        result.server_cpu_seconds = cpu_after - cpu_before
    return result


def main() -> None:
    args = parse_arguments()
    prepare_environment()
    workload = prepare_workspace(args)
    server = None if args.no_server else start_server(args)
    try:
        wait_until_serving(args.port, workload.api_key)
        print(
            f"\n{workload.database}, {workload.conversations:,} conversations in the workspace; "
            f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}; "
            f"load average before: {os.getloadavg()[0]:.1f}\n"
        )
        print("| scenario | clients | requests | req/s | p50 ms | p99 ms | server CPU ms/req | errors |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        shared: dict = {}
        for concurrency in [int(level) for level in args.concurrency.split(",")]:
            for key in args.only.split(","):
                scenario = SCENARIOS[key](workload, shared)
                result = run_scenario(
                    scenario,
                    port=args.port,
                    concurrency=concurrency,
                    requests=args.requests,
                    server_pid=server.pid if server else args.server_pid,
                )
                print(result.row(), flush=True)
        print(f"\nload average after: {os.getloadavg()[0]:.1f}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
