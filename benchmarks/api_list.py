"""API list speed: the server CPU one `GET /api/v1/conversations` costs (50 conversations a page, each
with its contact, assignee, team and tags), measured in process through Django's test client (the
whole request path but the network: middleware, the API key's authentication, the query, the JSON).

Run it on a database that benchmarks/api.py prepared (the demo workspace "Acme" grown to thousands
of conversations), e.g.:

  .venv/bin/python benchmarks/api.py --conversations 5000 --contacts 500 --requests 50 --concurrency 1 --only list
  .venv/bin/python benchmarks/api_list.py                      # SQLite, in var/benchmark/
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/concierge_bench_api .venv/bin/python benchmarks/api_list.py

It prints, for each list (the first page, open ones, a deeper page by cursor, one tag's), the median
and p95 of this process's CPU time per request (time.process_time: on SQLite it includes the
database's work, on PostgreSQL not the server's) and the wall-clock median. `--profile` prints the
cProfile of 50 requests of the first list instead. It makes an API key for the run and revokes it at
the end. Results go to docs/benchmarks.md by hand, with the load (`uptime`): the CPU time of a busy
machine is higher too.
"""

import argparse
import cProfile
import math
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100, help="measured requests per list")
    parser.add_argument("--warmup", type=int, default=20, help="requests before measuring, per list")
    parser.add_argument("--limit", type=int, default=50, help="conversations per page")
    parser.add_argument("--workspace", default="acme", help="the workspace's slug")
    parser.add_argument("--profile", action="store_true", help="print the cProfile of the first list")
    return parser.parse_args()


def prepare_environment() -> None:
    """The database benchmarks/api.py prepared, unless DATABASE_URL or CONCIERGE_VAR_DIR says otherwise."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concierge.settings")
    if not os.environ.get("DATABASE_URL"):
        os.environ.setdefault("CONCIERGE_VAR_DIR", str(PROJECT_DIR / "var" / "benchmark"))
    sys.path.insert(0, str(PROJECT_DIR / "src"))


def list_urls(client, workspace, limit: int) -> dict[str, str]:
    from concierge.conversations.selectors import tags

    base = f"/api/v1/conversations?limit={limit}"
    first = client.get(base)
    assert first.status_code == 200, first.content[:300]
    cursor = first.json()["next_cursor"]
    urls = {"plain": base, "state=open": f"{base}&state=open"}
    if cursor:
        urls["cursor page"] = f"{base}&cursor={cursor}"
    tag = tags(workspace).first()
    if tag is not None:
        urls[f"tag_id ({tag.name})"] = f"{base}&tag_id={tag.pk}"
    return urls


def measure(client, url: str, *, warmup: int, requests: int) -> tuple[float, float, float]:
    """Median and p95 CPU ms, and median wall-clock ms, of `requests` GETs of `url`."""
    for _ in range(warmup):
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
    cpu, wall = [], []
    for _ in range(requests):
        started_cpu, started_wall = time.process_time(), time.perf_counter()
        client.get(url)
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started_wall) * 1000)
    cpu.sort()
    p95 = cpu[min(len(cpu) - 1, math.ceil(0.95 * len(cpu)) - 1)]
    return statistics.median(cpu), p95, statistics.median(wall)


def main() -> None:
    args = parse_arguments()
    prepare_environment()
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from concierge.workspaces.models import Workspace
    from concierge.workspaces.services import create_api_key, revoke_api_key

    workspace = Workspace.objects.get(slug=args.workspace)
    key, secret = create_api_key(workspace, name="api_list benchmark")
    try:
        client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        urls = list_urls(client, workspace, args.limit)
        print(f"{connection.vendor}, {workspace.conversations.count()} conversations, limit={args.limit}")
        if args.profile:
            url = urls["plain"]
            measure(client, url, warmup=args.warmup, requests=1)
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(50):
                client.get(url)
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(45)
            return
        for name, url in urls.items():
            median, p95, wall = measure(client, url, warmup=args.warmup, requests=args.requests)
            print(f"  {name:<24} CPU median {median:6.2f} ms  p95 {p95:6.2f} ms  wall median {wall:6.2f} ms")
    finally:
        revoke_api_key(key)


if __name__ == "__main__":
    main()
