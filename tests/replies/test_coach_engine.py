"""The coach's engine on replies written for these tests: the elements it finds, the words its hints
point at, and the silence of a language without rules."""

import pytest

from concierge.replies.coach import coach_reply
from concierge.replies.coach.engine import split_sentences
from concierge.replies.coach.languages import rules_for

# Seed 003's example, in its own words here: a customer asks for a way to sign in; the reply says back
# what they want, explains the reasoning behind the answer, and ends with a clear resolution.
CUSTOMER = (
    "Is there any way to sign in with my Google account? I keep forgetting my password because I only "
    "log in once a month."
)
SEED_003_REPLY = (
    "Hi Robin, thanks for writing! We don't offer Google sign-in yet, but I can see why you'd want it: "
    "remembering a password you only type once a month is a chore. Right now a session lasts four weeks, "
    "which is why you're asked again so often. We're putting our developers' time into the core of the "
    "product rather than into more ways to sign in, because that's what most teams ask us for. I can't "
    "commit to a date for longer sessions, but I'll let you know if and when they go live."
)


def test_seed_003s_example_reply_restates_reasons_and_resolves_without_overpromising():
    report = coach_reply(CUSTOMER, SEED_003_REPLY, "en")

    assert report.judged
    assert (report.restates, report.reasoning, report.resolution) == (True, True, True)
    assert report.overpromise is False
    assert report.tone == "casual"
    found = {hint.element for hint in report.hints if hint.kind == "found"}
    assert found == {"restates", "reasoning", "resolution"}
    assert not [hint for hint in report.hints if hint.kind in {"missing", "warning"}]


def test_each_found_hint_points_at_words_of_the_reply():
    report = coach_reply(CUSTOMER, SEED_003_REPLY, "en")

    for hint in report.hints:
        assert SEED_003_REPLY[hint.start : hint.end] == hint.words
    resolution = next(hint for hint in report.hints if hint.element == "resolution")
    assert "let you know if and when" in SEED_003_REPLY[resolution.start : resolution.end + 30]


def test_a_promise_to_fix_by_tomorrow_is_an_overpromise_with_its_span_and_a_safer_phrasing():
    reply = "I promise we'll fix this by tomorrow"

    report = coach_reply("The export button does nothing.", reply, "en")

    assert report.overpromise is True
    warnings = [hint for hint in report.hints if hint.element == "overpromise"]
    assert warnings and all(hint.kind == "warning" for hint in warnings)
    promise = warnings[0]
    assert (promise.start, promise.end) == (0, len(reply))
    assert promise.words == reply[promise.start : promise.end] == "I promise we'll fix this by tomorrow"
    assert promise.suggestion and "promise" not in promise.suggestion.replace("can't promise", "")


@pytest.mark.parametrize(
    "reply",
    [
        "It will be fixed in the next release.",
        "This will definitely ship next week.",
        "I guarantee it will never happen again.",
        "The timeline view goes live on June 3rd, so you'll have it then.",
    ],
)
def test_fixed_dates_certainties_and_never_again_are_overpromises(reply):
    assert coach_reply("When will the timeline be fixed?", reply, "en").overpromise is True


@pytest.mark.parametrize(
    "reply",
    [
        "I can't promise a date, and I'd rather not guess one, but I'll let you know when it ships.",
        "I promise to look into it today and get back to you by the end of the day.",
        "That's definitely not right, sorry. I've refunded the second charge just now.",
    ],
)
def test_hedged_commitments_and_promises_about_supports_own_work_are_not_overpromises(reply):
    assert coach_reply("I was charged twice and the timeline is broken.", reply, "en").overpromise is False


def test_a_greeting_formula_alone_does_not_count_as_restating():
    reply = "Thanks so much for reaching out, I totally understand how frustrating that must be! Have a great day!"

    report = coach_reply("I want to reorder subtasks by dragging them.", reply, "en")

    assert report.restates is False
    assert report.resolution is False
    missing = {hint.element for hint in report.hints if hint.kind == "missing"}
    assert missing == {"restates", "reasoning", "resolution"}


def test_a_bare_because_is_not_reasoning_and_a_real_cause_is():
    circular = coach_reply("Why is my export limited?", "It's limited because that's our policy.", "en")
    real = coach_reply(
        "Why is my export limited?",
        "Exports stop at 10,000 rows because bigger files were timing out in the browser.",
        "en",
    )

    assert circular.reasoning is False
    assert real.reasoning is True


def test_tone_formal_casual_and_curt():
    formal = coach_reply(
        "How do I turn off the digest?",
        "Dear Customer, Kindly be advised that we have received your request. We regret any inconvenience caused.",
        "en",
    )
    curt = coach_reply("How do I add my team?", "It's in the docs.", "en")
    casual = coach_reply("How do I add my team?", "Hi! Settings > Members > Invite, and you're set.", "en")

    assert (formal.tone, curt.tone, casual.tone) == ("formal", "curt", "casual")
    assert [hint.element for hint in formal.hints if hint.kind == "warning"] == ["tone"]


def test_the_workspaces_voice_decides_which_tone_gets_a_hint():
    formal_reply = (
        "Dear Mr. Sato, Please be advised that archived boards are retained. Yours sincerely, Support"
    )

    in_a_casual_team = coach_reply("What happens to archived boards?", formal_reply, "en", voice="casual")
    in_a_formal_team = coach_reply("What happens to archived boards?", formal_reply, "en", voice="formal")

    assert any(hint.element == "tone" for hint in in_a_casual_team.hints)
    assert not any(hint.element == "tone" for hint in in_a_formal_team.hints)
    with pytest.raises(ValueError, match="voice"):
        coach_reply("x", "y", "en", voice="pirate")


@pytest.mark.parametrize("locale", ["fr", "fr-FR", "de", "", "xx"])
def test_a_language_without_rules_gets_no_judgement_and_no_hints(locale):
    report = coach_reply(
        "Puis-je me connecter avec Google ?", "Je vous promets que ce sera prêt demain.", locale
    )

    assert report.judged is False
    assert report.hints == []
    assert report.judgements() == dict.fromkeys(
        ("restates", "reasoning", "resolution", "overpromise", "tone"), None
    )


def test_regional_english_uses_the_english_rules():
    assert rules_for("en-GB") is rules_for("en_us") is rules_for("EN")
    assert coach_reply("Export fails.", "I promise it'll be fixed by Friday.", "en-GB").overpromise is True


def test_an_empty_reply_is_not_judged():
    report = coach_reply("Anything?", "   ", "en")
    assert report.judged is False and report.hints == []


def test_several_customer_messages_count_together_for_restating():
    messages = ["I got charged twice for March!!", "Two charges of $48 on my card, same day."]
    reply = "Hi Rafael, two charges of $48 for the same month is not right. I've refunded the second $48 just now."

    report = coach_reply(messages, reply, "en")

    assert report.restates is True and report.resolution is True


def test_sentences_keep_their_offsets():
    text = "Hi there!  It broke.\nI fixed it."
    assert [(s.text, text[s.start : s.end]) for s in split_sentences(text)] == [
        ("Hi there!", "Hi there!"),
        ("It broke.", "It broke."),
        ("I fixed it.", "I fixed it."),
    ]


def test_spanish_has_its_own_rules_file():
    report = coach_reply(
        "La app se cierra cada vez que abro una tarea con un adjunto.",
        "Estimado usuario: Le informamos de que esta incidencia quedará resuelta en la versión 5.3, que se "
        "publicará el 12 de mayo. Atentamente, Soporte",
        "es-ES",
    )

    assert report.judged
    assert report.overpromise is True and report.resolution is True
    assert report.tone == "formal"
    warning = next(hint for hint in report.hints if hint.element == "overpromise")
    assert "versión 5.3" in warning.words
    assert warning.suggestion.startswith("El equipo")
