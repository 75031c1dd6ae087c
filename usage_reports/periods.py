"""Reporting periods (a quarter or a year) in the agency's own time zone."""

import re
from dataclasses import dataclass
from datetime import date, datetime

from agencies import clock
from agencies.models import Agency


@dataclass(frozen=True)
class Period:
    key: str  # "2026" or "2026Q3"
    label: str
    start: datetime
    end: datetime  # exclusive
    months: tuple[date, ...]

    @property
    def is_quarter(self) -> bool:
        return "Q" in self.key


def _first(year: int, month: int, tz) -> datetime:
    return datetime(year, month, 1, tzinfo=tz)


def parse(key: str | None, agency: Agency) -> Period | None:
    """The period a key names, or None when the key is not one."""
    tz = clock.zone(agency)
    match = re.fullmatch(r"(\d{4})(?:Q([1-4]))?", (key or "").strip())
    if not match:
        return None
    year = int(match.group(1))
    if not 2000 <= year <= 2100:
        return None
    if match.group(2):
        q = int(match.group(2))
        first_month = 3 * (q - 1) + 1
        months = tuple(date(year, m, 1) for m in range(first_month, first_month + 3))
        end = _first(year + 1, 1, tz) if q == 4 else _first(year, first_month + 3, tz)
        return Period(f"{year}Q{q}", f"Q{q} {year}", _first(year, first_month, tz), end, months)
    months = tuple(date(year, m, 1) for m in range(1, 13))
    return Period(str(year), str(year), _first(year, 1, tz), _first(year + 1, 1, tz), months)


def current_quarter(agency: Agency) -> Period:
    today = clock.today(agency)
    return parse(f"{today.year}Q{(today.month - 1) // 3 + 1}", agency)


def previous_quarter(agency: Agency) -> Period:
    now = current_quarter(agency)
    year, q = int(now.key[:4]), int(now.key[-1])
    return parse(f"{year - 1}Q4" if q == 1 else f"{year}Q{q - 1}", agency)


def choices(agency: Agency) -> list[tuple[str, str]]:
    """The last eight quarters and the last three years."""
    now = current_quarter(agency)
    year, q = int(now.key[:4]), int(now.key[-1])
    quarters = []
    for _ in range(8):
        quarters.append((f"{year}Q{q}", f"Q{q} {year}"))
        year, q = (year - 1, 4) if q == 1 else (year, q - 1)
    this_year = int(now.key[:4])
    return quarters + [(str(y), str(y)) for y in range(this_year, this_year - 3, -1)]
