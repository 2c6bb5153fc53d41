"""An article's Markdown as the safe HTML that is stored and shown: rendered with markdown-it-py
(CommonMark, tables, fenced code, strikethrough, bare links), headings given ids so a reader can link
to a section, then sanitised with nh3 — no script, event handler, style or javascript: link survives."""

from functools import lru_cache

import nh3
from django.utils.text import slugify
from markdown_it import MarkdownIt

ARTICLE_TAGS = {
    *("a", "b", "strong", "i", "em", "u", "s", "del", "p", "br", "hr", "ul", "ol", "li"),
    *("code", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "img", "sup", "sub"),
    *("table", "thead", "tbody", "tr", "th", "td", "kbd", "mark", "details", "summary"),
}
ARTICLE_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    **{f"h{level}": {"id"} for level in range(1, 7)},
}
URL_SCHEMES = {"http", "https", "mailto"}


def _give_headings_ids(state) -> None:
    """`## Reset your password` -> <h2 id="reset-your-password">; a repeated heading gets -2, -3."""
    taken: dict[str, int] = {}
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        base = slugify(tokens[index + 1].content, allow_unicode=True) or "section"
        taken[base] = taken.get(base, 0) + 1
        token.attrSet("id", base if taken[base] == 1 else f"{base}-{taken[base]}")


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    options = {"html": True, "linkify": True, "typographer": False}
    parser = MarkdownIt("commonmark", options).enable(["linkify", "strikethrough", "table"])
    parser.core.ruler.push("heading_ids", _give_headings_ids)
    return parser


def render_article(markdown: str) -> str:
    """Safe HTML for an article's Markdown (headings get ids for anchors)."""
    return nh3.clean(
        markdown_parser().render(markdown or ""),
        tags=ARTICLE_TAGS,
        attributes=ARTICLE_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    ).strip()


def article_headings(markdown: str) -> list[str]:
    """The `##` and `###` headings of an article, in order: what a search weighs next to the title."""
    tokens = markdown_parser().parse(markdown or "")
    return [
        tokens[index + 1].content.strip()
        for index, token in enumerate(tokens)
        if token.type == "heading_open" and token.tag in ("h2", "h3")
    ]
