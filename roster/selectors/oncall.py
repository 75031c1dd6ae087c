"""Reads for on call: the officer's lookup, the schedule, its gaps and overlaps."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Count, Min, Q, QuerySet, Subquery

from agencies.models import Agency, Policy, Resource
from agencies.phone import dial_string
from agencies.selectors import partner_agencies
from roster.models import OnCallShift, Peer
from roster.models.oncall import overlap
from roster.models.team import away


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


_CONTACT_FIELDS = (
    "pk", "person__first_name", "person__last_name", "team_role__label", "person__rank",
    "person__unit", "person__phone", "person__email", "on_call", "away", "unavailable_until",
)  # fmt: skip


def _contact(row: tuple, policy: Policy) -> Contact:
    pk, first, last, role, rank, unit, phone, email, on_call, is_away, until = row
    return Contact(
        pk=pk,
        name=f"{first} {last}",
        title=role or policy.peer_title,
        rank=rank,
        unit=unit,
        phone=phone,
        email=email,
        on_call=on_call,
        unavailable_until=until if is_away else None,
    )


def _team(agency: Agency, policy: Policy, now: datetime):
    return Peer.objects.for_agency(agency).reachable(policy).with_on_call(now)


def _on_call_now(now: datetime) -> Q:
    """On call and available: the peers the lookup puts first."""
    return Q(on_call=True) & ~away(now)


def _contacts(agency: Agency, policy: Policy, now: datetime) -> list[Contact]:
    rows = (
        _team(agency, policy, now)
        .order_by("person__last_name", "person__first_name")
        .values_list(*_CONTACT_FIELDS)
    )
    return [_contact(row, policy) for row in rows]


def partners_on_call(
    *, agency: Agency, policy: Policy, now: datetime
) -> list[tuple[Agency, list[Contact]]]:
    """Where both agencies' policies and an accepted partnership allow it, each partner agency's
    peers on call and available now; on PostgreSQL an explicit policy lets these rows through
    (roster/policies.py)."""
    partners = []
    if not policy.partner_peers_in_lookup:
        return partners
    for partner in partner_agencies(agency=agency):
        if partner.policy.partner_peers_in_lookup:
            rows = (
                _team(partner, partner.policy, now)
                .filter(_on_call_now(now))
                .order_by("person__last_name", "person__first_name", "pk")
                .values_list(*_CONTACT_FIELDS)
            )
            found = [_contact(row, partner.policy) for row in rows]
            if found:
                partners.append((partner, found))
    return partners


def lookup(*, agency: Agency, policy: Policy, now: datetime) -> Lookup:
    """Who to call now, the whole team (the printable roll-call sheet): peers on call and
    available first, then every other active peer, then (where both agencies allow it) partner
    agencies' peers on call now. Reads plain values, not model instances."""
    contacts = _contacts(agency, policy, now)
    on_call = [c for c in contacts if c.on_call and c.available]
    others = [c for c in contacts if not (c.on_call and c.available)]
    others.sort(key=lambda c: not c.available)
    partners = partners_on_call(agency=agency, policy=policy, now=now)
    resources = list(Resource.objects.for_agency(agency))
    return Lookup(on_call=on_call, others=others, resources=resources, partners=partners)


@dataclass
class LookupPage:
    """The lookup page's part of the agency's own team: everyone on call and available now, one
    page of the rest (available first, then by name), and the next moment that changes with
    the clock alone (a shift starts or ends, a peer is back), after which it is out of date."""

    on_call: list[Contact]
    others: Page
    changes_at: datetime | None


def lookup_page(
    *, agency: Agency, policy: Policy, now: datetime, page: int | str | None, per_page: int
) -> LookupPage:
    """Chosen and paginated in SQL, in three queries however large the team: those on call;
    how many others there are and when the page next changes; and one page of the others."""
    team = _team(agency, policy, now)
    by_name = ("person__last_name", "person__first_name", "pk")
    on_call = team.filter(_on_call_now(now)).order_by(*by_name).values_list(*_CONTACT_FIELDS)
    summary = _summary(agency, team, now)
    rest = team.exclude(_on_call_now(now)).order_by("away", *by_name)
    paginator = Paginator(rest.values_list(*_CONTACT_FIELDS), per_page)
    paginator.count = summary["others"]  # counted above, in the same query as the changes
    others = paginator.get_page(page)
    others.object_list = [_contact(row, policy) for row in others.object_list]
    moments = [summary[k] for k in ("shift_starts", "shift_ends", "back") if summary[k]]
    return LookupPage(
        on_call=[_contact(row, policy) for row in on_call],
        others=others,
        changes_at=min(moments, default=None),
    )


def _summary(agency: Agency, team, now: datetime) -> dict:
    """How many reachable peers are not on call now, and the next moment the clock alone changes
    what the lookup shows: a shift of the agency starts or ends, or a peer is back."""
    shifts = OnCallShift.objects.for_agency(agency).values("agency")

    def first(field: str):
        ahead = shifts.filter(**{f"{field}__gt": now}).annotate(at=Min(field)).values("at")
        return Min(Subquery(ahead))

    return team.aggregate(
        others=Count("pk", filter=~_on_call_now(now)),
        back=Min("unavailable_until", filter=Q(unavailable_until__gt=now)),
        shift_starts=first("starts_at"),
        shift_ends=first("ends_at"),
    )


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
