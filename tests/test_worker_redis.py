"""With a real Celery worker process and Redis (CI has both; locally these need DATABASE_URL on
PostgreSQL and REDIS_URL, since the worker must share the test database)."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from agencies.choices import Role
from notifications.models import Message, State
from tests.factories import AgencyFactory, ShiftFactory, member

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.real_clock,  # the worker process cannot be moved: it would not see leases expire
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL") or "postgres" not in os.environ.get("DATABASE_URL", ""),
        reason="needs PostgreSQL and Redis (set DATABASE_URL and REDIS_URL, as CI does)",
    ),
]


def database_url() -> str:
    """The test database, as the role the suite runs as (the app role, under row-level security)."""
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{user}{password}@{host}/{connection.settings_dict['NAME']}"


def worker_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """`extra` adds variables or replaces these (a Redis of the test's own, say)."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="true",
        DATABASE_URL=database_url(),
        REDIS_URL=redis_url(),
        VAR_DIR=str(tmp_path),
        EMAIL_URL=f"filemail://{tmp_path / 'mail'}",
        SMS_FILE_PATH=str(tmp_path / "sms"),
        OUTBOX_LEASE_SECONDS="3",
    )
    env.update(extra)
    return env


def redis_url() -> str:
    # A database of its own, so no other worker on this Redis takes these tasks: 13 beside
    # REDIS_URL's 0 (CI's), another beside any other, so that two suites given two databases
    # of one Redis (two checkouts at once) do not take each other's tasks either.
    base, _, db = os.environ["REDIS_URL"].rpartition("/")
    own = 1 + (int(db) + 12) % 15 if db.isdigit() else 13
    return f"{base}/{own}"


def start_worker(
    tmp_path: Path, name: str, *, concurrency: int = 1, **extra: str
) -> subprocess.Popen:
    log = (tmp_path / f"{name}.log").open("w")
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=INFO",
         f"--concurrency={concurrency}", "--pool=prefork", "--without-gossip", "--without-mingle",
         "-n", f"{name}-{os.getpid()}@localhost", "-Q", "celery"],
        cwd=ROOT, env=worker_env(tmp_path, **extra), stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def sweep(tmp_path: Path, **extra: str) -> int:
    """The periodic sweep, run as beat would run it: in another process, through Redis.
    Returns how many messages it handed to the broker."""
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from notifications.tasks import sweep_outbox; print(sweep_outbox())"],
        cwd=ROOT, env=worker_env(tmp_path, **extra), check=True, capture_output=True, timeout=60,
        text=True,
    )  # fmt: skip
    return int(done.stdout.split()[-1])


def wait_for(predicate, seconds: float = 45) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def stop(worker: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)


@pytest.fixture
def kcpd_activation_data(db):
    kcpd = AgencyFactory(slug="kcpd", preset="kcpd")
    coordinator = member(kcpd, Role.COORDINATOR, username="coordinator.kcpd")
    for i in range(2):
        ShiftFactory(peer__agency=kcpd, peer__person__phone=f"(816) 555-02{i}0")
    return kcpd, coordinator


def forget_connections(app) -> None:
    # Both caches hold the old broker: a producer pool made by an earlier test would keep
    # publishing there, and this test's worker would never see the tasks.
    from notifications.doorbell import forget_outage

    app._pool = None
    app.amqp._producer_pool = None
    forget_outage()


def use_broker(url: str) -> None:
    from config.celery import app

    app.conf.update(broker_url=url, task_always_eager=False)
    forget_connections(app)


@pytest.fixture
def real_broker():
    from config.celery import app

    before = (app.conf.broker_url, app.conf.task_always_eager)
    yield use_broker
    app.conf.update(broker_url=before[0], task_always_eager=before[1])
    forget_connections(app)


def sms_lines(tmp_path: Path) -> list[str]:
    folder = tmp_path / "sms"
    return [line for f in folder.glob("*.jsonl") for line in f.read_text().splitlines()]


def mails_written(tmp_path: Path) -> int:
    # The file backend may append two messages to one file, so count the messages themselves.
    folder = tmp_path / "mail"
    return sum(f.read_text().count("\nMessage-ID: ") for f in folder.iterdir())


@pytest.mark.system_scope
def test_a_worker_killed_while_sending_loses_nothing(
    tmp_path, kcpd_activation_data, real_broker, open_activation
):
    kcpd, coordinator = kcpd_activation_data
    real_broker(redis_url())
    marker = tmp_path / "stuck"
    stuck = start_worker(tmp_path, "stuck", SMS_BACKEND="tests.support.stuck_sms.StuckSmsBackend",
                         STUCK_MARKER=str(marker))  # fmt: skip
    try:
        open_activation(
            kcpd, actor=coordinator, incident="pursuit-crash", peers_needed=2, deliver=False
        )
        assert wait_for(marker.exists), (tmp_path / "stuck.log").read_text()[-2000:]
    finally:
        stop(stuck)  # killed mid-send: its message is claimed and unsent
    assert Message.objects.filter(state=State.SENDING).count() == 1
    healthy = start_worker(tmp_path, "healthy")
    try:
        time.sleep(3.5)  # the dead worker's claim goes stale
        sweep(tmp_path)
        done = wait_for(lambda: Message.objects.exclude(state=State.SENT).count() == 0)
        assert done, (tmp_path / "healthy.log").read_text()[-3000:]
    finally:
        stop(healthy)
    assert len(sms_lines(tmp_path)) == 2  # one text per peer: none lost, none twice
    assert mails_written(tmp_path) == 2


@pytest.mark.system_scope
def test_with_redis_down_the_activation_is_kept_and_its_messages_go_out_once_it_is_back(
    tmp_path, kcpd_activation_data, real_broker, open_activation
):
    kcpd, coordinator = kcpd_activation_data
    real_broker("redis://127.0.0.1:1/0")  # nothing listens there: Redis is down
    activation = open_activation(
        kcpd, actor=coordinator, incident="pursuit-crash", peers_needed=2, deliver=False
    )
    assert activation.pk and activation.status == "open"
    assert Message.objects.filter(state=State.PENDING).count() == 4
    real_broker(redis_url())  # Redis is back
    worker = start_worker(tmp_path, "after")
    try:
        sweep(tmp_path)
        done = wait_for(lambda: Message.objects.filter(state=State.SENT).count() == 4)
        assert done, (tmp_path / "after.log").read_text()[-3000:]
    finally:
        stop(worker)
    assert len(sms_lines(tmp_path)) == 2
