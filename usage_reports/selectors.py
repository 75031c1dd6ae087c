"""Reading usage forms: a peer's own, all of them for the coordinator, and the statistics."""

import zoneinfo
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from agencies.models import Agency, IncidentType, InterventionType
from roster.models import Peer

from .models import ContactMode, UsageReport
from .periods import Period
from .suppression import Cell, cells


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
    total: int
    minutes: int
    threshold: int
    by_month: list[Cell]
    by_incident: list[Cell]
    by_intervention: list[Cell]
    by_mode: list[Cell]
    by_duty: list[Cell]
    by_peer: list[tuple[str, int, int]] = field(default_factory=list)  # name, forms, minutes

    @property
    def tables(self) -> list[tuple[str, list[Cell]]]:
        return [
            ("By month", self.by_month),
            ("By incident type", self.by_incident),
            ("By intervention", self.by_intervention),
            ("By contact mode", self.by_mode),
            ("On or off duty", self.by_duty),
        ]


def _counts(qs: QuerySet, column: str) -> dict:
    return {row[column]: row["n"] for row in qs.values(column).annotate(n=Count("id"))}


def _listed(model, agency: Agency, used: dict) -> list[tuple[str, int]]:
    """The agency's list in its own order, with retired entries only where they were used."""
    items = model.objects.for_agency(agency).order_by("position", "id")
    return [(i.label, used.get(i.pk, 0)) for i in items if i.active or used.get(i.pk)]


def statistics(
    *, agency: Agency, period: Period, per_peer: bool, suppress_everything: bool
) -> Statistics:
    """Counts for one period, computed by the database. Counts below the policy's threshold are
    hidden in every table cut finer than a quarter, and in every table for viewers who see
    aggregates only (`suppress_everything`)."""
    threshold = agency.policy.stats_suppression_threshold
    qs = in_period(agency, period)
    totals = qs.aggregate(n=Count("id"), minutes=Sum("duration_minutes"))
    tz = zoneinfo.ZoneInfo(agency.time_zone)
    monthly = {
        row["month"].date() if hasattr(row["month"], "date") else row["month"]: row["n"]
        for row in qs.annotate(month=TruncMonth("served_at", tzinfo=tz))
        .values("month")
        .annotate(n=Count("id"))
    }
    this_month = timezone.localtime(timezone=tz).date().replace(day=1)
    months = [m for m in period.months if m <= this_month]
    coarse = None if not suppress_everything else threshold
    modes = _counts(qs, "contact_mode")
    duty = _counts(qs, "on_duty")
    stats = Statistics(
        period=period,
        total=totals["n"],
        minutes=totals["minutes"] or 0,
        threshold=threshold,
        by_month=cells([(f"{m:%B %Y}", monthly.get(m, 0)) for m in months], threshold=threshold),
        by_incident=cells(
            _listed(IncidentType, agency, _counts(qs, "incident_type")), threshold=coarse
        ),
        by_intervention=cells(
            _listed(InterventionType, agency, _counts(qs, "intervention_type")), threshold=coarse
        ),
        by_mode=cells(
            [(label, modes.get(code, 0)) for code, label in ContactMode.choices], threshold=coarse
        ),
        by_duty=cells(
            [("On duty", duty.get(True, 0)), ("Off duty", duty.get(False, 0))], threshold=coarse
        ),
    )
    if per_peer:
        rows = {
            r["peer"]: (r["n"], r["minutes"])
            for r in qs.values("peer").annotate(n=Count("id"), minutes=Sum("duration_minutes"))
        }
        peers = Peer.objects.for_agency(agency).filter(pk__in=rows).select_related("person")
        stats.by_peer = sorted(
            ((p.person.full_name, *rows[p.pk]) for p in peers), key=lambda r: (-r[1], r[0])
        )
    return stats
