"""Django's Redis cache, made optional: with Redis unreachable a page is served as if the cache
were empty, never refused.

Nothing may depend on the cache holding a value (sessions and lockouts live in the database), so
a dead Redis costs speed only. A failure also pauses Redis for a few seconds, so a page making
many cache calls does not wait for a connect timeout on each one; the warning is logged at most
once a minute per process, with the count of failures since the last one.
"""

import functools
import logging
import re
import threading
from collections.abc import Callable, Iterable
from time import monotonic
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
PAUSE_SECONDS = 5.0
WARN_EVERY_SECONDS = 60.0

T = TypeVar("T")


class Outage:
    """One Redis server's state in this process. Django gives each thread its own cache object,
    so the state lives here, shared, or every thread would log and wait on its own."""

    def __init__(self, location: str) -> None:
        self.location = location
        self._lock = threading.Lock()
        self.down = False
        self.paused_until = 0.0
        self.last_warning: float | None = None
        self.unwarned_failures = 0

    def paused(self) -> bool:
        return self.down and monotonic() < self.paused_until

    def failed(self, error: Exception) -> None:
        with self._lock:
            now = monotonic()
            self.down = True
            self.paused_until = now + PAUSE_SECONDS
            self.unwarned_failures += 1
            if self.last_warning is not None and now - self.last_warning < WARN_EVERY_SECONDS:
                return
            failures, self.unwarned_failures, self.last_warning = self.unwarned_failures, 0, now
        logger.warning(
            "Redis cache at %s unreachable (%s): serving without a cache "
            "(%d failed call(s) since the last warning)",
            _without_password(self.location),
            error,
            failures,
        )

    def answered(self) -> None:
        if not self.down:
            return
        with self._lock:
            if not self.down:
                return
            # last_warning stays: a Redis going up and down must not log more than once a minute.
            self.down = False
            unwarned, self.unwarned_failures = self.unwarned_failures, 0
        logger.info(
            "Redis cache at %s answers again (%d failed call(s) since the last warning)",
            _without_password(self.location),
            unwarned,
        )


_outages: dict[str, Outage] = {}
_outages_lock = threading.Lock()


def outage_for(location: str) -> Outage:
    with _outages_lock:
        return _outages.setdefault(location, Outage(location))


def _without_password(location: str) -> str:
    # The log must not carry the Redis password of redis://:secret@host/0.
    return re.sub(r"//[^@/]*@", "//***@", location)


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client, keeping one redis.Redis per connection pool: Django builds a new one on
    every call, and a redis.Redis builds its table of some 250 reply parsers when it is made,
    about half a millisecond that a page with three cache calls paid three times. A redis.Redis
    is safe to share between threads (each command takes a connection from the pool)."""

    def __init__(self, servers: list[str], **options: Any) -> None:
        super().__init__(servers, **options)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        # By the pool's identity: the pools live as long as this client, so their ids stay.
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class ResilientRedisCache(RedisCache):
    """RedisCache whose every call, with Redis unreachable, gives what an empty cache would."""

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self._outage = outage_for(server if isinstance(server, str) else ",".join(server))

    def _or_miss(self, call: Callable[[], T], miss: T) -> T:
        if self._outage.paused():
            return miss
        try:
            result = call()
        except UNREACHABLE as error:
            self._outage.failed(error)
            return miss
        self._outage.answered()
        return result

    def add(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        return self._or_miss(functools.partial(super().add, key, value, timeout, version), False)

    def get(self, key: str, default: Any = None, version: Any = None) -> Any:
        return self._or_miss(functools.partial(super().get, key, default, version), default)

    def set(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._or_miss(functools.partial(super().set, key, value, timeout, version), None)

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._or_miss(functools.partial(super().touch, key, timeout, version), False)

    def delete(self, key: str, version: Any = None) -> bool:
        return self._or_miss(functools.partial(super().delete, key, version), False)

    def get_many(self, keys: Iterable[str], version: Any = None) -> dict[str, Any]:
        return self._or_miss(functools.partial(super().get_many, keys, version), {})

    def has_key(self, key: str, version: Any = None) -> bool:
        return self._or_miss(functools.partial(super().has_key, key, version), False)

    def incr(self, key: str, delta: int = 1, version: Any = None) -> int:
        # A missing key is a ValueError in Django's API; callers already handle that case.
        missing = object()
        value = self._or_miss(functools.partial(super().incr, key, delta, version), missing)
        if value is missing:
            raise ValueError(f"Key '{key}' not found.")
        return value

    def set_many(
        self, data: dict[str, Any], timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> list[str]:
        # The keys that could not be stored: all of them.
        return self._or_miss(
            functools.partial(super().set_many, data, timeout, version), list(data)
        )

    def delete_many(self, keys: Iterable[str], version: Any = None) -> None:
        self._or_miss(functools.partial(super().delete_many, keys, version), None)

    def clear(self) -> bool:
        return self._or_miss(super().clear, False)
