"""The workspace's messenger settings: which sites may embed it, whether only verified users may use
it, its greeting and colour. One change, one audit entry with the fields that really changed."""

import re

from django.db import transaction

from concierge.core.errors import InvalidInput
from concierge.core.text import clean_short_text
from concierge.workspaces.models import Workspace
from concierge.workspaces.selectors import normalised_origin
from concierge.workspaces.services.audit import SYSTEM, Actor, changed_fields, field_values, record_audit

MESSENGER_SETTINGS = (
    "messenger_allowed_origins",
    "messenger_require_verified_identity",
    "messenger_greeting",
    "messenger_color",
)
MAX_ALLOWED_ORIGINS = 50
GREETING_LENGTH = Workspace._meta.get_field("messenger_greeting").max_length
HEX_COLOR = re.compile(r"^#(?:[0-9a-f]{3}|[0-9a-f]{6})$")


def clean_allowed_origins(origins) -> list[str]:
    """Each origin normalised (workspaces.selectors.normalised_origin), duplicates dropped, in the
    order given; at most MAX_ALLOWED_ORIGINS. The first bad one raises InvalidInput naming it."""
    if isinstance(origins, str) or not isinstance(origins, list | tuple):
        raise InvalidInput("The allowed origins must be a list.", field="messenger_allowed_origins")
    cleaned = list(dict.fromkeys(normalised_origin(origin) for origin in origins))
    if len(cleaned) > MAX_ALLOWED_ORIGINS:
        raise InvalidInput(
            f"At most {MAX_ALLOWED_ORIGINS} allowed origins; {len(cleaned)} were given.",
            field="messenger_allowed_origins",
        )
    return cleaned


def clean_color(value) -> str:
    """ "#2F5BD3", "#abc" -> lowercase six-digit hex; anything else raises InvalidInput."""
    text = (value or "").strip().lower() if isinstance(value, str) else ""
    if not HEX_COLOR.match(text):
        raise InvalidInput(
            f"The colour '{str(value)[:20]}' is not a hex colour like #2f5bd3.", field="messenger_color"
        )
    if len(text) == 4:
        text = "#" + "".join(digit * 2 for digit in text[1:])
    return text


def update_messenger_settings(
    workspace: Workspace,
    *,
    allowed_origins=None,
    require_verified_identity: bool | None = None,
    greeting: str | None = None,
    color: str | None = None,
    actor: Actor = SYSTEM,
) -> Workspace:
    """Change the messenger's settings; what is left out (None) stays as it is. Everything is checked
    before anything is written: one bad value changes nothing."""
    before = field_values(workspace, MESSENGER_SETTINGS)
    after = dict(before)
    if allowed_origins is not None:
        after["messenger_allowed_origins"] = clean_allowed_origins(allowed_origins)
    if require_verified_identity is not None:
        if not isinstance(require_verified_identity, bool):
            raise InvalidInput(
                "require_verified_identity must be true or false.",
                field="messenger_require_verified_identity",
            )
        after["messenger_require_verified_identity"] = require_verified_identity
    if greeting is not None:
        after["messenger_greeting"] = clean_short_text(
            greeting, field="greeting", max_length=GREETING_LENGTH, required=True
        )
    if color is not None:
        after["messenger_color"] = clean_color(color)
    changes = changed_fields(before, after)
    if not changes:
        return workspace
    with transaction.atomic():
        for field in changes:
            setattr(workspace, field, after[field])
        workspace.save(update_fields=list(changes))
        record_audit(workspace, "workspace.messenger_updated", actor=actor, target=workspace, changes=changes)
    return workspace
