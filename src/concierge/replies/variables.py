"""Variables in a saved reply: `{{contact.first_name|there}}` filled in for one contact.

A variable is `{{ namespace.name }}` with an optional fallback after a bar: `{{contact.plan|your plan}}`.
The namespaces and their names:

- `contact.first_name`, `contact.name`, `contact.email`, and any of the contact's custom attributes
  (`contact.plan`, `contact.seats`);
- `teammate.first_name`, `teammate.name` (the teammate who sends);
- `workspace.name`.

Filling (`fill_variables`) never fails and never leaves braces behind: a value that is missing or empty
gives the fallback, else nothing. The result is Markdown, so every value is escaped: a contact named
`*Bob* <script>` reads as those characters, not as emphasis or a tag. Checking (`check_variables`), when a
saved reply is written, names an unknown variable (`{{contact.}}`, `{{customer.name}}`) so the person
who wrote it can fix it before anyone sends it.

No database here: the caller passes the rows (or None), and the text comes back.
"""

import re
from dataclasses import dataclass

from babel.numbers import format_decimal
from django.utils import translation
from django.utils.translation import gettext

from concierge.core.errors import InvalidInput
from concierge.core.zones import babel_locale

# `{{ contact.first_name | there }}`: spaces around the parts are allowed. The fallback is anything up to
# the closing braces but another brace or a line break.
VARIABLE = re.compile(r"\{\{\s*(?P<path>[^{}|\n]*?)\s*(?:\|(?P<fallback>[^{}\n]*?))?\s*\}\}")
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")

CONTACT_FIELDS = ("first_name", "name", "email")
TEAMMATE_FIELDS = ("first_name", "name")
WORKSPACE_FIELDS = ("name",)
FIXED = {"contact": CONTACT_FIELDS, "teammate": TEAMMATE_FIELDS, "workspace": WORKSPACE_FIELDS}

# The characters that can start emphasis, a link or image, code, a tag, an entity, a table or a
# heading, escaped with a backslash (CommonMark lets any ASCII punctuation be); the rest (an apostrophe,
# a full stop) is left alone so the teammate reads "O'Brien", not "O\\'Brien", in the composer.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>&~|#!])")
# What starts a list or a heading underline when a value begins a line: "- ", "+ ", "=", "1. ", "2) ".
_LINE_START = re.compile(r"^(?:([-+=])|(\d{1,9})([.)]))(?=\s|$)")


@dataclass(frozen=True)
class Variable:
    """One variable as written: `namespace.name`, its fallback, and where it is in the text."""

    namespace: str
    name: str
    fallback: str
    written: str

    @property
    def path(self) -> str:
        return f"{self.namespace}.{self.name}"


def escape_markdown(value: str) -> str:
    """`value` as Markdown that reads as exactly these characters; line breaks become spaces."""
    flat = _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(value.split()))
    return _LINE_START.sub(
        lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\" + m.group(3), flat
    )


def _parse(match: re.Match) -> Variable | None:
    """The variable a match is, or None when it is not one we know (an unknown namespace, a name that
    is not a name)."""
    path = match.group("path")
    fallback = (match.group("fallback") or "").strip()
    namespace, dot, name = path.partition(".")
    namespace, name = namespace.strip(), name.strip()
    if not dot or namespace not in FIXED or not NAME.fullmatch(name):
        return None
    if namespace != "contact" and name not in FIXED[namespace]:
        return None
    return Variable(namespace=namespace, name=name, fallback=fallback, written=match.group(0))


def variables_in(text: str) -> list[Variable]:
    """The known variables `text` uses, in order."""
    return [variable for match in VARIABLE.finditer(text or "") if (variable := _parse(match))]


def check_variables(text: str, *, field: str = "body") -> None:
    """Refuse text with a variable Concierge cannot fill, naming it and the ones it can."""
    for match in VARIABLE.finditer(text or ""):
        if _parse(match) is None:
            written = match.group(0)
            shown = written if len(written) <= 60 else written[:57] + "…"
            raise InvalidInput(
                f"Unknown variable {shown}. Variables are contact.first_name, contact.name, "
                "contact.email, contact.<attribute>, teammate.first_name, teammate.name and "
                "workspace.name, with an optional fallback: {{contact.first_name|there}}.",
                field=field,
            )


def first_name_of(name: str) -> str:
    words = (name or "").split()
    return words[0] if words else ""


def _attribute_as_text(value, locale: str) -> str:
    """A custom attribute's value as the customer reads it: numbers in their locale's way, true and
    false as words in their language; lists and objects are not something to say, so nothing."""
    if value is None or isinstance(value, (list, dict)):
        return ""
    if isinstance(value, bool):
        with translation.override(locale or "en"):
            return gettext("yes") if value else gettext("no")
    if isinstance(value, (int, float)):
        try:
            return format_decimal(value, locale=babel_locale(locale))
        except (ValueError, TypeError, OverflowError):
            return str(value)
    return str(value)


def _value(variable: Variable, *, contact, teammate, workspace, locale: str) -> str:
    if variable.namespace == "contact":
        if contact is None:
            return ""
        if variable.name == "first_name":
            return first_name_of(contact.name)
        if variable.name == "name":
            return contact.name or ""
        if variable.name == "email":
            return contact.email or ""
        attributes = contact.attributes if isinstance(contact.attributes, dict) else {}
        return _attribute_as_text(attributes.get(variable.name), locale)
    if variable.namespace == "teammate":
        if teammate is None:
            return ""
        return first_name_of(teammate.name) if variable.name == "first_name" else teammate.name or ""
    if workspace is None:
        return ""
    return workspace.name or ""


def fill_variables(text: str, *, contact, teammate, workspace, locale: str) -> str:
    """`text` with every variable replaced by its value for this contact, teammate and workspace,
    escaped as Markdown; a missing or empty value gives the variable's fallback (escaped too), else
    nothing. Never raises for what is in the text: an unknown variable gives its fallback, else nothing."""

    def replace(match: re.Match) -> str:
        variable = _parse(match)
        if variable is None:
            return escape_markdown((match.group("fallback") or "").strip())
        value = _value(variable, contact=contact, teammate=teammate, workspace=workspace, locale=locale)
        value = value.strip()
        return escape_markdown(value or variable.fallback)

    return VARIABLE.sub(replace, text or "")
