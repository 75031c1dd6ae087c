"""Counting usage forms: per month of the agency's calendar, each month's forms and minutes, and
its forms by each breakdown. Every statistic, page or export, is a sum of these."""

from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import connection, transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from agencies import clock
from agencies.models import Agency

from .models import UsageReport

DIMENSIONS = ("incident_type", "intervention_type", "contact_mode", "on_duty")


@dataclass
class Counts:
    forms: dict[date, int] = field(default_factory=dict)  # month -> forms
    minutes: dict[date, int] = field(default_factory=dict)  # month -> minutes of support
    # dimension -> month -> entry (an id, a mode code, True/False) -> forms
    by: dict[str, dict[date, dict]] = field(
        default_factory=lambda: {d: defaultdict(dict) for d in DIMENSIONS}
    )

    def entries(self, dimension: str) -> set:
        return {key for month in self.by[dimension].values() for key in month}


COUNTS_SQL = """
SELECT month, incident_type_id, intervention_type_id, contact_mode, on_duty, COUNT(*),
       SUM(duration_minutes), GROUPING(incident_type_id, intervention_type_id, contact_mode,
                                       on_duty)
FROM (SELECT date_trunc('month', served_at AT TIME ZONE %(tz)s)::date AS month, incident_type_id,
             intervention_type_id, contact_mode, on_duty, duration_minutes
      FROM usage_reports_usagereport
      WHERE agency_id = %(agency)s AND served_at >= %(start)s AND served_at < %(end)s) AS forms
GROUP BY GROUPING SETS ((month), (month, incident_type_id), (month, intervention_type_id),
                        (month, contact_mode), (month, on_duty))
"""


@contextmanager
def _room_to_count():
    """On PostgreSQL, for the rest of the transaction (one of its own if none is open), in one
    query: memory enough to sort a year of one agency's forms (about 35 MB for 300,000) in
    memory, not on disk in 4 MB runs, and no JIT compilation, which the plan's cost asks for and
    which costs more (30 to 50 ms) than it saves on a query read once."""
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('work_mem', '64MB', true), set_config('jit', 'off', true)"
        )
        yield


def monthly(*, agency: Agency, start: datetime, end: datetime) -> Counts:
    """The counts of the months from `start` to `end` (exclusive). PostgreSQL computes them in
    one pass over the rows (the covering index makes it an index-only scan); elsewhere one
    query brings the combinations and Python adds them up."""
    counts = Counts()
    if connection.vendor == "postgresql":
        params = {"tz": agency.time_zone, "agency": agency.pk, "start": start, "end": end}
        with _room_to_count(), connection.cursor() as cursor:
            cursor.execute(COUNTS_SQL, params)
            rows = cursor.fetchall()
        every = (1 << len(DIMENSIONS)) - 1
        for month, *values, n, minutes, grouping in rows:
            if grouping == every:
                counts.forms[month], counts.minutes[month] = n, minutes or 0
                continue
            # GROUPING() sets a bit for each column *not* grouped; the clear one is this set's.
            i = next(i for i in range(len(DIMENSIONS)) if not grouping >> (3 - i) & 1)
            counts.by[DIMENSIONS[i]][month][values[i]] = n
        return counts
    tz = clock.zone(agency)
    rows = (
        UsageReport.objects.for_agency(agency)
        .filter(served_at__gte=start, served_at__lt=end)
        .annotate(month=TruncMonth("served_at", tzinfo=tz))
        .values("month", *DIMENSIONS)
        .annotate(n=Count("id"), minutes=Sum("duration_minutes"))
    )
    for row in rows:
        month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
        counts.forms[month] = counts.forms.get(month, 0) + row["n"]
        counts.minutes[month] = counts.minutes.get(month, 0) + (row["minutes"] or 0)
        for dimension in DIMENSIONS:
            cell = counts.by[dimension][month]
            cell[row[dimension]] = cell.get(row[dimension], 0) + row["n"]
    return counts


def per_peer(*, agency: Agency, start: datetime, end: datetime) -> dict[int, tuple[int, int]]:
    """Forms and minutes of each peer who filed in the period. Counting rows, not ids, lets
    PostgreSQL read the period from the covering index alone."""
    rows = (
        UsageReport.objects.for_agency(agency)
        .filter(served_at__gte=start, served_at__lt=end)
        .values("peer")
        .annotate(n=Count("*"), minutes=Sum("duration_minutes"))
    )
    return {r["peer"]: (r["n"], r["minutes"] or 0) for r in rows}
