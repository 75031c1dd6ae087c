"""What /healthz/ reports: the database, which the app cannot serve without, and the broker, which
it can (the outbox keeps every notice until the broker is back), so only the database decides the
answer's status."""

import functools

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from redis.backoff import NoBackoff
from redis.retry import Retry

BROKER_TIMEOUT_SECONDS = 0.5


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return "down"
    return "ok"


def broker_state() -> str:
    url: str = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        return "filesystem"
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return "unknown"
    try:
        _redis_client(url).ping()
    except (redis.RedisError, OSError):
        return "down"
    return "ok"


@functools.lru_cache(maxsize=4)
def _redis_client(url: str) -> redis.Redis:
    # One pooled client per process, so a probe every few seconds does not open a connection
    # each time. redis-py retries three times with backoff unless told not to: that would turn
    # the half second into several.
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=BROKER_TIMEOUT_SECONDS,
        socket_timeout=BROKER_TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), 0),
    )
