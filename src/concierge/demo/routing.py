"""The demo's routing: the three teams' rules by area, and how each team is assigned."""

BIG_CUSTOMERS = "Big customers are high priority"

# Words each area's customers use (a word matches at a word's start: "crash" finds "crashed").
REVENUE_WORDS = [
    "invoice", "billing", "charged", "refund", "annual", "discount", "pricing", "sales", "owner",
    "ownership", "account", "gdpr", "delete our data", "privacy", "security", "soc 2", "contract",
]  # fmt: skip
RELIABILITY_WORDS = [
    "error", "bug", "crash", "broken", "down", "not loading", "blank page", "slow", "performance",
    "429", "too many requests", "outage", "delayed", "late", "sso", "saml", "okta", "sign-in", "login",
]  # fmt: skip
PRODUCT_WORDS = [
    "export", "import", "integration", "slack", "salesforce", "feature", "custom", "roles",
    "chart", "invite", "notification", "ios", "android", "how do i", "is it possible",
]  # fmt: skip

# (team, method, open conversations per teammate or None)
METHODS = [("Product", "round_robin", None), ("Revenue", "balanced", 6), ("Reliability", "balanced", 8)]


def demo_rules(teams: dict, tags: dict) -> list[tuple[str, list[dict], list[dict]]]:
    """(name, conditions, actions) of each rule, in order."""

    def words(found: list[str]) -> list[dict]:
        return [{"field": "message", "operator": "contains_any", "value": found}]

    def to(team: str) -> list[dict]:
        return [{"type": "assign_team", "team_id": teams[team].pk}]

    return [
        (
            BIG_CUSTOMERS,
            [{"field": "contact.seats", "operator": "gte", "value": 250}],
            [
                {"type": "tag", "tag_id": tags["big-customer"].pk},
                {"type": "set_priority", "priority": "high"},
            ],
        ),
        ("Sales, account, security and privacy to Revenue", words(REVENUE_WORDS), to("Revenue")),
        ("Errors, bugs, crashes and performance to Reliability", words(RELIABILITY_WORDS), to("Reliability")),
        ("Product questions and feature requests to Product", words(PRODUCT_WORDS), to("Product")),
    ]
