"""Sign-in, sign-out, the way to a workspace, the frame of every page, and its assets."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from concierge.workspaces.services import add_teammate, create_workspace
from tests.conftest import PASSWORD


def test_signing_in_with_email_and_password_leads_to_the_inbox(client, workspace, owner):
    page = client.get(reverse("web:login"))
    assert page.status_code == 200
    assert 'autocomplete="current-password"' in page.content.decode()

    response = client.post(
        reverse("web:login"), {"username": "owner@acme.test", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("web:inbox", args=["acme"])
    assert "Olivia Owner" in response.content.decode()


def test_a_wrong_password_is_a_form_error(client, workspace):
    response = client.post(reverse("web:login"), {"username": "owner@acme.test", "password": "nope-nope"})
    assert response.status_code == 200
    assert "Please enter a correct" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_pages_ask_a_stranger_to_sign_in(client, workspace):
    for path in (
        reverse("web:home"),
        reverse("web:inbox", args=["acme"]),
        reverse("web:contacts", args=["acme"]),
    ):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("web:login") + "?next=")


def test_signing_out_needs_a_post_and_ends_the_session(client, owner):
    client.force_login(owner.user)
    assert client.get(reverse("web:logout")).status_code == 405
    response = client.post(reverse("web:logout"))
    assert response.status_code == 302 and response["Location"] == reverse("web:login")
    assert client.get(reverse("web:inbox", args=["acme"])).status_code == 302


def test_a_teammate_of_several_workspaces_picks_one(client, workspace, other_workspace, owner):
    add_teammate(other_workspace, email="owner@acme.test", name="Olivia at Globex")
    client.force_login(owner.user)
    page = client.get(reverse("web:home")).content.decode()
    assert "Choose a workspace" in page
    assert reverse("web:inbox", args=["acme"]) in page and reverse("web:inbox", args=["globex"]) in page
    assert "Switch workspace" in client.get(reverse("web:inbox", args=["acme"])).content.decode()


def test_a_user_in_no_workspace_is_told_so(client, db):
    user = get_user_model().objects.create_user("loner@example.test", "loner@example.test", PASSWORD)
    client.force_login(user)
    assert "not a teammate in any workspace" in client.get(reverse("web:home")).content.decode()


def test_the_workspace_root_opens_the_inbox(client, owner):
    client.force_login(owner.user)
    response = client.get(reverse("web:workspace", args=["acme"]))
    assert response["Location"] == reverse("web:inbox", args=["acme"])


@pytest.mark.parametrize("slug", ["globex", "no-such-workspace"])
def test_a_workspace_one_is_not_in_is_not_found(client, owner, other_workspace, slug):
    client.force_login(owner.user)
    for name in ("workspace", "inbox", "contacts"):
        response = client.get(reverse(f"web:{name}", args=[slug]))
        assert response.status_code == 404
        assert "Globex" not in response.content.decode()


def test_an_inactive_teammate_is_shut_out(client, workspace, agent):
    type(agent).objects.filter(pk=agent.pk).update(is_active=False)
    client.force_login(agent.user)
    assert client.get(reverse("web:inbox", args=["acme"])).status_code == 404


def test_every_asset_is_served_by_concierge_itself(client, owner):
    client.force_login(owner.user)
    page = client.get(reverse("web:inbox", args=["acme"])).content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css|svg))"', page)
    assert {
        "/static/concierge/vendor/htmx.min.js",
        "/static/concierge/app.js",
        "/static/concierge/app.css",
    } <= set(assets)
    for asset in assets:
        assert asset.startswith("/static/")
        response = client.get(asset)
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert body


def test_every_page_carries_the_csrf_token_for_htmx(client, owner):
    client.force_login(owner.user)
    page = client.get(reverse("web:inbox", args=["acme"])).content.decode()
    assert re.search(r"hx-headers='\{\"X-CSRFToken\": \"[A-Za-z0-9]{32,}\"\}'", page)


def test_a_reply_over_htmx_with_its_csrf_header_is_accepted(workspace, owner, contact):
    from django.test import Client

    from concierge.conversations.services import start_conversation

    conversation = start_conversation(workspace, contact=contact, body="hello")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner.user)
    page = browser.get(reverse("web:conversation", args=["acme", conversation.pk])).content.decode()
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    path = reverse("web:conversation-reply", args=["acme", conversation.pk])
    assert browser.post(path, {"body": "no token"}, headers={"HX-Request": "true"}).status_code == 403
    response = browser.post(
        path, {"body": "with token"}, headers={"HX-Request": "true", "X-CSRFToken": token}
    )
    assert response.status_code == 200


def test_the_navigation_lists_inbox_and_contacts(client, owner):
    client.force_login(owner.user)
    page = client.get(reverse("web:contacts", args=["acme"])).content.decode()
    nav = page[page.index('class="nav-list"') :]
    assert nav.index(">Inbox<") < nav.index(">Contacts<")
    assert 'aria-current="page">Contacts' in page
    assert "New York time" in page  # the teammate's own zone, in the frame


def test_creating_a_second_workspace_does_not_leak_into_the_first(client, owner):
    create_workspace(
        name="Initech",
        slug="initech",
        timezone_name="UTC",
        owner_email="boss@initech.test",
        owner_password=PASSWORD,
    )
    client.force_login(owner.user)
    assert "Initech" not in client.get(reverse("web:home"), follow=True).content.decode()
