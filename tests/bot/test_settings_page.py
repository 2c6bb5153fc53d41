"""The bot page: figures, the questions it could and could not answer, the try box, and settings that
owners and admins change (audited) while agents read them (docs/roles.md)."""

from concierge.bot import services
from concierge.bot.models import BotQuestion, BotSettings
from concierge.bot.selectors import bot_settings
from concierge.conversations import services as conversations
from concierge.workspaces.models import AuditEntry

QUESTION = "How do I export my contacts to CSV?"


def settings_post(**overrides):
    data = {
        "enabled": "on",
        "assume_resolved_after_minutes": "45",
        "answer_threshold": "0.6",
        "suggest_threshold": "",
        "channels": ["messenger", "api"],
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_the_page_shows_figures_and_both_lists(client, workspace, agent, contact, articles, run_tasks):
    answered = conversations.start_conversation(workspace, contact=contact, body=QUESTION)
    unanswered = conversations.start_conversation(
        workspace, contact=contact, body="Can I get a discount for a nonprofit organisation?"
    )
    run_tasks()
    services.record_feedback(BotQuestion.objects.get(conversation=answered), helped=True)
    client.force_login(agent.user)
    page = client.get(f"/w/{workspace.slug}/bot/?period=7")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Automated answers" in text
    assert "Can I get a discount for a nonprofit organisation?" in text
    assert f"/w/{workspace.slug}/inbox/{unanswered.pk}/" in text
    assert "export-contacts" in text
    assert "Confirmed: the customer said it helped" in text
    assert "100%" in text  # one answered, one resolved
    assert '<svg class="day-chart"' in text
    # An agent reads the settings but gets no form to change them.
    assert "Owners and admins change these." in text
    assert 'name="assume_resolved_after_minutes"' not in text


def test_the_try_box_asks_the_engine(client, workspace, agent, articles):
    client.force_login(agent.user)
    page = client.get(f"/w/{workspace.slug}/bot/", {"question": QUESTION, "locale": "en"})
    assert page.status_code == 200
    assert "<code>export-contacts</code>" in page.content.decode()
    bad = client.get(f"/w/{workspace.slug}/bot/", {"question": QUESTION, "locale": "xx-nowhere-42"})
    assert bad.status_code == 200
    assert "is not a known locale" in bad.content.decode()
    empty = client.get(f"/w/{workspace.slug}/bot/", {"question": "   "})
    assert "This field is required" in empty.content.decode()


def test_a_bad_period_says_so_and_shows_the_last_30_days(client, workspace, agent):
    client.force_login(agent.user)
    page = client.get(f"/w/{workspace.slug}/bot/", {"from": "2026-03-10", "to": "2026-03-01"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "The period ends before it starts." in text
    assert "Showing the last 30 days instead." in text
    page = client.get(f"/w/{workspace.slug}/bot/", {"from": "not-a-date", "to": "2026-03-01"})
    assert page.status_code == 200
    assert "Enter a valid date" in page.content.decode()


def test_an_admin_saves_the_settings_and_the_trail_records_it(client, workspace, owner):
    client.force_login(owner.user)
    response = client.post(f"/w/{workspace.slug}/bot/settings/", settings_post())
    assert response.status_code == 302
    saved = BotSettings.objects.get(workspace=workspace)
    assert (saved.assume_resolved_after_minutes, saved.answer_threshold, saved.suggest_threshold) == (
        45,
        0.6,
        None,
    )
    entry = AuditEntry.objects.get(workspace=workspace, action="bot_settings.changed")
    assert entry.actor_label == owner.name
    assert entry.changes["assume_resolved_after_minutes"] == [60, 45]
    # Saving the same again records nothing more.
    client.post(f"/w/{workspace.slug}/bot/settings/", settings_post())
    assert AuditEntry.objects.filter(workspace=workspace, action="bot_settings.changed").count() == 1


def test_bad_settings_are_refused_with_a_message_and_nothing_saved(client, workspace, owner):
    client.force_login(owner.user)
    url = f"/w/{workspace.slug}/bot/settings/"
    for bad, message in [
        ({"assume_resolved_after_minutes": "0"}, "greater than or equal to 1"),
        ({"assume_resolved_after_minutes": "soon"}, "Enter a whole number"),
        ({"answer_threshold": "1.5"}, "less than or equal to 1"),
        ({"channels": ["fax"]}, "Select a valid choice"),
        ({"answer_threshold": "0.2", "suggest_threshold": "0.4"}, "must not be above answer_threshold"),
    ]:
        response = client.post(url, settings_post(**bad))
        assert response.status_code == 422, bad
        assert message in response.content.decode(), bad
    assert not BotSettings.objects.filter(workspace=workspace).exists()
    assert bot_settings(workspace).assume_resolved_after_minutes == 60


def test_an_agent_cannot_change_the_settings(client, workspace, agent):
    client.force_login(agent.user)
    response = client.post(f"/w/{workspace.slug}/bot/settings/", settings_post())
    assert response.status_code == 403
    assert not BotSettings.objects.filter(workspace=workspace).exists()


def test_another_workspaces_teammate_gets_a_404(client, workspace, other_workspace):
    client.force_login(other_workspace.teammates.get(role="owner").user)
    assert client.get(f"/w/{workspace.slug}/bot/").status_code == 404
    assert client.post(f"/w/{workspace.slug}/bot/settings/", settings_post()).status_code == 404


def test_the_settings_service_refuses_bad_values(workspace):
    import pytest

    from concierge.core.errors import InvalidInput

    for bad in [
        {"enabled": "yes"},
        {"assume_resolved_after_minutes": 0},
        {"assume_resolved_after_minutes": True},
        {"answer_threshold": -0.1},
        {"channels": "messenger"},
        {"colour": "blue"},
    ]:
        with pytest.raises(InvalidInput):
            services.save_bot_settings(workspace, **bad)
    assert not BotSettings.objects.filter(workspace=workspace).exists()


def test_saving_the_defaults_writes_nothing(workspace):
    services.save_bot_settings(workspace, enabled=True, assume_resolved_after_minutes=60)
    assert not BotSettings.objects.filter(workspace=workspace).exists()
    assert not AuditEntry.objects.filter(workspace=workspace, action="bot_settings.changed").exists()
