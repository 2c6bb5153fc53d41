"""The API's documentation works with no internet: Swagger UI comes from Concierge itself, under the
strict Content-Security-Policy, and the schema answers at /api/openapi.json and from the API's own
prefix, /api/v1/openapi.json."""

import pytest


def test_the_schema_answers_at_both_addresses(client, db):
    at_root = client.get("/api/openapi.json")
    at_prefix = client.get("/api/v1/openapi.json")
    assert at_root.status_code == at_prefix.status_code == 200
    assert at_prefix["Content-Type"].startswith("application/json")
    assert at_prefix.json() == at_root.json()
    assert at_prefix.json()["info"]["title"] == "Concierge API"
    assert "/api/v1/conversations" in at_prefix.json()["paths"]


def test_the_docs_page_loads_nothing_from_elsewhere(client, db):
    page = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page and "/static/ninja/swagger-ui.css" in page
    assert "cdn" not in page.lower() and "https://" not in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_docs_render_in_a_browser_with_no_network(page, live_server):
    elsewhere, violations = [], []

    def only_concierge(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_concierge)
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    response = page.goto(f"{live_server.url}/api/docs")
    assert response.status == 200
    page.locator(".swagger-ui .info .title").get_by_text("Concierge API").wait_for()
    page.locator(".opblock-summary-path", has_text="/api/v1/conversations").first.wait_for()
    assert page.locator(".opblock").count() > 20
    assert elsewhere == [] and violations == []
