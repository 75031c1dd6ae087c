"""Reads for the roster. Every query names its agency; page-sized reads stay within a fixed number
of queries however large the team (annotations, not per-row lookups)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Max, Q, QuerySet

from agencies import clock
from agencies.models import Agency, Policy, Resource, User
from agencies.phone import dial_string
from agencies.selectors import partner_agencies
from notifications.models import Channel
from roster.choices import Decision, PeerStatus, TrainingStanding
from roster.models import (
    Application,
    OnCallShift,
    Peer,
    PeerStatusChange,
    Person,
    TrainingMemo,
)
from roster.models.oncall import overlap

DUE_SOON_DAYS = 30


def get_person(*, agency: Agency, pk: int) -> Person:
    return Person.objects.for_agency(agency).select_related("commanding_officer", "user").get(pk=pk)


def get_peer(*, agency: Agency, pk: int) -> Peer:
    return Peer.objects.for_agency(agency).select_related("person", "team_role").get(pk=pk)


def get_application(*, agency: Agency, pk: int) -> Application:
    return (
        Application.objects.for_agency(agency)
        .select_related("peer__person", "decided_by")
        .get(pk=pk)
    )


def get_shift(*, agency: Agency, pk: int) -> OnCallShift:
    return OnCallShift.objects.for_agency(agency).select_related("peer__person").get(pk=pk)


def get_memo(*, agency: Agency, pk: int) -> TrainingMemo:
    return TrainingMemo.objects.for_agency(agency).select_related("peer__person").get(pk=pk)


def peer_of_user(*, agency: Agency, user_id: int) -> Peer | None:
    return (
        Peer.objects.for_agency(agency)
        .select_related("person", "team_role")
        .filter(person__user_id=user_id)
        .first()
    )


def search_people(*, agency: Agency, query: str = "") -> QuerySet[Person]:
    qs = Person.objects.for_agency(agency)
    for word in query.split()[:5]:
        qs = qs.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(employee_number__iexact=word)
            | Q(unit__icontains=word)
        )
    return qs.select_related("peer")


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


def standing(*, policy: Policy, anchor: date | None, today: date) -> tuple[str, date | None]:
    """Training standing from the last training (or approved memo, or joining date)."""
    if not policy.trainings_per_year:
        return TrainingStanding.NO_CADENCE, None
    if anchor is None:
        return TrainingStanding.OVERDUE, None
    due = anchor + timedelta(days=round(365 / policy.trainings_per_year))
    if due < today:
        return TrainingStanding.OVERDUE, due
    if (due - today).days <= DUE_SOON_DAYS:
        return TrainingStanding.DUE, due
    return TrainingStanding.CURRENT, due


def roster(
    *, agency: Agency, policy: Policy, now: datetime, today: date, filters: dict
) -> list[Peer]:
    qs = (
        Peer.objects.for_agency(agency)
        .select_related("person", "team_role")
        .with_on_call(now)
        .annotate(
            last_training=Max("trainings__date"),
            last_excused=Max("memos__missed_on", filter=Q(memos__decision=Decision.APPROVED)),
        )
        .order_by("person__last_name", "person__first_name")
    )
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    else:
        qs = qs.exclude(status__in=[PeerStatus.DECLINED, PeerStatus.REMOVED, PeerStatus.WITHDRAWN])
    if filters.get("station"):
        qs = qs.filter(Q(person__unit=filters["station"]) | Q(station=filters["station"]))
    if filters.get("on_call"):
        qs = qs.filter(on_call=True)
    rows = list(qs)
    for peer in rows:
        anchor = max(
            (d for d in (peer.last_training, peer.last_excused, peer.active_since) if d),
            default=None,
        )
        peer.standing, peer.training_due = (
            standing(policy=policy, anchor=anchor, today=today)
            if peer.status == PeerStatus.ACTIVE
            else (TrainingStanding.NO_CADENCE, None)
        )
    if filters.get("overdue"):
        rows = [p for p in rows if p.standing == TrainingStanding.OVERDUE]
    return rows


def stations(*, agency: Agency) -> list[str]:
    return list(
        Person.objects.for_agency(agency)
        .exclude(unit="")
        .filter(peer__isnull=False)
        .values_list("unit", flat=True)
        .distinct()
        .order_by("unit")
    )


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


# How the peer header words the day a peer came to their status.
SINCE_WORDS = {
    PeerStatus.APPLICANT: "applied on",
    PeerStatus.DECLINED: "not selected on",
    PeerStatus.IN_TRAINING: "in training since",
    PeerStatus.ACTIVE: "active since",
    PeerStatus.INACTIVE: "inactive since",
    PeerStatus.WITHDRAWN: "withdrew on",
    PeerStatus.REMOVED: "removed on",
}


def status_since(*, peer: Peer) -> tuple[str, date | None]:
    """The words and the day the peer came to their present status: the last change into it
    in the history (an active peer with none falls back on active_since)."""
    entered = (
        PeerStatusChange.objects.for_agency(peer.agency)
        .filter(peer=peer, to_status=peer.status)
        .exclude(from_status=peer.status)
        .order_by("-at", "-id")
        .values_list("at", flat=True)
        .first()
    )
    day = clock.local_day(peer.agency, entered) if entered else None
    if day is None and peer.status == PeerStatus.ACTIVE:
        day = peer.active_since
    return SINCE_WORDS[PeerStatus(peer.status)], day


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


def team_size(*, agency: Agency) -> int:
    return Peer.objects.for_agency(agency).filter(status=PeerStatus.ACTIVE).count()


def recipient_address(message) -> str:
    """Where an outbox message goes: the person's (or the active user's) email, or phone for a
    text; empty when there is nowhere to send it, which cancels the message."""
    sms = message.channel == Channel.SMS
    if message.recipient_type == "person":
        person = Person.objects.filter(pk=message.recipient_id).first()
        if person is None:
            return ""
        return person.phone if sms else person.email
    user = User.objects.filter(pk=message.recipient_id, is_active=True).first()
    if user is None:
        return ""
    if sms:
        person = Person.objects.filter(user=user).exclude(phone="").first()
        return person.phone if person else ""
    return user.email
