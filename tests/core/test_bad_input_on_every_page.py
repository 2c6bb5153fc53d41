"""Every page, fed the kinds of bad input that used to end in a 500, answers with a clear 4xx (or
ignores what it does not read): dates at the calendar's edges, numbers that do not fit, digits of
another script, an hour of 99999999999999999999, and NUL, which PostgreSQL cannot store.

The pages are not listed by hand: every URL pattern outside the admin and the API (the API has
tests/core/test_schemathesis.py) is visited with the ids of real rows, every form each page shows is
sent once per field with each bad value in that field, and every page's query is sent each bad
value under each name its forms read. A new page or form is covered as soon as it exists; a new
kind of URL parameter fails here until it is given a value below."""

from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from concierge.meetings.links import manage_token
from concierge.outbound.tracking import unsubscribe_token
from tests.conftest import PASSWORD

# In each field of each form: the calendar's edges (as a date and as a date and time), a number that
# does not fit (alone and as an hour), another script's digit, NUL.
BAD_VALUES = [
    "9999-12-31",
    "0001-01-01T00:00",
    "99999999999999999999",
    "99999999999999999999:00-10:00",
    "²",
    "a\x00b",
]
# The pages are shared out between this many tests, so test workers run them side by side.
SHARDS = 2
# In a page's query (each name its GET forms send, and these): the calendar's edges, a number that does
# not fit, another script's digit, NUL.
QUERY_VALUES = ["9999-12-31", "0001-01-01", "99999999999999999999", "²", "a\x00b"]
QUERY_NAMES = ["q", "cursor", "page", "teammate", "view"]
SESSION_ACTIONS = ["notes", "checklist", "decline", "held", "no-show", "cancel", "follow-up", "feedback"]
SKIPPED_PREFIXES = ("admin/", "api/")


class Forms(HTMLParser):
    """The forms of a page: method, action and each field's name and first value."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "method": (attrs.get("method") or "get").lower(),
                    "action": attrs.get("action"),
                    "fields": {},
                }
            )
        elif tag in ("input", "select", "textarea", "button") and self.forms and attrs.get("name"):
            fields = self.forms[-1]["fields"]
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                fields.setdefault(attrs["name"], None)
            else:
                fields.setdefault(attrs["name"], attrs.get("value") or "")
        elif tag == "option" and self.forms:
            fields = self.forms[-1]["fields"]
            for name, value in fields.items():
                if value == "" and attrs.get("value"):
                    fields[name] = attrs["value"]
                    break


def url_patterns(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route


def concrete_urls(values: dict[str, list[str]]) -> list[str]:
    import re

    urls = []
    for route in url_patterns():
        names = re.findall(r"<(?:\w+:)?(\w+)>", route)
        missing = [name for name in names if name not in values]
        assert not missing, f"give the URL parameter(s) {missing} of '{route}' a value in this test"
        filled = [route.replace("^", "").replace("$", "")]
        for name in names:
            # A path converter (<slug:name>) or a regular expression's named group ((?P<name>…)).
            placeholder = rf"<(?:\w+:)?{name}>|\(\?P<{name}>(?:[^()]|\([^()]*\))*\)"
            filled = [
                re.sub(placeholder, lambda _, value=value: value, url, count=1)
                for url in filled
                for value in values[name]
            ]
        urls.extend("/" + url for url in filled)
    return urls


@pytest.fixture
def teammate_client(db, one_of_everything):
    client = Client(raise_request_exception=False)
    assert client.login(username="owner@acme.test", password=PASSWORD)
    return client


@pytest.mark.parametrize("shard", range(SHARDS))
def test_no_page_answers_bad_input_with_a_server_error(
    teammate_client, workspace, owner, agent, one_of_everything, shard, settings, tmp_path
):
    from concierge.helpcenter.services.writing import create_article, create_collection
    from concierge.insights.services.issues import create_product_issue, link_conversation_to_issue
    from concierge.mail.services.inbound import receive_mail
    from concierge.mail.services.mailboxes import create_mailbox
    from concierge.mail.services.offline import conversation_link
    from concierge.routing.services.rules import RuleInput, create_rule
    from concierge.workspaces.services import Actor, create_api_key, create_team, invite_teammate
    from tests.mail import samples

    everything = one_of_everything
    by_owner = Actor.for_teammate(owner)
    team = create_team(workspace, name="Billing", members=[agent], actor=by_owner)
    invite, _ = invite_teammate(workspace, email="new@acme.test", actor=by_owner)
    key, _ = create_api_key(workspace, name="CRM", teammate=owner, actor=by_owner)
    collection = create_collection(workspace, slug="billing", names={"en": "Billing"}, actor=by_owner)
    article = create_article(
        workspace,
        slug="invoices",
        locale="en",
        title="Invoices",
        body="x",
        collection=collection,
        teammate=owner,
    ).article
    rule = create_rule(
        workspace,
        RuleInput(
            name="Urgent",
            trigger="started",
            conditions=[],
            actions=[{"type": "set_priority", "priority": "high"}],
        ),
    )
    from concierge.conversations.services.saved_views import save_view

    view = save_view(owner, "Mine", {"assignee": "me", "q": "export"})
    settings.MEDIA_ROOT = tmp_path / "media"
    mailbox = create_mailbox(workspace, address="support@acme.test", sender_name="Acme", actor=by_owner)
    email = receive_mail(samples.apple_mail_reply(quoted_marker="x"), via="http").message
    issue = create_product_issue(workspace, title="Faster exports", actor=by_owner)
    link_conversation_to_issue(issue, everything["conversation"], teammate=owner)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from concierge.replies.services.saved_replies import (
        SavedReplyInput,
        add_attachment,
        create_folder,
        create_saved_reply,
    )

    folder = create_folder(workspace, "Billing", actor=by_owner)
    saved_reply = create_saved_reply(
        workspace,
        SavedReplyInput("Refund", {"en": "Hi {{contact.first_name|there}}"}, folder=folder),
        owner=owner,
    )
    saved_file = add_attachment(saved_reply, SimpleUploadedFile("refund.pdf", b"%PDF-1.4 x"))
    values = {
        "slug": [workspace.slug],
        "conversation_id": [str(everything["conversation"].pk)],
        "contact_id": [str(everything["contact"].pk)],
        "booking_id": [str(everything["booking"].pk)],
        "action": SESSION_ACTIONS,
        "type_id": [str(everything["trigger"].session_type_id)],
        # A booking trigger's token; a proactive email's unsubscribe token (its page has a form).
        "token": [everything["trigger"].token, unsubscribe_token(workspace.pk, everything["contact"].pk)],
        "signed": [manage_token(everything["booking"])],
        "uidb64": ["MQ", "not-base64"],
        "tag_id": [str(everything["conversation"].tags.get().pk)],
        "teammate_id": [str(agent.pk)],
        "team_id": [str(team.pk)],
        "invite_id": [str(invite.pk)],
        "key_id": [str(key.pk)],
        "article_id": [str(article.pk)],
        "locale": ["en", "xx-nowhere"],
        "number": ["1"],
        "collection_id": [str(collection.pk)],
        "mailbox_pk": [str(mailbox.pk)],
        "notification_id": ["1", "99999999999999999999"],
        "message_pk": [str(email.pk)],
        "attachment_pk": [str(email.attachments.get().pk)],
        "workspace_slug": [workspace.slug, "nowhere"],
        "collection_slug": [collection.slug],
        "article_slug": [article.slug],
        "rule_id": [str(rule.pk)],
        "kind": ["condition", "action", "nonsense"],
        "closed_day_id": ["1"],
        "conversation_token": [
            conversation_link(everything["conversation"]).rsplit("/c/", 1)[1].rstrip("/"),
            "forged",
        ],
        "issue_id": [str(issue.pk)],
        "reply_id": [str(saved_reply.pk)],
        "folder_id": [str(folder.pk)],
        "file_id": [str(saved_file.pk)],
        "attachment_id": ["1"],
        "view_id": [str(view.pk)],
    }
    client = teammate_client
    server_errors = []
    sent = []

    def check(method, url, data, what):
        sent.append(url)
        response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
        if response.status_code >= 500:
            server_errors.append(f"{method.upper()} {url} {what}: {response.status_code}")

    pages = {}
    for url in concrete_urls(values):
        if "logout" in url:
            continue
        response = client.get(url)
        if response.status_code >= 500:
            server_errors.append(f"GET {url}: {response.status_code}")
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            parser = Forms()
            parser.feed(response.content.decode())
            pages[url] = parser.forms
    assert len(pages) >= 12, sorted(pages)

    for url, forms in sorted(pages.items())[shard::SHARDS]:
        query_names = set(QUERY_NAMES)
        for form in forms:
            if form["method"] == "get":
                query_names.update(form["fields"])
        for name in sorted(query_names):
            for value in QUERY_VALUES:
                check("get", f"{url}?{urlencode({name: value})}", None, f"?{name}={value!r}")
        for form in forms:
            if form["method"] != "post":
                continue
            action = urljoin(url, form["action"] or url)
            if "logout" in action or urlsplit(action).path.startswith("/admin/"):
                continue
            defaults = {name: value for name, value in form["fields"].items() if value is not None}
            for name in form["fields"]:
                if name == "csrfmiddlewaretoken":
                    continue
                for value in BAD_VALUES:
                    check("post", action, {**defaults, name: value}, f"{name}={value!r}")
    assert len(sent) > 200  # the sweep did run
    assert server_errors == []
