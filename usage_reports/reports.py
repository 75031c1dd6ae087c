"""The reports built on the usage forms: the quarterly program report (KCPD IV.B.2.f) and the
year-over-year program evaluation (St. Joseph II.H.2); compensation is in compensation.py. Each
is a plain structure the page, the CSV and the PDF all render."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum

from activations.models import Activation, CallOut, CallState
from agencies.choices import CompensationBasis
from agencies.models import Agency, IncidentType
from roster.models import TrainingRecord

from . import periods
from .compensation import Compensation, _hours, compensation
from .selectors import Statistics, _cells, _counts, _listed, in_period, reading, statistics
from .suppression import Cell, Figure, protect


@dataclass
class Quarterly:
    period: periods.Period
    stats: Statistics
    activations: int
    activations_by_type: list[Cell]
    peers_accepted: int
    compensation: Compensation | None  # per peer: coordinators only
    compensation_total: Decimal | None  # None: hidden with the off-duty count it rides on


def quarterly(*, agency: Agency, period: periods.Period, per_peer: bool) -> Quarterly:
    opened = Activation.objects.for_agency(agency).filter(
        opened_at__gte=period.start, opened_at__lt=period.end
    )
    by_type = _counts(opened, "incident_type")
    comp = compensation(agency=agency, period=period)
    stats = statistics(
        agency=agency, period=period, per_peer=per_peer, suppress_everything=not per_peer
    )
    off_duty = next((c for c in stats.by_duty if c.label == "Off duty"), Figure(None))
    rides_on_forms = bool(
        {CompensationBasis.OFF_DUTY_CONTACT, CompensationBasis.APPROVED_OFF_DUTY_CONSULT}
        & set(agency.policy.compensation_basis)
    )
    threshold = None if per_peer else agency.policy.stats_suppression_threshold
    types = [(label, by_type.get(pk, 0)) for pk, label in _listed(IncidentType, agency, by_type)]
    return Quarterly(
        period=period,
        stats=stats,
        activations=opened.count(),
        activations_by_type=activation_cells(types, threshold=threshold) if opened else [],
        peers_accepted=CallOut.objects.filter(
            activation__in=opened, state=CallState.ACCEPTED
        ).count(),
        compensation=comp if per_peer else None,
        compensation_total=None if rides_on_forms and off_duty.suppressed else comp.total,
    )


def activation_cells(labelled: list[tuple[str, int]], *, threshold: int | None) -> list[Cell]:
    """Activations by type, with their total shown: the same rule as a quarter's tables, and
    when none will do, every type hidden (activations are counted apart from usage forms)."""
    values = [v for _, v in labelled]
    hidden = protect(values, threshold) if threshold else [False] * len(values)
    if hidden is None:
        hidden = [True] * len(values)
    return _cells(
        [(label, Figure(None if h else v, h and v < threshold))
         for (label, v), h in zip(labelled, hidden, strict=True)]
    )  # fmt: skip


@dataclass
class Year:
    year: int
    contacts: Figure
    hours: Decimal | None  # hidden with the contacts
    activations: int
    peers_reporting: int | None  # hidden with the contacts
    training_hours: Decimal
    by_incident: dict[str, Figure]


@dataclass
class Evaluation:
    years: list[Year]
    incident_labels: list[str]
    threshold: int | None


def evaluation(*, agency: Agency, years: int = 3, suppress_everything: bool) -> Evaluation:
    """The last `years` calendar years side by side, this one to date, as `reading` decides."""
    this_year = int(periods.current_quarter(agency).key[:4])
    seen = reading(agency=agency, period=None, aggregates_only=suppress_everything)
    decision = seen.disclosure
    incidents = seen.listing["incident_type"]
    rows = []
    for year in range(this_year - years + 1, this_year + 1):
        period = periods.parse(str(year), agency)
        contacts = decision.totals.get(str(year), Figure(0))
        minutes = sum(seen.counts.minutes.get(m, 0) for m in period.months)
        peers = in_period(agency, period).aggregate(n=Count("peer", distinct=True))["n"]
        training = TrainingRecord.objects.for_agency(agency).filter(date__year=year)
        rows.append(
            Year(
                year=year,
                contacts=contacts,
                hours=None if contacts.suppressed else _hours(minutes),
                # Activations are counted whole on the quarterly report too: they are incidents
                # the department knows of, and their count names no member.
                activations=Activation.objects.for_agency(agency)
                .filter(opened_at__gte=period.start, opened_at__lt=period.end)
                .count(),
                peers_reporting=None if contacts.suppressed else peers,
                training_hours=training.aggregate(h=Sum("hours"))["h"] or Decimal(0),
                by_incident={
                    label: decision.cell(str(year), "incident_type", pk) for pk, label in incidents
                },
            )
        )
    return Evaluation(
        years=rows, incident_labels=[label for _, label in incidents], threshold=decision.threshold
    )
