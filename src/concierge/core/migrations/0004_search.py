"""The search index (core.search): its documents and vocabulary, and the full-text index beside them.

SQLite: an FTS5 table whose rowid is the entry's id, holding the folded text (lower case, diacritics
removed in Python), stemmed by the porter tokenizer, with prefix indexes for search as you type; a
trigger drops a document's row when its entry goes (a workspace deleted with its entries too).
PostgreSQL: a weighted tsvector column (title A, headings B, body C), built by the language's text
search configuration when the entry is written, and one of the title and headings alone, each
with a GIN index.
"""

import django.db.models.deletion
from django.db import migrations, models


SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE core_search_fts USING fts5(
        title, headings, body, tokenize = 'porter unicode61 remove_diacritics 2', prefix = '2 3')""",
    """CREATE TRIGGER core_searchentry_drop_fts AFTER DELETE ON core_searchentry
        BEGIN DELETE FROM core_search_fts WHERE rowid = OLD.id; END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS core_searchentry_drop_fts",
    "DROP TABLE IF EXISTS core_search_fts",
]
POSTGRES_FORWARD = [
    "ALTER TABLE core_searchentry ADD COLUMN document tsvector NOT NULL DEFAULT ''::tsvector",
    # fastupdate off: articles are written seldom and searched often; a pending list of new entries
    # would be scanned by every search until the next vacuum.
    "CREATE INDEX core_searchentry_document ON core_searchentry USING gin (document) WITH (fastupdate = off)",
    # Title and headings alone: small enough to rank every match of a common word (db.py's tiers).
    "ALTER TABLE core_searchentry ADD COLUMN heading_document tsvector NOT NULL DEFAULT ''::tsvector",
    "CREATE INDEX core_searchentry_heading_document ON core_searchentry USING gin (heading_document) "
    "WITH (fastupdate = off)",
    # Byte order, as on SQLite: a prefix's words are one range of the index, whatever the locale.
    'ALTER TABLE core_searchterm ALTER COLUMN term TYPE varchar(64) COLLATE "C"',
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS core_searchentry_heading_document",
    "ALTER TABLE core_searchentry DROP COLUMN IF EXISTS heading_document",
    "DROP INDEX IF EXISTS core_searchentry_document",
    "ALTER TABLE core_searchentry DROP COLUMN IF EXISTS document",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_failed_attempts'),
        ('workspaces', '0004_invites_and_key_teammates'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=30)),
                ('object_id', models.BigIntegerField()),
                ('locale', models.CharField(max_length=16)),
                ('audience', models.CharField(max_length=16)),
                ('title', models.TextField()),
                ('headings', models.TextField(blank=True, default='')),
                ('body', models.TextField(blank=True, default='')),
                ('workspace', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='workspaces.workspace')),
            ],
            options={
                'indexes': [models.Index(fields=['workspace', 'kind', 'locale'], name='search_entry_scope')],
                'constraints': [models.UniqueConstraint(fields=('kind', 'object_id'), name='search_entry_one_per_object')],
            },
        ),
        migrations.CreateModel(
            name='SearchTerm',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=30)),
                ('locale', models.CharField(max_length=16)),
                ('term', models.CharField(max_length=64)),
                ('documents', models.IntegerField(default=0)),
                ('workspace', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='workspaces.workspace')),
            ],
            options={
                'indexes': [models.Index(fields=['workspace', 'kind', 'term'], name='search_term_lookup')],
                'constraints': [models.UniqueConstraint(fields=('workspace', 'kind', 'locale', 'term'), name='search_term_one_per_scope')],
            },
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
