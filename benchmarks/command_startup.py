"""How long a `concierge` command takes as a process, with and without Django's system checks.

  .venv/bin/python benchmarks/command_startup.py --runs 15 -- report support --workspace acme \\
      --from 2026-10-01 --to 2026-11-30

Runs the command --runs times as a fresh process each way, alternating: as it is, and with the
system checks forced back on (`requires_system_checks = "__all__"`, as every command had before), and
prints the median and the least of the wall times and of the CPU times (user and system; less
disturbed than the wall time by other work on the machine). The checks load every URL module, and with them
the API's schemas: most of a command's start when the command itself needs no URL.
The database is whatever DATABASE_URL (or the default var/ SQLite) points at; `concierge demo` fills
one.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

WITH_CHECKS = """
import sys
from django.core.management import get_commands, load_command_class
import django
django.setup()
name = sys.argv[1]
command_class = type(load_command_class(get_commands()[name], name))
command_class.requires_system_checks = "__all__"
from concierge.cli import main
main()
"""
AS_IT_IS = "from concierge.cli import main; main()"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(code: str, arguments: list[str]) -> tuple[float, float]:
    """The wall time and the CPU time (user + system) of one run of the command as a process."""
    started, cpu = time.perf_counter(), _children_cpu()
    subprocess.run([sys.executable, "-c", code, *arguments], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started, _children_cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=11, help="runs each way (default: 11)")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command and its arguments, after --")
    options = parser.parse_args()
    arguments = [part for part in options.command if part != "--"]
    if not arguments:
        parser.error("name the command to time, after --")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concierge.settings")
    times: dict[str, list[tuple[float, float]]] = {
        "without the system checks": [],
        "with the system checks": [],
    }
    run_once(AS_IT_IS, arguments)  # warm the file cache and .pyc files first
    for _ in range(options.runs):
        times["without the system checks"].append(run_once(AS_IT_IS, arguments))
        times["with the system checks"].append(run_once(WITH_CHECKS, arguments))
    for label, measured in times.items():
        wall, cpu = [run[0] for run in measured], [run[1] for run in measured]
        print(
            f"{label:>26}: wall median {statistics.median(wall):.3f} s (min {min(wall):.3f}), "
            f"CPU median {statistics.median(cpu):.3f} s (min {min(cpu):.3f}), {len(measured)} runs"
        )


if __name__ == "__main__":
    main()
