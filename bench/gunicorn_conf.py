"""gunicorn configuration of the load test: the session settings (statement timeout) on every new connection.

The project's settings pass libpq `options` (JIT off, work_mem), which override PGOPTIONS, so session
settings such as the statement timeout are applied by a `connection_created` receiver instead.
"""

import os


def post_worker_init(worker) -> None:
    from bench.session import install  # noqa: PLC0415 - a gunicorn hook: Django is set up in the worker only

    install(os.environ.get("BENCH_SESSION_SQL", ""))
