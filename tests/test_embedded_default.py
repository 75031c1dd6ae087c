"""The embedded default really works without any server: settings, mail to files, and a real
Celery worker (with its beat) reading the filesystem broker. With REDIS_URL set (as in CI) the same
worker test runs against Redis."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVICE_VARS = {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def env_for(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARS}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings", DEBUG="true", VAR_DIR=str(var_dir), **extra
    )
    return env


def manage(var_dir: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env_for(var_dir, **extra),
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_with_nothing_set_it_uses_sqlite_file_mail_and_a_filesystem_broker(tmp_path):
    code = (
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE']); print(s.EMAIL_BACKEND); "
        "print(s.EMAIL_FILE_PATH); print(s.CELERY_BROKER_URL)"
    )
    result = manage(tmp_path, "shell", "-c", code)
    lines = result.stdout.strip().splitlines()[-4:]
    assert lines == [
        "django.db.backends.sqlite3",
        "django.core.mail.backends.filebased.EmailBackend",
        str(tmp_path / "mail"),
        "filesystem://localhost//",
    ], result.stderr


def test_mail_is_written_to_files_under_var(tmp_path):
    code = "from django.core.mail import send_mail; send_mail('Hi', 'Body', None, ['a@b.org'])"
    manage(tmp_path, "shell", "-c", code)
    files = list((tmp_path / "mail").iterdir())
    assert len(files) == 1
    assert "Subject: Hi" in files[0].read_text()


def test_the_daily_job_is_on_the_beat_schedule():
    from django.conf import settings

    from config.celery import app

    app.loader.import_default_modules()
    entry = settings.CELERY_BEAT_SCHEDULE["clear-expired-sessions-daily"]
    assert entry["task"] in app.tasks
    assert entry["schedule"] == 24 * 60 * 60


BROKERS = ["filesystem"] + (["redis"] if os.environ.get("REDIS_URL") else [])


@pytest.mark.parametrize("broker", BROKERS)
def test_a_real_worker_runs_a_task_sent_to_the_broker(tmp_path, broker):
    extra = {"REDIS_URL": os.environ["REDIS_URL"]} if broker == "redis" else {}
    assert manage(tmp_path, "migrate", "--noinput", **extra).returncode == 0
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--beat",
             "--loglevel=INFO", "--concurrency=1", "--without-gossip", "--without-mingle",
             "-n", f"test-{os.getpid()}@localhost"],
            cwd=ROOT, env=env_for(tmp_path, **extra), stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        sent = manage(
            tmp_path,
            "shell",
            "-c",
            "from agencies.tasks import clear_expired_sessions as t; print(t.delay().id)",
            **extra,
        )
        task_id = sent.stdout.strip().splitlines()[-1]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if f"{task_id}] succeeded" in log.read_text():
                break
            time.sleep(0.5)
        text = log.read_text()
        assert f"{task_id}] succeeded" in text, text[-3000:]
        assert "beat: Starting" in text
    finally:
        worker.terminate()
        worker.wait(timeout=30)
