"""Variables in saved replies: filled per contact, teammate and language; a missing value falls back;
nothing a contact typed into their name can inject Markdown or HTML; an unknown variable is named when
the reply is written and never breaks sending."""

import pytest

from concierge.contacts.services import create_contact
from concierge.core.errors import InvalidInput
from concierge.core.text import render_message
from concierge.replies.variables import check_variables, escape_markdown, fill_variables, variables_in


def fill(text, contact, teammate=None, workspace=None, locale="en"):
    return fill_variables(text, contact=contact, teammate=teammate, workspace=workspace, locale=locale)


@pytest.mark.django_db
def test_contact_teammate_and_workspace_are_filled(workspace, owner, contact):
    text = "Hi {{contact.first_name|there}}, {{teammate.first_name}} from {{ workspace.name }} here."
    assert fill(text, contact, owner, workspace) == "Hi Casey, Olivia from Acme Support here."
    assert fill("{{contact.name}} <{{contact.email}}>", contact) == "Casey Customer <casey@customer.test>"


@pytest.mark.django_db
def test_each_contact_gets_their_own_values(workspace, owner):
    ana = create_contact(
        workspace, email="ana@x.test", name="Ana Ruiz", locale="es", attributes={"plan": "Pro"}
    )
    bo = create_contact(workspace, email="bo@x.test", name="Bo", attributes={"plan": "Free"})
    text = "{{contact.first_name}} is on {{contact.plan|a plan}}"
    assert fill(text, ana, owner, workspace, "es") == "Ana is on Pro"
    assert fill(text, bo, owner, workspace) == "Bo is on Free"


@pytest.mark.django_db
def test_a_missing_or_empty_value_gives_the_fallback_else_nothing(workspace, owner):
    nameless = create_contact(workspace, email="x@x.test", attributes={"plan": "", "seats": None})
    assert fill("Hi {{contact.first_name|there}}!", nameless) == "Hi there!"
    assert fill("Hi {{contact.first_name}}!", nameless) == "Hi !"
    assert fill("{{contact.plan|your plan}} / {{contact.seats|some}}", nameless) == "your plan / some"
    assert fill("{{contact.company|your company}}", nameless) == "your company"
    assert fill("{{contact.company}}", nameless) == ""
    assert fill("Hi {{contact.first_name|there}}", None) == "Hi there"
    assert fill("{{teammate.first_name|the team}}", nameless, None, None) == "the team"


@pytest.mark.django_db
def test_attribute_values_read_in_the_contacts_language(workspace):
    contact = create_contact(
        workspace, email="n@x.test", attributes={"seats": 1250, "paid": True, "tags": ["a"], "ratio": 0.5}
    )
    assert fill("{{contact.seats}}", contact, locale="en") == "1,250"
    assert fill("{{contact.seats}}", contact, locale="de") == "1.250"
    assert fill("{{contact.ratio}}", contact, locale="fr") == "0,5"
    assert fill("{{contact.paid}}", contact, locale="en") == "yes"
    assert fill("{{contact.tags|none}}", contact) == "none"  # a list is nothing to say


@pytest.mark.django_db
def test_a_contact_cannot_inject_markdown_or_html(workspace):
    evil = create_contact(
        workspace, email="e@x.test", name="*Bob* <script>alert(1)</script> [x](javascript:y)"
    )
    filled = fill("Hi {{contact.name}}", evil)
    html = render_message(filled, keep_html=False)
    assert "<script" not in html and "<em>" not in html and "<a " not in html
    assert "*Bob* &lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:y)" in html
    list_like = create_contact(workspace, email="l@x.test", name="- 1. # Title\n\n> quote")
    rendered = render_message(fill("{{contact.name}}", list_like), keep_html=False)
    assert "<ul>" not in rendered and "<h1>" not in rendered and "<blockquote>" not in rendered


def test_escaping_keeps_what_a_person_reads():
    assert escape_markdown("O'Brien & Sons.") == "O'Brien \\& Sons."
    assert escape_markdown("1. first") == "1\\. first"
    assert escape_markdown("line\nbreak") == "line break"


def test_unknown_variables_never_show_braces_or_raise_when_filled():
    assert fill("a {{customer.name|friend}} b {{contact.}} c {{teammate.age}} d", None) == "a friend b  c  d"
    assert fill("{{ unclosed", None) == "{{ unclosed"


@pytest.mark.parametrize(
    "text",
    [
        "{{customer.name}}",
        "{{contact.}}",
        "{{teammate.age}}",
        "{{workspace.url}}",
        "{{name}}",
        "{{contact.a-b}}",
    ],
)
def test_checking_names_an_unknown_variable(text):
    with pytest.raises(InvalidInput) as error:
        check_variables(text)
    assert text in error.value.message and "Unknown variable" in error.value.message


def test_checking_accepts_every_known_variable():
    text = "{{contact.first_name|there}} {{contact.name}} {{contact.email}} {{contact.plan|x}} {{teammate.first_name}} {{teammate.name}} {{workspace.name}}"
    check_variables(text)
    assert [v.path for v in variables_in(text)][-1] == "workspace.name"
