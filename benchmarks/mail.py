"""Email intake speed: messages placed per second through the HTTP hook (`POST /api/v1/mail/inbound`)
and the SMTP listener (`concierge mail listen`, a real smtplib client on loopback), with a workspace
of 100,000 conversations.

Each round sends --messages messages one after another through each way in: half start a new
conversation (a new sender), half reply to one of them by In-Reply-To/References (the threading
look-up against every Message-ID the workspace knows). Each message is parsed, kept (raw text through
the storage API), placed through the conversations' services (with its event in the support log) in
one transaction. The figure is messages placed per second, the median of --rounds rounds.

  .venv/bin/python benchmarks/mail.py                                    # SQLite, in var/benchmark-mail/
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/concierge_bench_mail .venv/bin/python benchmarks/mail.py

The workspace is grown to --conversations with `seed_conversations_in_bulk` once; a second run reuses
it. Results go to docs/benchmarks.md by hand, with the machine and the exact command.
"""

import argparse
import os
import platform
import smtplib
import socket
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, default=100_000, help="grow the workspace to this many")
    parser.add_argument("--messages", type=int, default=200, help="messages per way in, per round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the median is reported")
    return parser.parse_args()


def prepare_environment() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concierge.settings")
    if not os.environ.get("DATABASE_URL"):
        os.environ.setdefault("CONCIERGE_VAR_DIR", str(PROJECT_DIR / "var" / "benchmark-mail"))
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")


def prepare_workspace(conversations: int):
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone
    from rich.console import Console

    from concierge.contacts.models import Contact
    from concierge.contacts.services import create_contact
    from concierge.conversations.models import Conversation
    from concierge.conversations.services import tag_for_name
    from concierge.core.management.migrating import migrate_with_progress
    from concierge.mail.models import Mailbox
    from concierge.mail.services.mailboxes import create_mailbox
    from concierge.workspaces.models import Workspace
    from concierge.workspaces.services import add_teammate, create_api_key, create_team, create_workspace

    sys.path.insert(0, str(PROJECT_DIR))
    from benchmarks.seeding import seed_conversations_in_bulk

    console = Console(stderr=True)
    migrate_with_progress(console)
    workspace = Workspace.objects.filter(slug="mailbench").first()
    if workspace is None:
        workspace = create_workspace(
            name="Mail bench",
            slug="mailbench",
            timezone_name="UTC",
            owner_email="owner@mailbench.test",
            owner_password="correct-horse-battery",
        )
        agent = add_teammate(
            workspace, email="agent@mailbench.test", name="Agent", password="correct-horse-battery"
        )
        create_team(workspace, name="Support", members=[agent])
        tag_for_name(workspace, "billing")
        for number in range(2000):
            create_contact(workspace, email=f"customer{number}@load.example", name=f"Customer {number}")
    if not Mailbox.objects.filter(workspace=workspace).exists():
        create_mailbox(workspace, address="support@mailbench.test", sender_name="Bench Support")
    have = Conversation.objects.filter(workspace=workspace).count()
    if have < conversations:
        console.print(f"Adding {conversations - have} conversations in bulk…")
        now = timezone.now()
        seed_conversations_in_bulk(
            workspace,
            count=conversations - have,
            contacts=list(Contact.objects.filter(workspace=workspace)),
            teammates=list(workspace.teammates.all()),
            teams=list(workspace.teams.all()),
            tags=list(workspace.tags.all()),
            start=now - timedelta(days=365),
            end=now - timedelta(days=1),
            seed=have,
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    _, key = create_api_key(workspace, name=f"bench {uuid.uuid4().hex[:6]}")
    return workspace, key


def messages(count: int, run: str) -> list[bytes]:
    """Half new conversations, each followed by a reply threaded by its In-Reply-To/References."""
    made = []
    for number in range(count // 2):
        first = f"{run}-{number}-a@sender.example"
        sender = f"Sender {number} <s{run}{number}@sender.example>"
        made.append(
            f"From: {sender}\r\nTo: support@mailbench.test\r\nSubject: Question {number}\r\n"
            f"Message-ID: <{first}>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            f"Hello, a question about invoice {number}.\r\n\r\nThanks\r\n".encode()
        )
        made.append(
            f"From: {sender}\r\nTo: support@mailbench.test\r\nSubject: Re: Question {number}\r\n"
            f"Message-ID: <{run}-{number}-b@sender.example>\r\nIn-Reply-To: <{first}>\r\nReferences: <{first}>\r\n"
            f"Content-Type: text/plain; charset=utf-8\r\n\r\nOne more detail.\r\n\r\n"
            f"On Tue, someone wrote:\r\n> Hello, a question about invoice {number}.\r\n".encode()
        )
    return made


def through_the_http_hook(key: str, batch: list[bytes]) -> float:
    from django.test import Client

    client = Client()
    started = time.perf_counter()
    for raw in batch:
        response = client.post(
            "/api/v1/mail/inbound",
            raw,
            content_type="message/rfc822",
            headers={"Authorization": f"Bearer {key}"},
        )
        assert response.status_code == 202, response.content
        assert response.json()["outcome"] == "placed", response.content
    return len(batch) / (time.perf_counter() - started)


def through_the_listener(batch: list[bytes]) -> float:
    from concierge.mail.listener import start_listener

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    controller = start_listener("127.0.0.1", port)
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
            started = time.perf_counter()
            for raw in batch:
                refused = client.sendmail("sender@sender.example", ["support@mailbench.test"], raw)
                assert refused == {}
            return len(batch) / (time.perf_counter() - started)
    finally:
        controller.stop()


def main() -> None:
    args = parse_arguments()
    prepare_environment()
    workspace, key = prepare_workspace(args.conversations)
    from django.db import connection

    from concierge.conversations.models import Conversation

    print(
        f"{platform.node()}: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{connection.vendor}; load average {os.getloadavg()[0]:.1f}"
    )
    print(f"{Conversation.objects.filter(workspace=workspace).count()} conversations in the workspace")
    results = {"HTTP hook": [], "SMTP listener": []}
    for round_number in range(args.rounds):
        run = uuid.uuid4().hex[:8]
        results["HTTP hook"].append(through_the_http_hook(key, messages(args.messages, f"h{run}")))
        results["SMTP listener"].append(through_the_listener(messages(args.messages, f"l{run}")))
        print(
            f"round {round_number + 1}: "
            + ", ".join(f"{name} {rates[-1]:.1f}/s" for name, rates in results.items())
        )
    print(f"load average {os.getloadavg()[0]:.1f}")
    for name, rates in results.items():
        print(
            f"{name:14s} median {statistics.median(rates):6.1f} messages placed/s  (rounds: "
            + ", ".join(f"{rate:.1f}" for rate in rates)
            + ")"
        )


if __name__ == "__main__":
    main()
