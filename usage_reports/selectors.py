"""Reading usage forms: a peer's own, all of them for the coordinator, and the statistics."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, QuerySet

from agencies import clock
from agencies.choices import FieldUse
from agencies.models import Agency, IncidentType, InterventionType
from roster.models import Peer

from . import counts as counting
from . import periods
from .models import ContactMode, UsageReport
from .periods import Period
from .suppression import Cell, Disclosure, Figure, decide


def reports_of_peer(*, agency: Agency, peer: Peer) -> QuerySet[UsageReport]:
    return (
        UsageReport.objects.for_agency(agency)
        .filter(peer=peer)
        .select_related("incident_type", "intervention_type", "activation__incident_type")
    )


def reports_for_agency(*, agency: Agency) -> QuerySet[UsageReport]:
    return UsageReport.objects.for_agency(agency).select_related(
        "peer__person", "incident_type", "intervention_type"
    )


def get_report(*, agency: Agency, pk: int) -> UsageReport:
    return reports_for_agency(agency=agency).get(pk=pk)


def in_period(agency: Agency, period: Period) -> QuerySet[UsageReport]:
    return UsageReport.objects.for_agency(agency).filter(
        served_at__gte=period.start, served_at__lt=period.end
    )


@dataclass
class Statistics:
    period: Period
    total: Figure
    minutes: int | None  # None: hidden with the total
    threshold: int | None  # None: every count is shown
    by_month: list[Cell]
    by_incident: list[Cell]
    by_intervention: list[Cell]
    by_mode: list[Cell]
    by_duty: list[Cell]
    by_peer: list[tuple[str, int, int]] = field(default_factory=list)  # name, forms, minutes
    counts_hours: bool = True  # False where the usage form does not ask how long

    @property
    def hours(self) -> float | None:
        return None if self.minutes is None else round(self.minutes / 60, 1)

    @property
    def tables(self) -> list[tuple[str, list[Cell]]]:
        """The breakdowns of what the agency collects (none of contact mode or duty where the
        usage form does not ask them)."""
        tables = [
            ("By month", self.by_month),
            ("By incident type", self.by_incident),
            ("By intervention", self.by_intervention),
            ("By contact mode", self.by_mode),
            ("On or off duty", self.by_duty),
        ]
        return [(title, cells) for title, cells in tables if cells or title == "By month"]


def _counts(qs: QuerySet, column: str) -> dict:
    return {row[column]: row["n"] for row in qs.values(column).annotate(n=Count("id"))}


def _listed(model, agency: Agency, used) -> list[tuple]:
    """The agency's list in its own order, with retired entries only where they were used."""
    items = model.objects.for_agency(agency).order_by("position", "id")
    return [(i.pk, i.label) for i in items if i.active or i.pk in used]


# The breakdowns of a field the usage form may leave out, and the policy point that says so.
OPTIONAL_BREAKDOWNS = {
    "contact_mode": ("usage_contact_mode", ""),
    "on_duty": ("usage_on_duty", None),
}


def listing(agency: Agency, counts: counting.Counts) -> dict[str, list[tuple]]:
    """Each breakdown's entries and labels: the agency's lists (retired entries where the counts
    use them) and the fixed ones. A field the policy does not collect has no breakdown; one it
    may leave out, or that forms of before left out, has "Not recorded", so that every table
    still adds up to the total."""
    entries = {
        "incident_type": _listed(IncidentType, agency, counts.entries("incident_type")),
        "intervention_type": _listed(InterventionType, agency, counts.entries("intervention_type")),
        "contact_mode": list(ContactMode.choices),
        "on_duty": [(True, "On duty"), (False, "Off duty")],
    }
    for dimension, (point, empty) in OPTIONAL_BREAKDOWNS.items():
        use = getattr(agency.policy, point)
        if use == FieldUse.OFF:
            entries[dimension] = []
        elif use == FieldUse.OPTIONAL or empty in counts.entries(dimension):
            entries[dimension].append((empty, "Not recorded"))
    return entries


def _this_month(agency: Agency) -> date:
    return clock.today(agency).replace(day=1)


@dataclass
class Reading:
    """Everything one reader may be shown over some months, and the counts behind it."""

    counts: counting.Counts
    listing: dict[str, list[tuple]]
    disclosure: Disclosure


def reading(
    *, agency: Agency, period: Period | None, aggregates_only: bool, per_peer: bool = False
) -> Reading:
    """A coordinator (who reads every form) is shown every count of `period`, and with
    `per_peer` each peer's (`counts.peers`). A reader of aggregates only is shown the agency's
    one decision over every period offered (this year and the two before), whichever period
    the page is about, so that no two figures of any pages can be set against each other to
    work out a hidden one; and nothing per peer."""
    if per_peer and (aggregates_only or period is None):
        raise ValueError("per-peer figures are for a reader of every form, over one period")
    this_month = _this_month(agency)
    if aggregates_only or period is None:
        start = periods.parse(str(this_month.year - 2), agency)
        end = periods.parse(str(this_month.year), agency)
        start_at, end_at = start.start, end.end
        months = [m for p in (start, periods.parse(str(this_month.year - 1), agency), end)
                  for m in p.months if m <= this_month]  # fmt: skip
    else:
        start_at, end_at = period.start, period.end
        months = [m for m in period.months if m <= this_month]
    counts = counting.monthly(agency=agency, start=start_at, end=end_at, per_peer=per_peer)
    entries = listing(agency, counts)
    threshold = agency.policy.stats_suppression_threshold if aggregates_only else None
    decision = decide(
        counts=counts,
        months=months,
        entries={d: [e for e, _ in entries[d]] for d in counting.DIMENSIONS},
        threshold=threshold,
    )
    return Reading(counts, entries, decision)


def _cells(figures: list[tuple[str, Figure]]) -> list[Cell]:
    top = max([f.value for _, f in figures if f.value is not None] or [0])
    return [
        Cell(f.value, f.small, label, (f.value / top) if f.value and top else 0.0)
        for label, f in figures
    ]


def statistics(
    *, agency: Agency, period: Period, per_peer: bool, suppress_everything: bool
) -> Statistics:
    """The counts of one period as `reading` decides them; per peer for the coordinator."""
    seen = reading(
        agency=agency, period=period, aggregates_only=suppress_everything, per_peer=per_peer
    )
    decision = seen.disclosure
    months = [m for m in period.months if m <= _this_month(agency)]
    total = decision.totals.get(period.key, Figure(0))
    minutes = None if total.suppressed else sum(seen.counts.minutes.get(m, 0) for m in months)

    def table(dimension: str) -> list[Cell]:
        return _cells(
            [(label, decision.cell(period.key, dimension, entry))
             for entry, label in seen.listing[dimension]]
        )  # fmt: skip

    stats = Statistics(
        period=period,
        total=total,
        minutes=minutes,
        threshold=decision.threshold,
        by_month=_cells([(f"{m:%B %Y}", decision.months.get(m, Figure(0))) for m in months]),
        by_incident=table("incident_type"),
        by_intervention=table("intervention_type"),
        by_mode=table("contact_mode"),
        by_duty=table("on_duty"),
        counts_hours=agency.policy.usage_duration != FieldUse.OFF,
    )
    if per_peer:
        rows = seen.counts.peers
        # Only the names: a whole team's peer and person rows cost more to load than to count.
        names = (
            Peer.objects.for_agency(agency)
            .filter(pk__in=rows)
            .values_list("pk", "person__first_name", "person__last_name")
        )
        stats.by_peer = sorted(
            ((f"{first} {last}", *rows[pk]) for pk, first, last in names),
            key=lambda r: (-r[1], r[0]),
        )
    return stats
