"""Workspace services: joining a second workspace never touches an existing login."""

from django.contrib.auth import authenticate

from concierge.workspaces.services import create_workspace
from tests.conftest import PASSWORD


def test_an_existing_users_password_is_kept_when_they_own_a_new_workspace(workspace, owner):
    second = create_workspace(
        name="Second",
        slug="second",
        timezone_name="Europe/Belgrade",
        owner_email=owner.user.email,
        owner_password="a-different-password-42",
    )
    assert second.teammates.get().user == owner.user
    assert authenticate(username=owner.user.username, password=PASSWORD) == owner.user
    assert authenticate(username=owner.user.username, password="a-different-password-42") is None
