"""gunicorn configuration of the load test: session settings on every new connection, and the proposals if asked.

The project's settings pass libpq `options` (JIT off), which override PGOPTIONS, so session
settings such as the statement timeout are applied by a `connection_created` receiver instead.
"""

import os


def post_worker_init(worker) -> None:
    from bench.session import install

    install(os.environ.get("BENCH_SESSION_SQL", ""))
    if os.environ.get("BENCH_PROPOSALS") == "1":
        from bench.proposals.apply_all import apply_all

        apply_all()
