"""Running a test's module in a child process on a SQLite file: a race between connections needs a
database they can share, which the tests' in-memory SQLite is not."""

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def json_from_a_child_on_a_sqlite_file(module: str, *args: str, folder: Path) -> dict:
    """Run `python -m module args…` on a fresh SQLite file in `folder`; the JSON of its last line."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'child.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "concierge.settings",
    }
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])
