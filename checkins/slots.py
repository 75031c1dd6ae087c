"""The free slots of an agency's providers, and the placing of officers in them.

Pure computation over plain values, so the scheduler can place 20,000 officers with a handful of
queries: the caller loads providers, hours, closed dates and bookings, and writes the result."""

import heapq
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Hours:
    location_id: int
    provider_id: int
    weekday: int
    opens: time
    closes: time
    slot_minutes: int
    capacity: int


@dataclass
class Slot:
    location_id: int
    provider_id: int
    starts_at: datetime
    ends_at: datetime
    free: int


@dataclass
class Week:
    """The free slots of one week in time order, and how many officers it already holds."""

    slots: list[Slot] = field(default_factory=list)
    load: int = 0
    cursor: int = 0  # slots before it are full


def _clip(hours: Hours, duty_starts: time, duty_ends: time) -> tuple[time, time]:
    return max(hours.opens, duty_starts), min(hours.closes, duty_ends)


def free_slots(
    *,
    hours: list[Hours],
    closed: set[tuple[int, date]],
    taken: dict[tuple[int, datetime], int],
    first_day: date,
    last_day: date,
    duty_weekdays: set[int],
    duty_starts: time,
    duty_ends: time,
    tz: ZoneInfo,
) -> list[Slot]:
    """Every slot with room, from first_day to last_day, inside both the provider's hours and
    the agency's on-duty hours, on days the provider is open. `closed` holds (provider, day);
    `taken` (location, start) counts officers of any agency already booked."""
    by_weekday: dict[int, list[Hours]] = defaultdict(list)
    for h in hours:
        if h.weekday in duty_weekdays:
            by_weekday[h.weekday].append(h)
    slots: list[Slot] = []
    day = first_day
    while day <= last_day:
        for h in by_weekday.get(day.weekday(), ()):
            if (h.provider_id, day) in closed:
                continue
            opens, closes = _clip(h, duty_starts, duty_ends)
            start = datetime.combine(day, opens, tz)
            end_of_day = datetime.combine(day, closes, tz)
            step = timedelta(minutes=h.slot_minutes)
            while start + step <= end_of_day:
                free = h.capacity - taken.get((h.location_id, start), 0)
                if free > 0:
                    slots.append(Slot(h.location_id, h.provider_id, start, start + step, free))
                start += step
        day += timedelta(days=1)
    slots.sort(key=lambda s: (s.starts_at, s.location_id))
    return slots


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def place(
    *,
    officers: list[tuple[int, date]],
    slots: list[Slot],
    earliest: date,
    min_window_days: int = 14,
) -> tuple[list[tuple[int, Slot]], list[int]]:
    """Give each officer (id, due date) a slot no later than the due date, in the least loaded
    week that can take them (of equal loads the latest), so a year's check-ins spread out
    instead of piling into the first free weeks. Officers are taken by due date, so the earliest
    due get the narrowest choice first; one due within `min_window_days` of `earliest` may use
    those first days when the weeks before the due date are full. Officers
    already overdue (due before `earliest`) come after everyone who can still be on time, and
    take the earliest slots left, however late. Returns the placements and the ids nobody
    could place."""
    weeks: dict[date, Week] = defaultdict(Week)
    for slot in slots:
        weeks[week_of(slot.starts_at.date())].slots.append(slot)
    mondays = sorted(weeks)
    index = {monday: i for i, monday in enumerate(mondays)}
    placed: list[tuple[int, Slot]] = []
    unplaced: list[int] = []
    # A heap of (load, monday) per window would need rebuilding per officer; weeks are few
    # (26 for half a year), so a scan of the window is cheaper and simpler.
    on_time = sorted((o for o in officers if o[1] >= earliest), key=lambda o: (o[1], o[0]))
    for officer_id, due in on_time:
        latest = max(due, earliest + timedelta(days=min_window_days))
        first = _bisect(mondays, week_of(earliest))
        last = _bisect(mondays, week_of(latest) + timedelta(days=1))
        choice = None
        due_week = week_of(due)
        # Weeks up to the due date first; among them the least loaded, and of equal loads the
        # latest, which leaves the early weeks to the officers already overdue.
        for monday in heapq.nsmallest(
            last - first,
            mondays[first:last],
            key=lambda m: (m > due_week, weeks[m].load, -index[m]),
        ):
            slot = _take_between(weeks[monday], earliest, latest)
            if slot is not None:
                choice = slot
                break
        if choice is None:
            unplaced.append(officer_id)
        else:
            placed.append((officer_id, choice))
    # The week cursors skip full slots, so each overdue officer's scan starts where the last
    # one's ended: linear in slots plus officers.
    week_no = 0
    for officer_id, _ in sorted(
        (o for o in officers if o[1] < earliest), key=lambda o: (o[1], o[0])
    ):
        choice = None
        while week_no < len(mondays) and choice is None:
            choice = _take_between(weeks[mondays[week_no]], earliest, date.max)
            if choice is None:
                week_no += 1
        if choice is None:
            unplaced.append(officer_id)
        else:
            placed.append((officer_id, choice))
    return placed, unplaced


def _take_between(week: Week, earliest: date, latest: date) -> Slot | None:
    """The week's first free slot inside [earliest, latest]; only the first and the last week
    of a window are cut by those bounds."""
    while week.cursor < len(week.slots) and week.slots[week.cursor].free <= 0:
        week.cursor += 1
    for i in range(week.cursor, len(week.slots)):
        slot = week.slots[i]
        day = slot.starts_at.date()
        if day > latest:
            return None
        if slot.free > 0 and day >= earliest:
            slot.free -= 1
            week.load += 1
            return slot
    return None


def _bisect(mondays: list[date], day: date) -> int:
    from bisect import bisect_left

    return bisect_left(mondays, day)
