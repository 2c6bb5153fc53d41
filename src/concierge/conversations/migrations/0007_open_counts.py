"""Each teammate's open conversations, kept by the database: a row per teammate in
conversations_opencount, moved by triggers on every insert, delete, and change of assignee or state
of a conversation, in the transaction of that write (services, bulk updates, cascades and imports
alike). Filled from the conversations as they are when it is applied.

PostgreSQL: one PL/pgSQL trigger; when a conversation moves between two teammates it takes their
rows in id order, so two such moves at once never wait on each other in a circle. SQLite: three
triggers (writers take turns there)."""

import django.db.models.deletion
from django.db import migrations, models

TABLE = "conversations_opencount"
COUNTED = "assignee_id IS NOT NULL AND {row}.state = 'open'"
ADD_ONE = (
    f"INSERT INTO {TABLE} (teammate_id, workspace_id, open_count) {{values}} "
    "ON CONFLICT (teammate_id) DO UPDATE SET open_count = " + TABLE + ".open_count + 1"
)

POSTGRES_FORWARD = [
    f"""CREATE FUNCTION conversations_keep_open_counts() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        was_with bigint;
        now_with bigint;
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            IF OLD.assignee_id IS NOT NULL AND OLD.state = 'open' THEN was_with := OLD.assignee_id; END IF;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            IF NEW.assignee_id IS NOT NULL AND NEW.state = 'open' THEN now_with := NEW.assignee_id; END IF;
        END IF;
        IF was_with IS NOT DISTINCT FROM now_with THEN
            RETURN NULL;
        END IF;
        IF was_with IS NOT NULL AND (now_with IS NULL OR was_with < now_with) THEN
            UPDATE {TABLE} SET open_count = open_count - 1 WHERE teammate_id = was_with;
            was_with := NULL;
        END IF;
        IF now_with IS NOT NULL THEN
            {ADD_ONE.format(values="VALUES (now_with, NEW.workspace_id, 1)")};
        END IF;
        IF was_with IS NOT NULL THEN
            UPDATE {TABLE} SET open_count = open_count - 1 WHERE teammate_id = was_with;
        END IF;
        RETURN NULL;
    END
    $$""",
    """CREATE TRIGGER conversations_keep_open_counts
        AFTER INSERT OR DELETE OR UPDATE OF assignee_id, state ON conversations_conversation
        FOR EACH ROW EXECUTE FUNCTION conversations_keep_open_counts()""",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS conversations_keep_open_counts ON conversations_conversation",
    "DROP FUNCTION IF EXISTS conversations_keep_open_counts()",
]

SQLITE_FORWARD = [
    f"""CREATE TRIGGER conversations_open_counts_insert AFTER INSERT ON conversations_conversation
        WHEN NEW.{COUNTED.format(row="NEW")}
        BEGIN {ADD_ONE.format(values="VALUES (NEW.assignee_id, NEW.workspace_id, 1)")}; END""",
    f"""CREATE TRIGGER conversations_open_counts_update
        AFTER UPDATE OF assignee_id, state ON conversations_conversation
        WHEN OLD.assignee_id IS NOT NEW.assignee_id OR OLD.state IS NOT NEW.state
        BEGIN
            UPDATE {TABLE} SET open_count = open_count - 1
                WHERE teammate_id = OLD.assignee_id AND OLD.state = 'open';
            {ADD_ONE.format(values=f"SELECT NEW.assignee_id, NEW.workspace_id, 1 WHERE NEW.{COUNTED.format(row='NEW')}")};
        END""",
    f"""CREATE TRIGGER conversations_open_counts_delete AFTER DELETE ON conversations_conversation
        WHEN OLD.{COUNTED.format(row="OLD")}
        BEGIN UPDATE {TABLE} SET open_count = open_count - 1 WHERE teammate_id = OLD.assignee_id; END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS conversations_open_counts_insert",
    "DROP TRIGGER IF EXISTS conversations_open_counts_update",
    "DROP TRIGGER IF EXISTS conversations_open_counts_delete",
]

FILL = f"""INSERT INTO {TABLE} (teammate_id, workspace_id, open_count)
    SELECT assignee_id, workspace_id, COUNT(*) FROM conversations_conversation
    WHERE assignee_id IS NOT NULL AND state = 'open' GROUP BY assignee_id, workspace_id"""


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0006_assignee_state_index"),
        ("workspaces", "0005_messenger_settings"),
    ]

    operations = [
        migrations.CreateModel(
            name="OpenCount",
            fields=[
                (
                    "teammate",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="workspaces.teammate",
                    ),
                ),
                ("open_count", models.IntegerField(default=0)),
                (
                    "workspace",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="workspaces.workspace",
                    ),
                ),
            ],
        ),
        migrations.RunPython(
            _run({"postgresql": [*POSTGRES_FORWARD, FILL], "sqlite": [*SQLITE_FORWARD, FILL]}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
