"""Session settings (the statement timeout) for every new database connection of the pages and the load test."""

from __future__ import annotations

from django.db.backends.signals import connection_created

_current = {"sql": ""}


def _apply(sender, connection, **kwargs) -> None:
    if not _current["sql"]:
        return
    with connection.cursor() as cursor:
        for statement in filter(None, (s.strip() for s in _current["sql"].split(";"))):
            cursor.execute(statement)


def install(sql: str) -> None:
    """Runs `sql` (statements separated by ;) on each connection opened from now on."""
    _current["sql"] = sql
    connection_created.connect(_apply, weak=False, dispatch_uid="bench-session-settings")
