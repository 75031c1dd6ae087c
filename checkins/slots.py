"""The free slots of an agency's providers, and the placing of officers in them.

Pure computation over plain values, so the scheduler can place 20,000 officers with a handful of
queries: the caller loads providers, hours, closed dates and bookings, and writes the result.
A two-year horizon holds a hundred weeks of slots while a small agency fills a dozen, so the
slots of a week are only built when the placing first looks into that week (`Calendar`)."""

import heapq
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEK = timedelta(days=7)


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


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


class Calendar:
    """Every slot with room, from first_day to last_day, inside both the provider's hours and
    the agency's on-duty hours, on days the provider is open, one week at a time: a week's
    slots are built the first time they are asked for, in time order. `closed` holds
    (provider, day); `taken` (location, start) counts officers of any agency already booked."""

    def __init__(
        self,
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
    ) -> None:
        self._by_weekday: dict[int, list[Hours]] = defaultdict(list)
        for h in hours:
            if h.weekday in duty_weekdays:
                self._by_weekday[h.weekday].append(h)
        self._closed, self._taken, self._tz = closed, taken, tz
        self._duty = (duty_starts, duty_ends)
        self.first_day, self.last_day = first_day, last_day
        self._weeks: dict[date, list[Slot]] = {}

    def mondays(self) -> list[date]:
        """The Monday of every week the range touches (a week may hold no free slot)."""
        if not self._by_weekday or self.last_day < self.first_day:
            return []
        monday, last = week_of(self.first_day), week_of(self.last_day)
        return [monday + WEEK * n for n in range((last - monday).days // 7 + 1)]

    def week(self, monday: date) -> list[Slot]:
        if monday not in self._weeks:
            self._weeks[monday] = self._build(monday)
        return self._weeks[monday]

    @property
    def weeks_built(self) -> int:
        return len(self._weeks)

    def all(self) -> list[Slot]:
        return [slot for monday in self.mondays() for slot in self.week(monday)]

    def _build(self, monday: date) -> list[Slot]:
        slots: list[Slot] = []
        day = max(monday, self.first_day)
        end = min(monday + timedelta(days=6), self.last_day)
        while day <= end:
            for h in self._by_weekday.get(day.weekday(), ()):
                if (h.provider_id, day) not in self._closed:
                    slots.extend(self._day_of(h, day))
            day += timedelta(days=1)
        slots.sort(key=lambda s: (s.starts_at, s.location_id))
        return slots

    def _day_of(self, h: Hours, day: date) -> Iterable[Slot]:
        opens, closes = max(h.opens, self._duty[0]), min(h.closes, self._duty[1])
        start = datetime.combine(day, opens, self._tz)
        end_of_day = datetime.combine(day, closes, self._tz)
        step = timedelta(minutes=h.slot_minutes)
        while start + step <= end_of_day:
            free = h.capacity - self._taken.get((h.location_id, start), 0)
            if free > 0:
                yield Slot(h.location_id, h.provider_id, start, start + step, free)
            start += step


class _Listed:
    """Slots already built (a test's, a caller's list), seen as a calendar."""

    def __init__(self, slots: Iterable[Slot]) -> None:
        self._weeks: dict[date, list[Slot]] = defaultdict(list)
        for slot in slots:
            self._weeks[week_of(slot.starts_at.date())].append(slot)

    def mondays(self) -> list[date]:
        return sorted(self._weeks)

    def week(self, monday: date) -> list[Slot]:
        return self._weeks.get(monday, [])


def place(
    *,
    officers: list[tuple[int, date]],
    slots: "list[Slot] | Calendar",
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
    could place. A Calendar only builds the weeks the placing looks into."""
    calendar = slots if isinstance(slots, Calendar) else _Listed(slots)
    mondays = calendar.mondays()
    weeks: dict[date, Week] = {}

    def week(monday: date) -> Week:
        if monday not in weeks:
            weeks[monday] = Week(slots=calendar.week(monday))
        return weeks[monday]

    def load(monday: date) -> int:
        return weeks[monday].load if monday in weeks else 0

    placed: list[tuple[int, Slot]] = []
    unplaced: list[int] = []
    first = bisect_left(mondays, week_of(earliest))
    # The weeks from the first up to the latest due week so far, least loaded first and of
    # equal loads the latest (which leaves the early weeks to the officers already overdue):
    # due dates only grow, so the heap only grows, and the week that takes an officer goes
    # back with its new load. A week left with no free slot at all drops out for good.
    by_load: list[tuple[int, int, date]] = []
    grown = first
    on_time = sorted((o for o in officers if o[1] >= earliest), key=lambda o: (o[1], o[0]))
    for officer_id, due in on_time:
        latest = max(due, earliest + timedelta(days=min_window_days))
        due_end = bisect_right(mondays, week_of(due))
        for monday in mondays[grown:due_end]:
            heapq.heappush(by_load, (load(monday), -monday.toordinal(), monday))
        grown = max(grown, due_end)
        choice, passed = None, []
        while by_load and choice is None:
            entry = heapq.heappop(by_load)
            choice = _take_between(week(entry[2]), earliest, latest)
            if choice is not None:
                heapq.heappush(by_load, (entry[0] + 1, entry[1], entry[2]))
            elif not _is_full(week(entry[2])):
                passed.append(entry)
        for entry in passed:
            heapq.heappush(by_load, entry)
        if choice is None:
            # Then the weeks after the due week, for one due within the first days.
            last = bisect_left(mondays, week_of(latest) + timedelta(days=1))
            later = mondays[max(grown, first) : last]
            for monday in sorted(later, key=lambda m: (load(m), -m.toordinal())):
                choice = _take_between(week(monday), earliest, latest)
                if choice is not None:
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
            choice = _take_between(week(mondays[week_no]), earliest, date.max)
            if choice is None:
                week_no += 1
        if choice is None:
            unplaced.append(officer_id)
        else:
            placed.append((officer_id, choice))
    return placed, unplaced


def _is_full(week: Week) -> bool:
    while week.cursor < len(week.slots) and week.slots[week.cursor].free <= 0:
        week.cursor += 1
    return week.cursor >= len(week.slots)


def _take_between(week: Week, earliest: date, latest: date) -> Slot | None:
    """The week's first free slot inside [earliest, latest]; only the first and the last week
    of a window are cut by those bounds."""
    _is_full(week)
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
