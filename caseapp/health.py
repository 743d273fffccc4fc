"""/healthz for docker compose and monitoring: the database, the broker and the workers, nothing else."""

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from caseapp.celery import app as celery_app


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:  # noqa: BLE001 - any failure means the database is not usable
        return "unavailable"


def _broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return "in-process"
    try:
        with celery_app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=1)
        return "ok"
    except Exception:  # noqa: BLE001
        return "unavailable"


def _workers(broker: str) -> int | None:
    if broker != "ok":
        return None
    try:
        return len(celery_app.control.ping(timeout=1.0) or [])
    except Exception:  # noqa: BLE001
        return 0


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database = _database()
    broker = _broker()
    workers = _workers(broker)
    healthy = database == "ok" and broker in ("ok", "in-process")
    body = {"status": "ok" if healthy else "unavailable", "database": database, "broker": broker, "workers": workers}
    return JsonResponse(body, status=200 if healthy else 503)
