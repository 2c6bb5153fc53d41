"""Composer suggestions: how often the saved reply a teammate would pick is among those suggested for
the customer's last message, over a small labelled set written for this benchmark (below) against the
demo's saved replies — and how often the composer stays quiet when no reply fits. Beside it, a naive
rule: the replies sharing the most words with the message. And the time per message.

  .venv/bin/python benchmarks/suggestions.py [--repeat 5]

The set is ours and small (24 messages, English and Spanish, paraphrases on purpose, 6 with no fitting
reply): a light check that the ranking is sensible, not a measure of quality in general.
Results go to docs/benchmarks.md ("Composer suggestions") by hand.
"""

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR / "src"))

import django  # noqa: E402

sys.argv, argv = sys.argv[:1], sys.argv
import os  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concierge.settings")
django.setup()
sys.argv = argv

from concierge.demo.saved_replies import SAVED_REPLIES  # noqa: E402
from concierge.replies.coach.similarity import folded_words  # noqa: E402
from concierge.replies.selectors.suggestions import SHOWN, rank  # noqa: E402

# (locale, customer's message, the title a teammate would insert, or "" when none fits)
CASES = [
    (
        "en",
        "We got billed two times for last month, could one of them be refunded?",
        "Duplicate charge refunded",
    ),
    ("en", "There's a double payment on our credit card statement", "Duplicate charge refunded"),
    ("en", "Our accountant needs the tax ID printed on the invoices", "VAT number on invoices"),
    ("en", "How much do we save if we pay yearly instead of monthly?", "Annual billing and proration"),
    ("en", "My CSV download never finishes, it just spins and times out", "Export timed out: resume it"),
    (
        "en",
        "The scheduled export doesn't include the new attributes we created",
        "Custom fields missing from exports",
    ),
    (
        "en",
        "When I log in with Okta it sends me back to the login page again and again",
        "SAML certificate expired",
    ),
    ("en", "Our integration keeps receiving 429 errors", "API rate limits"),
    ("en", "How do I get the next page of results from the conversations API?", "Cursor pagination"),
    ("en", "Your dashboard is down for everyone in our office", "Outage: we're on it"),
    ("en", "Nothing shows up in our Slack channel anymore", "Reconnect the Slack app"),
    ("en", "I'm leaving the company, how do I make my colleague the account owner?", "Transfer ownership"),
    ("en", "It would be great to have custom roles with finer permissions", "Feature request noted"),
    (
        "es",
        "Nos cobraron dos veces este mes, ¿pueden devolver uno de los cargos?",
        "Duplicate charge refunded",
    ),
    ("es", "Necesitamos que las facturas muestren nuestro número de IVA", "VAT number on invoices"),
    ("es", "El inicio de sesión con SSO vuelve siempre a la pantalla de acceso", "SAML certificate expired"),
    ("es", "El panel no carga desde esta mañana", "Outage: we're on it"),
    (
        "en",
        "Can I change the export to include archived conversations?",
        "Custom fields missing from exports",
    ),
    ("en", "Hi!", ""),
    ("en", "Thanks a lot, that worked perfectly", ""),
    ("en", "Do you have an office in Berlin we could visit?", ""),
    ("en", "Is there a discount for non-profit organisations?", ""),
    ("es", "¡Muchas gracias por la ayuda!", ""),
    ("en", "What is your phone number?", ""),
]


def candidates(locale: str) -> list[tuple[str, str]]:
    return [(r.title, (r.es if locale == "es" and r.es else r.en)) for r in SAVED_REPLIES]


def naive(message: str, texts: list[tuple[str, str]]) -> list[tuple[int, float]]:
    """The replies sharing the most words (three letters or more) with the message."""
    asked = {w for w in folded_words(message) if len(w) > 2}
    scored = []
    for index, (title, body) in enumerate(texts):
        shared = len(asked & set(folded_words(f"{title} {body}")))
        if shared:
            scored.append((index, float(shared)))
    return sorted(scored, key=lambda pair: -pair[1])


def evaluate(ranker) -> dict:
    top1 = top3 = fitting = quiet = none_fits = 0
    for locale, message, expected in CASES:
        texts = candidates(locale)
        found = [texts[i][0] for i, _ in ranker(message, texts, locale)[:SHOWN]]
        if expected:
            fitting += 1
            top1 += bool(found) and found[0] == expected
            top3 += expected in found
        else:
            none_fits += 1
            quiet += not found
    return {
        "top-1": top1 / fitting,
        "in the 3 shown": top3 / fitting,
        "quiet when none fits": quiet / none_fits,
        "cases": f"{fitting} fitting, {none_fits} without",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    ours = evaluate(rank)
    baseline = evaluate(lambda message, texts, locale: naive(message, texts))
    print(f"machine: {platform.machine()} {platform.processor() or ''} python {platform.python_version()}")
    for name, figures in (("suggestions (words + embeddings)", ours), ("naive word overlap", baseline)):
        print(
            f"{name}: "
            + ", ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k}: {v}" for k, v in figures.items())
        )
    rank("warm up", candidates("en"), "en")
    runs = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        for locale, message, _ in CASES:
            rank(message, candidates(locale), locale)
        runs.append((time.perf_counter() - start) / len(CASES) * 1000)
    print(
        f"time per message ({len(SAVED_REPLIES)} replies ranked), median of {args.repeat}: {statistics.median(runs):.2f} ms"
    )


if __name__ == "__main__":
    main()
