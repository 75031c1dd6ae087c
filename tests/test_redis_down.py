"""Redis down never takes a page down: the cache answers as an empty one (with a warning in the
log) and /healthz/ reports the broker's state without failing. Each test starts its own
redis-server on a free port, or points at a port nobody answers on: the shared Redis is never
touched."""

import contextlib
import logging
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.test import override_settings

from agencies.choices import Role
from config import health

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's

needs_redis_server = pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="needs redis-server on the PATH"
)


@pytest.fixture(autouse=True)
def _no_outage_remembered() -> Iterator[None]:
    # Outages are remembered per process and per address; a port reused by another test must
    # start afresh.
    from config import cache as resilient

    resilient._outages.clear()
    yield
    resilient._outages.clear()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def private_redis(port: int | None = None) -> Iterator[tuple[subprocess.Popen, int]]:
    port = port or free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            time.sleep(0.05)
        else:
            raise RuntimeError(f"redis-server did not listen on {port}")
        yield server, port
    finally:
        if server.poll() is None:
            server.kill()
        server.wait(timeout=10)


@contextlib.contextmanager
def silent_server() -> Iterator[int]:
    """A port that takes connections and never answers: what a hung Redis looks like."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]


def cache_at(port: int) -> dict:
    """The settings' own Redis cache, pointed at this port."""
    return {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def warnings_in(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "config.cache" and r.levelno == logging.WARNING
    ]


@needs_redis_server
@pytest.mark.django_db
def test_pages_and_sign_in_answer_with_the_cache_and_broker_redis_killed(client, users, caplog):
    with (
        private_redis() as (server, port),
        override_settings(CACHES=cache_at(port), CELERY_BROKER_URL=f"redis://127.0.0.1:{port}/0"),
    ):
        cache.set("greeting", "hello")
        assert cache.get("greeting") == "hello"
        assert client.get("/healthz/").content == b"ok\ndatabase: ok\nbroker: ok\n"

        server.kill()
        server.wait(timeout=10)
        caplog.set_level(logging.WARNING, logger="config.cache")
        started = time.monotonic()

        assert cache.get("greeting", "missed") == "missed"
        assert client.get("/accounts/login/").status_code == 200
        signed_in = client.post(
            "/accounts/login/", {"username": "officer.clayton", "password": PASSWORD}
        )
        assert signed_in.status_code == 302, signed_in.content
        assert client.get("/clayton/").status_code == 200
        healthz = client.get("/healthz/")
        assert healthz.status_code == 200
        assert healthz.content == b"ok\ndatabase: ok\nbroker: down\n"
        assert time.monotonic() - started < 5

    assert users[Role.OFFICER].pk == int(client.session["_auth_user_id"])
    [warning] = warnings_in(caplog)
    assert f"127.0.0.1:{port}" in warning and "serving without a cache" in warning


@pytest.mark.django_db
def test_every_cache_call_behaves_as_a_miss_with_nothing_listening(caplog):
    caplog.set_level(logging.WARNING, logger="config.cache")
    with override_settings(CACHES=cache_at(free_port())):
        assert cache.get("k", "default") == "default"
        assert cache.get_or_set("k", "computed") == "computed"
        assert cache.add("k", 1) is False
        assert cache.set("k", 1) is None
        assert cache.get_many(["a", "b"]) == {}
        assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
        assert cache.has_key("k") is False
        assert cache.touch("k") is False
        assert cache.delete("k") is False
        assert cache.delete_many(["a", "b"]) is None
        with pytest.raises(ValueError):
            cache.incr("k")
        assert cache.clear() is False
    # One warning for the lot: a dead Redis must not flood the log.
    assert len(warnings_in(caplog)) == 1


@pytest.mark.django_db
def test_the_warning_is_logged_again_after_a_minute_with_the_failures_counted(caplog, monkeypatch):
    from config import cache as resilient

    caplog.set_level(logging.WARNING, logger="config.cache")
    now = [1000.0]
    monkeypatch.setattr(resilient, "monotonic", lambda: now[0])
    with override_settings(CACHES=cache_at(free_port())):
        cache.get("k")
        for _ in range(3):
            now[0] += 10  # past the pause, so Redis is tried again each time
            cache.get("k")
        assert len(warnings_in(caplog)) == 1
        now[0] += 31
        cache.get("k")
    first, second = warnings_in(caplog)
    assert "(1 failed call(s)" in first and "(4 failed call(s)" in second


@needs_redis_server
@pytest.mark.django_db
def test_the_cache_is_used_again_once_redis_answers(caplog, monkeypatch):
    from config import cache as resilient

    caplog.set_level(logging.INFO, logger="config.cache")
    now = [1000.0]
    monkeypatch.setattr(resilient, "monotonic", lambda: now[0])
    with private_redis() as (server, port), override_settings(CACHES=cache_at(port)):
        server.kill()
        server.wait(timeout=10)
        cache.set("k", "lost")
        with private_redis(port):
            # Within the pause Redis is not even asked.
            assert cache.get("k", "paused") == "paused"
            now[0] += resilient.PAUSE_SECONDS
            cache.set("k", "kept")
            assert cache.get("k") == "kept"
    assert "answers again" in caplog.records[-1].getMessage()


@pytest.mark.django_db
def test_a_hung_redis_costs_a_page_half_a_second_then_nothing(caplog):
    with silent_server() as port, override_settings(CACHES=cache_at(port)):
        started = time.monotonic()
        assert cache.get("k") is None
        first = time.monotonic() - started
        started = time.monotonic()
        for _ in range(20):
            cache.get("k")
        rest = time.monotonic() - started
    assert first < 2
    assert rest < 0.2


def test_the_settings_give_the_redis_cache_short_timeouts():
    with silent_server() as port:
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DEBUG="true",
            REDIS_URL=f"redis://127.0.0.1:{port}/0",
        )
        code = (
            "import time; from django.core.cache import cache; t = time.monotonic(); "
            "print(cache.get('k', 'missed')); print(round(time.monotonic() - t, 2))"
        )
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    missed, seconds = result.stdout.strip().splitlines()[-2:]
    assert missed == "missed", result.stderr
    assert float(seconds) < 2
    assert "serving without a cache" in result.stderr


@pytest.mark.django_db
def test_healthz_reports_the_broker_down_without_failing(client):
    with override_settings(CELERY_BROKER_URL=f"redis://127.0.0.1:{free_port()}/0"):
        response = client.get("/healthz/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content == b"ok\ndatabase: ok\nbroker: down\n"


@pytest.mark.django_db
def test_healthz_gives_up_on_a_hung_broker_within_half_a_second(client):
    with (
        silent_server() as port,
        override_settings(CELERY_BROKER_URL=f"redis://127.0.0.1:{port}/0"),
    ):
        started = time.monotonic()
        response = client.get("/healthz/")
        elapsed = time.monotonic() - started
    assert response.content.endswith(b"broker: down\n")
    assert elapsed < 1.5


@pytest.mark.django_db
def test_healthz_names_the_embedded_filesystem_broker(client):
    with override_settings(CELERY_BROKER_URL="filesystem://localhost//"):
        assert client.get("/healthz/").content == b"ok\ndatabase: ok\nbroker: filesystem\n"


@pytest.mark.django_db
def test_healthz_fails_when_the_database_is_down(client, monkeypatch):
    class Unreachable:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", Unreachable())
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.content.startswith(b"down\ndatabase: down\n")
