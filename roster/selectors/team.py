"""Reads for the team: peers, applications, training standing and a peer's record."""

from datetime import date, datetime, timedelta

from django.db.models import Max, Q, QuerySet

from agencies import clock
from agencies.models import Agency, Policy
from roster.choices import Decision, PeerStatus, TrainingStanding
from roster.models import (
    Application,
    Peer,
    PeerStatusChange,
    TrainingMemo,
    TrainingRecord,
)

DUE_SOON_DAYS = 30


def get_peer(*, agency: Agency, pk: int) -> Peer:
    return Peer.objects.for_agency(agency).select_related("person", "team_role").get(pk=pk)


def peer_of_user(*, agency: Agency, user_id: int) -> Peer | None:
    return (
        Peer.objects.for_agency(agency)
        .select_related("person", "team_role")
        .filter(person__user_id=user_id)
        .first()
    )


def active_peers(*, agency: Agency) -> QuerySet[Peer]:
    """The agency's active peers with their names, by last name."""
    return (
        Peer.objects.for_agency(agency)
        .filter(status=PeerStatus.ACTIVE)
        .select_related("person")
        .order_by("person__last_name")
    )


def team_size(*, agency: Agency) -> int:
    return Peer.objects.for_agency(agency).filter(status=PeerStatus.ACTIVE).count()


def applications_for(*, agency: Agency) -> QuerySet[Application]:
    """The agency's applications, those undecided first, then the newest."""
    return (
        Application.objects.for_agency(agency)
        .select_related("peer__person")
        .order_by("decision", "-submitted_on")
    )


def get_application(*, agency: Agency, pk: int) -> Application:
    return (
        Application.objects.for_agency(agency)
        .select_related("peer__person", "decided_by")
        .get(pk=pk)
    )


def get_memo(*, agency: Agency, pk: int) -> TrainingMemo:
    return TrainingMemo.objects.for_agency(agency).select_related("peer__person").get(pk=pk)


# A peer's own record, each newest first (the models' order); the peer was found in its agency.


def status_history(*, peer: Peer) -> QuerySet[PeerStatusChange]:
    return peer.history.select_related("actor")


def trainings_of(*, peer: Peer) -> QuerySet[TrainingRecord]:
    return peer.trainings.all()


def memos_of(*, peer: Peer) -> QuerySet[TrainingMemo]:
    return peer.memos.all()


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
