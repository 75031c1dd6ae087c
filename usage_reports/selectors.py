"""Reading usage forms: a peer's own, all of them for the coordinator, and the statistics."""

import zoneinfo
from dataclasses import dataclass, field

from django.db import connection
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
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

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


GROUPED = ("month", "incident_type", "intervention_type", "contact_mode", "on_duty", "peer")

GROUPING_SETS_SQL = """
SELECT date_trunc('month', served_at AT TIME ZONE %(tz)s)::date AS month, incident_type_id,
       intervention_type_id, contact_mode, on_duty, peer_id, COUNT(*), SUM(duration_minutes),
       GROUPING(date_trunc('month', served_at AT TIME ZONE %(tz)s)::date, incident_type_id,
                intervention_type_id, contact_mode, on_duty, peer_id)
FROM usage_reports_usagereport
WHERE agency_id = %(agency)s AND served_at >= %(start)s AND served_at < %(end)s
GROUP BY GROUPING SETS ((date_trunc('month', served_at AT TIME ZONE %(tz)s)::date),
                        (incident_type_id), (intervention_type_id), (contact_mode), (on_duty),
                        (peer_id), ())
"""


def _grouped_counts(agency: Agency, period: Period) -> dict[str, dict]:
    """Counts (and minutes) by each column of GROUPED, and the total under "". PostgreSQL
    computes them all in one pass over the period's rows; elsewhere one query per column."""
    result: dict[str, dict] = {key: {} for key in GROUPED}
    if connection.vendor == "postgresql":
        params = {"tz": agency.time_zone, "agency": agency.pk,
                  "start": period.start, "end": period.end}  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute(GROUPING_SETS_SQL, params)
            rows = cursor.fetchall()
        full = (1 << len(GROUPED)) - 1
        for *values, count, minutes, grouping in rows:
            if grouping == full:
                result[""] = {None: (count, minutes or 0)}
                continue
            # GROUPING() sets a bit for each column *not* grouped; the clear one is this set's.
            index = next(
                i for i in range(len(GROUPED)) if not grouping >> (len(GROUPED) - 1 - i) & 1
            )
            result[GROUPED[index]][values[index]] = (count, minutes or 0)
        result.setdefault("", {None: (0, 0)})
        return result
    qs = in_period(agency, period)
    tz = zoneinfo.ZoneInfo(agency.time_zone)
    for key in GROUPED:
        rows = (
            (qs.annotate(month=TruncMonth("served_at", tzinfo=tz)) if key == "month" else qs)
            .values(key)
            .annotate(n=Count("id"), minutes=Sum("duration_minutes"))
        )
        for row in rows:
            value = row[key]
            if key == "month" and hasattr(value, "date"):
                value = value.date()
            result[key][value] = (row["n"], row["minutes"] or 0)
    totals = qs.aggregate(n=Count("id"), minutes=Sum("duration_minutes"))
    result[""] = {None: (totals["n"], totals["minutes"] or 0)}
    return result


def statistics(
    *, agency: Agency, period: Period, per_peer: bool, suppress_everything: bool
) -> Statistics:
    """Counts for one period, computed by the database. Counts below the policy's threshold are
    hidden in every table cut finer than a quarter, and in every table for viewers who see
    aggregates only (`suppress_everything`)."""
    threshold = agency.policy.stats_suppression_threshold
    grouped = _grouped_counts(agency, period)
    counts = {key: {k: v[0] for k, v in grouped[key].items()} for key in GROUPED}
    total, minutes = grouped[""][None]
    tz = zoneinfo.ZoneInfo(agency.time_zone)
    this_month = timezone.localtime(timezone=tz).date().replace(day=1)
    months = [m for m in period.months if m <= this_month]
    coarse = None if not suppress_everything else threshold
    modes, duty = counts["contact_mode"], counts["on_duty"]
    stats = Statistics(
        period=period,
        total=total,
        minutes=minutes,
        threshold=threshold,
        by_month=cells(
            [(f"{m:%B %Y}", counts["month"].get(m, 0)) for m in months], threshold=threshold
        ),
        by_incident=cells(_listed(IncidentType, agency, counts["incident_type"]), threshold=coarse),
        by_intervention=cells(
            _listed(InterventionType, agency, counts["intervention_type"]), threshold=coarse
        ),
        by_mode=cells(
            [(label, modes.get(code, 0)) for code, label in ContactMode.choices], threshold=coarse
        ),
        by_duty=cells(
            [("On duty", duty.get(True, 0)), ("Off duty", duty.get(False, 0))], threshold=coarse
        ),
    )
    if per_peer:
        rows = grouped["peer"]
        peers = Peer.objects.for_agency(agency).filter(pk__in=rows).select_related("person")
        stats.by_peer = sorted(
            ((p.person.full_name, *rows[p.pk]) for p in peers), key=lambda r: (-r[1], r[0])
        )
    return stats
