"""Writing to the audit log. Every entry names the acting user, never a supported member."""

from django.http import HttpRequest

from agencies import tenant_db

from .models import AuditEvent, Outcome


def client_address(request: HttpRequest) -> str | None:
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


def record(
    *,
    request: HttpRequest,
    action: str,
    outcome: str = Outcome.DONE,
    object_id: str = "",
    agency=None,
    actor=None,
    actor_name: str = "",
) -> AuditEvent:
    user = actor if actor is not None else getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    agency = agency if agency is not None else getattr(request, "agency", None)
    # An event outside any agency (a sign-in, say) goes to the platform's log, which only the
    # system scope reads and writes (row-level security on PostgreSQL).
    with tenant_db.agency_scope(agency.pk) if agency else tenant_db.system_scope():
        return _write(request, agency, user, action, outcome, object_id, actor_name)


def _write(request, agency, user, action, outcome, object_id, actor_name) -> AuditEvent:
    return AuditEvent.objects.create(
        agency=agency,
        actor=user,
        actor_name=(actor_name or (user.get_username() if user else ""))[:150],
        action=action[:80],
        object_id=str(object_id)[:40],
        outcome=outcome,
        address=client_address(request),
    )
