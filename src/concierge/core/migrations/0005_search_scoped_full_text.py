"""Search, faster (docs/search.md): SQLite's full-text table gains a scope column, so a search
matches its own workspace's, kind's, locale's and audience's documents inside the full-text index
rather than filtering every workspace's matches after. FTS5 tables take no new column: the new table
replaces core_search_fts and is filled from the entries, which keep the text. Nothing changes on
PostgreSQL, where the tsvector columns sit on the entries themselves.
"""

from django.db import migrations

TOKENIZER = "tokenize = 'porter unicode61 remove_diacritics 2', prefix = '2 3'"
SCOPED_TABLE = [
    f"CREATE VIRTUAL TABLE core_search_documents USING fts5(scope, title, headings, body, {TOKENIZER})",
    """CREATE TRIGGER core_searchentry_drop_documents AFTER DELETE ON core_searchentry
        BEGIN DELETE FROM core_search_documents WHERE rowid = OLD.id; END""",
]
UNSCOPED_TABLE = [
    f"CREATE VIRTUAL TABLE core_search_fts USING fts5(title, headings, body, {TOKENIZER})",
    """CREATE TRIGGER core_searchentry_drop_fts AFTER DELETE ON core_searchentry
        BEGIN DELETE FROM core_search_fts WHERE rowid = OLD.id; END""",
]
DROP_UNSCOPED = ["DROP TRIGGER IF EXISTS core_searchentry_drop_fts", "DROP TABLE IF EXISTS core_search_fts"]
DROP_SCOPED = [
    "DROP TRIGGER IF EXISTS core_searchentry_drop_documents",
    "DROP TABLE IF EXISTS core_search_documents",
]
ENTRIES = "SELECT id, workspace_id, kind, locale, audience, title, headings, body FROM core_searchentry"


def _entries(schema_editor, batch=500):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(ENTRIES)
        while rows := cursor.fetchmany(batch):
            yield rows


def to_scoped(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from concierge.core.db import search_scope_text
    from concierge.core.search import fold

    for statement in DROP_UNSCOPED + SCOPED_TABLE:
        schema_editor.execute(statement)
    for rows in _entries(schema_editor):
        with schema_editor.connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO core_search_documents (rowid, scope, title, headings, body) VALUES (%s, %s, %s, %s, %s)",
                [
                    (entry_id, search_scope_text(ws, kind, locale, audience), fold(t), fold(h), fold(b))
                    for entry_id, ws, kind, locale, audience, t, h, b in rows
                ],
            )


def to_unscoped(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from concierge.core.search import fold

    for statement in DROP_SCOPED + UNSCOPED_TABLE:
        schema_editor.execute(statement)
    for rows in _entries(schema_editor):
        with schema_editor.connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO core_search_fts (rowid, title, headings, body) VALUES (%s, %s, %s, %s)",
                [(row[0], fold(row[5]), fold(row[6]), fold(row[7])) for row in rows],
            )


class Migration(migrations.Migration):
    dependencies = [("core", "0004_search")]

    operations = [migrations.RunPython(to_scoped, to_unscoped)]
