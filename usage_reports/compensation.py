"""The compensation report per peer per quarter: comp time, overtime (KCPD III.D) in hours from
accepted call-outs and off-duty forms, and days off under a yearly allowance (SLMPD Team
Activities 8), counted in days against the days allowed."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from activations.models import TimeEntry
from agencies.choices import CompensationBasis
from agencies.models import Agency
from roster.choices import PeerStatus
from roster.models import Peer

from . import periods
from .models import DayOff
from .selectors import in_period


@dataclass
class CompensationRow:
    peer: str
    activation_hours: Decimal
    open_assignments: int  # accepted call-outs whose activation is still open
    off_duty_hours: Decimal
    awaiting_approval_hours: Decimal

    @property
    def total(self) -> Decimal:
        return self.activation_hours + self.off_duty_hours


@dataclass
class DaysOffRow:
    peer_id: int
    peer: str
    this_quarter: int
    this_year: int
    left: int
    days: list[tuple[int, date]]  # this year's, with their ids


@dataclass
class Compensation:
    kind: str
    basis: list[str]
    days_off_per_year: int | None
    rows: list[CompensationRow] = field(default_factory=list)
    days_off: list[DaysOffRow] = field(default_factory=list)
    year: int = 0
    basis_codes: list[str] = field(default_factory=list)

    @property
    def in_hours(self) -> bool:
        """Whether hours are counted: not where the policy gives a yearly allowance alone
        (SLMPD's two days off), whose table of hours would be all 0."""
        return not self.basis_codes or any(b != CompensationBasis.ANNUAL for b in self.basis_codes)

    @property
    def total(self) -> Decimal:
        return sum((r.total for r in self.rows), Decimal(0))


def _hours(minutes: int | None) -> Decimal:
    return (Decimal(minutes or 0) / 60).quantize(Decimal("0.1"))


def compensation(*, agency: Agency, period: periods.Period) -> Compensation:
    policy = agency.policy
    basis = set(policy.compensation_basis)
    result = Compensation(
        kind=policy.get_compensation_display(),
        basis=[CompensationBasis(b).label for b in policy.compensation_basis],
        days_off_per_year=policy.days_off_per_year,
        basis_codes=list(policy.compensation_basis),
        year=period.start.year,
    )
    if policy.days_off_per_year:
        result.days_off = days_off(agency=agency, period=period)
    entries = {
        r["peer"]: r
        for r in TimeEntry.objects.for_agency(agency)
        .filter(started_at__gte=period.start, started_at__lt=period.end)
        .values("peer")
        .annotate(total=Sum("hours"), unsettled=Count("id", filter=Q(hours__isnull=True)))
    }
    off_duty = {
        r["peer"]: r
        for r in in_period(agency, period)
        .filter(on_duty=False)
        .values("peer")
        .annotate(
            minutes=Sum("duration_minutes"),
            approved=Sum("duration_minutes", filter=Q(compensation_approved=True)),
            declined=Sum("duration_minutes", filter=Q(compensation_declined=True)),
        )
    }
    counts_off_duty = CompensationBasis.OFF_DUTY_CONTACT in basis
    needs_approval = CompensationBasis.APPROVED_OFF_DUTY_CONSULT in basis
    peers = Peer.objects.for_agency(agency).filter(pk__in={*entries, *off_duty})
    for peer in peers.select_related("person").order_by("person__last_name"):
        entry, forms = entries.get(peer.pk, {}), off_duty.get(peer.pk, {})
        if counts_off_duty:
            earned, waiting = _hours(forms.get("minutes")), Decimal(0)
        elif needs_approval:
            earned = _hours(forms.get("approved"))
            waiting = _hours(forms.get("minutes")) - earned - _hours(forms.get("declined"))
        else:
            earned = waiting = Decimal(0)
        result.rows.append(
            CompensationRow(
                peer=peer.person.full_name,
                activation_hours=entry.get("total") or Decimal(0),
                open_assignments=entry.get("unsettled", 0),
                off_duty_hours=earned,
                awaiting_approval_hours=waiting,
            )
        )
    return result


def pending_approvals(*, agency: Agency, period: periods.Period):
    """Off-duty consults in the period the lead has neither approved nor declined (KCPD
    III.D.2)."""
    return (
        in_period(agency, period)
        .filter(on_duty=False, compensation_approved=False, compensation_declined=False)
        .select_related("peer__person", "incident_type", "intervention_type")
        .order_by("served_at")
    )


# Who holds a yearly allowance: the team, and anyone who took a day of it this year.
ON_THE_TEAM = (PeerStatus.ACTIVE, PeerStatus.IN_TRAINING, PeerStatus.INACTIVE)


def allowance_holders(*, agency: Agency) -> QuerySet[Peer]:
    """The team members a day off can be recorded for, by name."""
    return (
        Peer.objects.for_agency(agency)
        .filter(status__in=ON_THE_TEAM)
        .select_related("person")
        .order_by("person__last_name", "person__first_name")
    )


def days_off(*, agency: Agency, period: periods.Period) -> list[DaysOffRow]:
    """Each team member's days off against the policy's allowance, for the period's year
    (SLMPD Team Activities 8)."""
    allowed = agency.policy.days_off_per_year or 0
    year = period.start.year
    taken: dict[int, list[date]] = {}
    days: dict[int, list[tuple[int, date]]] = {}
    for pk, peer_id, day in (
        DayOff.objects.for_agency(agency)
        .filter(taken_on__year=year)
        .values_list("pk", "peer_id", "taken_on")
    ):
        taken.setdefault(peer_id, []).append(day)
        days.setdefault(peer_id, []).append((pk, day))
    peers = Peer.objects.for_agency(agency).filter(Q(status__in=ON_THE_TEAM) | Q(pk__in=taken))
    first, last = period.start.date(), (period.end - timedelta(days=1)).date()
    return [
        DaysOffRow(
            peer_id=peer.pk,
            peer=peer.person.full_name,
            this_quarter=sum(1 for d in taken.get(peer.pk, []) if first <= d <= last),
            this_year=len(taken.get(peer.pk, [])),
            left=max(0, allowed - len(taken.get(peer.pk, []))),
            days=sorted(days.get(peer.pk, []), key=lambda d: d[1]),
        )
        for peer in peers.select_related("person").order_by("person__last_name", "pk")
    ]
