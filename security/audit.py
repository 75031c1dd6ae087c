"""Writing to the audit log. Every entry names the acting user, never a supported member.

An event on an agency's page goes to that agency's log. An event of a user's own account (a
sign-in, a failed one, the second step) happens outside any agency: it goes to the log of every
agency the user is a member of at that moment, so each agency's admin sees their members'
sign-ins on their own page, under their own agency's row-level security, and no other agency
does. A failed sign-in names an account only when the username is one; an event of nobody's
account (an unknown username) or of an account with no agency (the platform admin's) goes to
the platform's log, which only the system scope reads."""

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone

from agencies import tenant_db
from agencies.models import Membership, User

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
    account: User | None = None,
) -> list[AuditEvent]:
    """One event; `account` is the user a failed sign-in tried to be (the actor otherwise)."""
    user = actor if actor is not None else getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    agency = agency if agency is not None else getattr(request, "agency", None)
    fields = {
        "actor": user,
        "actor_name": (actor_name or (user.get_username() if user else ""))[:150],
        "action": action[:80],
        "object_id": str(object_id)[:40],
        "outcome": outcome,
        "address": client_address(request),
    }
    agency_ids = [agency.pk] if agency else _agencies_of(account or user)
    if not agency_ids:
        with tenant_db.system_scope():
            return [AuditEvent.objects.create(agency=None, **fields)]
    events = []
    for agency_id in agency_ids:
        with tenant_db.agency_scope(agency_id):
            events.append(AuditEvent.objects.create(agency_id=agency_id, **fields))
    return events


def _agencies_of(user: User | None) -> list[int]:
    """The agencies the user is a member of, whichever scope the caller is in (a failed
    sign-in's would-be user is nobody's own membership yet)."""
    if user is None:
        return []
    with tenant_db.system_scope():
        rows = Membership.objects.filter(user=user).values_list("agency_id", flat=True)
        return sorted(set(rows))


def account_named(username: str) -> User | None:
    """The account a typed username names, exactly as signing in matches it; None for a name
    that is nobody's, which then reaches no agency's log."""
    return User.objects.filter(username=username).first() if username else None


def stamp(moment: datetime) -> str:
    """To the hundredth of a second, with the zone, in the time zone in force (the agency's on
    its pages), as CJIS AU-8 asks: 2026-12-02 09:59:03.47 CST. Cut, not rounded, so a moment
    never shows in the next second."""
    local = timezone.localtime(moment)
    return f"{local:%Y-%m-%d %H:%M:%S}.{local.microsecond // 10_000:02d} {local:%Z}"
