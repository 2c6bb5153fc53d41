"""Bar lengths for the insights page's lists (a share of the longest bar, as a CSS percentage)."""

from django import template

register = template.Library()


@register.simple_tag
def bar_percent(count: int, peak: int) -> str:
    if not peak:
        return "0"
    return f"{max(2.0, 100 * count / peak):.1f}"
