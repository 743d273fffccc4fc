"""docker-compose.yml stays valid and runs the commands the suite checks (no Docker engine here)."""

import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def load_compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_five_production_services():
    services = load_compose()["services"]
    assert set(services) == {"db", "redis", "web", "worker", "beat"}
    assert services["db"]["image"].startswith("postgres:15")
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]


def test_every_long_running_service_has_a_health_check():
    services = load_compose()["services"]
    for name in ("db", "redis", "web", "worker"):
        assert services[name]["healthcheck"]["test"], name


def test_redis_never_evicts_queued_jobs():
    assert "noeviction" in load_compose()["services"]["redis"]["command"]


def test_the_web_command_serves_the_project_with_gunicorn():
    web = load_compose()["services"]["web"]["command"]
    assert "gunicorn caseapp.wsgi:application" in web
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "--check-config", "caseapp.wsgi:application"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_the_worker_and_beat_load_the_projects_celery_app():
    services = load_compose()["services"]
    assert services["worker"]["command"][:3] == ["celery", "-A", "caseapp"]
    assert services["beat"]["command"][:3] == ["celery", "-A", "caseapp"]
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "from caseapp import celery_app; print(celery_app.main)"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == "caseapp", result.stderr


def test_the_web_server_runs_the_worker_model_the_load_test_measured():
    from bench import gunicorn_conf  # noqa: PLC0415

    web = load_compose()["services"]["web"]["command"]
    assert f"--worker-class {gunicorn_conf.worker_class} --threads {gunicorn_conf.threads}" in web
    workers = re.search(r"--workers (\d+)", web).group(1)
    assert f'"--workers", type=int, default={workers},' in (ROOT / "bench" / "run.py").read_text()


def test_the_application_shares_a_cache_in_its_own_redis_database():
    env = load_compose()["x-app"]["environment"]
    assert env["CACHE_URL"].startswith("redis://redis:6379/")
    assert env["CACHE_URL"] != env["CELERY_BROKER_URL"]
