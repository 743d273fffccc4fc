#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into DATABASE_URL and MEDIA_ROOT (replacing what is there).
# Usage: scripts/restore.sh DIR
set -euo pipefail
cd "$(dirname "$0")/.."
in=${1:?usage: scripts/restore.sh DIR}
python=${PYTHON:-.venv/bin/python}
database_url=${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database}
media_root=${MEDIA_ROOT:-$("$python" manage.py shell -c "from django.conf import settings; print(settings.MEDIA_ROOT)")}

(cd "$in" && sha256sum --check --quiet SHA256SUMS)
pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --dbname "$database_url" "$in/database.dump"
mkdir -p "$media_root"
tar -xzf "$in/media.tar.gz" -C "$media_root"
echo "Restored $in"
