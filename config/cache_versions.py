"""Versions in the cache: a token that every change to what some cached entries were built from
replaces, so that an entry, which holds the token it was built under, is never served again once
its rows have changed. The on-call lookup's sections (roster/versions.py, one version per
agency) and the agency a request is under (agencies/access.py, one for the platform) use them.

A version is a fresh random token, not a counter: a token the cache lost (evicted, Redis
restarted) is replaced by a new one and never comes back, so no entry built under an old one
can match again. A change replaces the version at once (its own transaction, and a test's, read
the new one) and again after the commit, so an entry another request built from the old rows in
between is dropped with the version it was filed under.

With Redis unreachable the cache answers as an empty one: the version is missed and entries are
built afresh, which costs time and never shows an old one. A cache that fails to take a new
version is logged, never the caller's failure: the entries built under the old one end with
their own expiry."""

import logging
import secrets

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)


def _token() -> str:
    return secrets.token_hex(8)


def _replace(key: str) -> None:
    try:
        cache.set(key, _token(), timeout=None)
    except Exception:
        logger.warning("cache version %s not replaced; its entries expire on their own", key)


def changed(key: str) -> None:
    """What the entries under this version were built from has changed."""
    _replace(key)
    transaction.on_commit(lambda: _replace(key))


def current(key: str) -> str:
    """The version now; for a reader that fetched it with its entry (`cache.get_many`) and found
    none, `found.get(key) or current(key)`."""
    version = cache.get(key)
    if version is None:
        # First read since the cache lost it: two requests at once agree on one token.
        cache.add(key, _token(), timeout=None)
        version = cache.get(key) or _token()
    return version
