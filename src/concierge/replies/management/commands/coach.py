"""`concierge coach FILE.jsonl`: the reply coach over a file of replies, one JSON line out per line in.

Each input line is {"id", "locale", "customer", "reply"} ("customer" a string or a list of strings);
each output line is {"id", "restates", "reasoning", "resolution", "overpromise", "tone"}, the four
elements true or false and the tone "formal", "casual" or "curt" — or all five null when the
locale's language has no rules (the coach declines rather than guess). A line that cannot be read
is named on stderr with its number and skipped; the command then exits with status 1, after
coaching every good line. `-` reads standard input."""

import sys
from contextlib import nullcontext

import orjson
from django.core.management.base import BaseCommand, CommandError

from concierge.replies.coach import coach_reply

PROGRESS_EVERY = 1000
MAX_LINE_LENGTH = 100_000


class BadLine(ValueError):
    pass


class Command(BaseCommand):
    help = "Coach replies from a JSON Lines file: one judgement line out per line in."

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help='a JSON Lines file of {"id", "locale", "customer", "reply"}, or - for stdin'
        )
        parser.add_argument(
            "--hints", action="store_true", help="add the coach's hints (with character spans)"
        )

    def handle(self, *args, file: str, hints: bool, verbosity: int, **options):
        bad = done = 0
        with _opened(file) as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    self.stdout.write(orjson.dumps(coached(line, with_hints=hints)).decode())
                    done += 1
                except BadLine as problem:
                    bad += 1
                    self.stderr.write(f"line {number}: {problem}")
                if verbosity >= 1 and done and done % PROGRESS_EVERY == 0:
                    self.stderr.write(f"coached {done:,} replies…")
        if bad:
            raise CommandError(
                f"{bad} line{'s' if bad != 1 else ''} could not be coached (named above); {done} coached."
            )


def _opened(file: str):
    if file == "-":
        return nullcontext(sys.stdin)
    try:
        return open(file, encoding="utf-8")  # noqa: SIM115 (closed by the caller's with)
    except OSError as exc:
        raise CommandError(f"cannot read {file}: {exc.strerror}") from exc


def coached(line: str, *, with_hints: bool = False) -> dict:
    item = _item(line)
    report = coach_reply(item["customer"], item["reply"], item["locale"])
    judged = {"id": item["id"], **report.judgements()}
    if with_hints:
        judged["hints"] = report.as_dict()["hints"]
    return judged


def _item(line: str) -> dict:
    if len(line) > MAX_LINE_LENGTH:
        raise BadLine(f"longer than {MAX_LINE_LENGTH:,} characters")
    try:
        item = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise BadLine(f"not valid JSON ({exc})") from exc
    if not isinstance(item, dict):
        raise BadLine("not a JSON object")
    missing = [key for key in ("id", "locale", "customer", "reply") if key not in item]
    if missing:
        raise BadLine(f"missing {', '.join(missing)}")
    if not isinstance(item["id"], str | int) or isinstance(item["id"], bool):
        raise BadLine('"id" must be a string or a number')
    if not isinstance(item["locale"], str):
        raise BadLine('"locale" must be a string such as "en"')
    customer = item["customer"]
    if isinstance(customer, list) and all(isinstance(message, str) for message in customer):
        customer = "\n".join(customer)
    if not isinstance(customer, str):
        raise BadLine('"customer" must be a string or a list of strings')
    if not isinstance(item["reply"], str):
        raise BadLine('"reply" must be a string')
    if not item["reply"].strip():
        raise BadLine('"reply" is empty')
    return {**item, "customer": customer}
