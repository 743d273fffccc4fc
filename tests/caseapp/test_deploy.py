"""Production settings pass Django's deployment check, and migrations match the models."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Production settings need a database address; these commands never connect to it.
UNUSED_DATABASE = "postgres://unused@127.0.0.1:9/unused"
# ... and a shared cache's; nor do they reach it.
UNUSED_CACHE = "redis://127.0.0.1:9/0"
# Loads the settings alone, from outside the project folder.
# Production needs the fund's matching secret too (clients.models.person_match_hash).
MATCH_KEY = "Qw7-eR4tY1uI0oP9aS2dF5gH8jK3lZ6xC-vB1nM4qW7eR0tY3uI6oP9aS2dF"
IMPORT_SETTINGS = f"import os, sys; os.chdir('/'); sys.path.insert(0, {str(ROOT)!r}); import caseapp.settings"


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, **env}
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_check_deploy_passes_with_debug_off():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="k3J9-vQz_8LmX2pRt6YwNa4Hc0BfUeGs7DiKo1ZjTlV5nPqS-wE4rT7yU9iO2pA6sD8f",
        FUND_MATCH_KEY=MATCH_KEY,
        DJANGO_ALLOWED_HOSTS="case.example.org",
        DATABASE_URL=os.environ.get("DATABASE_URL") or UNUSED_DATABASE,
        CACHE_URL=UNUSED_CACHE,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_missing_secret_key_stops_production_start(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env["DJANGO_DEBUG"] = "0"
    # An empty key in the environment wins over the project's .env (read_env never overrides).
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", IMPORT_SETTINGS],
        cwd=ROOT,
        env={**env, "DJANGO_SECRET_KEY": ""},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_a_missing_fund_match_key_stops_production_start():
    env = {k: v for k, v in os.environ.items() if k != "FUND_MATCH_KEY"}
    result = subprocess.run(  # noqa: S603 - our own settings, fixed arguments
        [sys.executable, "-c", IMPORT_SETTINGS],
        cwd=ROOT,
        env={
            **env,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "k3J9-vQz_8LmX2pRt6YwNa4Hc0BfUeGs7DiKo1ZjTlV5nPqS",
            "FUND_MATCH_KEY": "",
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "Set FUND_MATCH_KEY" in result.stderr


def test_production_without_a_database_address_stops_instead_of_starting_the_embedded_server():
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(  # noqa: S603 - our own settings, fixed arguments
        [sys.executable, "-c", IMPORT_SETTINGS],
        cwd=ROOT,
        env={
            **env,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "k3J9-vQz_8LmX2pRt6YwNa4Hc0BfUeGs7DiKo1ZjTlV5nPqS",
            "FUND_MATCH_KEY": MATCH_KEY,
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "Set DATABASE_URL" in result.stderr


def test_collectstatic_works_with_the_production_storage(tmp_path):
    result = run_manage(
        "collectstatic",
        "--no-input",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="k3J9-vQz_8LmX2pRt6YwNa4Hc0BfUeGs7DiKo1ZjTlV5nPqS-wE4rT7yU9iO2pA6sD8f",
        FUND_MATCH_KEY=MATCH_KEY,
        STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=UNUSED_DATABASE,
        CACHE_URL=UNUSED_CACHE,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert list((tmp_path / "static" / "vendor" / "bootstrap").glob("bootstrap.min.*.css"))


def test_production_without_a_shared_cache_stops_rather_than_keep_sessions_in_each_worker():
    env = {k: v for k, v in os.environ.items() if k != "CACHE_URL"}
    result = subprocess.run(  # noqa: S603 - our own settings, fixed arguments
        [sys.executable, "-c", IMPORT_SETTINGS],
        cwd=ROOT,
        env={
            **env,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "k3J9-vQz_8LmX2pRt6YwNa4Hc0BfUeGs7DiKo1ZjTlV5nPqS",
            "DATABASE_URL": UNUSED_DATABASE,
            "FUND_MATCH_KEY": MATCH_KEY,
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "Set CACHE_URL" in result.stderr


def test_production_keeps_connections_and_reads_sessions_and_templates_from_caches():
    probe = (
        IMPORT_SETTINGS + "; import django; os.environ['DJANGO_SETTINGS_MODULE'] = 'caseapp.settings'; django.setup();"
        " from django.conf import settings as s; from django.template import engines;"
        " db = s.DATABASES['default']; loader = engines['django'].engine.loaders[0];"
        " print(db['CONN_MAX_AGE'], db['CONN_HEALTH_CHECKS'], s.CACHES['default']['BACKEND'], s.SESSION_ENGINE,"
        " loader[0] if isinstance(loader, tuple) else loader)"
    )
    result = subprocess.run(  # noqa: S603 - our own settings, fixed arguments
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "k3J9-vQz_8LmX2pRt6YwNa4Hc0BfUeGs7DiKo1ZjTlV5nPqS",
            "DATABASE_URL": UNUSED_DATABASE,
            "CACHE_URL": UNUSED_CACHE,
            "FUND_MATCH_KEY": MATCH_KEY,
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    max_age, health_checks, cache, sessions, loader = result.stdout.split()
    assert int(max_age) >= 60
    assert health_checks == "True"
    assert cache == "django.core.cache.backends.redis.RedisCache"
    assert sessions == "django.contrib.sessions.backends.cached_db"
    assert loader == "django.template.loaders.cached.Loader"
