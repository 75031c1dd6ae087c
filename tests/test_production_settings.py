"""Production settings are checked in a fresh interpreter: settings are read once per process."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STRONG_SECRET = "x7Kq2vN9pL4mR8tY1wE6uI3oA5sD0fG-hJ+zXcVbNm@QwErTyUiOp!"

_UNSET = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in _UNSET}
    clean.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run("check", DEBUG="false", ALLOWED_HOSTS="peers.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run("check", DEBUG="false", SECRET_KEY=STRONG_SECRET)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_debug_is_off_unless_asked_for():
    result = run(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        SECRET_KEY=STRONG_SECRET,
        ALLOWED_HOSTS="peers.example.org",
    )
    assert result.stdout.strip().splitlines()[-1] == "False"


@pytest.mark.parametrize("extra", [{}, {"USE_X_FORWARDED_PROTO": "true"}])
def test_check_deploy_reports_nothing_in_production(extra):
    result = run(
        "check",
        "--deploy",
        "--fail-level",
        "DEBUG",
        DEBUG="false",
        SECRET_KEY=STRONG_SECRET,
        ALLOWED_HOSTS="peers.example.org",
        **extra,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
