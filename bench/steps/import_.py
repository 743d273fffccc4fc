"""Import step: the data set through `manage.py import_dataset` (or COPY), rows a second, peak RSS, VACUUM ANALYZE."""

from __future__ import annotations

import io
import json
import time

from django.core.management import call_command, get_commands
from django.db import connection, transaction

from bench import fastload
from bench.common import Run, log, reset_peak_rss, rss_mb
from clients.models import Client
from plans.models import Contact


def run(bench: Run) -> None:
    manifest = json.loads((bench.data / "manifest.json").read_text())
    rows = sum(manifest["counts"].values())
    log(f"importing {rows:,} rows from {bench.data}")
    reset_peak_rss()
    rss_before, _ = rss_mb()
    out = io.StringIO()
    began = time.perf_counter()
    if bench.args.loader == "copy":
        how = "bench/fastload.py (PostgreSQL COPY, not import_dataset)"
        with transaction.atomic():
            connection.ensure_connection()
            fastload.load(bench.data, connection.connection)
    elif "import_dataset" in get_commands():
        how = "manage.py import_dataset"
        call_command("import_dataset", str(bench.data), stdout=out, stderr=out)
    else:
        raise RuntimeError("no import_dataset command found")
    seconds = time.perf_counter() - began
    _, peak = rss_mb()
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    analyze = time.perf_counter() - began
    bench.result["import"] = {
        "how": how,
        "rows": rows,
        "files": manifest["counts"],
        "seconds": round(seconds, 1),
        "rows_per_second": round(rows / seconds),
        "peak_rss_mb": round(peak, 0),
        "rss_growth_mb": round(peak - rss_before, 0),
        "analyze_seconds": round(analyze, 1),
        "clients_in_db": Client.objects.count(),
        "contacts_in_db": Contact.objects.count(),
        "command_output_tail": out.getvalue()[-600:],
    }
    log(f"import: {bench.result['import']['rows_per_second']} rows/s in {seconds:.0f} s")
