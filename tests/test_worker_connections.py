"""A Celery worker's database connections between tasks (config/celery.py): reused, and closed as
a request's are, when older than CONN_MAX_AGE; a task run eagerly leaves its caller's alone."""

import time
from types import SimpleNamespace

import pytest
from django.db import connection

from config.celery import app, close_old_connections

WORKER_TASK = SimpleNamespace(request=SimpleNamespace(is_eager=False))


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="Django never closes in-memory SQLite")
def test_a_workers_connection_is_kept_between_tasks_until_it_is_older_than_its_max_age():
    # Celery's Django fix-up closes every connection around each task unless this is set.
    assert app.conf.db_reuse_max
    connection.ensure_connection()
    connection.close_at = time.monotonic() + 60
    close_old_connections(sender=WORKER_TASK)
    assert connection.connection is not None
    connection.close_at = time.monotonic() - 1
    close_old_connections(sender=WORKER_TASK)
    assert connection.connection is None


@pytest.mark.django_db
def test_a_task_run_eagerly_leaves_its_callers_connection_open():
    connection.ensure_connection()
    connection.close_at = time.monotonic() - 1
    close_old_connections(sender=SimpleNamespace(request=SimpleNamespace(is_eager=True)))
    assert connection.connection is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
