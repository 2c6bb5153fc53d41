"""The messenger's weight and its first answers.

Budgets (issue 13): the loader at most 5 KB gzipped, the messenger app at most 60 KB gzipped. The
sizes are measured on the files as served (gzip -9), the app being the frame's script and style and
the live client it loads; the frame's HTML page is reported beside them.

Speed, in-process with Django's test client (the whole request path but the network): what the
messenger asks when it opens — the frame page, GET /api/v1/messenger/home (the team, office hours,
the latest conversation, a session offered, the help center), GET /api/v1/messenger/outbound (the
proactive messages for the page: two delivered, three waiting of five page messages) — beside the anchor GET
/api/v1/messenger/me (the identity check alone, the existing endpoint). Median of --rounds rounds of
--requests requests each (p50 and p99 per round; the medians of those are reported).

Run it:
  .venv/bin/python benchmarks/messenger.py
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/concierge_bench_messenger .venv/bin/python benchmarks/messenger.py
"""

import argparse
import gzip
import os
import platform
import statistics
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SOURCE = PROJECT_DIR / "src" / "concierge"
sys.path.insert(0, str(PROJECT_DIR / "src"))


def gzipped(*paths: Path) -> tuple[int, int]:
    raw = sum(len(path.read_bytes()) for path in paths)
    return raw, sum(len(gzip.compress(path.read_bytes(), 9)) for path in paths)


def sizes() -> dict[str, tuple[int, int]]:
    static = SOURCE / "messenger" / "static" / "messenger"
    return {
        "loader (messenger.js)": gzipped(static / "loader.js"),
        "app (frame.js + frame.css + live/stream.js)": gzipped(
            static / "frame.js", static / "frame.css", SOURCE / "live" / "static" / "live" / "stream.js"
        ),
    }


def prepare() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concierge.settings")
    if not os.environ.get("DATABASE_URL"):
        os.environ.setdefault("CONCIERGE_VAR_DIR", str(PROJECT_DIR / "var" / "benchmark-messenger"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def workspace_with_a_conversation():
    from concierge.contacts.models import Contact
    from concierge.contacts.services import create_contact
    from concierge.conversations.services import start_conversation
    from concierge.outbound.selectors import messages_of
    from concierge.workspaces.models import Workspace
    from concierge.workspaces.services import create_workspace

    workspace = Workspace.objects.filter(slug="messengerbench").first()
    if workspace is None:
        workspace = create_workspace(
            name="Messenger bench",
            slug="messengerbench",
            timezone_name="Europe/Madrid",
            owner_email="owner@messengerbench.test",
            owner_password="bench-password-1",
            owner_name="Olivia Owner",
        )
        lead = create_contact(workspace, visitor_id="bench-visitor", kind="lead")
        start_conversation(workspace, contact=lead, body="Where is my order?")
    if not messages_of(workspace).exists():
        proactive_messages(workspace, Contact.objects.get(workspace=workspace, visitor_id="bench-visitor"))
    return workspace


def proactive_messages(workspace, lead) -> None:
    """What GET /outbound reads: a banner and a chat delivered to the lead, and five page messages
    (three for the benched page, two for others)."""
    from concierge.outbound.services import create_message, deliver, set_state
    from concierge.workspaces.selectors import teammates

    owner = teammates(workspace).first()

    def live(content_type, body, **settings):
        message = create_message(
            workspace,
            content_type=content_type,
            name=f"Bench {content_type} {settings.get('page_url', '')}",
            sender=owner,
            overrides_cap=True,
            versions=[{"locale": "en", "subject": "News", "body": body}],
            **settings,
        )
        return set_state(message, "live")

    for content_type in ("banner", "chat"):
        deliver(
            live(content_type, "Hi {{first_name|there}}, exports are slow.", trigger="page", page_url="*"),
            lead,
        )
    for pattern in ("*/pricing*", "/pricing", "*", "/billing*", "*/settings/*"):
        live("post", "A new way to export", trigger="page", page_url=pattern, page_seconds=5)


def timed(client, url: str, headers: dict, requests: int) -> list[float]:
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()

    print("sizes (bytes): raw, gzip -9")
    for name, (raw, packed) in sizes().items():
        print(f"  {name}: {raw:,} raw, {packed:,} gzipped")

    prepare()
    from django.db import connection
    from django.test import Client

    workspace = workspace_with_a_conversation()
    headers = {"X-Workspace": workspace.slug, "X-Visitor-Id": "bench-visitor"}
    client = Client()
    frame_url = f"/messenger/{workspace.slug}/frame/?origin=https%3A%2F%2Fshop.example.com&lang=es"
    page = client.get(frame_url)
    print(f"  frame page (HTML): {len(page.content):,} raw, {len(gzip.compress(page.content, 9)):,} gzipped")
    scenarios = {
        "anchor: GET /api/v1/messenger/me": ("/api/v1/messenger/me", headers),
        "GET /messenger/<workspace>/frame/": (frame_url, {}),
        "GET /api/v1/messenger/home": ("/api/v1/messenger/home", headers),
        "GET /api/v1/messenger/outbound (2 shown, 3 waiting)": (
            "/api/v1/messenger/outbound?url=https%3A%2F%2Fshop.example.com%2Fpricing",
            headers,
        ),
    }
    print(
        f"\n{connection.vendor}; {platform.python_implementation()} {platform.python_version()}; "
        f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}"
    )
    for name, (url, sent) in scenarios.items():
        timed(client, url, sent, 20)  # warm up
        p50s, p99s = [], []
        for _ in range(arguments.rounds):
            times = timed(client, url, sent, arguments.requests)
            p50s.append(percentile(times, 0.5))
            p99s.append(percentile(times, 0.99))
        print(
            f"  {name}: p50 {statistics.median(p50s):.2f} ms, p99 {statistics.median(p99s):.2f} ms "
            f"(rounds' p50: {', '.join(f'{v:.2f}' for v in p50s)})"
        )
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
