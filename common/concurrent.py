"""Read-only statements run side by side on their own database connections.

A report's figures are a few large statements that do not depend on one another. One after another they leave a
core of a small server idle for most of their time; side by side, on two connections, PostgreSQL runs them on both.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import connections


def side_by_side(*calls: Callable[[], Any], using: str = "default") -> list[Any]:
    """The results of `calls`, each a function that only reads the database, in their order.

    Outside a transaction each call but the first runs in a thread of its own, on that thread's own connection
    (closed when it is done), while the first runs here; each statement then sees what is committed when it
    starts, as it would one after another in autocommit. Inside a transaction (a test, an atomic block) they run
    here in turn: another connection would not see what the transaction has written.
    """
    if connections[using].in_atomic_block or len(calls) < 2:
        return [call() for call in calls]

    def on_own_connection(call: Callable[[], Any]) -> Any:
        try:
            return call()
        finally:
            connections[using].close()  # this thread's connection: Django keeps one a thread

    with ThreadPoolExecutor(max_workers=len(calls) - 1, thread_name_prefix="side-by-side") as pool:
        others = [pool.submit(on_own_connection, call) for call in calls[1:]]
        first = calls[0]()
        return [first, *(future.result() for future in others)]
