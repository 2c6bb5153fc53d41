"""{% is_away teammate as away %}: whether a teammate has set themself away (for the away switch)."""

from django import template

from concierge.routing.selectors.availability import is_away as teammate_is_away

register = template.Library()


@register.simple_tag
def is_away(teammate) -> bool:
    return teammate is not None and teammate_is_away(teammate)
