"""A message's text filled in for one contact: `{{first_name|there}}`, `{{company}}`, any contact
attribute (`{{plan}}`), and the namespaced names saved replies use (`{{contact.first_name}}`,
`{{teammate.first_name}}` — the sender —, `{{workspace.name}}`). The filling is saved replies' own
(replies.variables): a bare name is read as the contact's."""

import re

from concierge.replies.variables import VARIABLE, check_variables, fill_variables

NAMESPACES = ("contact.", "teammate.", "workspace.")
BARE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


def _namespaced(text: str) -> str:
    """`{{first_name|there}}` as `{{contact.first_name|there}}`; anything else as written."""

    def name(match: re.Match) -> str:
        path = match.group("path").strip()
        if path.startswith(NAMESPACES) or not BARE_NAME.match(path):
            return match.group(0)
        fallback = match.group("fallback")
        return "{{contact." + path + ("|" + fallback if fallback is not None else "") + "}}"

    return VARIABLE.sub(name, text or "")


def check_personalisation(text: str, *, field: str) -> None:
    """Refuse text with a variable that cannot be filled, naming it."""
    check_variables(_namespaced(text), field=field)


def personalise(text: str, *, contact, sender, workspace, locale: str) -> str:
    """The Markdown text as this contact reads it (values escaped; a missing value: its fallback)."""
    return fill_variables(
        _namespaced(text), contact=contact, teammate=sender, workspace=workspace, locale=locale
    )


def version_for(versions: list, locale: str | None):
    """The version in the contact's language (or its base language: 'pt' for 'pt-BR'), else the first."""
    if not versions:
        return None
    wanted = (locale or "").lower()
    by_locale = {version.locale.lower(): version for version in versions}
    return by_locale.get(wanted) or by_locale.get(wanted.split("-")[0]) or versions[0]
