"""`concierge coach FILE.jsonl`: one JSON line out per line in, the exact shape; bad lines named by
number on stderr and skipped, exit status 1 at the end; `-` reads standard input."""

import io
import json
import sys

import pytest
from django.core.management import CommandError, call_command

KEYS = ["id", "restates", "reasoning", "resolution", "overpromise", "tone"]


def run(tmp_path, lines: list[str], *args) -> tuple[list[dict], str, Exception | None]:
    path = tmp_path / "replies.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    failure = None
    try:
        call_command("coach", str(path), *args, stdout=out, stderr=err)
    except CommandError as exc:
        failure = exc
    return [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue(), failure


def item(id_, reply, locale="en", customer="My export fails since the update."):
    return json.dumps({"id": id_, "locale": locale, "customer": customer, "reply": reply})


def test_each_line_gets_one_line_of_exactly_the_contracts_keys(tmp_path):
    printed, err, failure = run(
        tmp_path,
        [
            item("a", "I promise we'll fix this by tomorrow"),
            item("b", "It's in the docs."),
        ],
    )

    assert failure is None and err == ""
    assert [list(line) for line in printed] == [KEYS, KEYS]
    assert printed[0] == {
        "id": "a",
        "restates": False,
        "reasoning": False,
        "resolution": True,
        "overpromise": True,
        "tone": "curt",  # seven words, nothing warm in them
    }
    assert printed[1]["tone"] == "curt"
    for line in printed:
        assert all(isinstance(line[key], bool) for key in KEYS[1:5])
        assert line["tone"] in {"formal", "casual", "curt"}


def test_a_language_without_rules_prints_nulls(tmp_path):
    printed, _, failure = run(
        tmp_path, [item("fr-1", "Je vous promets que ce sera corrigé demain.", locale="fr")]
    )

    assert failure is None
    assert printed == [{"id": "fr-1", **dict.fromkeys(KEYS[1:], None)}]


def test_bad_lines_are_named_by_number_skipped_and_the_command_fails_at_the_end(tmp_path):
    printed, err, failure = run(
        tmp_path,
        [
            item("good-1", "Not planned."),
            "{not json",
            json.dumps({"id": "no-reply", "locale": "en", "customer": "hi"}),
            item("empty", "   "),
            json.dumps(["a", "list"]),
            json.dumps({"id": "x", "locale": "en", "customer": 3, "reply": "Hi"}),
            "",
            item("good-2", "Not planned."),
        ],
    )

    assert [line["id"] for line in printed] == ["good-1", "good-2"]
    assert "line 2: not valid JSON" in err
    assert "line 3: missing reply" in err
    assert 'line 4: "reply" is empty' in err
    assert "line 5: not a JSON object" in err
    assert 'line 6: "customer" must be a string or a list of strings' in err
    assert "line 7" not in err  # a blank line is no item
    assert isinstance(failure, CommandError) and "5 lines could not be coached" in str(failure)


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("coach", str(tmp_path / "nowhere.jsonl"), stdout=io.StringIO())


def test_dash_reads_standard_input_and_hints_come_with_spans(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(item("s", "I promise we'll fix this by tomorrow") + "\n"))
    out = io.StringIO()

    call_command("coach", "-", "--hints", stdout=out)

    (line,) = [json.loads(text) for text in out.getvalue().splitlines()]
    warning = next(hint for hint in line["hints"] if hint["element"] == "overpromise")
    assert (warning["start"], warning["end"], warning["kind"]) == (0, 36, "warning")


def test_customer_messages_may_come_as_a_list(tmp_path):
    printed, _, failure = run(
        tmp_path,
        [
            json.dumps(
                {
                    "id": 7,
                    "locale": "en",
                    "customer": ["I got charged twice for March!!", "Two charges of $48, same day."],
                    "reply": "Hi, two charges of $48 for March is wrong. I've refunded the second $48 just now.",
                }
            )
        ],
    )
    assert failure is None
    assert printed[0]["id"] == 7 and printed[0]["restates"] is True and printed[0]["resolution"] is True
