"""The roster's version, per agency: a token in the cache that every change to what the on-call
lookup shows replaces (a person's details or flags, a peer's status or role, a shift, a peer's
availability), so that a page rendered from the old rows is never served again.

A version is a fresh random token, not a counter: a token the cache lost (evicted, Redis
restarted) is replaced by a new one and never comes back, so no page rendered under an old
version can match again. The services that change the roster call `roster_changed`, in their
transaction: the version changes at once (that transaction, and a test's, reads the new one) and
again after the commit, so a page another request rendered from the old rows in between is
dropped with the version it was filed under.

With Redis unreachable the cache answers as an empty one: the version is missed and every
lookup renders afresh, which costs time and never shows an old page."""

import secrets

from django.core.cache import cache
from django.db import transaction


def version_key(agency_id: int) -> str:
    """For a reader that fetches the version with other keys, in one round trip."""
    return f"roster-version:{agency_id}"


def _token() -> str:
    return secrets.token_hex(8)


def _replace(agency_id: int) -> None:
    cache.set(version_key(agency_id), _token(), timeout=None)


def roster_changed(agency_id: int) -> None:
    """What the lookup shows of this agency has changed: no page rendered before is served."""
    _replace(agency_id)
    transaction.on_commit(lambda: _replace(agency_id))


def roster_version(agency_id: int) -> str:
    key = version_key(agency_id)
    version = cache.get(key)
    if version is None:
        # First read since the cache lost it: two requests at once agree on one token.
        cache.add(key, _token(), timeout=None)
        version = cache.get(key) or _token()
    return version


def _resource_changed(sender, instance, **kwargs) -> None:
    roster_changed(instance.agency_id)


def connect() -> None:
    """The lookup shows the agency's resources too, edited in the agencies app and the Django
    admin, and replaced in bulk by a policy document: a signal covers each of those paths
    (a bulk delete sends one per row). Called once from RosterConfig.ready()."""
    from django.db.models.signals import post_delete, post_save

    from agencies.models import Resource

    post_save.connect(_resource_changed, sender=Resource, dispatch_uid="roster.versions.resource")
    post_delete.connect(
        _resource_changed, sender=Resource, dispatch_uid="roster.versions.resource.delete"
    )
