"""The triggers' SQL is kept as written in reporting/migrations/sql/, and the database holds exactly that."""

import re
from pathlib import Path

import pytest
from django.db import connection

SQL_DIR = Path(__file__).resolve().parents[2] / "reporting" / "migrations" / "sql"
FUNCTION = re.compile(r"CREATE OR REPLACE FUNCTION (\w+)\(\) RETURNS \w+ AS \$\$(.*?)\$\$", re.S)
TRIGGER = re.compile(r"CREATE TRIGGER (\w+) (?:AFTER|BEFORE) \w+ ON (\w+)")

pytestmark = pytest.mark.django_db


def _written(kind: re.Pattern) -> list[tuple[str, ...]]:
    found = []
    for path in sorted(SQL_DIR.glob("*.sql")):
        if not path.name.endswith(".reverse.sql"):
            found += kind.findall(path.read_text(encoding="utf-8"))
    return found


def test_every_function_of_the_files_is_in_the_database_as_written():
    # A later file may define a function again (CREATE OR REPLACE): the database holds the last definition.
    functions = dict(_written(FUNCTION))
    assert len(functions) >= 14  # the figures-change watchers, the rollup triggers and rollups_rebuild
    with connection.cursor() as cursor:
        for name, body in functions.items():
            cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = %s", [name])
            assert cursor.fetchall() == [(body,)], name


def test_every_trigger_of_the_files_is_on_its_table():
    triggers = _written(TRIGGER)
    with connection.cursor() as cursor:
        for name, table in triggers:
            cursor.execute(
                "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname = %s AND c.relname = %s AND NOT t.tgisinternal",
                [name, table],
            )
            assert cursor.fetchone() == (1,), (name, table)


def test_no_trigger_function_of_the_application_is_missing_from_the_files():
    written = {name for name, _body in _written(FUNCTION)}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = 'public' AND (proname LIKE 'figures_changed_%%' OR proname LIKE 'rollups_%%')"
        )
        in_database = {row[0] for row in cursor.fetchall()}
    assert in_database == written
