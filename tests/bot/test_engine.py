import pytest

from concierge.bot.engine import (
    MAX_SUGGESTIONS,
    Answer,
    AnswerSection,
    EngineSettings,
    Verdict,
    build_engine,
    verdict_as_json,
)
from concierge.bot.languages import NEUTRAL, language_of, rules_for
from tests.bot.help_center import sections


@pytest.fixture(scope="module")
def engine():
    return build_engine(sections())


def answered(verdict: Verdict) -> Answer:
    assert verdict.answer is not None, f"expected an answer, got silence (suggestions {verdict.suggestions})"
    return verdict.answer


@pytest.mark.parametrize(
    ("question", "slug", "section"),
    [
        (
            "I forgot my password, how do I get a reset link?",
            "reset-your-password",
            "Send yourself a reset link",
        ),
        ("the password reset link says it has expired", "reset-your-password", "The reset link has expired"),
        (
            "how can I download all my notebooks as markdown",
            "export-your-notes",
            "Download every notebook as Markdown",
        ),
        ("export one notebook to pdf", "export-your-notes", "Export a single notebook as PDF"),
        (
            "how do I cancel my plan so I am not charged again",
            "cancel-your-plan",
            "Cancel from the Billing page",
        ),
        (
            "how do I remove someone's access to a shared notebook?",
            "share-a-notebook",
            "Remove someone's access",
        ),
    ],
)
def test_answers_with_the_article_and_section_that_hold_the_answer(engine, question, slug, section):
    answer = answered(engine.ask(question, "en"))

    assert (answer.slug, answer.section) == (slug, section)
    assert 0.0 < answer.confidence <= 1.0
    assert answer.excerpt and answer.excerpt in next(s.text for s in sections() if s.heading == section)


def test_answers_a_question_with_typos(engine):
    answer = answered(engine.ask("i forgott my pasword, how do i get a resett link", "en"))

    assert answer.slug == "reset-your-password"


def test_answers_a_spanish_question_from_the_spanish_articles(engine):
    answer = answered(engine.ask("¿cómo conecto google calendar?", "es"))

    assert (answer.slug, answer.section) == ("sincronizar-el-calendario", "Conectar Google Calendar")


def test_a_regional_locale_is_answered_from_its_language(engine):
    answer = answered(engine.ask("como activo el modo sin conexion en el telefono", "es-MX"))

    assert answer.slug == "modo-sin-conexion"


def test_a_language_without_rules_still_answers_from_its_articles(engine):
    assert rules_for("it") is NEUTRAL

    answer = answered(engine.ask("come posso scaricare tutti i quaderni?", "it"))

    assert answer.slug == "esporta-le-note"


def test_an_english_question_is_never_answered_from_spanish_articles(engine):
    verdict = engine.ask("connect google calendar", "en")

    assert verdict.answer is None or not verdict.answer.slug.startswith("sincronizar")
    assert "sincronizar-el-calendario" not in verdict.suggestions


@pytest.mark.parametrize(
    ("message", "locale"),
    [
        ("hi there", "en"),
        ("Hello? is anyone there", "en"),
        ("thanks, that's all I needed!", "en"),
        ("hola, buenas tardes", "es"),
        ("can I talk to a human please", "en"),
        ("agent", "en"),
        ("is there a phone number I can call?", "en"),
        ("quiero hablar con una persona", "es"),
        ("pásame con un agente", "es"),
    ],
)
def test_stays_quiet_for_small_talk_and_requests_for_a_person(engine, message, locale):
    assert engine.ask(message, locale) == Verdict(None, [])


@pytest.mark.parametrize("message", ["asdfgh qwerty zxcvb", "", "   ", "???"])
def test_does_not_answer_gibberish_or_nothing(engine, message):
    assert engine.ask(message, "en").answer is None


def test_stays_quiet_in_a_language_with_no_articles(engine):
    assert engine.ask("Wie setze ich mein Passwort zurück?", "de") == Verdict(None, [])
    assert engine.ask("How do I reset my password?", "") == Verdict(None, [])


def test_does_not_answer_a_question_the_help_center_does_not_cover(engine):
    assert (
        engine.ask("does the app integrate with github pull requests and jira webhooks?", "en").answer is None
    )


@pytest.mark.parametrize(
    "question",
    [
        "I forgot my password, how do I get a reset link?",
        "notebook",
        "share export cancel password",
        "can guests see a notebook after I cancel my plan?",
    ],
)
def test_suggestions_are_at_most_three_and_never_the_answer(engine, question):
    verdict = engine.ask(question, "en")

    assert len(verdict.suggestions) <= MAX_SUGGESTIONS
    assert len(set(verdict.suggestions)) == len(verdict.suggestions)
    if verdict.answer is not None:
        assert verdict.answer.slug not in verdict.suggestions
        assert 0.0 <= verdict.answer.confidence <= 1.0


def test_unsure_it_suggests_instead_of_answering(engine):
    unsure = EngineSettings(answer_threshold=1.0, suggest_threshold=0.0)

    verdict = engine.ask("I forgot my password, how do I get a reset link?", "en", unsure)

    assert verdict.answer is None
    assert verdict.suggestions[0] == "reset-your-password"
    assert len(verdict.suggestions) == MAX_SUGGESTIONS


def test_confidence_is_higher_for_a_closer_question(engine):
    close = answered(engine.ask("the password reset link says it has expired", "en"))
    loose = engine.ask("link", "en")

    assert loose.answer is None or loose.answer.confidence < close.confidence


def test_an_engine_without_sections_stays_quiet():
    assert build_engine([]).ask("How do I reset my password?", "en") == Verdict(None, [])


def test_the_verdict_as_json_has_exactly_the_contracts_keys(engine):
    verdict = engine.ask("the password reset link says it has expired", "en")

    assert verdict_as_json(verdict) == {
        "answer": {
            "article": "reset-your-password",
            "section": "The reset link has expired",
            "confidence": round(verdict.answer.confidence, 3),
        },
        "suggestions": verdict.suggestions,
    }
    assert verdict_as_json(Verdict(None, [])) == {"answer": None, "suggestions": []}


def test_an_answer_from_the_intro_has_no_section():
    intro_only = [
        AnswerSection(
            "opening-hours",
            "en",
            "Opening hours",
            "Company",
            None,
            "Our support team answers on weekdays from 9 to 5.",
        )
    ]
    verdict = build_engine(intro_only).ask("when does your support team answer? weekdays?", "en")

    assert verdict_as_json(verdict)["answer"]["section"] is None


@pytest.mark.parametrize(
    ("locale", "language"), [("es-MX", "es"), ("es_mx", "es"), ("EN", "en"), ("pt-BR", "pt"), ("", "")]
)
def test_a_locale_is_compared_by_its_language(locale, language):
    assert language_of(locale) == language
