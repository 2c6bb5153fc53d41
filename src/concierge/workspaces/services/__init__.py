"""Writes for workspaces, teammates, teams, API keys and a person's own account, one module per
concern, and the audit trail every configuration change writes in its transaction (`record_audit`,
with the `Actor` who made it)."""

from concierge.workspaces.services.accounts import end_other_sessions, set_account_password
from concierge.workspaces.services.api_keys import (
    API_KEY_PREFIX,
    create_api_key,
    hash_api_key,
    mark_api_key_used,
    revoke_api_key,
)
from concierge.workspaces.services.audit import SYSTEM, Actor, changed_fields, field_values, record_audit
from concierge.workspaces.services.invites import (
    INVITE_VALID_FOR,
    accept_invite,
    cancel_invite,
    invite_teammate,
    open_invite_for_token,
    resend_invite,
)
from concierge.workspaces.services.messenger import update_messenger_settings
from concierge.workspaces.services.teammates import (
    acting_role,
    add_teammate,
    check_owner_rights,
    update_teammate,
)
from concierge.workspaces.services.teams import (
    add_team_member,
    create_team,
    delete_team,
    remove_team_member,
    rename_team,
)
from concierge.workspaces.services.workspaces import (
    SLUG_PATTERN,
    create_workspace,
    rotate_identity_secret,
    update_workspace,
)

__all__ = [
    "API_KEY_PREFIX",
    "INVITE_VALID_FOR",
    "accept_invite",
    "acting_role",
    "cancel_invite",
    "check_owner_rights",
    "delete_team",
    "invite_teammate",
    "open_invite_for_token",
    "resend_invite",
    "rename_team",
    "rotate_identity_secret",
    "SLUG_PATTERN",
    "SYSTEM",
    "Actor",
    "add_team_member",
    "add_teammate",
    "changed_fields",
    "create_api_key",
    "create_team",
    "create_workspace",
    "end_other_sessions",
    "field_values",
    "hash_api_key",
    "mark_api_key_used",
    "record_audit",
    "remove_team_member",
    "revoke_api_key",
    "set_account_password",
    "update_messenger_settings",
    "update_teammate",
    "update_workspace",
]
