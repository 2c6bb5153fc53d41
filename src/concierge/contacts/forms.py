"""What the contact's edit page reads: the name, the email address and the attributes, typed one per
line as `name: value`. Refused input raises the services' InvalidInput, naming the line."""

import re

from concierge.core.errors import InvalidInput

MAX_ATTRIBUTES_TEXT = 50_000
WHOLE_NUMBER = re.compile(r"^-?(0|[1-9][0-9]{0,17})$")
DECIMAL = re.compile(r"^-?(0|[1-9][0-9]{0,17})\.[0-9]{1,12}$")


def is_nested(value) -> bool:
    return isinstance(value, dict | list)


def attribute_value_as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def attributes_as_text(attributes: dict) -> str:
    """The attributes a teammate can edit (text, numbers, true/false), one `name: value` a line."""
    return "\n".join(
        f"{name}: {attribute_value_as_text(value)}"
        for name, value in sorted(attributes.items())
        if not is_nested(value)
    )


def _typed_value(text: str):
    """'true'/'false' are true and false, whole and decimal numbers are numbers, the rest is text."""
    if text in ("true", "false"):
        return text == "true"
    if WHOLE_NUMBER.match(text):
        return int(text)
    if DECIMAL.match(text):
        return float(text)
    return text


def attributes_from_text(text: str | None, current: dict) -> dict:
    """The attributes as typed; the contact's nested values (lists, objects: set through the API or an
    import, not shown in the box) are kept as they are."""
    text = text or ""
    if len(text) > MAX_ATTRIBUTES_TEXT:
        raise InvalidInput(
            f"The attributes are longer than {MAX_ATTRIBUTES_TEXT:,} characters.", field="attributes"
        )
    typed: dict = {}
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        if not line.strip():
            continue
        name, colon, value = line.partition(":")
        if not colon or not name.strip():
            raise InvalidInput(
                f"Line {number} ('{line.strip()[:40]}') needs a name, a colon and a value, e.g. 'plan: pro'.",
                field="attributes",
            )
        name = name.strip()
        if name in typed:
            raise InvalidInput(
                f"The attribute '{name[:40]}' is given twice (line {number}).", field="attributes"
            )
        typed[name] = _typed_value(value.strip())
    nested = {name: value for name, value in current.items() if is_nested(value) and name not in typed}
    return {**nested, **typed}
