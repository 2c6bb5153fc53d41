"""A teammate's Markdown becomes safe HTML (core.text.render_message): formatting and links kept,
links opening in a new tab, nothing that runs; and a stored message read back as plain text."""

from html.parser import HTMLParser

import pytest

from concierge.core.errors import InvalidInput
from concierge.core.text import clean_message_body, message_text, render_message

LINK = 'target="_blank" rel="nofollow noopener noreferrer"'


def test_markdown_is_rendered_and_bare_addresses_become_links():
    html = render_message(
        "**Good news**: the fix is _live_.\n"
        "Details at https://status.example.com/incidents/42 and [the guide](https://example.com/guide).\n\n"
        "- step one\n- `retry --all`\n\n> you wrote this\n\n~~old~~"
    )
    assert "<strong>Good news</strong>" in html and "<em>live</em>" in html
    assert f'<a href="https://status.example.com/incidents/42" {LINK}>' in html
    assert f'<a href="https://example.com/guide" {LINK}>the guide</a>' in html
    assert "<li>step one</li>" in html and "<code>retry --all</code>" in html
    assert "<blockquote>" in html and "<s>old</s>" in html
    assert ".<br>\nDetails" in html  # a line break is a line break, as in a chat


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script> hi",
        '<img src=x onerror="alert(1)"> hi',
        "[hi](javascript:alert(1))",
        '<a href="javascript:alert(1)">hi</a>',
        '<p onclick="alert(1)" style="color:red">hi</p>',
        '<iframe src="https://evil.example"></iframe> hi',
        "[hi](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        '<svg onload="alert(1)"></svg> hi',
        "<a href='https://ok.example' target='_self' onmouseover='alert(1)'>hi</a>",
    ],
)
@pytest.mark.parametrize("keep_html", [True, False])
def test_nothing_that_runs_survives(hostile, keep_html):
    html = render_message(hostile, keep_html=keep_html)
    elements = Elements()
    elements.feed(html)
    assert {tag for tag, _ in elements.found} <= {"p", "a", "br"}
    for tag, attributes in elements.found:
        assert not any(name.startswith("on") or name == "style" for name in attributes), html
        if tag == "a":
            assert attributes.get("href", "https://").startswith(("https://", "http://", "mailto:")), html
            assert (attributes["target"], attributes["rel"]) == ("_blank", "nofollow noopener noreferrer")
    assert "hi" in html


class Elements(HTMLParser):
    """Every element of an HTML fragment with its attributes, as a browser's parser sees them."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def test_typed_html_is_kept_sanitised_or_shown_as_typed():
    assert render_message("Use <b>this</b>") == "<p>Use <b>this</b></p>"
    assert render_message("Use <b>this</b>", keep_html=False) == "<p>Use &lt;b&gt;this&lt;/b&gt;</p>"
    # HTML from an API client stays as it was sent, sanitised.
    assert render_message('<p onclick="x()">Hi <b>there</b></p>') == "<p>Hi <b>there</b></p>"


@pytest.mark.parametrize("source", ["", "   ", "<script>only()</script>", "x" * 20_001, "nul \x00"])
def test_an_empty_or_bad_message_is_refused(source):
    with pytest.raises(InvalidInput):
        render_message(source)


def test_a_customers_links_open_in_a_new_tab_too():
    assert clean_message_body('See <a href="https://example.com">this</a>') == (
        f'See <a href="https://example.com" {LINK}>this</a>'
    )


def test_a_stored_message_as_plain_text():
    html = render_message("**Hi** Ana,\nit works & ships <today>.\n\n- one\n- two", keep_html=False)
    assert message_text(html) == "Hi Ana,\nit works & ships <today>.\none\ntwo"
    assert message_text("") == ""


def test_markdown_is_split_at_its_level_two_headings_keeping_the_intro():
    from concierge.core.text import MarkdownSection, split_markdown_sections

    source = (
        "Intro line.\n\n## Cancel from the Billing page\nOpen **Billing**.\n\n```\n## not a heading\n```\n"
        "### A smaller heading stays inside\nMore.\n## Change your mind  \nUndo it.\n"
    )
    assert split_markdown_sections(source) == [
        MarkdownSection(None, "Intro line."),
        MarkdownSection(
            "Cancel from the Billing page",
            "Open **Billing**.\n\n```\n## not a heading\n```\n### A smaller heading stays inside\nMore.",
        ),
        MarkdownSection("Change your mind", "Undo it."),
    ]
    assert split_markdown_sections("## Only\nText") == [MarkdownSection("Only", "Text")]
    assert split_markdown_sections("") == []
