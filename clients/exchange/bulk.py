"""Bulk writes for the import: Django's bulk_update builds a CASE a row and field, and bulk_create a model a row."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connections, models, router

BATCH = 500


def bulk_update_rows(model: type[models.Model], instances: Sequence[models.Model], field_names: Sequence[str]) -> None:
    """Writes `field_names` of each instance to its row, one statement a batch (PostgreSQL and SQLite ≥ 3.33)."""
    if not instances:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in field_names]
    table = quote(model._meta.db_table)
    typed = connection.vendor == "postgresql"

    def value(position: int, field: models.Field) -> str:
        # Literal VALUES are text to PostgreSQL until cast; SQLite stores what it is given.
        column = f"v.column{position}"
        return f"CAST({column} AS {field.db_type(connection)})" if typed else column

    assignments = ", ".join(f"{quote(f.column)} = {value(i + 2, f)}" for i, f in enumerate(fields))
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
            where = f"{table}.{quote(model._meta.pk.column)} = v.column1"
            sql = f"UPDATE {table} SET {assignments} FROM (VALUES {rows}) AS v WHERE {where}"  # noqa: S608
            cursor.execute(sql, params)


def bulk_insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """INSERTs plain value rows (ids, codes) without building model instances: link rows come by the million."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(model._meta.get_field(c).column) for c in columns)
    placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
    batch: list = []
    with connection.cursor() as cursor:

        def flush() -> None:
            values = ", ".join([placeholder] * len(batch))
            cursor.execute(f"INSERT INTO {table} ({names}) VALUES {values}", [v for row in batch for v in row])  # noqa: S608
            batch.clear()

        for row in rows:
            batch.append(row)
            if len(batch) == BATCH * 2:
                flush()
        if batch:
            flush()
