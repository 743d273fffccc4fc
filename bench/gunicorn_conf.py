"""gunicorn configuration of the load test: the worker model of docker-compose.yml, and the session settings.

The worker model is production's (docker-compose.yml's web command; tests/caseapp/test_compose.py holds the two
alike): chosen by measurement in docs/performance.md "Cost of one request (issue 22)". The load step passes
--workers (bench/run.py --workers); GUNICORN_CMD_ARGS overrides the rest for a comparison.

The project's settings pass libpq `options` (JIT off, work_mem), which override PGOPTIONS, so session
settings such as the statement timeout are applied by a `connection_created` receiver instead.
"""

import os

worker_class = "gthread"
threads = 4


def post_worker_init(worker) -> None:
    from bench.session import install  # noqa: PLC0415 - a gunicorn hook: Django is set up in the worker only

    install(os.environ.get("BENCH_SESSION_SQL", ""))
