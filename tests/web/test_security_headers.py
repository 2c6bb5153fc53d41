"""Every response carries a strict Content-Security-Policy and the other headers a security scanner
looks for; one view can widen the policy for its own response; and every page still works in a real
Chromium under that policy (nothing inline is blocked)."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from concierge.core.security_headers import SecurityHeadersMiddleware, widen_content_security_policy
from tests.conftest import PASSWORD

STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


@pytest.mark.parametrize("path", ["/login/", "/api/v1/conversations", "/book/no-such-link/", "/admin/login/"])
def test_every_kind_of_response_carries_the_headers(client, db, path):
    response = client.get(path)
    assert response["Content-Security-Policy"] == STRICT
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response  # plain HTTP: no HSTS


def test_hsts_is_sent_over_https(client, db):
    response = client.get("/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000"


def test_behind_a_trusted_proxy_https_is_read_from_x_forwarded_proto(client, db, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get("/login/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in response


def test_one_response_can_widen_the_policy_and_be_framed_by_the_origins_it_names(settings):
    from django.middleware.clickjacking import XFrameOptionsMiddleware

    def view(request):
        return widen_content_security_policy(
            HttpResponse("messenger"), frame_ancestors=["https://shop.example", "https://www.shop.example"]
        )

    response = SecurityHeadersMiddleware(XFrameOptionsMiddleware(view))(RequestFactory().get("/"))
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors https://shop.example https://www.shop.example" in policy
    assert "'none'" not in policy.split("frame-ancestors")[1]
    assert "script-src 'self';" in policy  # the rest stays as strict
    assert "X-Frame-Options" not in response
    # Another response is not affected.
    plain = SecurityHeadersMiddleware(XFrameOptionsMiddleware(lambda r: HttpResponse()))(
        RequestFactory().get("/")
    )
    assert plain["Content-Security-Policy"] == STRICT and plain["X-Frame-Options"] == "DENY"


def test_no_template_holds_inline_script_style_or_event_handlers():
    """The policy blocks them; this finds one before a browser does."""
    import re
    from pathlib import Path

    import concierge

    inline = re.compile(
        r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")|<style\b|\sstyle=|\son[a-z]+="
    )
    found = [
        f"{path.relative_to(Path(concierge.__file__).parent)}: {match.group(0).strip()}"
        for path in Path(concierge.__file__).parent.rglob("templates/**/*.html")
        for match in inline.finditer(path.read_text())
    ]
    assert found == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_page_works_under_the_policy_in_a_real_browser(page, live_server, workspace, one_of_everything):
    everything = one_of_everything
    from concierge.meetings.links import manage_url

    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.goto(live_server.url + "/login/")
    page.get_by_label("Email").fill("owner@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/w/acme/inbox/")

    base = f"{live_server.url}/w/acme"
    booking = everything["booking"]
    pages = [
        f"{base}/inbox/",
        f"{base}/inbox/{everything['conversation'].pk}/",
        f"{base}/contacts/",
        f"{base}/sessions/",
        f"{base}/sessions/{booking.pk}/",
        f"{base}/sessions/types/",
        f"{base}/sessions/availability/",
        f"{base}/sessions/insights/",
        f"{base}/sessions/reports/",
        f"{base}/reports/support/",
        f"{live_server.url}/book/{everything['trigger'].token}/",
        manage_url(booking).replace("http://127.0.0.1:8000", live_server.url),
        f"{live_server.url}/api/docs",
    ]
    for url in pages:
        response = page.goto(url)
        assert response.status == 200, url
        page.wait_for_load_state("networkidle")
    # htmx still swaps under the policy: open a conversation from the list without a reload.
    page.goto(f"{base}/inbox/")
    page.get_by_role("link", name="Casey Customer").click()
    page.locator("#timeline").get_by_text("My export fails").wait_for()
    # The availability page's teammate picker submits itself (was an inline onchange).
    page.goto(f"{base}/sessions/availability/")
    page.get_by_label("Teammate").select_option(label="Avery Agent")
    page.wait_for_url(f"{base}/sessions/availability/?teammate=*")
    assert "Avery Agent's hours" in page.content()

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Email").or_(page.get_by_label("Username")).first.fill("root@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    for path in [
        "/admin/",
        f"/admin/meetings/booking/{booking.pk}/change/",
        "/admin/conversations/conversation/",
        f"/admin/workspaces/workspace/{workspace.pk}/change/",
    ]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
    assert violations == []
