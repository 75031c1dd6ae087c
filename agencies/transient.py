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


K = TypeVar("K")


def sweep_in_parts(
    task,
    parts: list[K],
    run: Callable[[K], T],
    *,
    what: str,
    part_name: tuple[str, str],
    retry_with: str,
    logger: logging.Logger,
    base: float,
    ceiling: float,
) -> tuple[dict[K, T], int]:
    """A sweep's parts (agencies, retention steps), each on its own: one part's failure is
    logged and left for the next run while the others go on; the parts that met a transient
    error are run again by the task after a growing countdown, only they (the task's
    `retry_with` argument). Returns each finished part's result, and how many were given up.
    What happens is logged to the task's own `logger`.

    Called from code rather than by a worker, there is no broker to retry through: the
    transient parts count as given up."""
    done: dict[K, T] = {}
    transient: list[K] = []
    failed = 0
    last_error: BaseException | None = None
    for part in parts:
        try:
            done[part] = run(part)
        except SoftTimeLimitExceeded:
            raise
        except TRANSIENT_ERRORS as exc:
            logger.warning(
                "%s of %s %s met a transient error (%s); it is tried again",
                what, part_name[0], part, type(exc).__name__,
            )  # fmt: skip
            transient.append(part)
            last_error = exc
            drop_broken_connections()
        except Exception:
            logger.exception("%s of %s %s failed; left for the next run", what, part_name[0], part)
            failed += 1
    if transient:
        if not task.request.called_directly and task.request.retries < task.max_retries:
            logger.info("%s: %s %s tried again", what, part_name[1], transient)
            raise task.retry(
                exc=last_error,
                kwargs={retry_with: transient},
                countdown=retry_countdown(retries=task.request.retries, base=base, ceiling=ceiling),
            )
        logger.error("%s gave up on %s %s; left for the next run", what, part_name[1], transient)
        failed += len(transient)
    return done, failed
