"""Shared fixtures: data made through the services, a real SMTP server on loopback, a real Chromium."""

import os
import shutil
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls made beside it are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="session")
def django_db_modify_db_settings_parallel_suffix(request, tmp_path_factory):
    """SQLite's test database is a file in WAL mode, as Concierge runs, not Django's shared in-memory
    database: there a reader in one thread (the live fan-out, a test server) and a writer in another
    fail at once on a table lock instead of waiting. One file per xdist worker; PostgreSQL's test
    databases get the worker's suffix, as pytest-django gives them."""
    from django.conf import settings
    from pytest_django.fixtures import _set_suffix_to_test_databases

    worker = getattr(request.config, "workerinput", {}).get("workerid")
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        name = f"test-{worker or 'main'}.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.getbasetemp() / name)
    elif worker:
        _set_suffix_to_test_databases(suffix=worker)


@pytest.fixture(scope="session", autouse=True)
def no_connection_outlives_the_run(django_db_setup, django_db_blocker):
    """Servers that tests start in threads (the ASGI server, the live server) can leave a connection
    open. PostgreSQL will not drop a test database that has one, so at the end they are ended."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    connection.close()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real sign-ins with a cheap hash: the default one costs ~0.3 s per user the fixtures create."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def workspace(db):
    from concierge.workspaces.services import create_workspace

    return create_workspace(
        name="Acme Support",
        slug="acme",
        timezone_name="America/New_York",
        owner_email="owner@acme.test",
        owner_password=PASSWORD,
        owner_name="Olivia Owner",
    )


@pytest.fixture
def owner(workspace):
    return workspace.teammates.get(role="owner")


@pytest.fixture
def agent(workspace):
    from concierge.workspaces.services import add_teammate

    return add_teammate(
        workspace,
        email="agent@acme.test",
        name="Avery Agent",
        timezone_name="Europe/Belgrade",
        password=PASSWORD,
    )


@pytest.fixture
def contact(workspace):
    from concierge.contacts.services import create_contact

    return create_contact(
        workspace,
        external_id="cust-1",
        email="casey@customer.test",
        name="Casey Customer",
        timezone="America/Los_Angeles",
    )


@pytest.fixture
def other_workspace(db):
    from concierge.workspaces.services import create_workspace

    return create_workspace(
        name="Globex",
        slug="globex",
        timezone_name="Europe/Belgrade",
        owner_email="owner@globex.test",
        owner_password=PASSWORD,
    )


@pytest.fixture
def other_contact(other_workspace):
    from concierge.contacts.services import create_contact

    return create_contact(other_workspace, external_id="globex-cust", email="gina@globex-customer.test")


@pytest.fixture
def one_of_everything(workspace, owner, agent, contact):
    """One of each thing a page shows: a tagged conversation, a session type with a booking link, an
    upcoming booking, time off and a date override, and a superuser for the admin."""
    from datetime import date, timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from concierge.conversations.services import start_conversation, tag_conversation, tag_for_name
    from concierge.meetings.selectors.slots import free_slots
    from concierge.meetings.services.availability import add_time_off, set_date_override, set_weekly_hours
    from concierge.meetings.services.booking import book_session
    from concierge.meetings.services.session_types import create_booking_trigger, create_session_type

    conversation = start_conversation(workspace, contact=contact, body="My export fails", subject="Export")
    tag_conversation(conversation, tag_for_name(workspace, "billing"))
    set_weekly_hours(agent, [(day, "00:00", "00:00") for day in range(7)])
    session_type = create_session_type(workspace, name="Setup", hosts=[agent], minimum_notice_minutes=0)
    trigger = create_booking_trigger(session_type, place="setup page")
    start = free_slots(session_type, start=timezone.now() + timedelta(days=2))[0].start
    booking = book_session(
        session_type, start=start, timezone_name="Europe/Belgrade", contact=contact, confirm_night=True
    )
    time_off = add_time_off(
        owner, starts_at=timezone.now() + timedelta(days=30), ends_at=timezone.now() + timedelta(days=31)
    )
    set_date_override(owner, date.today() + timedelta(days=40), [("10:00", "12:00")])
    get_user_model().objects.create_superuser("root@acme.test", "root@acme.test", PASSWORD)
    return {
        "conversation": conversation,
        "trigger": trigger,
        "booking": booking,
        "session_type": session_type,
        "time_off": time_off,
        "contact": contact,
    }


@pytest.fixture
def clock(monkeypatch):
    """The sign-in and key throttles' clock (core.throttling.now), moved by hand with advance(): an
    attacker's pace without sleeping."""
    from datetime import timedelta

    from django.utils import timezone

    from concierge.core import throttling

    class Clock:
        at = timezone.now()

        def advance(self, **delta):
            self.at += timedelta(**delta)

    moved = Clock()
    monkeypatch.setattr(throttling, "now", lambda: moved.at)
    return moved


@dataclass
class Mailbox:
    """What the loopback SMTP server received, as parsed messages."""

    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Addresses the server refuses, with its answer (e.g. "550 5.1.1 No such user"; 4xx: try later).
    refused: dict[str, str] = field(default_factory=dict)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # aiosmtpd hook
        with self.lock:
            answer = self.refused.get(address)
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        message = message_from_bytes(envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if address in m["X-Envelope-To"]]

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def mailbox(settings):
    """A real SMTP server (aiosmtpd) on 127.0.0.1; Django's SMTP backend sends to it."""
    from aiosmtpd.controller import Controller

    box = Mailbox()
    port = _free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (no browser download)."""
    if not os.path.exists(CHROMIUM_PATH):
        pytest.fail(f"Chromium not found at {CHROMIUM_PATH}; `make test` installs Debian's chromium package.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-US", timezone_id="America/New_York")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
