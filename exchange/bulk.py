"""Bulk writes for the import: Django's bulk_update builds a CASE a row and field, and bulk_create a model a row."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg.adapt import PyFormat

BATCH = 500
# Values in one IN list: PostgreSQL binds at most 65,535 parameters a statement.
IN_BATCH = 65_000
# PostgreSQL's text types (text, bpchar, varchar), whose values may not hold a NUL.
TEXT_TYPES = {25, 1042, 1043}


def field_of(model: type[models.Model], name: str) -> models.Field:
    """A concrete field by name or attname (the rows written here hold values of the model's own columns)."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field), name
    return field


def column_of(model: type[models.Model], name: str) -> str:
    return field_of(model, name).get_attname_column()[1] or name


# A type's length or precision: varchar(250), numeric(10, 2).
TYPE_MODIFIER_RE = re.compile(r"\(\d+(?:,\s*\d+)?\)")


def base_type(field: models.Field, connection: BaseDatabaseWrapper) -> str:
    """The column's type without its length (varchar, not varchar(250); an array's varchar[]): a cast to
    varchar(n) cuts a longer value short without a word, where writing it to the column refuses it, as Django's
    bulk_create does."""
    return TYPE_MODIFIER_RE.sub("", str(field.db_type(connection)))


def array_literal(values: Sequence[str] | None) -> str | None:
    """PostgreSQL's text of an array of text (`{"fa","ps"}`), each element quoted: an array column travels in an
    UNNEST as one text a row (UNNEST cannot take an array of arrays of different lengths)."""
    if values is None:
        return None
    quoted = ('"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"' for value in values)
    return "{" + ",".join(quoted) + "}"


def bulk_update_rows(model: type[models.Model], instances: Sequence[models.Model], field_names: Sequence[str]) -> None:
    """Writes `field_names` of each instance to its row, one statement a batch (UPDATE ... FROM (VALUES ...))."""
    if not instances:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = [field_of(model, name) for name in field_names]
    table = quote(model._meta.db_table)

    def value(position: int, field: models.Field) -> str:
        # Literal VALUES are text to PostgreSQL until cast.
        return f"CAST(v.column{position} AS {base_type(field, connection)})"

    assignments = ", ".join(f"{quote(column_of(model, f.name))} = {value(i + 2, f)}" for i, f in enumerate(fields))
    placeholder = "(" + ", ".join(["%s"] * (len(fields) + 1)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(instances), BATCH):
            batch = instances[start : start + BATCH]
            params: list = []
            for instance in batch:
                params.append(instance.pk)
                params.extend(f.get_db_prep_save(getattr(instance, f.attname), connection) for f in fields)
            # Only quoted identifiers and placeholders are formatted in; the values are bound parameters.
            rows = ", ".join([placeholder] * len(batch))
            where = f"{table}.{quote(column_of(model, model._meta.pk.name))} = v.column1"
            sql = f"UPDATE {table} SET {assignments} FROM (VALUES {rows}) AS v WHERE {where}"  # noqa: S608
            cursor.execute(sql, params)


def in_batches(model: type[models.Model], values: Sequence) -> Iterable[Sequence]:
    """`values` in slices that fit one IN list."""
    for start in range(0, len(values), IN_BATCH):
        yield values[start : start + IN_BATCH]


def delete_rows(model: type[models.Model], column: str, values: Sequence) -> None:
    """DELETEs the rows whose `column` is one of `values`: QuerySet.delete() would fetch every row to send signals."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    name = quote(column_of(model, column))
    with connection.cursor() as cursor:
        for batch in in_batches(model, values):
            marks = ", ".join(["%s"] * len(batch))
            cursor.execute(f"DELETE FROM {table} WHERE {name} IN ({marks})", list(batch))  # noqa: S608


def new_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` ids from the table's sequence (PostgreSQL), for rows that are COPYed with their id.

    Rows that point to them (a contact's clients and topics) are then COPYed too, without a query
    to learn the ids the database gave; the sequence hands out ids safely under concurrent writers.
    """
    if not count:
        return []
    connection = connections[router.db_for_write(model)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_serial_sequence(%s, %s)",
            [connection.ops.quote_name(model._meta.db_table), column_of(model, model._meta.pk.name)],
        )
        (sequence,) = cursor.fetchone()
        cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count])
        return [pk for (pk,) in cursor.fetchall()]


def copy_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Writes plain value rows with PostgreSQL's binary COPY, in the transaction of Django's connection.

    No statement is parsed and no parameter bound a batch, and the values travel in the columns' own
    binary forms (their types are read from the table). A NUL in a text value is refused by the
    text dumper, with the message every INSERT of the import gives, before the server refuses it
    as an encoding error.
    """
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    table = model._meta.db_table
    names = [column_of(model, c) for c in columns]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0",
            [quote(table)],
        )
        types = dict(cursor.fetchall())
        oids = [types[name] for name in names]
        text = [i for i, oid in enumerate(oids) if oid in TEXT_TYPES]
        raw = connection.connection
        sql = f"COPY {quote(table)} ({', '.join(map(quote, names))}) FROM STDIN (FORMAT BINARY)"
        with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
            copy.set_types(oids)
            dumper = raw.adapters.get_dumper(str, PyFormat.TEXT)(str, raw)
            for row in rows:
                for i in text:
                    if "\x00" in row[i]:
                        dumper.dump(row[i])
                copy.write_row(row)


def values_where_in(model: type[models.Model], fields: Sequence[str], field: str, values: Sequence) -> list[tuple]:
    """`fields` of the rows whose `field` is one of `values`, as tuples.

    The values are one array parameter: an IN list of 10,000 placeholders costs more to build and to
    parse than the query does to run.
    """
    connection = connections[router.db_for_write(model)]
    if not values:
        return []
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column_of(model, name)) for name in fields)
    where = quote(column_of(model, field))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {quote(model._meta.db_table)} WHERE {where} = ANY(%s)",  # noqa: S608
            [list(values)],
        )
        return cursor.fetchall()


def insert_unnest(model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """INSERTs plain value rows on PostgreSQL as one array a column: a statement of a few parameters, not one a value.

    Django's bulk_create writes the same statement, but builds a model instance and prepares each field of each row.
    """
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = [field_of(model, c) for c in columns]
    names = ", ".join(quote(column_of(model, c)) for c in columns)
    arrays = [isinstance(f, ArrayField) for f in fields]
    unnested = ", ".join(
        "%s::text[]" if array else f"%s::{base_type(f, connection)}[]" for f, array in zip(fields, arrays, strict=True)
    )
    selected = ", ".join(
        f"u.c{i}::{base_type(f, connection)}" if array else f"u.c{i}"
        for i, (f, array) in enumerate(zip(fields, arrays, strict=True))
    )
    aliases = ", ".join(f"c{i}" for i in range(len(fields)))
    table = quote(model._meta.db_table)
    sql = f"INSERT INTO {table} ({names}) SELECT {selected} FROM UNNEST({unnested}) AS u({aliases})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH * 10):
            columns_ = [list(column) for column in zip(*rows[start : start + BATCH * 10], strict=True)]
            params = [
                [array_literal(v) for v in column] if array else column
                for column, array in zip(columns_, arrays, strict=True)
            ]
            cursor.execute(sql, params)


# What a load into empty tables takes off them and puts back after it (PostgreSQL): the plain indexes, the
# unique constraints no foreign key depends on, and the foreign keys. Not the primary keys.
_REBUILT = """
    SELECT c.relname, 'index', x.relname, pg_get_indexdef(i.indexrelid)
    FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_class x ON x.oid = i.indexrelid
    WHERE c.relname = ANY(%(tables)s) AND c.relnamespace = current_schema()::regnamespace
      AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conindid = i.indexrelid)
    UNION ALL
    SELECT c.relname, k.contype::text, k.conname, pg_get_constraintdef(k.oid)
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
    WHERE c.relname = ANY(%(tables)s) AND c.relnamespace = current_schema()::regnamespace
      AND (k.contype = 'f' OR (k.contype = 'u' AND NOT EXISTS (
          SELECT FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = k.conindid)))
"""

# The triggers that keep the report's month rollups (reporting migration 0005): off during the load, the rollups
# rebuilt once after it by the function the same migration made.
_ROLLUP_TRIGGERS = """
    SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
    WHERE c.relname = ANY(%(tables)s) AND c.relnamespace = current_schema()::regnamespace
      AND NOT t.tgisinternal AND t.tgname LIKE 'rollups\\_%%' AND t.tgenabled <> 'D'
"""

_DEFERRED = """
    SELECT quote_ident(n.nspname) || '.' || quote_ident(k.conname)
    FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace
    WHERE k.condeferred AND n.nspname = current_schema()
"""


class IndexesBuiltAfter:
    """Loads rows by the million into empty PostgreSQL tables without keeping their indexes up to date.

    A B-tree grown one row at a time, its pages written out of a small buffer cache, and a foreign key
    checked one row at a time at COMMIT cost most of a national load. So `drop` takes the tables'
    indexes, unique constraints and foreign keys off, in the import's own transaction, and `restore`
    builds each index once from sorted rows and checks each foreign key with one join. A duplicate or
    dangling value then fails `restore` as it would have failed the COPY: the caller rolls the file back.
    The triggers that keep the report's month rollups are off during the load in the same way, and
    `restore` rebuilds the rollups once from the loaded rows.

    Until COMMIT the tables are locked (ACCESS EXCLUSIVE) and the tables they refer to take no writes:
    only for tables that were empty, that is the first load of an installation.
    """

    # Memory of each index build (the session's setting stays as it was outside the import's transaction).
    MAINTENANCE_WORK_MEM = "256MB"

    def __init__(self, *models_: type[models.Model]) -> None:
        self.models = models_
        self.connection = connections[router.db_for_write(models_[0])]
        self.dropped: list[tuple[str, str, str, str]] = []
        self.disabled: list[tuple[str, str]] = []

    def drop(self) -> None:
        assert self.connection.in_atomic_block, "only inside the import's transaction"
        quote = self.connection.ops.quote_name
        tables = [model._meta.db_table for model in self.models]
        with self.connection.cursor() as cursor:
            # A table with foreign key checks still to run at COMMIT (rows this import wrote) cannot be
            # altered: they run now, and the constraints made to wait for COMMIT wait again after them.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(_DEFERRED)
            if deferred := [name for (name,) in cursor.fetchall()]:
                cursor.execute(f"SET CONSTRAINTS {', '.join(deferred)} DEFERRED")
            cursor.execute(_REBUILT, {"tables": tables})
            self.dropped = cursor.fetchall()
            for table, kind, name, _definition in self.dropped:
                if kind == "index":
                    cursor.execute(f"DROP INDEX {quote(name)}")
                else:
                    cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
            # A rollup trigger would join each chunk to tables without their indexes: rebuilt once after.
            cursor.execute(_ROLLUP_TRIGGERS, {"tables": tables})
            self.disabled = cursor.fetchall()
            for table, name in self.disabled:
                cursor.execute(f"ALTER TABLE {quote(table)} DISABLE TRIGGER {quote(name)}")

    def restore(self) -> None:
        quote = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            # set_config(..., true): SET LOCAL, the value passed as a parameter.
            cursor.execute("SELECT set_config('maintenance_work_mem', %s, true)", [self.MAINTENANCE_WORK_MEM])
            # Indexes and unique constraints before the foreign keys, whose checks use them.
            for table, kind, name, definition in sorted(self.dropped, key=lambda row: row[1] == "f"):
                if kind == "index":
                    cursor.execute(definition)
                else:
                    cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
            for table, name in self.disabled:
                cursor.execute(f"ALTER TABLE {quote(table)} ENABLE TRIGGER {quote(name)}")
            if self.disabled:
                cursor.execute("SELECT rollups_rebuild()")
        self.dropped, self.disabled = [], []
