"""Provider capacity as the scheduler sees it: the hours of the agency's contracted providers
and the bookings that already hold their slots."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import F, Value
from django.db.models.functions import Greatest

from agencies.models import Agency

from .. import slots as slotlib
from ..models import Booking, ClosedDate, Location, OpeningHours, Program
from .due import current_program, zone

# Rows per INSERT of book(): three parameters each, well inside SQLite's 32,766.
BOOK_BATCH = 2000


def hold(location_ids: Iterable[int]) -> None:
    """Lock these locations, in id order, until the transaction ends, before their bookings are
    read to be booked: two agencies' runs (or a run and a move) that share a provider's
    location then take turns, and the second reads the places the first has booked. Without
    it both read a slot as free and book it past its capacity. A location is the parent of its
    bookings: take it after the rows of one's own agency (a draft's proposals), as every
    caller does, so two callers never wait on each other in a circle."""
    ids = sorted(set(location_ids))
    list(Location.objects.filter(pk__in=ids).order_by("pk").select_for_update().values("pk"))


def hold_hours(*, agency: Agency) -> list[slotlib.Hours]:
    """`hold` for every location this agency may use, and their opening hours, in one query:
    the locations are locked in id order as the rows come out of the sort."""
    rows = (
        Location.objects.usable_by(agency)
        .order_by("pk", "hours__pk")
        .select_for_update(of=("self",))
        .values_list(
            "pk",
            "provider_id",
            "hours__weekday",
            "hours__opens",
            "hours__closes",
            "hours__slot_minutes",
            "hours__capacity",
        )
    )
    # A location with no hours comes once, with none: locked, but it offers no slot.
    return [slotlib.Hours(*row) for row in rows if row[2] is not None]


def _hours(rows) -> list[slotlib.Hours]:
    fields = ("location_id", "location__provider_id", "weekday", "opens", "closes")
    return [slotlib.Hours(*row) for row in rows.values_list(*fields, "slot_minutes", "capacity")]


def calendar(
    *,
    agency: Agency,
    first_day: date,
    last_day: date,
    program: Program | None = None,
    hours: list[slotlib.Hours] | None = None,
) -> slotlib.Calendar:
    """The free slots of the range, each week built when first looked into (the scheduler
    looks into a dozen weeks of a two-year horizon for a small agency). `program` and `hours`
    (hold_hours) save reading them again for a caller that has them."""
    program = program or current_program(agency=agency)
    if hours is None:
        hours = _hours(OpeningHours.objects.filter(location__in=Location.objects.usable_by(agency)))
    provider_ids = {h.provider_id for h in hours}
    closed = set(
        ClosedDate.objects.filter(
            provider_id__in=provider_ids, date__range=(first_day, last_day)
        ).values_list("provider_id", "date")
    )
    tz = zone(agency)
    taken = {
        (loc, start): n
        for loc, start, n in Booking.objects.filter(
            location_id__in={h.location_id for h in hours},
            starts_at__gte=datetime.combine(first_day, datetime.min.time(), tz),
            starts_at__lt=datetime.combine(last_day + timedelta(days=1), datetime.min.time(), tz),
            taken__gt=0,
        ).values_list("location_id", "starts_at", "taken")
    }
    return slotlib.Calendar(
        hours=hours,
        closed=closed,
        taken=taken,
        first_day=first_day,
        last_day=last_day,
        duty_weekdays=program.weekdays(),
        duty_starts=program.duty_starts,
        duty_ends=program.duty_ends,
        tz=tz,
    )


def free_slots(*, agency: Agency, first_day: date, last_day: date) -> list[slotlib.Slot]:
    return calendar(agency=agency, first_day=first_day, last_day=last_day).all()


def _counted(slots: Iterable[tuple[int, datetime]]) -> dict[tuple[int, datetime], int]:
    counts: dict[tuple[int, datetime], int] = defaultdict(int)
    for key in slots:
        counts[key] += 1
    return counts


def _bookings_of(counts: dict[tuple[int, datetime], int]) -> dict[tuple[int, datetime], Booking]:
    # The two IN lists also match other pairs of these locations and times (another
    # location's booking at one of these times): only the pairs asked for count.
    candidates = Booking.objects.filter(
        location_id__in={loc for loc, _ in counts},
        starts_at__in={start for _, start in counts},
    )
    return {
        (b.location_id, b.starts_at): b
        for b in candidates
        if (b.location_id, b.starts_at) in counts
    }


def _by_count(
    counts: dict[tuple[int, datetime], int], bookings: dict[tuple[int, datetime], Booking]
) -> list[tuple[int, list[int]]]:
    """The bookings' ids grouped by how many places each moves: one atomic update per distinct
    count (a run moves mostly ones and twos), not one per row."""
    grouped: dict[int, list[int]] = defaultdict(list)
    for key, booking in bookings.items():
        grouped[counts[key]].append(booking.pk)
    return sorted(grouped.items())


def book(slots: Iterable[tuple[int, datetime]]) -> None:
    """Hold one place per (location, start); a slot booked twice holds two. One statement: a
    slot's first booking inserts its row, a later one adds to it."""
    counts = _counted(slots)
    table = connection.ops.quote_name(Booking._meta.db_table)
    adapt = connection.ops.adapt_datetimefield_value
    rows = sorted(counts.items())
    with connection.cursor() as cursor:
        for first in range(0, len(rows), BOOK_BATCH):
            batch = rows[first : first + BOOK_BATCH]
            cursor.execute(
                f"INSERT INTO {table} (location_id, starts_at, taken) VALUES "
                + ", ".join(["(%s, %s, %s)"] * len(batch))
                + f" ON CONFLICT (location_id, starts_at) DO UPDATE SET taken = {table}.taken"
                " + excluded.taken",
                [v for (loc, start), n in batch for v in (loc, adapt(start), n)],
            )


def release(slots: Iterable[tuple[int, datetime]]) -> None:
    """Give back one place per (location, start), never below none."""
    counts = _counted(slots)
    for n, pks in _by_count(counts, _bookings_of(counts)):
        Booking.objects.filter(pk__in=pks, taken__gt=0).update(
            taken=Greatest(F("taken") - n, Value(0))
        )


def slot_is_free(*, agency: Agency, location_id: int, starts_at: datetime) -> slotlib.Slot | None:
    day = starts_at.astimezone(zone(agency)).date()
    for slot in free_slots(agency=agency, first_day=day, last_day=day):
        if slot.location_id == location_id and slot.starts_at == starts_at:
            return slot
    return None
