"""A Celery worker for the reliability tests; the first argument chooses a test-only misbehaviour.

No hook in the application: the misbehaviour is patched in here, in the worker's own process.

  plain          the worker as deployed
  slow           every report takes REPORT_TEST_DELAY seconds longer (a wide window to kill it in)
  kill           every report kills its worker (SIGKILL), as the out-of-memory killer would
  db_outage_once the first report loses its database connection half-way (a PostgreSQL restart)
"""

import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
mode = sys.argv.pop(1)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caseapp.settings")

import django  # noqa: E402

django.setup()

from reporting import services  # noqa: E402

real_render = services._render
outage_done = False


def patched_render(job):
    global outage_done
    if mode == "slow":
        time.sleep(float(os.environ.get("REPORT_TEST_DELAY", "5")))
    elif mode == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif mode == "db_outage_once" and not outage_done:
        outage_done = True
        from django.db import connection  # noqa: PLC0415 - this script sets Django up before it runs

        with connection.cursor() as cursor:
            # The server ends this session, as a restart would; the next query meets OperationalError.
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
    return real_render(job)


services._render = patched_render

from celery.bin.celery import main  # noqa: E402

sys.argv[0] = "celery"
sys.exit(main())
