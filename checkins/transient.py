"""Which errors a check-in task tries again later, and how long it waits before it does.

Check-ins' own for now: a general helper for transient database errors is being written in
agencies/ (agencies.transient); fold this into it once it lands."""

import random

from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError, connections
from kombu.exceptions import OperationalError as BrokerOperationalError

# The database or the broker refused for now (a deadlock, a dropped connection, Redis away):
# nothing is wrong with the work itself, so the same work can succeed on a later try.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    BrokerOperationalError,
    ConnectionError,
    TimeoutError,
)

# What a sweep must not put down to one row: a transient error is the task's to retry, and the
# worker's time limit ends the run, not one appointment.
NOT_ONE_ROWS_FAULT: tuple[type[BaseException], ...] = (SoftTimeLimitExceeded, *TRANSIENT_ERRORS)

MAX_RETRIES = 5
RETRY_BACKOFF = 30
RETRY_BACKOFF_MAX = 600


def retry_countdown(*, retries: int) -> float:
    """Doubling from 30 seconds to at most ten minutes; each wait falls somewhere in its upper
    half, so two workers that failed together do not come back together."""
    ceiling = min(RETRY_BACKOFF_MAX, RETRY_BACKOFF * 2**retries)
    return random.uniform(ceiling / 2, ceiling)


def drop_broken_connections() -> None:
    """After a transient error, a connection the server dropped is closed, so the next agency
    opens a fresh one instead of failing on the dead one. One inside a transaction belongs to
    whoever opened it (a test) and is left alone."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()
