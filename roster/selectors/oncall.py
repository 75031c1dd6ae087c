"""Reads for on call: the officer's lookup, the schedule, its gaps and overlaps."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet

from agencies.models import Agency, Policy, Resource
from agencies.phone import dial_string
from agencies.selectors import partner_agencies
from roster.models import OnCallShift, Peer
from roster.models.oncall import overlap


def get_shift(*, agency: Agency, pk: int) -> OnCallShift:
    return OnCallShift.objects.for_agency(agency).select_related("peer__person").get(pk=pk)


@dataclass(frozen=True)
class Contact:
    """One peer as the lookup shows them: only what an officer needs to reach them."""

    pk: int
    name: str
    title: str
    rank: str
    unit: str
    phone: str
    email: str
    on_call: bool
    unavailable_until: datetime | None

    @property
    def available(self) -> bool:
        return self.unavailable_until is None

    @property
    def dial(self) -> str:
        return dial_string(self.phone)


@dataclass
class Lookup:
    on_call: list[Contact]
    others: list[Contact]
    resources: list[Resource]
    partners: list[tuple[Agency, list[Contact]]]


def _contacts(agency: Agency, policy: Policy, now: datetime) -> list[Contact]:
    rows = (
        Peer.objects.for_agency(agency)
        .reachable(policy)
        .with_on_call(now)
        .order_by("person__last_name", "person__first_name")
        .values_list(
            "pk", "person__first_name", "person__last_name", "team_role__label",
            "person__rank", "person__unit", "person__phone", "person__email", "on_call",
            "away", "unavailable_until",
        )
    )  # fmt: skip
    return [
        Contact(
            pk=pk,
            name=f"{first} {last}",
            title=role or policy.peer_title,
            rank=rank,
            unit=unit,
            phone=phone,
            email=email,
            on_call=on_call,
            unavailable_until=until if away else None,
        )
        for pk, first, last, role, rank, unit, phone, email, on_call, away, until in rows
    ]


def lookup(*, agency: Agency, policy: Policy, now: datetime) -> Lookup:
    """Who to call now: peers on call and available first, then every other active peer, then
    (where both agencies allow it) partner agencies' peers on call now. Reads plain values, not
    model instances: with a thousand peers that is the difference between a page in
    milliseconds and one in a quarter of a second."""
    contacts = _contacts(agency, policy, now)
    on_call = [c for c in contacts if c.on_call and c.available]
    others = [c for c in contacts if not (c.on_call and c.available)]
    others.sort(key=lambda c: not c.available)
    partners = []
    if policy.partner_peers_in_lookup:
        for partner in partner_agencies(agency=agency):
            if partner.policy.partner_peers_in_lookup:
                # Both agencies' policies and an accepted partnership allow it; on PostgreSQL
                # an explicit policy lets these rows through (roster/policies.py).
                contacts = _contacts(partner, partner.policy, now)
                found = [c for c in contacts if c.on_call and c.available]
                if found:
                    partners.append((partner, found))
    resources = list(Resource.objects.for_agency(agency))
    return Lookup(on_call=on_call, others=others, resources=resources, partners=partners)


def schedule_shifts(*, agency: Agency, now: datetime, days: int) -> QuerySet[OnCallShift]:
    """The shifts of the next `days` days (and the one going on), each marked whether it is
    on now."""
    return (
        OnCallShift.objects.for_agency(agency)
        .overlapping(now, now + timedelta(days=days))
        .with_current(now)
        .select_related("peer__person")
    )


def shifts_ahead(*, peer: Peer, now: datetime) -> QuerySet[OnCallShift]:
    """The peer's shifts not over yet, soonest first."""
    return peer.shifts.not_over(now)


def gaps(
    *, agency: Agency, policy: Policy, now: datetime, days: int = 14
) -> tuple[list[tuple[datetime, datetime]], float]:
    """Stretches of the next `days` days with nobody reachable on call, and their total hours."""
    end = now + timedelta(days=days)
    reachable = Peer.objects.for_agency(agency).reachable(policy)
    spans = (
        OnCallShift.objects.for_agency(agency)
        .overlapping(now, end)
        .filter(peer__in=reachable)
        .order_by("starts_at")
        .values_list("starts_at", "ends_at")
    )
    holes: list[tuple[datetime, datetime]] = []
    cursor = now
    for starts, ends in spans:
        if starts > cursor:
            holes.append((cursor, starts))
        cursor = max(cursor, ends)
    if cursor < end:
        holes.append((cursor, end))
    hours = sum((b - a).total_seconds() for a, b in holes) / 3600
    return holes, hours


def overlapping_shifts(
    *, agency: Agency, shifts: list[OnCallShift]
) -> list[tuple[OnCallShift, OnCallShift]]:
    """Other peers' shifts at the same time as these, each as (this shift, the other), in time
    order: allowed, but the coordinator is told of them."""
    if not shifts:
        return []
    when = Q()
    for shift in shifts:
        when |= overlap(shift.starts_at, shift.ends_at)
    mine = {shift.peer_id for shift in shifts}
    others = (
        OnCallShift.objects.for_agency(agency)
        .filter(when)
        .exclude(peer_id__in=mine)
        .select_related("peer__person")
        .order_by("starts_at", "id")
    )
    return [(shift, other) for other in others for shift in shifts if shift.overlaps(other)]
