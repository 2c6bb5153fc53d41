"""The help center's folder import: how long `concierge helpcenter import` takes for a docs folder,
the first time (every article created, rendered, indexed) and again (a sync where nothing or a few
articles changed), and how long an export takes.

What it measures, each --runs times on a fresh workspace, medians printed:
  first import    ARTICLES articles in two languages (2 × ARTICLES files), in COLLECTIONS collections
  sync, same      the same folder again: every file read and checked, nothing written
  sync, 10 %      the folder with a tenth of the English files changed: those get a revision
  export          every translation written back as a file

Run it (it builds its own workspaces "bench-hc-N" and removes them first if a previous run left them):
  .venv/bin/python benchmarks/helpcenter_import.py                 # SQLite, a file in var/benchmark-helpcenter/
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/concierge_bench_hc .venv/bin/python benchmarks/helpcenter_import.py

Record the figures in docs/benchmarks.md by hand, with the machine and the exact command.
"""

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
PARAGRAPH = (
    "Open **Settings**, then *Billing*. The invoice for each month is listed with its date and amount; "
    "click one to download it as a PDF. Invoices older than a year are in the archive below the list."
)


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--collections", type=int, default=12)
    parser.add_argument("--runs", type=int, default=3)
    return parser.parse_args()


def prepare_environment() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concierge.settings")
    if not os.environ.get("DATABASE_URL"):
        var_dir = PROJECT_DIR / "var" / "benchmark-helpcenter"
        var_dir.mkdir(parents=True, exist_ok=True)
        database = var_dir / "helpcenter.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    sys.path.insert(0, str(PROJECT_DIR / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def article_text(number: int, locale: str, collection: int, extra: str = "") -> str:
    title = f"How to do task {number}" if locale == "en" else f"Cómo hacer la tarea {number}"
    name = f"Collection {collection}" if locale == "en" else f"Colección {collection}"
    sections = "\n\n".join(f"## Step {step}\n\n{PARAGRAPH} {extra}" for step in range(1, 5))
    return f"---\ntitle: {title}\nlocale: {locale}\ncollection: {name}\n---\n\n{PARAGRAPH}\n\n{sections}\n"


def write_folder(folder: Path, args, *, changed_every: int = 0) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(args.articles):
        collection = number % args.collections
        extra = "Changed." if changed_every and number % changed_every == 0 else ""
        (folder / f"task-{number}.md").write_text(article_text(number, "en", collection, extra))
        (folder / f"task-{number}.es.md").write_text(article_text(number, "es", collection))


def timed(work) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def one_run(run: int, args, root: Path) -> dict[str, float]:
    from concierge.helpcenter.services.folders import export_articles, import_articles
    from concierge.workspaces.models import Workspace
    from concierge.workspaces.services import create_workspace

    slug = f"bench-hc-{run}"
    Workspace.objects.filter(slug=slug).delete()
    workspace = create_workspace(
        name=f"Bench {run}", slug=slug, timezone_name="Europe/Belgrade", owner_email=f"owner{run}@bench.test"
    )
    same, changed = root / f"same-{run}", root / f"changed-{run}"
    write_folder(same, args)
    write_folder(changed, args, changed_every=10)
    figures = {}
    figures["first import"], summary = timed(lambda: import_articles(workspace, same))
    assert summary.translations_created == 2 * args.articles
    figures["sync, same"], summary = timed(lambda: import_articles(workspace, same))
    assert summary.translations_unchanged == 2 * args.articles
    figures["sync, 10 %"], summary = timed(lambda: import_articles(workspace, changed))
    assert summary.translations_updated == len(range(0, args.articles, 10))
    figures["export"], _ = timed(lambda: export_articles(workspace, root / f"out-{run}"))
    Workspace.objects.filter(slug=slug).delete()
    return figures


def main() -> None:
    args = parse_arguments()
    prepare_environment()
    from django.db import connection

    runs = []
    with tempfile.TemporaryDirectory() as root:
        for run in range(args.runs):
            runs.append(one_run(run, args, Path(root)))
    files = 2 * args.articles
    print(
        f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, {connection.vendor}"
    )
    print(
        f"{args.articles} articles × 2 languages = {files} files, {args.collections} collections, {args.runs} runs"
    )
    print(f"{'':14} {'median s':>9} {'ms/file':>8}   runs (s)")
    for name in runs[0]:
        values = [figures[name] for figures in runs]
        median = statistics.median(values)
        print(
            f"{name:14} {median:9.2f} {1000 * median / files:8.2f}   {', '.join(f'{v:.2f}' for v in values)}"
        )


if __name__ == "__main__":
    main()
