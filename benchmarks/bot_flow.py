"""The bot's answer to a new conversation: what it costs with the engine kept per process for the help
center's content version (as the bot does) against building the engine for every question.

What it measures, for a help center of ARTICLES published articles (three `##` sections each):
  cold     the first answer in a process: reads the published sections, builds the engine, answers
  cached   answer_conversation() with the engine kept (one content-version query, the engine's ask,
           the answer part, its events and the assumed-resolution task), median of REPEAT runs
  rebuild  the same with the cache emptied before each answer: what every question would cost
           without it
  edited   the first answer after an article is edited (the content version moved: one rebuild)

Run it (it builds its own workspace "bench-bot" and removes it first if a previous run left one):

  .venv/bin/python benchmarks/bot_flow.py
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/concierge_bench_bot .venv/bin/python benchmarks/bot_flow.py

Record the figures in docs/benchmarks.md by hand, with the machine and the exact command.
"""

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
TOPICS = [
    ("export", "contacts", "CSV file"),
    ("import", "customers", "spreadsheet"),
    ("reset", "password", "sign-in link"),
    ("download", "invoice", "PDF"),
    ("change", "payment card", "billing page"),
    ("invite", "teammates", "email invitation"),
    ("connect", "Slack", "integration"),
    ("schedule", "report", "weekly email"),
    ("delete", "account", "data removal"),
    ("enable", "two-factor authentication", "authenticator app"),
    ("rename", "workspace", "settings"),
    ("cancel", "subscription", "plan"),
    ("add", "custom domain", "DNS record"),
    ("create", "API key", "developer settings"),
    ("translate", "help center", "languages"),
]


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=15)
    return parser.parse_args()


def prepare_environment() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concierge.settings")
    if not os.environ.get("DATABASE_URL"):
        var_dir = PROJECT_DIR / "var" / "benchmark-bot"
        var_dir.mkdir(parents=True, exist_ok=True)
        database = var_dir / "bot.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    sys.path.insert(0, str(PROJECT_DIR / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def article_body(number: int) -> tuple[str, str, str]:
    verb, thing, detail = TOPICS[number % len(TOPICS)]
    variant = number // len(TOPICS)
    title = f"How to {verb} your {thing} ({variant + 1})"
    body = (
        f"This guide shows how to {verb} your {thing} in a few steps.\n\n"
        f"## Before you {verb} your {thing}\n\nCheck that you are an admin and that the {detail} is ready.\n\n"
        f"## To {verb} your {thing}\n\nOpen Settings, choose {thing.title()}, then {verb.title()}. "
        f"The {detail} is used for version {variant + 1}.\n\n"
        f"## When it does not work\n\nTry again in a few minutes, or write to us with the {detail}.\n"
    )
    return f"{verb}-{thing.replace(' ', '-')}-{variant + 1}".lower(), title, body


def build_workspace(articles: int):
    from concierge.contacts.services import create_contact
    from concierge.helpcenter.services.writing import create_article
    from concierge.workspaces.models import Workspace
    from concierge.workspaces.services import create_workspace

    Workspace.objects.filter(slug="bench-bot").delete()
    workspace = create_workspace(
        name="Bench bot", slug="bench-bot", timezone_name="UTC", owner_email="owner@bench-bot.test"
    )
    for number in range(articles):
        slug, title, body = article_body(number)
        create_article(workspace, slug=slug, locale="en", title=title, body=body, state="published")
    contact = create_contact(workspace, external_id="bench-contact", email="casey@bench-bot.test")
    return workspace, contact


def timed_answer(workspace, contact, question: str) -> float:
    from concierge.bot.services import answer_conversation
    from concierge.conversations.services import start_conversation

    conversation = start_conversation(workspace, contact=contact, body=question)
    started = time.perf_counter()
    answer_conversation(conversation)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    args = parse_arguments()
    prepare_environment()
    from concierge.bot import selectors
    from concierge.helpcenter.models import ArticleTranslation
    from concierge.helpcenter.services.writing import save_translation

    workspace, contact = build_workspace(args.articles)
    questions = [f"how do I {verb} my {thing}?" for verb, thing, _ in TOPICS]

    cold = timed_answer(workspace, contact, questions[0])
    cached = [timed_answer(workspace, contact, questions[i % len(questions)]) for i in range(args.repeat)]
    rebuild = []
    for i in range(args.repeat):
        selectors._libraries.clear()
        rebuild.append(timed_answer(workspace, contact, questions[i % len(questions)]))
    timed_answer(workspace, contact, questions[1])  # cached again
    translation = ArticleTranslation.objects.filter(workspace=workspace).order_by("pk").first()
    save_translation(
        translation.article, locale="en", title=translation.title + " (edited)", body=translation.body
    )
    edited = timed_answer(workspace, contact, questions[2])

    print(
        f"machine: {platform.machine()} {platform.processor() or ''} {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(
        f"database: {os.environ['DATABASE_URL'].split(':')[0]}; {args.articles} articles, {args.repeat} runs each"
    )
    print(f"cold     {cold:9.1f} ms (first answer in the process: build + answer)")
    print(
        f"cached   {statistics.median(cached):9.1f} ms median (min {min(cached):.1f}, max {max(cached):.1f})"
    )
    print(
        f"rebuild  {statistics.median(rebuild):9.1f} ms median (min {min(rebuild):.1f}, max {max(rebuild):.1f})"
    )
    print(f"edited   {edited:9.1f} ms (the first answer after an article changed)")
    print(f"rebuild / cached: {statistics.median(rebuild) / statistics.median(cached):.1f}x")


if __name__ == "__main__":
    main()
