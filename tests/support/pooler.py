"""The suite through PgBouncer in transaction mode (bench/pooler.py): Django's default database
pointed at the pooler for a block, and clients that each have their own connection to it and
take turns, so a test decides exactly which transaction runs after which."""

import contextlib
import contextvars
import os
import queue
import threading
from collections.abc import Callable, Iterator

import pytest
from django.db import connection, connections

from bench import pooler
from tests.support.rls import APP_PASSWORD, APP_ROLE


def needs_pgbouncer() -> None:
    """Skips the test on a machine without PgBouncer, except in CI (.ci/run installs it and says
    CI=true), where its absence is a failure, not a reason to prove nothing."""
    if pooler.binary() is not None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but pgbouncer is not installed ({pooler.INSTALL_HINT})")
    pytest.skip(f"needs PgBouncer: {pooler.INSTALL_HINT}")


@contextlib.contextmanager
def pooled_database(*, pool_size: int) -> Iterator[pooler.Pooler]:
    """Inside the block every new connection to the default database, in any thread, goes as
    the app role through a PgBouncer of pool_size server connections, with the settings
    DATABASE_POOLER=transaction gives (config/settings.py)."""
    needs_pgbouncer()
    settings_dict = connection.settings_dict  # the dict every thread's connection is made from
    assert settings_dict["USER"] == APP_ROLE, "the suite runs as the app role (tests/conftest.py)"
    with pooler.transaction_pooler(
        users={APP_ROLE: APP_PASSWORD},
        server_host=settings_dict.get("HOST") or "127.0.0.1",
        server_port=int(settings_dict.get("PORT") or 5432),
        pool_size=pool_size,
    ) as started:
        saved = {key: settings_dict.get(key) for key in ("HOST", "PORT")}
        saved_cursors = settings_dict.get("DISABLE_SERVER_SIDE_CURSORS", False)
        connection.close()
        settings_dict.update(HOST=started.host, PORT=str(started.port))
        settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = True
        try:
            yield started
        finally:
            connection.close()
            settings_dict.update(saved)
            settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = saved_cursors


class PooledClient:
    """A thread with its own database connection (Django's connections are per thread) that
    runs one job at a time when asked, each in a fresh context: no tenant scope unless the job
    opens one, whatever the test's thread has open."""

    def __init__(self, name: str):
        self.name = name
        self._jobs: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            job, answer = self._jobs.get()
            if job is None:
                connections.close_all()
                answer.put((None, None))
                return
            try:
                answer.put((contextvars.Context().run(job), None))
            except BaseException as error:  # handed to the test's thread, which raises it
                answer.put((None, error))

    def run(self, job: Callable):
        """job() in this client's thread; its result, or its exception raised here."""
        answer: queue.Queue = queue.Queue()
        self._jobs.put((job, answer))
        result, error = answer.get(timeout=60)
        if error is not None:
            raise error
        return result

    def close(self) -> None:
        answer: queue.Queue = queue.Queue()
        self._jobs.put((None, answer))
        answer.get(timeout=60)
        self._thread.join(timeout=60)
