"""A folder of Markdown files in and out of the help center: all or nothing, sync by slug, round trip."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from concierge.helpcenter.models import Article, ArticleRevision, ArticleTranslation, Collection
from concierge.helpcenter.services.folders import FolderImportError, export_articles, import_articles
from concierge.helpcenter.services.writing import create_article, create_collection, save_translation
from concierge.workspaces.models import AuditEntry

RESET = """---
title: Reset your password
locale: en
collection: Account
summary: When you forgot it
---

Open **Settings**.

## By email

Click *Forgot password*.
"""
RESET_ES = """---
title: Restablecer la contraseña
locale: es
collection: Cuenta
---

Abra **Ajustes**.
"""
INVOICES = """---
title: Download an invoice
locale: en
collection: Billing
state: draft
visibility: internal
---

Go to *Billing*.
"""


def write_files(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def docs(tmp_path):
    return write_files(
        tmp_path / "docs",
        {"reset-password.md": RESET, "reset-password.es.md": RESET_ES, "billing/invoices.md": INVOICES},
    )


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("helpcenter", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_folder_is_imported_as_articles_translations_and_collections(workspace, docs):
    summary = import_articles(workspace, docs)
    assert (summary.files, summary.articles_created, summary.translations_created) == (3, 2, 3)
    reset = Article.objects.get(slug="reset-password")
    assert reset.collection.slug == "account"
    assert reset.collection.names == {"en": "Account", "es": "Cuenta"}
    english = reset.translations.get(locale="en")
    assert (english.title, english.summary, english.state) == (
        "Reset your password",
        "When you forgot it",
        "published",
    )
    assert english.body.startswith("Open **Settings**.")
    assert english.revisions.get().note == "Imported"
    assert reset.translations.get(locale="es").title == "Restablecer la contraseña"
    invoices = Article.objects.get(slug="invoices")
    assert (invoices.visibility, invoices.translations.get().state) == ("internal", "draft")
    assert invoices.collection.names == {"en": "Billing"}
    assert (
        AuditEntry.objects.filter(action="article.created", actor_label="command helpcenter import").count()
        == 2
    )


def test_importing_again_updates_by_slug_with_a_revision_only_for_changed_words(workspace, docs):
    import_articles(workspace, docs)
    (docs / "reset-password.md").write_text(RESET.replace("Open **Settings**.", "Open **Preferences**."))
    summary = import_articles(workspace, docs)
    assert (summary.translations_updated, summary.translations_unchanged, summary.translations_created) == (
        1,
        2,
        0,
    )
    assert Article.objects.count() == 2
    english = ArticleTranslation.objects.get(article__slug="reset-password", locale="en")
    assert english.body.startswith("Open **Preferences**.")
    assert english.revisions.count() == 2
    assert ArticleTranslation.objects.get(locale="es").revisions.count() == 1


def test_export_then_import_changes_nothing(workspace, owner, tmp_path):
    billing = create_collection(workspace, slug="billing", names={"en": "Billing", "es": "Facturación"})
    first = create_article(
        workspace,
        slug="invoices",
        locale="en",
        title="Invoices: where?",
        body="## Find them\n\nHere.",
        summary="All of them",
        collection=billing,
        state="published",
        teammate=owner,
    )
    save_translation(first.article, locale="es", title="Facturas", body="Aquí.", state="draft")
    create_article(workspace, slug="no-shelf", locale="en", title="404", body="Lost?", visibility="internal")
    create_collection(workspace, slug="empty", names={"de": "Leer"})
    assert export_articles(workspace, tmp_path / "out") == 3
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "invoices.es.md",
        "invoices.md",
        "no-shelf.md",
    ]
    revisions, entries = ArticleRevision.objects.count(), AuditEntry.objects.count()
    summary = import_articles(workspace, tmp_path / "out")
    assert (summary.translations_unchanged, summary.translations_updated, summary.translations_created) == (
        3,
        0,
        0,
    )
    assert (summary.collections_created, summary.collections_updated, summary.articles_updated) == (0, 0, 0)
    assert (ArticleRevision.objects.count(), AuditEntry.objects.count()) == (revisions, entries)


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("Just text, no front matter.\n", "line 1", "no front matter"),
        ("---\ntitle: A\nlocale: en\ncollection: B\n", "line 1", "not closed"),
        ("---\ntitle: A\nlocale: en\ncollection: [B\n---\nBody\n", "line 4", "not valid YAML"),
        ("---\ntitle: A\nlocale: en\n  bad: indent\ncollection: B\n---\n", "line 4", "not valid YAML"),
        ("---\nlocale: en\ncollection: B\n---\nBody\n", "line 1", "no 'title'"),
        (
            "---\ntitle: A\nlocale: klingon\ncollection: B\n---\nBody\n",
            "line 3",
            "'klingon' is not a known locale",
        ),
        (
            "---\ntitle: A\nlocale: en\ncollection: B\nstate: live\n---\n",
            "line 5",
            "state 'live' is not one of",
        ),
        ("---\ntitle: A\nlocale: en\ncollection: B\ncolour: red\n---\n", "line 5", "unknown key 'colour'"),
        ("---\ntitle: ''\nlocale: en\ncollection: B\n---\n", "line 2", "title is required"),
        ("---\n- a list\n---\n", "line 2", "'key: value' lines"),
    ],
)
def test_a_bad_file_names_its_file_and_line_and_nothing_is_imported(workspace, docs, text, where, message):
    write_files(docs, {"broken.md": text})
    with pytest.raises(FolderImportError) as caught:
        import_articles(workspace, docs)
    assert caught.value.problems[0].startswith(f"broken.md, {where}: ")
    assert message in caught.value.problems[0]
    assert not Article.objects.exists()
    assert not Collection.objects.exists()


def test_a_bad_slug_a_duplicate_and_a_disagreement_are_each_named(workspace, docs):
    write_files(
        docs,
        {
            "Bad Name.md": RESET,
            "more/reset-password.md": RESET,
            "invoices.es.md": INVOICES.replace("locale: en", "locale: es").replace("internal", "public"),
            "other.de.md": RESET,
        },
    )
    with pytest.raises(FolderImportError) as caught:
        import_articles(workspace, docs)
    problems = "\n".join(caught.value.problems)
    assert "Bad Name.md, line 1: the file name's slug 'Bad Name'" in problems
    assert (
        "\nreset-password.md, line 1: 'reset-password' in 'en' is already in more/reset-password.md"
        in problems
    )
    assert "other.de.md, line 3: locale 'en' differs from the file name's 'de'" in problems
    assert "disagree on its visibility" in problems
    assert not Article.objects.exists()


def test_a_refusal_while_writing_undoes_the_whole_import(workspace, docs):
    # Two collections that already exist, named by two files of one article: refused at the second.
    create_collection(workspace, slug="account", names={"en": "Account"})
    create_collection(workspace, slug="cuenta", names={"es": "Cuenta"})
    with pytest.raises(FolderImportError, match="reset-password.es.md, line 4: collection 'Cuenta'"):
        import_articles(workspace, docs)
    assert not Article.objects.exists()
    assert Collection.objects.count() == 2


def test_the_command_imports_and_prints_a_summary(workspace, docs):
    out, _ = run("import", str(docs), "--workspace", "acme")
    assert "Imported 3 file(s) into 'acme'" in out
    assert "translations: 3 created, 0 updated, 0 unchanged" in out
    assert "collections:  2 created, 1 updated" in out
    out, _ = run("import", str(docs), "--workspace", "acme")
    assert "translations: 0 created, 0 updated, 3 unchanged" in out


def test_the_command_rejects_a_bad_folder_with_every_problem_and_a_non_zero_exit(workspace, docs):
    write_files(docs, {"a.md": "no front matter", "b.md": "---\ntitle: B\n---\n"})
    err = StringIO()
    with pytest.raises(CommandError, match="Rejected: 2 problem"):
        call_command("helpcenter", "import", str(docs), "--workspace", "acme", stderr=err)
    assert "a.md, line 1: no front matter" in err.getvalue()
    assert "b.md, line 1: the front matter has no 'locale'" in err.getvalue()
    with pytest.raises(CommandError, match="No workspace"):
        run("import", str(docs), "--workspace", "nope")
    with pytest.raises(CommandError, match="no such folder"):
        run("import", str(docs / "missing"), "--workspace", "acme")
    assert not Article.objects.exists()


def test_the_command_exports_and_names_the_workspace_when_there_are_several(
    workspace, docs, tmp_path, other_workspace
):
    import_articles(workspace, docs)
    out, _ = run("export", str(tmp_path / "out"), "--workspace", "acme")
    assert "Exported 3 article file(s) from 'acme'" in out
    text = (tmp_path / "out" / "reset-password.es.md").read_text()
    assert text.startswith("---\ntitle: Restablecer la contraseña\nlocale: es\ncollection: Cuenta\n")
    with pytest.raises(CommandError, match="--workspace"):
        run("export", str(tmp_path / "again"))
