"""Who a signed-in user is in an agency, for every request under `/<agency_slug>/`: the user's
roles there, read from the database on every request (a small query on the memberships alone),
and the agency with its policy, kept in the cache, since the query that read them joined the
policy's hundred columns and was the largest part of a cached on-call lookup.

The cache holds one entry per agency, never per user: nothing in it tells who asked (the lookup
leaves no trace), and a role given or taken away counts on the very next request. An entry
holds the access version it was read under (a cache version, config/cache_versions.py) and
counts only while that version is still the platform's. Every save or delete of an agency or a
policy replaces the version (signals, so the Django admin is covered as well as the services):
a policy edited or an agency renamed shows on the next request. One version for the whole
platform: these change seldom, and refilling an entry is one query. An entry also expires
after a minute, which bounds what a change made around the ORM (an `update()`, a restored
database) could leave standing.

With the cache unreachable the agency is read from the database, as before: slower, never
wrong."""

import logging

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from config import cache_versions

from .models import Agency, Policy, Resource
from .selectors import agency_with_policy, roles_in

logger = logging.getLogger(__name__)

VERSION_KEY = "access-version"
ENTRY_SECONDS = 60


def _entry_key(agency_id: int) -> str:
    return f"access-agency:{agency_id}"


def access_changed() -> None:
    """An agency or a policy changed: no entry read before is served."""
    cache_versions.changed(VERSION_KEY)


def cached_agency_and_roles(*, user_id: int, slug: str) -> tuple[Agency | None, frozenset[str]]:
    """The agency behind a slug, with its policy, and this user's roles in it; no agency when
    the user is not a member, whether or not it exists."""
    agency_id, roles = roles_in(user_id=user_id, slug=slug)
    if agency_id is None:
        return None, roles
    key = _entry_key(agency_id)
    try:
        found = cache.get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY) or cache_versions.current(VERSION_KEY)
    except Exception:  # any cache error: read the database, as without a cache
        logger.warning("access: cache unreadable, reading the database", exc_info=True)
        return agency_with_policy(agency_id=agency_id), roles
    entry = found.get(key)
    if entry is not None and entry[0] == version:
        return entry[1], roles
    agency = agency_with_policy(agency_id=agency_id)
    try:
        cache.set(key, (version, agency), timeout=ENTRY_SECONDS)
    except Exception:
        logger.warning("access: cache unwritable", exc_info=True)
    return agency, roles


def resources_version_key(agency_id: int) -> str:
    """Replaced by every change to the agency's resources (for the pages that show them)."""
    return f"resources-version:{agency_id}"


def _changed(sender, **kwargs) -> None:
    access_changed()


def _resource_changed(sender, instance, **kwargs) -> None:
    cache_versions.changed(resources_version_key(instance.agency_id))


def connect() -> None:
    """Called once from AgenciesConfig.ready()."""
    for model in (Agency, Policy):
        uid = f"agencies.access.{model.__name__}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}.delete")
    # The Django admin and a policy document's bulk replace too (a bulk delete sends one each).
    post_save.connect(_resource_changed, sender=Resource, dispatch_uid="agencies.access.resource")
    post_delete.connect(
        _resource_changed, sender=Resource, dispatch_uid="agencies.access.resource.delete"
    )
