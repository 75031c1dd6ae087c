"""The roster's version, per agency (a cache version, config/cache_versions.py): every change to
what the on-call lookup shows replaces it (a person's details or flags, a peer's status or role, a
shift, a peer's availability, a resource), so that a page rendered from the old rows is never
served again. The services that change the roster call `roster_changed`, in their transaction."""

from config import cache_versions


def version_key(agency_id: int) -> str:
    """For a reader that fetches the version with other keys, in one round trip."""
    return f"roster-version:{agency_id}"


def roster_changed(agency_id: int) -> None:
    """What the lookup shows of this agency has changed: no page rendered before is served."""
    cache_versions.changed(version_key(agency_id))


def roster_version(agency_id: int) -> str:
    return cache_versions.current(version_key(agency_id))


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
