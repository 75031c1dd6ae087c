"""One agency clock: every "today", "now" and local wall time the product reads goes through
here, in the agency's own time zone (`Agency.time_zone`), never the server's or the process's.

A request under `/<agency_slug>/` and a task under `tenant_db.agency_scope(...)` also have the
agency's zone active (django.utils.timezone), so templates and `timezone.localtime(moment)` show
its wall clock; code that knows its agency still asks here by name. tests/test_one_clock.py
keeps `date.today()`, a bare `timezone.localdate()` and `ZoneInfo(...)` out of product code."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils import timezone

if TYPE_CHECKING:
    from .models import Agency


@lru_cache(maxsize=64)
def zone_named(name: str) -> ZoneInfo:
    """The zone an IANA name names (the only place one is built)."""
    return ZoneInfo(name)


def zone(agency: Agency | str) -> ZoneInfo:
    """The agency's time zone (or the zone a name names, for code that only has the name)."""
    return zone_named(agency if isinstance(agency, str) else agency.time_zone)


def now_local(agency: Agency | str) -> datetime:
    """Now, on the agency's wall clock (an aware datetime in its zone)."""
    return timezone.now().astimezone(zone(agency))


def today(agency: Agency | str) -> date:
    """Today in the agency's zone (or a zone's name: the platform view counts several)."""
    return now_local(agency).date()


def local_day(agency: Agency, moment: datetime) -> date:
    """The agency-local day an aware moment falls on."""
    return moment.astimezone(zone(agency)).date()


def start_of_day(agency: Agency, day: date) -> datetime:
    """Midnight that begins `day` in the agency's zone (aware, in that zone: adding days to it
    counts wall-clock days)."""
    return datetime.combine(day, time.min, zone(agency))


def local_time(agency: Agency | str, day: date, at: time | str) -> datetime:
    """A wall-clock time (`time` or "HH:MM") on `day` in the agency's zone, as an aware datetime
    in UTC. A time skipped by the spring change (02:30 on that Sunday) moves forward an hour; a
    repeated one takes its first pass. In UTC, arithmetic between two of these counts real hours
    (two datetimes sharing one ZoneInfo subtract as wall-clock times)."""
    if isinstance(at, str):
        at = time.fromisoformat(at)
    aware = datetime.combine(day, at).replace(tzinfo=zone(agency), fold=0)
    return aware.astimezone(UTC)


def as_local(agency: Agency, naive: datetime) -> datetime:
    """A naive wall-clock datetime (a form's input) read in the agency's zone."""
    return naive.replace(tzinfo=zone(agency))


def today_in_active_zone() -> date:
    """Today in the zone now active: the agency's under the middleware or `agency_scope`. Only for
    code that cannot know its agency (a model field's validator); anything else uses today()."""
    return timezone.localdate(timezone.now())
