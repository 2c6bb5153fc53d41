"""Running a test's module in a child process on a SQLite file: a race between connections needs a
database they can share, which the tests' in-memory SQLite is not. Children given the same folder
share its database."""

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def _environment_on_a_sqlite_file(folder: Path) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'child.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "concierge.settings",
    }


def json_from_a_child_on_a_sqlite_file(module: str, *args: str, folder: Path) -> dict:
    """Run `python -m module args…` on the SQLite file in `folder`; the JSON of its last line."""
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=PROJECT_DIR,
        env=_environment_on_a_sqlite_file(folder),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def child_on_a_sqlite_file(module: str, *args: str, folder: Path) -> subprocess.Popen:
    """Start `python -m module args…` on the SQLite file in `folder`, its output piped, and go on."""
    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        cwd=PROJECT_DIR,
        env=_environment_on_a_sqlite_file(folder),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
