"""The messenger's settings: origins checked and normalised, the colour and greeting checked, each
change audited (nothing written on bad input), the settings page with the install snippet."""

import pytest
from django.urls import reverse

from concierge.core.errors import InvalidInput
from concierge.workspaces.models import DEFAULT_MESSENGER_COLOR, DEFAULT_MESSENGER_GREETING, AuditEntry
from concierge.workspaces.selectors import normalised_origin, origin_allowed
from concierge.workspaces.services import Actor, update_messenger_settings


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("https://app.acme.com", "https://app.acme.com"),
        ("HTTPS://App.Acme.COM/", "https://app.acme.com"),
        ("https://app.acme.com:443", "https://app.acme.com"),
        ("http://localhost:80", "http://localhost"),
        ("http://127.0.0.1:8001", "http://127.0.0.1:8001"),
        ("  https://acme.com:8443  ", "https://acme.com:8443"),
        ("https://*.acme.com", "https://*.acme.com"),
        ("http://[::1]:8000", "http://[::1]:8000"),
    ],
)
def test_an_origin_is_kept_as_a_browser_sends_it(given, kept):
    assert normalised_origin(given) == kept


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("", "empty"),
        ("app.acme.com", "http:// or https://"),
        ("ftp://acme.com", "http:// or https://"),
        ("javascript://acme.com", "http:// or https://"),
        ("https://acme.com/app", "path"),
        ("https://acme.com?x=1", "path"),
        ("https://user@acme.com", "user"),
        ("https://acme.com:99999", "port"),
        ("https://acme.com:²", "port"),
        ("https://acme.com:abc", "port"),
        ("https://", "host"),
        ("https://exa mple.com", "ASCII"),
        ("https://bücher.de", "ASCII"),
        ("https://-bad-.com", "host"),
        ("https://*.com", "host"),
    ],
)
def test_a_bad_origin_is_refused_saying_why(given, says):
    with pytest.raises(InvalidInput) as refused:
        normalised_origin(given)
    assert says in refused.value.message


def test_origins_allowed_compare_case_and_default_ports(workspace):
    assert origin_allowed(workspace, "https://anything.example")  # none named: any site
    update_messenger_settings(workspace, allowed_origins=["https://app.acme.com", "https://*.acme.dev"])
    assert origin_allowed(workspace, "https://app.acme.com")
    assert origin_allowed(workspace, "HTTPS://APP.ACME.COM:443")
    assert origin_allowed(workspace, "https://eu.acme.dev")
    assert not origin_allowed(workspace, "https://acme.dev")  # the wildcard is for subdomains
    assert not origin_allowed(workspace, "http://app.acme.com")  # another scheme
    assert not origin_allowed(workspace, "https://app.acme.com:8443")  # another port
    assert not origin_allowed(workspace, "https://app.acme.com.evil.test")
    assert not origin_allowed(workspace, "https://evilacme.dev")
    assert not origin_allowed(workspace, "null")
    assert not origin_allowed(workspace, None)


def test_the_settings_are_saved_normalised_and_audited(workspace, owner):
    assert workspace.messenger_greeting == DEFAULT_MESSENGER_GREETING
    assert workspace.messenger_color == DEFAULT_MESSENGER_COLOR
    update_messenger_settings(
        workspace,
        allowed_origins=["HTTPS://App.Acme.com/", "https://app.acme.com:443", "http://localhost:3000"],
        require_verified_identity=True,
        greeting="  Hello from Acme  ",
        color="#ABC",
        actor=Actor.for_teammate(owner),
    )
    workspace.refresh_from_db()
    assert workspace.messenger_allowed_origins == ["https://app.acme.com", "http://localhost:3000"]
    assert workspace.messenger_require_verified_identity is True
    assert workspace.messenger_greeting == "Hello from Acme"
    assert workspace.messenger_color == "#aabbcc"
    entry = AuditEntry.objects.get(action="workspace.messenger_updated")
    assert entry.actor_teammate == owner
    assert entry.changes["messenger_allowed_origins"] == [
        [],
        ["https://app.acme.com", "http://localhost:3000"],
    ]
    assert entry.changes["messenger_color"] == [DEFAULT_MESSENGER_COLOR, "#aabbcc"]

    update_messenger_settings(workspace, greeting="Hello from Acme", color="#aabbcc")  # no change
    assert AuditEntry.objects.filter(action="workspace.messenger_updated").count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"allowed_origins": ["https://ok.acme.com", "https://acme.com/path"]},
        {"allowed_origins": "https://acme.com"},
        {"allowed_origins": [f"https://s{n}.acme.com" for n in range(51)]},
        {"color": "blue"},
        {"color": "#12345g"},
        {"color": "#1234"},
        {"greeting": ""},
        {"greeting": "x" * 161},
        {"require_verified_identity": "yes"},
        {"greeting": "Fine", "color": "nope"},  # one bad value: the good one is not saved either
    ],
)
def test_bad_settings_are_refused_and_nothing_is_written(workspace, change):
    with pytest.raises(InvalidInput):
        update_messenger_settings(workspace, **change)
    workspace.refresh_from_db()
    assert workspace.messenger_allowed_origins == []
    assert workspace.messenger_greeting == DEFAULT_MESSENGER_GREETING
    assert workspace.messenger_color == DEFAULT_MESSENGER_COLOR
    assert not AuditEntry.objects.filter(action="workspace.messenger_updated").exists()


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner.user)
    return client


def test_the_page_shows_the_install_snippet_for_this_host_and_workspace(owner_client, settings):
    settings.PUBLIC_URL = "https://support.acme.test"
    page = owner_client.get(reverse("web:settings_messenger", args=["acme"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        "&lt;script src=&quot;https://support.acme.test/messenger.js&quot; data-workspace=&quot;acme&quot; "
        "async&gt;&lt;/script&gt;" in html
    )
    assert (
        "Concierge(&#x27;boot&#x27;, {user_id: &quot;u_42&quot;, user_hash: &quot;&lt;hmac&gt;&quot;" in html
    )
    assert 'data-copy="install-snippet"' in html
    assert reverse("web:settings_identity", args=["acme"]) in html
    nav = owner_client.get(reverse("web:settings", args=["acme"])).content.decode()
    assert reverse("web:settings_messenger", args=["acme"]) in nav


def test_the_identity_page_has_snippets_for_more_server_languages(owner_client):
    html = owner_client.get(reverse("web:settings_identity", args=["acme"])).content.decode()
    for language in ("snippet-python", "snippet-node", "snippet-go", "snippet-java", "snippet-csharp"):
        assert f'id="{language}"' in html


def test_the_page_saves_the_settings_and_the_trail_names_the_teammate(owner_client, workspace, owner):
    saved = owner_client.post(
        reverse("web:settings_messenger_save", args=["acme"]),
        {
            "allowed_origins": "https://app.acme.com\n\n  http://localhost:3000 \n",
            "require_verified_identity": "on",
            "greeting": "Hi!",
            "color": "#112233",
        },
    )
    assert saved.status_code == 302
    workspace.refresh_from_db()
    assert workspace.messenger_allowed_origins == ["https://app.acme.com", "http://localhost:3000"]
    assert workspace.messenger_require_verified_identity and workspace.messenger_color == "#112233"
    assert AuditEntry.objects.get(action="workspace.messenger_updated").actor_teammate == owner
    page = owner_client.get(reverse("web:settings_messenger", args=["acme"])).content.decode()
    assert "saved" in page and "http://localhost:3000" in page
    trail = owner_client.get(reverse("web:audit_trail", args=["acme"])).content.decode()
    assert "Messenger settings changed" in trail


@pytest.mark.parametrize(
    ("form", "says"),
    [
        ({"allowed_origins": "https://acme.com/app", "greeting": "Hi", "color": "#112233"}, "path"),
        ({"allowed_origins": "acme.com", "greeting": "Hi", "color": "#112233"}, "https://"),
        ({"allowed_origins": "", "greeting": "Hi", "color": "red"}, "hex colour"),
        ({"allowed_origins": "", "greeting": "", "color": "#112233"}, "Greeting"),
        ({"allowed_origins": "", "greeting": "Hi"}, "Colour"),
    ],
)
def test_bad_input_on_the_page_is_a_clear_error_and_nothing_is_saved(owner_client, workspace, form, says):
    refused = owner_client.post(reverse("web:settings_messenger_save", args=["acme"]), form)
    assert refused.status_code == 422
    html = refused.content.decode()
    assert 'role="alert"' in html and says in html
    workspace.refresh_from_db()
    assert workspace.messenger_allowed_origins == [] and workspace.messenger_color == DEFAULT_MESSENGER_COLOR
    assert not AuditEntry.objects.filter(action="workspace.messenger_updated").exists()
