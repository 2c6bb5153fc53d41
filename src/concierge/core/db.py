"""The one place that knows which database it talks to: plain SQL for bulk reads and writes (the
event log, its rollups, contacts made in bulk), row locks, the database-specific speed-ups, and how
long a writer waits for another one and how to tell that it waited in vain.

Everything here runs on SQLite and PostgreSQL alike; the few database-specific speed-ups (COPY on
PostgreSQL, an INSERT reading one JSON array and a larger page cache on SQLite, shared and row
locks) sit behind these functions and nothing else in the code knows about them
(tests/test_architecture.py holds every other module to that).
"""

import hashlib
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import orjson
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.signals import connection_created
from django.db.models import BigIntegerField, BooleanField, F, Func, QuerySet, Value

LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE when lock_timeout passes

# Stay well under SQLite's limit on bound parameters (32,766) and keep statements small.
CHUNK = 500


def chunked(items: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def one_of(column: str, values: Sequence) -> tuple[str, list]:
    """A condition that `column` holds one of `values`, and its parameters: one array parameter on
    PostgreSQL (a long list of placeholders costs the driver more than the server's work), a list
    of placeholders elsewhere."""
    if is_postgresql():
        literal = array_literal(values)
        if literal is not None:
            return f"{column} = ANY(%s::{literal[1]}[])", [literal[0]]
        return f"{column} = ANY(%s)", [list(values)]
    return f"{column} IN ({placeholders(len(values))})", list(values)


def array_literal(values: Sequence) -> tuple[str, str] | None:
    """PostgreSQL's text form of an array of integers or of strings, and its element type; None for
    other values. One string parameter costs the driver far less than a list it adapts value by value."""
    if all(type(value) is int for value in values):
        return "{" + ",".join(map(str, values)) + "}", "bigint"
    if not all(type(value) is str for value in values):
        return None
    joined = '","'.join(values)
    if "\\" in joined or joined.count('"') != 2 * (len(values) - 1):  # a value holds \ or "
        joined = '","'.join(value.replace("\\", "\\\\").replace('"', '\\"') for value in values)
    return '{"' + joined + '"}' if values else "{}", "text"


def select(sql: str, params: Sequence = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def execute_many(sql: str, rows: list[Sequence]) -> None:
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def insert_rows(model, columns: Sequence[str], rows: list[Sequence]) -> None:
    """Append rows (COPY on PostgreSQL, a prepared multi-row INSERT elsewhere)."""
    if not rows:
        return
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    if is_postgresql():
        copy_rows(table(model), quoted, rows)
        return
    execute_many(f"INSERT INTO {table(model)} ({quoted}) VALUES ({placeholders(len(columns))})", rows)


def copy_rows(name: str, quoted_columns: str, rows: Iterable[Sequence]) -> None:
    """COPY rows into a table (PostgreSQL), each row's values adapted by the driver."""
    with (
        connection.wrap_database_errors,  # a unique violation is Django's IntegrityError, as elsewhere
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {name} ({quoted_columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


COPY_TEXT_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(value: str | None) -> str:
    """A value in the text format of PostgreSQL's COPY."""
    if value is None:
        return "\\N"
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(COPY_TEXT_ESCAPES)
    return value


def row_preparer() -> Callable[[Sequence[str | None]], str]:
    """What makes one row's text values (None for NULL) ready for prepared_rows_insert in advance (in
    another process, say) on this connection's database: a line of COPY text on PostgreSQL, a JSON
    array elsewhere. Asked once for many rows."""
    if is_postgresql():
        return copy_line
    return lambda values: orjson.dumps(list(values)).decode()


def copy_line(values: Sequence[str | None]) -> str:
    """A row of text values (None for NULL) as a line of COPY text, without its line end."""
    # Values rarely hold a character COPY escapes: join them first, with NUL (which no text value
    # can hold) standing for NULL, look once, and escape value by value only when one does.
    line = "\t".join(["\x00" if value is None else value for value in values])
    if (
        "\\" in line
        or "\n" in line
        or "\r" in line
        or line.count("\t") != len(values) - 1
        or line.count("\x00") != values.count(None)
    ):
        return "\t".join([copy_text(value) for value in values])
    return line.replace("\x00", "\\N")


def prepared_rows_insert(
    model,
    lead_column: str,
    constants: dict[str, object],
    columns: Sequence[str],
    rows: list[tuple[int, str]],
) -> Callable[[], None]:
    """An insert of rows, each an integer for `lead_column` and a row_preparer() result for
    `columns`, with the same `constants` in every row, as a call to make later on this thread's
    connection, from any thread (run_alongside): one statement that runs in the database library
    without Python's lock, COPY on PostgreSQL and an INSERT reading one JSON array elsewhere. Until
    it returns, the thread that owns the connection must not use it."""
    if not rows:
        return lambda: None
    wrapper = connections[DEFAULT_DB_ALIAS]
    wrapper.ensure_connection()
    raw = wrapper.connection
    quoted = ", ".join(wrapper.ops.quote_name(c) for c in (lead_column, *constants, *columns))
    name = wrapper.ops.quote_name(model._meta.db_table)
    if wrapper.vendor == "postgresql":
        fixed = "".join(f"\t{copy_text(str(value))}" for value in constants.values())

        def copy_rows() -> None:
            # In parts: the server reads each part while the next one is put together.
            with (
                wrapper.wrap_database_errors,
                raw.cursor() as cursor,
                cursor.copy(f"COPY {name} ({quoted}) FROM STDIN") as copy,
            ):
                for part in chunked(rows, 5_000):
                    copy.write("".join([f"{lead}{fixed}\t{row}\n" for lead, row in part]))

        return copy_rows
    selected = [
        "value ->> 0",
        *["?"] * len(constants),
        *[f"value ->> {i}" for i in range(1, 1 + len(columns))],
    ]
    sql = f"INSERT INTO {name} ({quoted}) SELECT {', '.join(selected)} FROM json_each(?)"
    constants_values = list(constants.values())

    def insert_from_json() -> None:
        array = "[" + ",".join([f"[{lead},{row[1:]}" for lead, row in rows]) + "]"
        with wrapper.wrap_database_errors:
            raw.execute(sql, [*constants_values, array])

    return insert_from_json


@contextmanager
def run_alongside(work: Callable[[], None] | None) -> Iterator[None]:
    """Run `work` on another thread while the block runs (the block must not use the connection
    `work` uses), then wait for it; an exception from `work` is raised here."""
    if work is None:
        yield
        return
    failure: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # handed to the waiting thread
            failure.append(exc)

    thread = threading.Thread(target=run, name="concierge-alongside", daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join()
    if failure:
        raise failure[0]


def execute_in_row_groups(head: str, rows: list[Sequence], tail: str = "") -> None:
    """Run `head VALUES (…), (…), … tail` for groups of rows: one statement per few hundred rows
    instead of one per row."""
    if not rows:
        return
    width = len(rows[0])
    group_size = max(1, min(CHUNK, 30_000 // width))  # SQLite takes at most 32,766 parameters
    with connection.cursor() as cursor:
        for group in chunked(rows, group_size):
            values = ", ".join([f"({placeholders(width)})"] * len(group))
            cursor.execute(f"{head} VALUES {values} {tail}", [value for row in group for value in row])


def add_to_totals(
    model, key_columns: Sequence[str], value_columns: Sequence[str], rows: list[Sequence]
) -> None:
    """Add each row's values to the totals row with the same key, creating it when missing."""
    if not rows:
        return
    quote = connection.ops.quote_name
    name = table(model)
    columns = ", ".join(quote(c) for c in (*key_columns, *value_columns))
    updates = ", ".join(f"{quote(c)} = {name}.{quote(c)} + excluded.{quote(c)}" for c in value_columns)
    on_conflict = f"ON CONFLICT ({', '.join(quote(c) for c in key_columns)}) DO UPDATE SET {updates}"
    if is_postgresql() and len(rows) > COPY_UPSERT_FROM:
        _upsert_through_copy(model, columns, rows, on_conflict)
        return
    execute_in_row_groups(f"INSERT INTO {name} ({columns})", rows, on_conflict)


# From this many rows an upsert on PostgreSQL goes through COPY: statements of a few hundred rows'
# placeholders each cost the driver far more than the server's work.
COPY_UPSERT_FROM = 2_000


def _upsert_through_copy(model, columns: str, rows: list[Sequence], on_conflict: str) -> None:
    """Upsert rows by copying them into a temporary table first, then one INSERT … SELECT in the
    rows' own order (concurrent writers take the rows' locks in the same order)."""
    name = table(model)
    staging = connection.ops.quote_name(f"upsert_{model._meta.db_table}")
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {staging} AS SELECT {columns}, 0 AS row_order FROM {name} WITH NO DATA"
        )
        copy_rows(staging, f"{columns}, row_order", ((*row, order) for order, row in enumerate(rows)))
        cursor.execute(
            f"INSERT INTO {name} ({columns}) SELECT {columns} FROM {staging} ORDER BY row_order {on_conflict}"
        )
        cursor.execute(f"DROP TABLE {staging}")


def datetime_values(instants: list[datetime]) -> list:
    """UTC instants as the database's datetime column takes them in a raw statement."""
    if is_postgresql():
        return instants
    # Django keeps SQLite datetimes as naive UTC text ('YYYY-MM-DD HH:MM:SS[.ffffff]').
    return [str((i if i.tzinfo is UTC else i.astimezone(UTC)).replace(tzinfo=None)) for i in instants]


NAIVE_EPOCH = datetime(1970, 1, 1)
AWARE_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def instants_from_us(values: list[int]) -> list:
    """Microseconds since the epoch as the database's datetime column takes them (see datetime_values)."""
    if is_postgresql():
        return [AWARE_EPOCH + timedelta(microseconds=value) for value in values]
    return [str(NAIVE_EPOCH + timedelta(microseconds=value)) for value in values]


def time_text_as_stored() -> Callable[[str], str]:
    """What turns a UTC time's naive text ('YYYY-MM-DD HH:MM:SS[.ffffff]') into the text
    instants_from_us gives for it, without parsing it: as it is on SQLite, with its offset on
    PostgreSQL. Asked once for many times."""
    if is_postgresql():
        return lambda text: text + "+00:00"
    return str


def insert_new_rows(
    model, columns: Sequence[str], values: Sequence, varying: str, keys: Sequence[str]
) -> dict[str, int]:
    """Insert a row per key, each with `values` for `columns` and its key in the column `varying`,
    in the keys' order, leaving out those that would break a unique constraint (already there).
    Returns the ids of the rows inserted, by key. One statement per chunk of keys, the keys sent as
    one array: an array on PostgreSQL, a JSON array elsewhere."""
    quote = connection.ops.quote_name
    column_list = ", ".join(quote(column) for column in (*columns, varying))
    constants = ", ".join(["%s"] * len(columns))
    if is_postgresql():
        source = "unnest(%s::text[]) WITH ORDINALITY AS given(key, position)"
        order = "ORDER BY given.position"
    else:
        source, order = "json_each(%s) AS given", "WHERE true ORDER BY given.key"  # WHERE: SQLite's grammar
    key = "given.key" if is_postgresql() else "given.value"
    ids = {}
    with connection.cursor() as cursor:
        for chunk in chunked(keys, 5_000):
            array = array_literal(chunk)[0] if is_postgresql() else orjson.dumps(list(chunk)).decode()
            cursor.execute(
                f"INSERT INTO {table(model)} ({column_list}) SELECT {constants}, {key} FROM {source} {order} "
                f"ON CONFLICT DO NOTHING RETURNING id, {quote(varying)}",
                [*values, array],
            )
            ids.update((row[1], row[0]) for row in cursor.fetchall())
    return ids


def insert_unless_present(instance) -> bool:
    """Insert a new model instance unless a row with the same unique values is already there; True
    (and the instance's id set) when it was inserted. One statement (INSERT … ON CONFLICT DO NOTHING),
    no savepoint: a concurrent insert of the same values waits for the other transaction, then finds
    its row or, when it rolled back, inserts."""
    columns, values = column_values_for_new(instance)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table(type(instance))} ({', '.join(quote(c) for c in columns)}) "
            f"VALUES ({placeholders(len(columns))}) ON CONFLICT DO NOTHING RETURNING id",
            values,
        )
        row = cursor.fetchone()
    if row is None:
        return False
    instance.pk = row[0]
    instance._state.adding = False
    return True


def column_values_for_new(instance) -> tuple[list[str], list]:
    """The columns and database values of a new model instance as Django would insert it (defaults,
    auto_now_add), so rows that differ in a column or two can be inserted in bulk."""
    fields = [f for f in instance._meta.concrete_fields if not f.primary_key]
    values = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    return [f.column for f in fields], values


def where_range_as_literals(queryset: QuerySet, column: str, low: str, high: str) -> QuerySet:
    """The queryset's rows whose `column` is from `low` (included) to `high` (excluded), the condition
    written with quoted literals rather than bound parameters: SQLite uses a partial index only when
    the query states the index's condition with the same literals."""
    quote = connection.ops.quote_name
    name = f"{quote(queryset.model._meta.db_table)}.{quote(column)}"
    return queryset.extra(where=[f"{name} >= {_text_literal(low)} AND {name} < {_text_literal(high)}"])


def _text_literal(value: str) -> str:
    """A string as an SQL literal (the same on SQLite and PostgreSQL, whose standard_conforming_strings
    is on by default): in single quotes, each one inside doubled. No NUL, which neither database's
    text holds; % doubled, since Django passes the condition through the driver's formatting."""
    if "\x00" in value:
        raise ValueError("an SQL literal cannot hold NUL")
    return "'" + value.replace("'", "''").replace("%", "%%") + "'"


def read_with_shared_lock(sql: str, params: Sequence, *, of: str | None = None) -> list[tuple]:
    """Read rows and hold a shared lock on them to the end of the transaction (PostgreSQL); SQLite
    already lets only one writer in at a time. `of`: in a join, the alias (or table) whose rows are
    locked; the others are only read."""
    if not is_postgresql():
        return select(sql, params)
    return select(f"{sql} FOR SHARE{f' OF {of}' if of else ''}", params)


def lock_rows(model, ids: Sequence[int]) -> None:
    """Hold the rows with these ids to the end of the transaction, in id order, so writers of the same
    rows queue behind each other (PostgreSQL, FOR NO KEY UPDATE: a row referring to them may still be
    inserted). SQLite lets only one writer in at a time already."""
    if not is_postgresql():
        return
    for chunk in chunked(sorted(ids)):
        condition, params = one_of("id", chunk)
        select(f"SELECT id FROM {table(model)} WHERE {condition} ORDER BY id FOR NO KEY UPDATE", params)


def lock_rows_of(queryset: QuerySet) -> None:
    """lock_rows for the rows a query selects, found and held in one statement (PostgreSQL); nothing
    on SQLite, where one writer at a time is already the rule."""
    if not is_postgresql():
        return
    chosen, params = queryset.order_by().values("pk").query.sql_with_params()
    name = table(queryset.model)
    select(f"SELECT id FROM {name} WHERE id IN ({chosen}) ORDER BY id FOR NO KEY UPDATE", params)


def commit_without_waiting_for_the_disk() -> None:
    """For the rest of this transaction (its own, never a caller's): its commit returns before its
    rows are on disk. PostgreSQL's synchronous_commit off: a crash in the next fraction of a second
    may lose the transaction, never corrupt anything; a durable commit waits for the disk, several
    milliseconds on a busy one. Only for rows that are a short-lived signal, such as the live
    changes the streams send. Nothing on SQLite, which in WAL mode with synchronous=NORMAL does not
    wait for the disk at each commit."""
    own_blocks = [block for block in connection.atomic_blocks if not getattr(block, "_from_testcase", False)]
    if len(own_blocks) != 1:
        return  # inside a caller's transaction, whose rows must reach the disk
    if is_postgresql():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


# A statement of a block below is prepared from its second run on the connection; PostgreSQL then
# plans it for its values five times more, and keeps one plan for all values when that is no worse.
PREPARE_FROM_RUN = 2


@contextmanager
def statements_prepared_when_run_again() -> Iterator[None]:
    """Inside the block (PostgreSQL): this connection sends each statement's values apart from its
    text, so a statement run again is parsed once and, once the server finds one plan as good for
    every value, planned once. For the many small statements a task runs again and again (a routing
    rule run: about thirty lookups by key and inserts, 2.5 ms of their 17 spent planning), never
    around a search or a report, whose best plan depends on the values. Nothing on SQLite, whose
    statements Python's driver already keeps."""
    if not is_postgresql():
        yield
        return
    from django.db.backends.postgresql.base import ServerBindingCursor  # PostgreSQL's driver

    connection.ensure_connection()
    driver_connection = connection.connection
    kept = driver_connection.cursor_factory, driver_connection.prepare_threshold
    driver_connection.cursor_factory = ServerBindingCursor
    driver_connection.prepare_threshold = PREPARE_FROM_RUN
    try:
        yield
    finally:
        driver_connection.cursor_factory, driver_connection.prepare_threshold = kept


def prepare_for_bulk_writes() -> None:
    """Settings for the rest of an import's transaction.

    SQLite: a page cache of up to 512 MB for the random index inserts (its default is 2 MB; it grows
    only as far as the pages the import touches; at a million sessions 512 MB imports a tenth faster
    than 128 MB). PostgreSQL: the tables grow within the transaction faster than their statistics,
    and every lookup the import makes has an index, so never scan a table; and its many small
    statements are not worth compiling (JIT)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA cache_size = -524288")
        elif is_postgresql():
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL jit = off")


def refresh_statistics(models, *, rough: bool = False) -> None:
    """PostgreSQL plans from table statistics, which lag far behind a table that grows by millions
    of rows inside one import's transaction: a stale plan turns each lookup into a scan of the
    workspace's rows. ANALYZE inside the transaction counts its own new rows too. A rough refresh
    samples a tenth as many rows: enough for the import's own lookups, which only need the tables'
    sizes, at a tenth of the cost."""
    if is_postgresql():
        with connection.cursor() as cursor:
            if rough:
                cursor.execute("SET LOCAL default_statistics_target = 10")
            for model in models:
                cursor.execute(f"ANALYZE {table(model)}")
            if rough:
                cursor.execute("SET LOCAL default_statistics_target = DEFAULT")


def is_database_busy(error: BaseException) -> bool:
    """Whether an error says that another writer held the database for longer than this connection
    would wait (SQLite's "database is locked"): a moment's wait, not a bug. Django raises its own
    OperationalError with the driver's as the cause. PostgreSQL never fails so: a writer there waits
    only for the rows it changes, and gives up as SQLite does when its lock_timeout passes."""
    while error is not None:
        if getattr(error, "sqlstate", None) == LOCK_NOT_AVAILABLE:  # PostgreSQL's lock_timeout
            return True
        if isinstance(error, sqlite3.OperationalError):
            # By its code, not its words. SQLITE_LOCKED: how a shared-cache database (the tests'
            # in-memory one) says it.
            code = getattr(error, "sqlite_errorcode", None)  # None: not raised by SQLite itself
            return code is not None and (code & 0xFF) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
        error = error.__cause__
    return False


@contextmanager
def waiting_for_a_busy_database(seconds: float) -> Iterator[None]:
    """For the length of the block, SQLite connections wait up to `seconds` for another writer rather
    than the few seconds a web request waits (the connection's timeout, settings.WEB_WRITE_WAIT_SECONDS):
    for the writers that must not give up, the importer and the worker. It applies to this thread's
    open connection and to every connection opened until the block ends, in any thread: a command's
    other threads (the worker's scheduler, the importer's rollups) open their own, and one that breaks
    or ages past CONN_MAX_AGE is opened again. A block rather than a setting for the rest of the process, so a command run
    inside another process (the tests) leaves its waiting behind. Nothing to do on PostgreSQL."""
    milliseconds = round(seconds * 1000)

    def wait_on_new_connection(sender, **kwargs) -> None:
        _set_busy_timeout(kwargs["connection"], milliseconds)

    connection_created.connect(wait_on_new_connection, weak=False)
    _set_busy_timeout(connection, milliseconds)
    try:
        yield
    finally:
        connection_created.disconnect(wait_on_new_connection)
        _set_busy_timeout(connection, round(settings.WEB_WRITE_WAIT_SECONDS * 1000))


def _set_busy_timeout(wrapper, milliseconds: int) -> None:
    """How long an open connection waits for the database's write lock (SQLite) or for rows another
    transaction holds (PostgreSQL)."""
    if wrapper.connection is None:
        return
    if wrapper.vendor == "sqlite":
        wrapper.connection.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")
    elif wrapper.vendor == "postgresql":
        wrapper.connection.execute(f"SET lock_timeout = {int(milliseconds)}")


class EpochSeconds(Func):
    """An instant column as whole seconds since the epoch, computed by the database: turning a few
    thousand rows into datetimes and back in Python costs more than the whole slot arithmetic."""

    output_field = BigIntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        # Django keeps instants on SQLite as UTC text, which strftime reads as UTC. The percent sign is
        # doubled twice: once for this template, once for the driver's parameter placeholders.
        return self.as_sql(
            compiler, connection, template="CAST(strftime('%%%%s', %(expressions)s) AS INTEGER)", **extra
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="CAST(EXTRACT(EPOCH FROM %(expressions)s) AS BIGINT)", **extra
        )


class JsonKeyIsNumber(Func):
    """Whether a JSON column's top-level `key` holds a number (not a string that looks like one), so a
    rule comparing numbers never meets text: the two databases order text and numbers differently.
    `key` must be a plain name (letters, digits, underscores; the caller checks)."""

    output_field = BooleanField()

    def __init__(self, column: str, key: str):
        super().__init__(F(column), Value(key))

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="(json_type(%(expressions)s) IN ('integer', 'real'))",
            arg_joiner=", '$.' || ",
            **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="(jsonb_typeof(%(expressions)s) = 'number')",
            arg_joiner=" -> ",
            **extra,
        )


# Search (core.search): an FTS5 table on SQLite, a weighted tsvector with a GIN index on PostgreSQL.
# core.search hands over folded words only (letters and digits), so no user text reaches either
# database's query syntax.

# A language's PostgreSQL text search configuration; any other language is searched unstemmed.
TEXT_SEARCH_CONFIGS = {
    "da": "danish",
    "de": "german",
    "en": "english",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "hu": "hungarian",
    "it": "italian",
    "nb": "norwegian",
    "nl": "dutch",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sv": "swedish",
    "tr": "turkish",
}
# bm25() weights, SQLite: scope (a filter, not relevance), title, headings, body.
SQLITE_COLUMN_WEIGHTS = "0.0, 10.0, 4.0, 1.0"
SQLITE_TEXT_COLUMNS = "{title headings body}"
SQLITE_HEADING_COLUMNS = "{title headings}"


def text_search_config(locale: str) -> str:
    return TEXT_SEARCH_CONFIGS.get(locale.replace("_", "-").split("-")[0].lower(), "simple")


def search_scope_token(workspace_id: int, kind: str, locale: str | None, audience: str) -> str:
    """One word naming a scope of the SQLite full-text index (a workspace's documents of one kind and
    audience, in one locale or in any), so the full-text match itself is scoped: the index intersects
    the scope's list of documents with the words' instead of reading every workspace's matches and
    filtering them after. A digest, so any kind or locale makes one plain word; it ends in a digit,
    which the stemmer never cuts."""
    named = "\x1f".join((str(workspace_id), kind, locale or "", audience))
    return "s" + hashlib.blake2b(named.encode(), digest_size=10).hexdigest() + "0"


def search_scope_text(workspace_id: int, kind: str, locale: str, audience: str) -> str:
    """What a document's scope column holds: its scope in its own locale, and in any locale."""
    return " ".join(
        search_scope_token(workspace_id, kind, scope_locale, audience) for scope_locale in (locale, None)
    )


def delete_search_entries(kind: str, object_ids: Sequence[int]) -> list[tuple]:
    """Delete the entries of these objects; returns what they held, (workspace_id, locale, title,
    headings, body) each, so the vocabulary can forget their words. The full-text rows go with them
    (SQLite: a trigger; PostgreSQL: the same row)."""
    from concierge.core.models import SearchEntry

    forget_search_figures()
    removed = []
    for chunk in chunked(list(object_ids)):
        condition, params = one_of("object_id", chunk)
        where = f"WHERE kind = %s AND {condition}"
        removed += select(
            f"SELECT workspace_id, locale, title, headings, body FROM {table(SearchEntry)} {where}",
            [kind, *params],
        )
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table(SearchEntry)} {where}", [kind, *params])
    return removed


def insert_search_entries(rows: Sequence[tuple], folded: Sequence[tuple[str, str, str]]) -> None:
    """Insert entries, each (workspace_id, kind, object_id, locale, audience, title, headings, body),
    and index their folded (title, headings, body), row for row."""
    from concierge.core.models import SearchEntry

    forget_search_figures()
    columns = "workspace_id, kind, object_id, locale, audience, title, headings, body"
    if is_postgresql():
        weighted = " || ".join(f"setweight(to_tsvector(%s::regconfig, %s), '{weight}')" for weight in "ABC")
        headings = weighted.rsplit(" || ", 1)[0]  # title A and headings B
        execute_many(
            f"INSERT INTO {table(SearchEntry)} ({columns}, document, heading_document) "
            f"VALUES ({placeholders(8)}, {weighted}, {headings})",
            [
                (
                    *row,
                    *[value for text in texts for value in (text_search_config(row[3]), text)],
                    *[value for text in texts[:2] for value in (text_search_config(row[3]), text)],
                )
                for row, texts in zip(rows, folded, strict=True)
            ],
        )
        return
    with connection.cursor() as cursor:
        ids = []
        for row in rows:
            cursor.execute(
                f"INSERT INTO {table(SearchEntry)} ({columns}) VALUES ({placeholders(8)}) RETURNING id", row
            )
            ids.append(cursor.fetchone()[0])
    insert_sqlite_full_text(
        [
            (entry_id, search_scope_text(row[0], row[1], row[3], row[4]), *texts)
            for entry_id, row, texts in zip(ids, rows, folded, strict=True)
        ]
    )


def insert_sqlite_full_text(rows: Sequence[tuple[int, str, str, str, str]]) -> None:
    """SQLite's full-text rows, each (entry id, scope words, folded title, headings, body)."""
    execute_many(
        "INSERT INTO core_search_documents (rowid, scope, title, headings, body) VALUES (%s, %s, %s, %s, %s)",
        list(rows),
    )


def change_search_terms(counts: dict[tuple[int, str, str, str], int]) -> None:
    """Add to each term's number of documents, by (workspace_id, kind, locale, term), and forget the
    terms no document holds any more."""
    from concierge.core.models import SearchTerm

    rows = [(*key, delta) for key, delta in sorted(counts.items()) if delta]
    add_to_totals(SearchTerm, ["workspace_id", "kind", "locale", "term"], ["documents"], rows)
    gone: dict[tuple[int, str], list[str]] = {}
    for workspace_id, kind, _locale, term in (row[:4] for row in rows if row[4] < 0):
        gone.setdefault((workspace_id, kind), []).append(term)
    with connection.cursor() as cursor:
        for (workspace_id, kind), terms in gone.items():
            for chunk in chunked(sorted(set(terms))):
                condition, params = one_of("term", chunk)
                cursor.execute(
                    f"DELETE FROM {table(SearchTerm)} WHERE workspace_id = %s AND kind = %s AND {condition} "
                    "AND documents <= 0",
                    [workspace_id, kind, *params],
                )


def _scope_condition(alias: str, workspace_id: int, kind: str, locales, audiences) -> tuple[str, list]:
    conditions = [f"{alias}.workspace_id = %s", f"{alias}.kind = %s"]
    params: list = [workspace_id, kind]
    for column, values in (("locale", locales), ("audience", audiences)):
        if values is not None:
            condition, more = one_of(f"{alias}.{column}", list(values))
            conditions.append(condition)
            params += more
    return " AND ".join(conditions), params


# A title or headings match outranks every body-only match, whatever their relevance.
HEADINGS_TIER = 1000.0
# Ranking reads every document it ranks (SQLite: its position lists and length; PostgreSQL: its
# tsvector), so a tier ranks its first matches in index order, this many, and its further matches
# follow them unranked, in index order. A word in most documents then costs the same as a word in a
# few hundred. The title-and-headings tier's matches are short to read; the body-only tier's are
# whole documents, and its matches are the weaker ones: it ranks fewer.
RANKED_MATCHES = 200
RANKED_BODY_MATCHES = 50
# SQLite: when a workspace's documents of a kind are at least this share of the whole index, its
# search matches the words unscoped and keeps its own entries by their ids (a look-up each), rather
# than intersecting the words' lists with the scope word's, which lists nearly every document.
UNSCOPED_FROM_SHARE = 0.5
# PostgreSQL, a tier's first matches (its first RANKED_MATCHES in id order): the full-text index's
# matches, sorted, cost about a microsecond each, 50 ms for a word in 50,000 titles; a walk of the
# primary key testing each entry's short title-and-headings vector stops when it has enough, after
# a few hundred entries for such a word. Asked for the entries in id order, the planner weighs the
# two by its statistics of the words, but it takes cached pages for disk reads and walks too soon:
# for a word in 930 of 100,000 titles the walk read 20,000 entries (6 ms) where sorting the matches
# took 1 ms. So the title-and-headings tier asks for id order only when
# - the workspace's documents of the kind are at least PLANNED_FROM_SHARE of the index: else the
#   walk reads the other workspaces' entries too, and where those lie among the ids is nothing the
#   planner knows (a workspace's entries may all come after everyone else's); and
# - every word of the query is in PLANNED_FROM_DOCUMENTS documents or more by the vocabulary (which
#   counts whole documents, so about as many or more than the titles): fewer matches sort in a few
#   milliseconds at most, and a word it holds rarely or not at all (only through its stem) is
#   sorted as before.
# Otherwise, and always in the body-only tier (its walk would test whole documents), the order is
# `id + 0`, which no index walks: the full-text index's matches are taken and sorted.
PLANNED_FROM_SHARE = 0.5
PLANNED_FROM_DOCUMENTS = 5_000
ID_ORDER_WALKABLE, ID_ORDER_UNWALKED = "e.id", "e.id + 0"


def match_search_entries(
    workspace_id: int,
    kind: str,
    groups: Sequence[Sequence[tuple[str, bool]]],
    *,
    locales: Sequence[str] | None,
    audiences: Sequence[str],
    limit: int,
    offset: int,
) -> list[tuple[int, float, str, str]]:
    """The entries holding a word of every group (each a list of (word, is_prefix)), best first:
    (object_id, score, title, body) each, a higher score better.

    In two tiers: the entries whose title and headings hold every group, ranked among themselves,
    then the others, ranked among themselves. A common word's body matches are thousands; its title
    and headings matches are far fewer and usually fill the page, so the body-only tier is looked
    at only when a page reaches it. Within a tier: SQLite's bm25 with column weights, PostgreSQL's
    ts_rank over A/B/C weights, for its first RANKED_MATCHES (body-only: RANKED_BODY_MATCHES)
    matches, 0 for the rest. The title and body are read for the page's entries only."""
    wanted = offset + limit
    heading_order = ID_ORDER_UNWALKED
    if is_postgresql():
        if locales is None:
            locales = _postgresql_locales_of(workspace_id, kind)
            if not locales:
                return []
        heading_order = _postgresql_heading_order(workspace_id, kind, groups, locales)
        page = _postgresql_page(workspace_id, kind, groups, locales, audiences, limit, offset, heading_order)
        if page is not None:
            return page
    scoped = is_postgresql() or _sqlite_scoped(workspace_id, kind, locales)
    found: list[tuple[int, float]] = []
    headings: _TierMatch | None = None
    for tier in (_HEADINGS, _BODY_ONLY):
        if len(found) >= wanted:
            break
        bonus = HEADINGS_TIER if tier == _HEADINGS else 0.0
        # The body-only tier leaves out the first tier's entries: by their ids when the first tier
        # read them all (cheaper than matching the headings again), else by matching.
        excluded = headings.all_ids if headings is not None else None
        match = _TierMatch(
            tier, workspace_id, kind, groups, locales, audiences, scoped, excluded, heading_order
        )
        found += [(entry_id, score + bonus) for entry_id, score in match.best(wanted - len(found))]
        headings = match
    page = found[offset:]
    texts = _entry_texts([entry_id for entry_id, _ in page])
    return [(texts[entry_id][0], score, *texts[entry_id][1:]) for entry_id, score in page]


_HEADINGS, _BODY_ONLY = "headings", "body only"


def _entry_texts(entry_ids: list[int]) -> dict[int, tuple[int, str, str]]:
    from concierge.core.models import SearchEntry

    if not entry_ids:
        return {}
    condition, params = one_of("id", entry_ids)
    rows = select(f"SELECT id, object_id, title, body FROM {table(SearchEntry)} WHERE {condition}", params)
    return {entry_id: (object_id, title, body) for entry_id, object_id, title, body in rows}


# How many entries a scope holds, and which locales a workspace writes a kind in, change only when
# documents are indexed or removed: each process keeps what it read for a minute, and forgets it
# at once when it writes the index itself. Searches use them to choose how to match (and which
# words are common), never to decide what matches, so another process's minute-old figure costs
# a slower plan at worst.
SEARCH_FIGURES_SECONDS = 60.0
_search_figures: dict[tuple, tuple[float, object]] = {}


def _remembered(key: tuple, read: Callable[[], object]):
    key = (connection.vendor, connection.settings_dict.get("NAME"), *key)
    now = time.monotonic()
    kept = _search_figures.get(key)
    if kept is not None and now - kept[0] < SEARCH_FIGURES_SECONDS:
        return kept[1]
    value = read()
    if len(_search_figures) > 10_000:
        _search_figures.clear()
    _search_figures[key] = (now, value)
    return value


def forget_search_figures() -> None:
    _search_figures.clear()


def _sqlite_scoped(workspace_id: int, kind: str, locales: Sequence[str] | None) -> bool:
    """Whether a SQLite search matches inside its scope (a workspace among many) or unscoped (a
    workspace holding most of the index)."""
    return not _holds_share_of_index(workspace_id, kind, locales, UNSCOPED_FROM_SHARE)


def _holds_share_of_index(workspace_id: int, kind: str, locales: Sequence[str] | None, share: float) -> bool:
    """Whether a workspace's documents of a kind (in these locales) are at least this share of every
    entry of the index, as counted in the last minute."""
    from concierge.core.models import SearchEntry

    everything = _remembered(("all",), lambda: select(f"SELECT COUNT(*) FROM {table(SearchEntry)}")[0][0])
    return count_search_entries(workspace_id, kind, locales) >= everything * share


def _postgresql_locales_of(workspace_id: int, kind: str) -> list[str]:
    """The locales a workspace's documents of a kind are written in, by hops along the scope index
    (a handful of look-ups however many documents): searching every locale then stems the query by
    these languages' configurations only, not by every configuration known."""
    from concierge.core.models import SearchEntry

    entries = table(SearchEntry)

    def read() -> list[str]:
        rows = select(
            f"WITH RECURSIVE present(locale) AS ("
            f"  (SELECT locale FROM {entries} WHERE workspace_id = %s AND kind = %s ORDER BY locale LIMIT 1)"
            f"  UNION ALL"
            f"  SELECT (SELECT e.locale FROM {entries} e WHERE e.workspace_id = %s AND e.kind = %s"
            f"          AND e.locale > present.locale ORDER BY e.locale LIMIT 1)"
            f"  FROM present WHERE present.locale IS NOT NULL"
            f") SELECT locale FROM present WHERE locale IS NOT NULL",
            [workspace_id, kind, workspace_id, kind],
        )
        return [row[0] for row in rows]

    return list(_remembered(("locales", workspace_id, kind), read))


def _postgresql_heading_order(workspace_id: int, kind: str, groups, locales: Sequence[str]) -> str:
    """How the title-and-headings tier orders its matches (FROM the entries as `e`): by the id itself,
    letting the planner choose between a walk of the primary key and the full-text index, when the
    walk may pay (PLANNED_FROM_SHARE, PLANNED_FROM_DOCUMENTS); else by `id + 0`."""
    if not _holds_share_of_index(workspace_id, kind, locales, PLANNED_FROM_SHARE):
        return ID_ORDER_UNWALKED
    plain = [group[0][0] for group in groups if len(group) == 1 and not group[0][1]]
    if not plain:
        return ID_ORDER_UNWALKED  # words still being typed: how many documents hold them is unknown
    documents = search_term_documents(workspace_id, kind, locales, plain)
    if min(documents.get(word, 0) for word in plain) < PLANNED_FROM_DOCUMENTS:
        return ID_ORDER_UNWALKED
    return ID_ORDER_WALKABLE


def _postgresql_matches(tier, workspace_id, kind, groups, locales, audiences) -> tuple[str, list, str, list]:
    """A tier's matching entries as a condition (FROM the entries as `e`), and its rank of `r`."""
    from concierge.core.models import SearchEntry

    scope, scope_params = _scope_condition("e", workspace_id, kind, locales, audiences)
    query, query_params = _tsquery(groups, locales)
    vector = "heading_document" if tier == _HEADINGS else "document"
    condition, params = f"e.{vector} @@ {query}", [*query_params]
    if tier == _BODY_ONLY:
        condition += f" AND NOT e.heading_document @@ {query}"
        params += query_params
    matches = f"FROM {table(SearchEntry)} e WHERE {scope} AND {condition}"
    return matches, [*scope_params, *params], f"ts_rank(r.{vector}, {query})", query_params


def _postgresql_page(workspace_id, kind, groups, locales, audiences, limit, offset, heading_order):
    """The page in one statement (one round trip): each tier's first matches in id order (the
    title-and-headings tier's by `heading_order`), ranked, the body-only tier only when the first
    does not fill the page, and the page's titles and bodies. None when the page lies past a tier's
    ranked matches (a deep page of a common word): the tiers are then read one by one."""
    from concierge.core.models import SearchEntry

    entries, wanted = table(SearchEntry), offset + limit
    head, head_params, head_rank, head_rank_params = _postgresql_matches(
        _HEADINGS, workspace_id, kind, groups, locales, audiences
    )
    body, body_params, body_rank, body_rank_params = _postgresql_matches(
        _BODY_ONLY, workspace_id, kind, groups, locales, audiences
    )
    # Each tier's first matches in id order: from the full-text index, or for a common word from a
    # walk of the primary key (PLANNED_FROM_SHARE). Ranking reads each document, so it runs on the
    # first matches only, outside the subquery.
    sql = (
        f"WITH head AS MATERIALIZED ("
        f"  SELECT r.id, {head_rank} + %s AS score FROM {entries} r"
        f"  WHERE r.id = ANY(ARRAY(SELECT e.id {head} ORDER BY {heading_order} LIMIT %s))"
        f"), body AS MATERIALIZED ("
        f"  SELECT r.id, {body_rank} AS score FROM {entries} r"
        f"  WHERE (SELECT COUNT(*) FROM head) < %s"
        f"  AND r.id = ANY(ARRAY(SELECT e.id {body} ORDER BY {ID_ORDER_UNWALKED} LIMIT %s))"
        f"), page AS ("
        f"  SELECT id, score FROM head UNION ALL SELECT id, score FROM body"
        f"  ORDER BY score DESC, id LIMIT %s OFFSET %s"
        f") SELECT e.object_id, p.score, e.title, e.body, (SELECT COUNT(*) FROM head), (SELECT COUNT(*) FROM body)"
        f" FROM page p JOIN {entries} e ON e.id = p.id ORDER BY p.score DESC, p.id"
    )
    params = [
        *head_rank_params,
        HEADINGS_TIER,
        *head_params,
        RANKED_MATCHES,
        *body_rank_params,
        wanted,
        *body_params,
        RANKED_BODY_MATCHES,
        limit,
        offset,
    ]
    rows = select(sql, params)
    in_head, in_body = (rows[0][4], rows[0][5]) if rows else (0, 0)
    # Every match is ranked when neither tier was cut short where the page reaches.
    head_cut = in_head == RANKED_MATCHES
    body_cut = in_body == RANKED_BODY_MATCHES
    if (head_cut and wanted > in_head) or (body_cut and wanted > in_head + in_body):
        return None
    if not rows and offset > 0:
        return None  # past both tiers' ranked matches, or nothing at all: the slow path says which
    return [(object_id, float(score), title, body) for object_id, score, title, body, _, _ in rows]


class _TierMatch:
    """One tier's matches as SQL for the database in use: `first` reads the first ranked matches in
    index order with their rank (computed for those rows only), `after` the further matches' entry
    ids in index order, past a given one."""

    def __init__(self, tier, workspace_id, kind, groups, locales, audiences, scoped, excluded, heading_order):
        self.ranked = RANKED_MATCHES if tier == _HEADINGS else RANKED_BODY_MATCHES
        self.all_ids: list[int] | None = None  # every match's entry id, when `best` read them all
        if is_postgresql():
            order = heading_order if tier == _HEADINGS else ID_ORDER_UNWALKED
            self._postgresql(tier, workspace_id, kind, groups, locales, audiences, order)
        else:
            self._sqlite(tier, workspace_id, kind, groups, locales, audiences, scoped, excluded)

    def _postgresql(self, tier, workspace_id, kind, groups, locales, audiences, order):
        from concierge.core.models import SearchEntry

        matches, params, rank, rank_params = _postgresql_matches(
            tier, workspace_id, kind, groups, locales, audiences
        )
        self.first = (
            f"SELECT r.id, {rank} FROM {table(SearchEntry)} r "
            f"WHERE r.id = ANY(ARRAY(SELECT e.id {matches} ORDER BY {order} LIMIT %s))",
            [*rank_params, *params, self.ranked],
        )
        self.after = (f"SELECT e.id {matches} AND e.id > %s ORDER BY {order} LIMIT %s", params)

    def _sqlite(self, tier, workspace_id, kind, groups, locales, audiences, scoped, excluded):
        from concierge.core.models import SearchEntry

        words = _fts5_query(groups)
        in_headings = f"{SQLITE_HEADING_COLUMNS} : ({words})"
        in_text = f"{SQLITE_TEXT_COLUMNS} : ({words})"
        if tier == _HEADINGS:
            match = f"({in_headings})"
        elif excluded is not None:
            match = f"({in_text})"
        else:
            match = f"(({in_text}) NOT ({in_headings}))"
        where, params = "core_search_documents MATCH %s", [match]
        if scoped:
            scope = " OR ".join(
                f'"{search_scope_token(workspace_id, kind, locale, audience)}"'
                for locale in (locales if locales is not None else [None])
                for audience in audiences
            )
            params = [f"(scope : ({scope})) AND {match}"]
            source = "core_search_documents d"
        else:
            condition, more = _scope_condition("e", workspace_id, kind, locales, audiences)
            source = f"core_search_documents d JOIN {table(SearchEntry)} e ON e.id = d.rowid"
            where, params = f"{where} AND {condition}", [*params, *more]
        if excluded:
            condition, more = one_of("d.rowid", excluded)
            where, params = f"{where} AND NOT {condition}", [*params, *more]
        # FTS5 yields matches in rowid order: the LIMIT stops it, and bm25 runs for those rows only.
        self.first = (
            f"SELECT d.rowid, -bm25(core_search_documents, {SQLITE_COLUMN_WEIGHTS}) FROM {source} "
            f"WHERE {where} ORDER BY d.rowid LIMIT %s",
            [*params, self.ranked],
        )
        self.after = (
            f"SELECT d.rowid FROM {source} WHERE {where} AND d.rowid > %s ORDER BY d.rowid LIMIT %s",
            params,
        )

    def best(self, limit: int) -> list[tuple[int, float]]:
        """Up to `limit` (entry id, score): the first ranked matches by relevance, then the rest."""
        if limit <= 0:
            return []
        first = select(*self.first)
        if len(first) < self.ranked:
            self.all_ids = [entry_id for entry_id, _ in first]
        rows = sorted(
            ((entry_id, float(score)) for entry_id, score in first), key=lambda row: (-row[1], row[0])
        )
        rows = rows[:limit]
        if len(first) == self.ranked and len(rows) < limit:
            sql, params = self.after
            rest = select(sql, [*params, max(entry_id for entry_id, _ in first), limit - len(rows)])
            rows += [(entry_id, 0.0) for (entry_id,) in rest]
        return rows


def _fts5_query(groups: Sequence[Sequence[tuple[str, bool]]]) -> str:
    return " AND ".join(
        "(" + " OR ".join(f'"{word}"' + ("*" if is_prefix else "") for word, is_prefix in group) + ")"
        for group in groups
    )


def _tsquery(groups, locales: Sequence[str]) -> tuple[str, list]:
    """A tsquery built from words (never from the user's syntax), stemmed by the configuration of
    each locale searched."""
    text = " & ".join(
        "(" + " | ".join(f"'{word}'" + (":*" if is_prefix else "") for word, is_prefix in group) + ")"
        for group in groups
    )
    configs = sorted({text_search_config(locale) for locale in locales})
    query = " || ".join(["to_tsquery(%s::regconfig, %s)"] * len(configs))
    return f"({query})", [value for config in configs for value in (config, text)]


def search_term_documents(
    workspace_id: int, kind: str, locales: Sequence[str] | None, words: Sequence[str]
) -> dict[str, int]:
    """How many documents hold each of these words (those the vocabulary lacks are left out)."""
    from concierge.core.models import SearchTerm

    scope, params = _scope_condition("t", workspace_id, kind, locales, None)
    condition, more = one_of("t.term", list(words))
    rows = select(
        f"SELECT t.term, SUM(t.documents) FROM {table(SearchTerm)} t WHERE {scope} AND {condition} "
        "GROUP BY t.term",
        [*params, *more],
    )
    return {term: int(documents) for term, documents in rows}


def count_search_entries(workspace_id: int, kind: str, locales: Sequence[str] | None) -> int:
    """How many documents of a kind a workspace has indexed (in these locales): as read in the last
    minute (SEARCH_FIGURES_SECONDS), or just now when this process has written the index since."""
    from concierge.core.models import SearchEntry

    scope, params = _scope_condition("e", workspace_id, kind, locales, None)
    return _remembered(
        ("count", workspace_id, kind, None if locales is None else tuple(sorted(locales))),
        lambda: select(f"SELECT COUNT(*) FROM {table(SearchEntry)} e WHERE {scope}", params)[0][0],
    )


def search_terms_from(
    workspace_id: int,
    kind: str,
    locales: Sequence[str] | None,
    low: str,
    high: str,
    *,
    limit: int | None = None,
    lengths: tuple[int, int] | None = None,
) -> list[tuple[str, int]]:
    """The vocabulary's terms from `low` (included) to `high` (excluded), with their number of
    documents, the most frequent first; `lengths`: only terms of these many letters (from, to)."""

    return search_terms_within(workspace_id, kind, locales, [(low, high)], limit=limit, lengths=lengths)


def search_terms_within(
    workspace_id: int,
    kind: str,
    locales: Sequence[str] | None,
    ranges: Sequence[tuple[str, str]],
    *,
    limit: int | None = None,
    lengths: tuple[int, int] | None = None,
    digits: bool = True,
) -> list[tuple[str, int]]:
    """search_terms_from for several ranges at once (one statement): the terms in any of them;
    `digits=False`: only the terms without a digit (0 to 9)."""
    from concierge.core.models import SearchTerm

    scope, params = _scope_condition("t", workspace_id, kind, locales, None)
    if lengths is not None:
        scope, params = f"{scope} AND LENGTH(t.term) BETWEEN %s AND %s", [*params, *lengths]
    if not digits:
        scope = f"{scope} AND {_without_digits('t.term')}"
    within = " OR ".join(["(t.term >= %s AND t.term < %s)"] * len(ranges))
    rows = select(
        f"SELECT t.term, SUM(t.documents) AS documents FROM {table(SearchTerm)} t "
        f"WHERE {scope} AND ({within}) GROUP BY t.term ORDER BY documents DESC, t.term"
        + (" LIMIT %s" if limit is not None else ""),
        [*params, *[bound for pair in ranges for bound in pair], *([limit] if limit is not None else [])],
    )
    return [(term, int(documents)) for term, documents in rows]


def _without_digits(column: str) -> str:
    """A condition: the column's text holds no digit 0 to 9."""
    if is_postgresql():
        return f"{column} !~ '[0-9]'"
    return f"{column} NOT GLOB '*[0-9]*'"


# Live changes (concierge.live): how a server process learns that a change was written for its
# streams. PostgreSQL wakes every listening process with NOTIFY, sent in the change's transaction
# and so delivered when it commits; SQLite has no such thing and each process polls the table.


def notify_listeners(channel: str, payload: str = "") -> None:
    """PostgreSQL: NOTIFY `channel` when the current transaction commits. SQLite: nothing (the
    listening processes poll)."""
    if is_postgresql():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [channel, payload])


def change_listener(channel: str) -> Callable[[float], bool] | None:
    """A waiter for NOTIFY on `channel` over a connection of its own (autocommit, LISTEN), or None on
    SQLite, where the caller polls. The waiter blocks for at most `timeout` seconds and says whether
    a notification came (one or many: they are drained together). Call it from one thread only."""
    if not is_postgresql():
        return None
    import psycopg  # PostgreSQL's driver, installed with Concierge

    params = connection.settings_dict
    listener = psycopg.connect(
        dbname=params["NAME"],
        user=params.get("USER") or None,
        password=params.get("PASSWORD") or None,
        host=params.get("HOST") or None,
        port=params.get("PORT") or None,
        autocommit=True,
    )
    listener.execute(f"LISTEN {connection.ops.quote_name(channel)}")

    def wait(timeout: float) -> bool:
        came = False
        for _ in listener.notifies(timeout=timeout, stop_after=1):
            came = True
        if came:  # drain whatever else is already there, without waiting
            for _ in listener.notifies(timeout=0):
                pass
        return came

    wait.close = listener.close  # type: ignore[attr-defined]
    return wait
