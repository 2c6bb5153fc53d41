from django import template

from concierge.workspaces.selectors import workspaces_of_user

register = template.Library()


@register.simple_tag
def has_several_workspaces(user) -> bool:
    return workspaces_of_user(user).count() > 1
