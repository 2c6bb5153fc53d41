"""Live streams: 1,000 messenger streams open against one `concierge serve` on this machine; the time
from a teammate's reply (the service call) to the event arriving in the customer's stream, p50/p99,
and the server's memory.

Run it (it prepares its database, starts the server itself and stops it at the end):

  .venv/bin/python benchmarks/live.py                                    # SQLite, in var/benchmark-live/
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/concierge_bench_live .venv/bin/python benchmarks/live.py

What happens: a workspace with --streams contacts, each with a conversation, made through the services
(a second run reuses them). The server is `concierge serve --workers N` (one process by default: one
fan-out for all the streams). The client holds --streams event streams (asyncio sockets, one per
contact, each with its stream token), then sends --replies teammate replies one after another, each
to a random contact's conversation, through `reply_as_teammate` in this process, and times from just
before the call to the moment the `part.created` event carrying that reply is read from that
contact's stream. Latency includes the reply's own transaction. RSS: the server's processes, summed,
with all the streams open.
"""

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--streams", type=int, default=1000, help="messenger streams held open")
    parser.add_argument("--replies", type=int, default=300, help="timed replies")
    parser.add_argument("--pause", type=float, default=0.05, help="seconds between replies")
    parser.add_argument("--port", type=int, default=8190)
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    return parser.parse_args()


def prepare_environment() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concierge.settings")
    if not os.environ.get("DATABASE_URL"):
        os.environ.setdefault("CONCIERGE_VAR_DIR", str(PROJECT_DIR / "var" / "benchmark-live"))
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.dummy.DummyBackend")


def prepare_workspace(count: int):
    import django

    django.setup()
    from django.db import connection
    from rich.console import Console

    from concierge.contacts.services import create_contact
    from concierge.conversations.models import Conversation
    from concierge.conversations.services import start_conversation
    from concierge.core.management.migrating import migrate_with_progress
    from concierge.workspaces.models import Workspace
    from concierge.workspaces.services import add_teammate, create_workspace

    migrate_with_progress(Console(stderr=True))
    workspace = Workspace.objects.filter(slug="live-bench").first()
    if workspace is None:
        workspace = create_workspace(
            name="Live bench", slug="live-bench", timezone_name="UTC", owner_email="owner@bench.example"
        )
        add_teammate(workspace, email="agent@bench.example", name="Bench Agent")
    teammate = workspace.teammates.get(user__email="agent@bench.example")
    have = Conversation.objects.filter(workspace=workspace).count()
    for number in range(have, count):
        contact = create_contact(workspace, external_id=f"live_{number:06d}", name=f"Customer {number}")
        start_conversation(workspace, contact=contact, body="Hello")
        if number % 200 == 0:
            print(f"  {number}/{count} conversations", file=sys.stderr)
    conversations = list(
        Conversation.objects.filter(workspace=workspace).select_related("contact").order_by("id")[:count]
    )
    database = (
        f"{connection.vendor} {connection.Database.sqlite_version if connection.vendor == 'sqlite' else ''}"
    )
    return workspace, teammate, conversations, database.strip()


def start_server(args) -> subprocess.Popen:
    concierge = str(Path(sys.executable).with_name("concierge"))
    server = subprocess.Popen(
        [concierge, "serve", "--no-migrate", "--port", str(args.port), "--workers", str(args.workers)],
        env=os.environ.copy(),
    )
    deadline = time.monotonic() + 180
    import urllib.request

    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{args.port}/login/", timeout=2).read()
            return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("the server did not start")


def rss_mib(pid: int) -> float:
    """The server's resident memory: the gunicorn process and its workers."""
    pids = [pid]
    for child in Path(f"/proc/{pid}/task").glob("*/children"):
        pids.extend(int(p) for p in child.read_text().split())
    total = 0
    for one in pids:
        for line in Path(f"/proc/{one}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


class Streams:
    def __init__(self, port: int):
        self.port = port
        self.waiting: dict[str, tuple[float, asyncio.Future]] = {}
        self.opened = 0

    async def hold(self, path: str, ready: asyncio.Event, total: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".encode())
        await writer.drain()
        status = await reader.readline()
        if b" 200 " not in status:
            raise RuntimeError(f"stream refused: {status!r}")
        self.opened += 1
        if self.opened == total:
            ready.set()
        while True:
            line = await reader.readline()
            if not line:
                return
            if line.startswith(b"data: ") and b"bench-" in line:
                arrived = time.perf_counter()
                marker = line.split(b"bench-", 1)[1].split(b"<", 1)[0].split(b'"', 1)[0].decode()
                waiting = self.waiting.pop(marker, None)
                if waiting is not None and not waiting[1].done():
                    waiting[1].set_result(arrived - waiting[0])


async def measure(args, conversations, teammate, server_pid) -> dict:
    from asgiref.sync import sync_to_async
    from django.db import connection

    from concierge.conversations.services import reply_as_teammate
    from concierge.live.views import messenger_stream_token

    loop = asyncio.get_running_loop()
    streams = Streams(args.port)
    ready = asyncio.Event()
    tasks = []
    started = time.perf_counter()
    for conversation in conversations:
        token = messenger_stream_token(conversation.workspace_id, conversation.contact_id)
        tasks.append(
            asyncio.create_task(
                streams.hold(f"/live/messenger/stream?token={token}", ready, len(conversations))
            )
        )
        if len(tasks) % 100 == 0:
            await asyncio.sleep(0.05)  # open them at a pace, as browsers arrive
    await asyncio.wait_for(ready.wait(), 120)
    open_seconds = time.perf_counter() - started
    await asyncio.sleep(2)
    rss = rss_mib(server_pid)
    print(
        f"{len(conversations)} streams open in {open_seconds:.1f} s; server RSS {rss:.0f} MiB",
        file=sys.stderr,
    )

    def reply(conversation, marker):
        try:
            reply_as_teammate(conversation, teammate, f"Reply bench-{marker}")
        finally:
            connection.close()

    latencies = []
    service_ms = []
    missed = 0
    chooser = random.Random(7)
    for number in range(args.replies + 10):
        conversation = chooser.choice(conversations)
        marker = f"{number}x{chooser.randrange(10**6)}"
        arrived = loop.create_future()
        streams.waiting[marker] = (time.perf_counter(), arrived)
        called = time.perf_counter()
        await sync_to_async(reply, thread_sensitive=False)(conversation, marker)
        returned = time.perf_counter()
        try:
            latency = await asyncio.wait_for(arrived, 10)
        except TimeoutError:
            missed += 1
            continue
        if number >= 10:  # warm-up
            latencies.append(latency * 1000)
            service_ms.append((returned - called) * 1000)
        await asyncio.sleep(args.pause)
    rss_after = rss_mib(server_pid)
    for task in tasks:
        task.cancel()
    latencies.sort()
    return {
        "streams": len(conversations),
        "replies": len(latencies),
        "missed": missed,
        "p50": statistics.median(latencies),
        "p90": latencies[int(0.90 * (len(latencies) - 1))],
        "p99": latencies[int(0.99 * (len(latencies) - 1))],
        "max": latencies[-1],
        "service_p50": statistics.median(service_ms),
        "rss_open": rss,
        "rss_after": rss_after,
        "open_seconds": open_seconds,
    }


def anchor_ms() -> float:
    """How slow the machine is right now: a fixed pure-Python loop (sum of 10 million integers), the
    median of 5, reported beside the figures so runs on a busy shared machine can be compared."""
    times = []
    for _ in range(5):
        started = time.perf_counter()
        sum(range(10_000_000))
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    args = parse_arguments()
    prepare_environment()
    workspace, teammate, conversations, database = prepare_workspace(args.streams)
    from django.db import connections

    connections.close_all()
    print(f"load average before: {os.getloadavg()}", file=sys.stderr)
    anchor_before = anchor_ms()
    server = start_server(args)
    try:
        result = asyncio.run(measure(args, conversations, teammate, server.pid))
    finally:
        server.terminate()
        server.wait(30)
    print(f"load average after: {os.getloadavg()}", file=sys.stderr)
    anchor_after = anchor_ms()
    print(
        f"database: {database}; server processes: {args.workers}\n"
        f"anchor (sum of 10M ints, median of 5): {anchor_before:.0f} ms before, {anchor_after:.0f} ms after\n"
        f"streams open: {result['streams']} (opened in {result['open_seconds']:.1f} s)\n"
        f"replies timed: {result['replies']}, missed: {result['missed']}\n"
        f"reply -> event in the customer's stream: p50 {result['p50']:.1f} ms, p90 {result['p90']:.1f} ms, "
        f"p99 {result['p99']:.1f} ms, max {result['max']:.1f} ms\n"
        f"of which the reply's own service call (its transaction, reactions): p50 {result['service_p50']:.1f} ms\n"
        f"server RSS with the streams open: {result['rss_open']:.0f} MiB (after the replies: {result['rss_after']:.0f} MiB)"
    )


if __name__ == "__main__":
    main()
