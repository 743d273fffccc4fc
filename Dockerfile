# The application image for docker-compose.yml: Python 3.11, WeasyPrint's system libraries.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN useradd --system caseapp && mkdir -p /var/lib/caseapp/media/documents /var/lib/caseapp/static \
    && chmod 700 /var/lib/caseapp/media/documents \
    && chown -R caseapp /var/lib/caseapp
USER caseapp
EXPOSE 8000
