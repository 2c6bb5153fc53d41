"""The database refuses two bookings of one agent whose blocked times overlap.

PostgreSQL: an exclusion constraint over (agent, [starts_at, blocked_until)) with btree_gist.
SQLite: triggers that abort an insert or update that would overlap; writes are serialised (the
settings open transactions with BEGIN IMMEDIATE), so the check inside the trigger sees every
committed booking. Only bookings whose status keeps the time taken count.
"""

from django.db import migrations

BLOCKING = "('booked', 'held', 'no_show')"

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    f"""ALTER TABLE meetings_booking ADD CONSTRAINT meetings_booking_no_overlap
        EXCLUDE USING gist (agent_id WITH =, tstzrange(starts_at, blocked_until, '[)') WITH &&)
        WHERE (status IN {BLOCKING})""",
]
POSTGRES_BACKWARD = ["ALTER TABLE meetings_booking DROP CONSTRAINT IF EXISTS meetings_booking_no_overlap"]

SQLITE_OVERLAP = f"""
    NEW.status IN {BLOCKING} AND EXISTS (
        SELECT 1 FROM meetings_booking AS other
        WHERE other.agent_id = NEW.agent_id
          AND other.id IS NOT NEW.id
          AND other.status IN {BLOCKING}
          AND other.starts_at < NEW.blocked_until
          AND other.blocked_until > NEW.starts_at
    )"""
SQLITE_FORWARD = [
    f"""CREATE TRIGGER meetings_booking_no_overlap_insert BEFORE INSERT ON meetings_booking
        WHEN {SQLITE_OVERLAP}
        BEGIN SELECT RAISE(ABORT, 'meetings_booking_no_overlap: the agent is already booked then'); END""",
    f"""CREATE TRIGGER meetings_booking_no_overlap_update
        BEFORE UPDATE OF agent_id, status, starts_at, blocked_until ON meetings_booking
        WHEN {SQLITE_OVERLAP}
        BEGIN SELECT RAISE(ABORT, 'meetings_booking_no_overlap: the agent is already booked then'); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS meetings_booking_no_overlap_insert",
    "DROP TRIGGER IF EXISTS meetings_booking_no_overlap_update",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
