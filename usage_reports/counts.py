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
    # peer id -> (forms, minutes) of the whole span, for those who filed; only when asked for
    peers: dict[int, tuple[int, int]] = field(default_factory=dict)

    def entries(self, dimension: str) -> set:
        return {key for month in self.by[dimension].values() for key in month}

    def add(self, month: date, values: tuple, n: int, minutes: int | None) -> None:
        """Forms of one month with one value of each breakdown (in DIMENSIONS' order)."""
        self.forms[month] = self.forms.get(month, 0) + n
        self.minutes[month] = self.minutes.get(month, 0) + (minutes or 0)
        for dimension, value in zip(DIMENSIONS, values, strict=True):
            cell = self.by[dimension][month]
            cell[value] = cell.get(value, 0) + n


# One pass over the span's rows, read from the covering index alone: each row goes to the group
# of its month and its value of every breakdown (a few hundred groups a month however many
# forms), and, asked for, to its peer's; Python adds the groups up into each breakdown. The
# month is the rank of the row among the months' first instants, in the agency's zone, which
# Python passes: converting each row's time to the zone instead cost more than the rest.
_COUNTS_SQL = """
SELECT width_bucket(served_at, %(months)s::timestamptz[]) AS month, incident_type_id,
       intervention_type_id, contact_mode, on_duty, {peer} AS peer, COUNT(*),
       SUM(duration_minutes)
FROM usage_reports_usagereport
WHERE agency_id = %(agency)s AND served_at >= %(start)s AND served_at < %(end)s
GROUP BY GROUPING SETS ((month, incident_type_id, intervention_type_id, contact_mode, on_duty)
                        {peers})
"""
COUNTS_SQL = _COUNTS_SQL.format(peer="NULL::bigint", peers="")
COUNTS_AND_PEERS_SQL = _COUNTS_SQL.format(peer="peer_id", peers=", (peer_id)")


@contextmanager
def _room_to_count():
    """On PostgreSQL, for the rest of the transaction (one of its own if none is open), in one
    query: memory enough to group in a hash table (the planner, guessing from the columns alone,
    expects far more groups than there are), and no JIT compilation, which the plan's cost asks
    for and which costs more (30 to 50 ms) than it saves on a query read once."""
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('work_mem', '64MB', true), set_config('jit', 'off', true)"
        )
        yield


def _month_starts(start: datetime, end: datetime, tz) -> list[datetime]:
    """The first instant of each month of the agency's calendar from `start`'s to `end`."""
    local = start.astimezone(tz)
    year, month = local.year, local.month
    starts = []
    while (first := datetime(year, month, 1, tzinfo=tz)) < end:
        starts.append(first)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return starts


def monthly(*, agency: Agency, start: datetime, end: datetime, per_peer: bool = False) -> Counts:
    """The counts of the months from `start` to `end` (exclusive), and with `per_peer` each
    peer's forms and minutes over the whole span. On PostgreSQL one query (_COUNTS_SQL);
    elsewhere one brings the combinations by the month and another the peers."""
    counts = Counts()
    tz = clock.zone(agency)
    if connection.vendor == "postgresql":
        starts = _month_starts(start, end, tz)
        params = {"months": starts, "agency": agency.pk, "start": start, "end": end}
        with _room_to_count(), connection.cursor() as cursor:
            cursor.execute(COUNTS_AND_PEERS_SQL if per_peer else COUNTS_SQL, params)
            rows = cursor.fetchall()
        for bucket, *values, peer, n, minutes in rows:
            if peer is None:  # a month's group (a peer's leaves the month out)
                counts.add(starts[bucket - 1].date(), tuple(values), n, minutes)
            else:
                counts.peers[peer] = (n, minutes or 0)
        return counts
    forms = UsageReport.objects.for_agency(agency).filter(served_at__gte=start, served_at__lt=end)
    rows = (
        forms.annotate(month=TruncMonth("served_at", tzinfo=tz))
        .values("month", *DIMENSIONS)
        .annotate(n=Count("id"), minutes=Sum("duration_minutes"))
    )
    for row in rows:
        month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
        counts.add(month, tuple(row[d] for d in DIMENSIONS), row["n"], row["minutes"])
    if per_peer:
        peers = forms.values("peer").annotate(n=Count("*"), minutes=Sum("duration_minutes"))
        counts.peers = {r["peer"]: (r["n"], r["minutes"] or 0) for r in peers}
    return counts
