"""Delivery is durable and once: a worker killed (kill -9) in the middle of sending a message to its
audience neither skips nor repeats anyone once another worker has finished the work."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

PROJECT_DIR = Path(__file__).resolve().parents[2]


def _child_database_url(tmp_path) -> str:
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'send.sqlite3'}"
    settings = connection.settings_dict
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    return f"postgres://{settings['USER']}@{host}:{port}/{settings['NAME']}"


def _child(mode: str, env: dict, *, background: bool = False):
    command = [sys.executable, "-m", "tests.outbound.send_worker", mode]
    if background:
        return subprocess.Popen(command, cwd=PROJECT_DIR, env=env)
    done = subprocess.run(command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_send_neither_skips_nor_repeats_anyone(tmp_path):
    log = tmp_path / "probe.log"
    env = {
        **os.environ,
        "DATABASE_URL": _child_database_url(tmp_path),
        "DJANGO_SETTINGS_MODULE": "concierge.settings",
        "SEND_PROBE_LOG": str(log),
    }
    _child("setup", env)

    worker = _child("work", {**env, "SEND_PROBE_HANG": "1"}, background=True)
    deadline = time.monotonic() + 180
    while not (log.exists() and log.read_text()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert log.read_text(), "the worker never reached its second batch"
    worker.send_signal(signal.SIGKILL)  # mid-batch: its transaction never commits
    worker.wait()

    halfway = json.loads(_child("report", env).stdout)
    assert halfway["delivered"] == halfway["events"] == 500  # the first batch only, committed whole

    _child("work", env)  # a new worker puts the dead worker's task back and finishes it
    report = json.loads(_child("report", env).stdout)
    assert report["delivered"] == report["contacts_delivered"] == report["events"] == report["contacts"]
    assert report["most_to_one"] == report["most_events_to_one"] == 1
    assert report["tasks"] == ["SUCCESSFUL"]
