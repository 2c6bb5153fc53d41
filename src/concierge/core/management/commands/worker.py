"""`concierge worker`: run background tasks from the database queue, and enqueue recurring work.

The queue is django-tasks-db's (`db_worker` does the running). Recurring work is declared by any app
as `RECURRING = [(task, timedelta)]` in its `tasks.py`; the worker enqueues each one on that schedule
unless one is already waiting or running. Tasks are idempotent, so two workers racing is harmless.

A worker that dies mid-task (killed, crashed, the machine restarted) leaves its task marked as
running. Each worker names itself by host and process, and puts such tasks back in the queue when it
starts and every minute after: those of a process of its own host that is gone, and any that has run
longer than the lease (`--task-lease-minutes`, for a worker on another host that went away).
"""

import importlib
import io
import logging
import signal
import threading
import time
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection
from django_tasks.base import Task, TaskResultStatus
from django_tasks_db.models import DBTaskResult

from concierge.core.db import waiting_for_a_busy_database
from concierge.core.services import requeue_abandoned_tasks, worker_id_for_this_process

logger = logging.getLogger("concierge.worker")


def recurring_tasks() -> list[tuple[Task, timedelta]]:
    """Every (task, interval) that installed Concierge apps declare in their tasks.py."""
    found = []
    for app in apps.get_app_configs():
        if not app.name.startswith("concierge."):
            continue
        try:
            module = importlib.import_module(f"{app.name}.tasks")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app.name}.tasks":
                raise
            continue
        found.extend(getattr(module, "RECURRING", []))
    return found


def is_waiting_or_running(task: Task) -> bool:
    return DBTaskResult.objects.filter(
        task_path=task.module_path, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    ).exists()


def enqueue_recurring_work(due: list[Task]) -> list[Task]:
    """Enqueue each task unless one is already waiting or running; returns those enqueued."""
    enqueued = []
    for task in due:
        if not is_waiting_or_running(task):
            task.enqueue()
            enqueued.append(task)
    return enqueued


def prune_finished_task_results(keep_days: int) -> None:
    """The queue keeps a row per task run (one a minute for each recurring task): drop old ones."""
    call_command(
        "prune_db_task_results", queue_name="*", min_age_days=keep_days, verbosity=0, stdout=io.StringIO()
    )


def requeue_abandoned_work(lease: timedelta) -> None:
    requeued = requeue_abandoned_tasks(lease=lease)
    if requeued:
        logger.warning("Put %d task(s) back in the queue that a stopped worker left unfinished", requeued)


class RecurringWorkScheduler(threading.Thread):
    """Beside the worker loop: enqueues each recurring task when its interval has passed, puts back
    the tasks stopped workers left unfinished every minute, and prunes finished task results once an
    hour."""

    PRUNE_EVERY_SECONDS = 3600
    REQUEUE_EVERY_SECONDS = 60

    def __init__(
        self,
        schedule: list[tuple[Task, timedelta]],
        keep_days: int,
        lease: timedelta,
        tick_seconds: float = 5.0,
    ):
        super().__init__(name="concierge-recurring-work", daemon=True)
        self.schedule = schedule
        self.keep_days = keep_days
        self.lease = lease
        self.tick_seconds = tick_seconds
        self.last_enqueued: dict[str, float] = {}
        self.last_pruned = -1e12
        self.last_requeued = time.monotonic()  # the worker put them back as it started

    def due_now(self) -> list[Task]:
        now = time.monotonic()
        return [
            task
            for task, every in self.schedule
            if now - self.last_enqueued.get(task.module_path, -1e12) >= every.total_seconds()
        ]

    def run(self) -> None:
        while True:
            close_old_connections()
            try:
                due = self.due_now()
                enqueue_recurring_work(due)
                for task in due:
                    self.last_enqueued[task.module_path] = time.monotonic()
                if time.monotonic() - self.last_requeued >= self.REQUEUE_EVERY_SECONDS:
                    requeue_abandoned_work(self.lease)
                    self.last_requeued = time.monotonic()
                if time.monotonic() - self.last_pruned >= self.PRUNE_EVERY_SECONDS:
                    prune_finished_task_results(self.keep_days)
                    self.last_pruned = time.monotonic()
            except Exception:  # keep the schedule alive through a passing database error
                logger.exception("Could not enqueue recurring work; trying again shortly")
            finally:
                connection.close()
            time.sleep(self.tick_seconds)


class Command(BaseCommand):
    help = "Run background tasks (the database queue) and enqueue recurring work such as waking snoozed conversations."

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue-name", default="*", help="queues to run, comma-separated; '*' for all (default)"
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds between polls of an empty queue (default: 1)"
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="enqueue the recurring work once, run every task waiting, then exit (for cron or tests)",
        )
        parser.add_argument(
            "--keep-results-days",
            type=int,
            default=7,
            help="finished task results older than this are pruned hourly (default: 7)",
        )
        parser.add_argument(
            "--task-lease-minutes",
            type=int,
            default=60,
            help="a task running longer than this is taken for abandoned and queued again (default: 60)",
        )
        parser.add_argument(
            "--no-recurring",
            action="store_true",
            help="only run queued tasks; leave recurring work and pruning to another worker",
        )

    def handle(self, *args, **options):
        if options["task_lease_minutes"] < 1:
            raise CommandError("--task-lease-minutes must be at least 1.")
        # A task that finds SQLite busy (a large import) waits for it rather than failing.
        with waiting_for_a_busy_database(settings.LONG_WRITE_WAIT_SECONDS):
            self.work(options)

    def work(self, options: dict) -> None:
        lease = timedelta(minutes=options["task_lease_minutes"])
        requeue_abandoned_work(lease)
        schedule = [] if options["no_recurring"] else recurring_tasks()
        if options["batch"]:
            enqueue_recurring_work([task for task, _ in schedule])
        elif not options["no_recurring"]:
            RecurringWorkScheduler(schedule, keep_days=options["keep_results_days"], lease=lease).start()
        handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            self.run_queue(options)
        finally:
            for sig, handler in handlers.items():  # db_worker installs its own; give the caller's back
                signal.signal(sig, handler)

    def run_queue(self, options: dict) -> None:
        call_command(
            "db_worker",
            queue_name=options["queue_name"],
            interval=options["interval"],
            batch=options["batch"],
            worker_id=worker_id_for_this_process(),
            reload=False,
            startup_delay=not options["batch"],
            verbosity=options["verbosity"],
            stdout=self.stdout,
            stderr=self.stderr,
        )
