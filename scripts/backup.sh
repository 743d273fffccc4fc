#!/usr/bin/env bash
# Back up the whole application: the PostgreSQL database and the generated files (MEDIA_ROOT).
# Usage: scripts/backup.sh DIR   (reads DATABASE_URL and MEDIA_ROOT like the application)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: scripts/backup.sh DIR}
python=${PYTHON:-.venv/bin/python}
database_url=${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database}
media_root=${MEDIA_ROOT:-$("$python" manage.py shell -c "from django.conf import settings; print(settings.MEDIA_ROOT)")}

mkdir -p "$out"
pg_dump --format=custom --no-owner --no-privileges --file "$out/database.dump" "$database_url"
mkdir -p "$media_root"
tar -czf "$out/media.tar.gz" -C "$media_root" .
(cd "$out" && sha256sum database.dump media.tar.gz > SHA256SUMS)
echo "Backup written to $out"
