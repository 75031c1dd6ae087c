"""Transient database errors: a deadlock, a serialization failure, a connection the server
dropped. They say nothing about the request, so the work is tried again a few times; if it still
fails the user gets a page that says nothing was half-saved, never a 500.

Retrying is safe only outside any transaction: the failed one was rolled back whole, so running
the view (or the task) again starts from what is committed."""

import logging
import random
import time
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from celery.exceptions import SoftTimeLimitExceeded
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    connections,
)
from django.db import connection as default_connection
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from kombu.exceptions import OperationalError as BrokerOperationalError

log = logging.getLogger(__name__)

T = TypeVar("T")

ATTEMPTS = 3
# serialization_failure, deadlock_detected, lock_not_available; then the server going away.
RETRY_SQLSTATES = {"40001", "40P01", "55P03", "57P01", "57P02", "57P03"}


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, InterfaceError):
        return True  # the connection is closed: a new one may well work
    if not isinstance(exc, OperationalError):
        return False
    code = getattr(exc.__cause__, "sqlstate", None)
    if code is None:
        # psycopg raises OperationalError with no SQLSTATE when the connection is lost; SQLite's
        # "database is locked" is the embedded default's contention.
        text = str(exc).lower()
        return "locked" in text or "connection" in text or "server closed" in text
    return code in RETRY_SQLSTATES or code.startswith("08")


def drop_broken_connections() -> None:
    """After a transient error, a connection the server dropped is closed, so the next piece of
    work opens a fresh one. One inside a transaction belongs to whoever opened it (a test)."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


def retry_transient(func: Callable[..., T], *, attempts: int = ATTEMPTS) -> Callable[..., T]:
    """Run `func` again on a transient error, a bounded number of times, with a short random
    pause so that two requests that deadlocked do not meet again at once."""

    @wraps(func)
    def wrapper(*args, **kwargs) -> T:
        for attempt in range(1, attempts + 1):
            try:
                return func(*args, **kwargs)
            except DatabaseError as exc:
                if (
                    attempt == attempts
                    or not is_transient(exc)
                    or default_connection.in_atomic_block
                ):
                    raise
                log.warning(
                    "Transient database error in %s (try %d of %d): %s",
                    getattr(func, "__qualname__", func),
                    attempt,
                    attempts,
                    type(exc.__cause__ or exc).__name__,
                )
                drop_broken_connections()
                time.sleep(random.uniform(0.02, 0.1) * attempt)
        raise AssertionError("unreachable")

    return wrapper


def busy_page(request: HttpRequest | None = None) -> HttpResponse:
    """Also the answer when the database fails before any view runs (the session, the agency)."""
    # Rendered without the request's context processors: they would read the database again.
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "5"
    return response


class TransientDatabaseErrorMiddleware:
    """Runs each view through `retry_transient`; what still fails is answered with the busy page.
    Placed after the agency middleware, so the view runs in the agency's scope every time."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Django hands an exception raised here to no process_exception, so it is caught here.
        try:
            return retry_transient(view_func)(request, *view_args, **view_kwargs)
        except DatabaseError as exc:
            if not is_transient(exc):
                raise
            log.error("Database unavailable for %s %s", request.method, request.path)
            return busy_page(request)


def server_error(request, template_name: str = "500.html") -> HttpResponse:
    """handler500: a transient database error raised anywhere (the session, the agency lookup,
    a view) is the busy page with 503; anything else is the plain error page."""
    import sys

    from django.views.defaults import server_error as default_server_error

    exc = sys.exc_info()[1]
    if isinstance(exc, DatabaseError) and is_transient(exc):
        return busy_page(request)
    return default_server_error(request, template_name)


# For a task that sweeps many rows: errors of the moment (the database or the broker away, a
# deadlock) that are worth a retry of the task, rather than one row's fault.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    BrokerOperationalError,
    ConnectionError,
    TimeoutError,
)
# What a sweep must not put down to one row: the worker's time limit ends the run, too.
NOT_ONE_ROWS_FAULT: tuple[type[BaseException], ...] = (SoftTimeLimitExceeded, *TRANSIENT_ERRORS)
MAX_TASK_RETRIES = 5


def retry_countdown(*, retries: int, base: float = 10, ceiling: float = 300) -> float:
    """Doubling from `base` seconds to at most `ceiling`; each wait falls somewhere in its upper
    half, so two workers that failed together do not come back together."""
    top = min(ceiling, base * 2**retries)
    return random.uniform(top / 2, top)


def retry_task_on_transient(task, exc: BaseException) -> None:
    """In a bound Celery task's `except`: a transient database error is retried with backoff
    (about 10 s, 20 s, 40 s... at most 5 minutes); anything else is left to raise."""
    if isinstance(exc, DatabaseError) and is_transient(exc):
        drop_broken_connections()
        raise task.retry(exc=exc, countdown=retry_countdown(retries=task.request.retries)) from None
