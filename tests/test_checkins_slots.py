"""The scheduler's slots: a Calendar builds a week only when the placing looks into it, and
what it builds keeps to the provider's hours, the agency's duty hours, closed days and the
capacity other agencies' bookings have taken."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test.utils import CaptureQueriesContext

from checkins.slots import Calendar, Hours, place, week_of

TZ = ZoneInfo("America/Chicago")
MONDAY = date(2027, 1, 4)
OFFICE, STATION = 1, 2
PROVIDER = 7


def _calendar(*, days: int = 730, closed=(), taken=None, capacity: int = 2) -> Calendar:
    hours = [
        Hours(OFFICE, PROVIDER, weekday, time(9), time(16), 60, capacity) for weekday in range(5)
    ] + [Hours(STATION, PROVIDER, 2, time(6), time(10), 120, 1)]
    return Calendar(
        hours=hours,
        closed=set(closed),
        taken=taken or {},
        first_day=MONDAY,
        last_day=MONDAY + timedelta(days=days),
        duty_weekdays={0, 1, 2, 3, 4},
        duty_starts=time(8),
        duty_ends=time(15),
        tz=TZ,
    )


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), TZ)


def test_placing_a_handful_of_officers_builds_only_the_weeks_it_looks_into():
    calendar = _calendar()
    officers = [(n, MONDAY + timedelta(days=100 * n)) for n in range(1, 6)]
    placed, unplaced = place(officers=officers, slots=calendar, earliest=MONDAY)
    assert unplaced == [] and len(placed) == 5
    # Each officer in the week of the due date; of the 105 weeks of two years, only those.
    assert {week_of(slot.starts_at.date()) for _, slot in placed} == {
        week_of(due) for _, due in officers
    }
    assert calendar.weeks_built == 5


def test_placing_lazily_gives_every_officer_the_slot_placing_over_every_slot_gives():
    closed = {(PROVIDER, MONDAY + timedelta(days=d)) for d in (8, 9, 10, 11, 12, 200)}
    taken = {(OFFICE, _at(MONDAY + timedelta(days=d), 9)): 2 for d in range(0, 400, 3)}
    officers = [(n, MONDAY + timedelta(days=(n * 37) % 500 - 60)) for n in range(600)]
    lazy = place(officers=officers, slots=_calendar(closed=closed, taken=taken), earliest=MONDAY)
    every = place(
        officers=officers,
        slots=_calendar(closed=closed, taken=taken).all(),
        earliest=MONDAY,
    )

    def seen(result):
        placed, unplaced = result
        return [(o, s.location_id, s.starts_at) for o, s in placed], unplaced

    assert seen(lazy) == seen(every)
    assert len(lazy[0]) == 600


def test_a_week_built_on_demand_keeps_to_hours_duty_hours_closed_days_and_capacity():
    wednesday = MONDAY + timedelta(days=2)
    calendar = _calendar(
        closed={(PROVIDER, MONDAY + timedelta(days=1))},
        taken={(OFFICE, _at(MONDAY, 9)): 2, (OFFICE, _at(MONDAY, 10)): 1},
    )
    week = calendar.week(MONDAY)
    assert calendar.weeks_built == 1
    days = {slot.starts_at.date() for slot in week}
    assert MONDAY + timedelta(days=1) not in days  # the provider's closed day
    assert all(s.starts_at.date().weekday() < 5 for s in week)
    office = [s for s in week if s.location_id == OFFICE]
    # Opens at 9, but duty ends at 3 p.m.: six one-hour slots a day, none after 15:00.
    assert {s.starts_at.hour for s in office} <= set(range(9, 15))
    assert all(s.ends_at.hour <= 15 for s in office)
    monday = {s.starts_at.hour: s.free for s in office if s.starts_at.date() == MONDAY}
    assert 9 not in monday and monday[10] == 1 and monday[11] == 2
    # The station opens at 6, before duty: one two-hour slot from 8 on Wednesday.
    station = [(s.starts_at, s.ends_at) for s in week if s.location_id == STATION]
    assert station == [(_at(wednesday, 8), _at(wednesday, 10))]
    assert week == sorted(week, key=lambda s: (s.starts_at, s.location_id))


def test_placing_never_puts_more_officers_in_a_slot_than_it_has_room_for():
    taken = {(OFFICE, _at(MONDAY + timedelta(days=d), h)): 1 for d in range(14) for h in (9, 12)}
    calendar = _calendar(days=13, taken=taken, capacity=2)
    officers = [(n, MONDAY + timedelta(days=13)) for n in range(200)]
    placed, unplaced = place(officers=officers, slots=calendar, earliest=MONDAY)
    room = {(s.location_id, s.starts_at): s.free for s in _calendar(days=13, taken=taken).all()}
    counts: dict = {}
    for _, slot in placed:
        key = (slot.location_id, slot.starts_at)
        counts[key] = counts.get(key, 0) + 1
    assert counts == room  # every place filled, none over
    assert len(placed) == sum(room.values()) and len(unplaced) == 200 - len(placed)


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_scheduler_run_makes_as_many_queries_for_forty_officers_as_for_four(agency):
    from django.db import connection

    from checkins.models import Program
    from checkins.services.due import recompute_due_dates
    from checkins.services.runs import publish_run, run_scheduler
    from tests.factories import PersonFactory, contracted_provider

    contracted_provider(agency, capacity=1)
    Program.objects.create(agency=agency, started_on=date(2020, 1, 1))  # everyone is due
    sizes, counts = [], []
    for n in (4, 40):
        for _ in range(n):
            PersonFactory(agency=agency, hire_date=date(2000, 1, 1))
        recompute_due_dates(agency=agency)
        with CaptureQueriesContext(connection) as queries:
            run = run_scheduler(agency=agency, actor=None, horizon_days=730)
        sizes.append(run.appointments.count())
        counts.append(len(queries))
        publish_run(run=run, actor=None)
    assert sizes == [4, 40]
    assert counts[0] == counts[1]
