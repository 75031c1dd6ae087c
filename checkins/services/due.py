"""Due dates: when each covered officer must next check in."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from agencies import clock
from agencies.models import Agency, User
from roster.models import Person
from security.audit import audited

from ..models import Appointment, AppointmentState, DueDate, Program, covered


# Thin aliases of agencies/clock.py, in this package's argument order (agency last).
def zone(agency: Agency) -> ZoneInfo:
    return clock.zone(agency)


def today_in(agency: Agency) -> date:
    return clock.today(agency)


def local_day(moment: datetime, agency: Agency) -> date:
    return clock.local_day(agency, moment)


def start_of(day: date, agency: Agency) -> datetime:
    return clock.start_of_day(agency, day)


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def covered_officers(*, agency: Agency):
    return Person.objects.for_agency(agency).filter(covered())


def program_of(*, agency: Agency) -> Program:
    program, _ = Program.objects.get_or_create(
        agency=agency,
        defaults={"started_on": today_in(agency), "interval_years": _interval(agency)},
    )
    return program


def current_program(*, agency: Agency) -> Program:
    """The agency's program as it stands, without saving one that does not exist yet: reads
    must not write."""
    return Program.objects.filter(agency=agency).first() or Program(
        agency=agency, started_on=today_in(agency), interval_years=_interval(agency)
    )


def _interval(agency: Agency) -> int:
    return agency.policy.checkin_interval_years


def _last_completed(agency: Agency) -> dict[int, date]:
    rows = (
        Appointment.objects.for_agency(agency)
        .filter(state=AppointmentState.COMPLETED)
        .values("person_id")
        .annotate(last=Max("starts_at"))
    )
    return {r["person_id"]: local_day(r["last"], agency) for r in rows}


@transaction.atomic
def recompute_due_dates(*, agency: Agency) -> int:
    """Every covered officer's due date from scratch: the last completed check-in plus the
    interval; for one never seen, the hire date plus the interval; but the officers who would
    all be due in the program's first interval (a whole force, at the start) are spread evenly
    over it, oldest hires first, so the provider is not asked for everyone at once."""
    program = program_of(agency=agency)
    years = _interval(agency)
    if program.interval_years != years:
        program.interval_years = years
        program.save(update_fields=["interval_years"])
    first_interval_end = add_years(program.started_on, years)
    due: dict[int, tuple[date, date | None]] = {}
    spread: list[tuple[date, int]] = []
    last = _last_completed(agency)
    stored: dict[int, tuple[date, date | None]] = {}
    # Unordered: the spread below sorts by hire date itself.
    for pk, hired, on, done in (
        covered_officers(agency=agency)
        .order_by()
        .values_list("pk", "hire_date", "checkin_due__due_on", "checkin_due__last_completed_on")
    ):
        if on is not None:
            stored[pk] = (on, done)
        if pk in last:
            due[pk] = (add_years(last[pk], years), last[pk])
        elif hired and add_years(hired, years) >= first_interval_end:
            due[pk] = (add_years(hired, years), None)
        else:
            spread.append((hired or date.min, pk))
    spread.sort()
    span = (first_interval_end - program.started_on).days
    for i, (_, pk) in enumerate(spread):
        due[pk] = (program.started_on + timedelta(days=(i + 1) * span // len(spread)), None)
    DueDate.objects.for_agency(agency).exclude(person_id__in=due).delete()
    # Only the rows that move are written: computed again, most come out as they were.
    DueDate.objects.bulk_create(
        [
            DueDate(agency=agency, person_id=pk, due_on=on, last_completed_on=done)
            for pk, (on, done) in due.items()
            if stored.get(pk) != (on, done)
        ],
        update_conflicts=True,
        unique_fields=["person"],
        update_fields=["due_on", "last_completed_on"],
        batch_size=2000,
    )
    return len(due)


def ensure_due_dates(*, agency: Agency, program: Program | None = None) -> int:
    """Due dates for officers added since the last computation, without moving anyone else's:
    a new hire is due one interval after the hire date (or now, if that has passed). `program`
    is the agency's (program_of), for a caller that has it already."""
    program = program or program_of(agency=agency)
    if program.interval_years != _interval(agency):
        return recompute_due_dates(agency=agency)
    missing = list(
        covered_officers(agency=agency)
        .filter(checkin_due__isnull=True)
        .values_list("pk", "hire_date")
    )
    # Nobody missing: either every officer has a due date, or there is no officer to date
    # (where a recomputation would write nothing either).
    if not missing:
        return 0
    if not DueDate.objects.for_agency(agency).exists():
        return recompute_due_dates(agency=agency)
    years = _interval(agency)
    today = today_in(agency)
    rows = [
        DueDate(
            agency=agency,
            person_id=pk,
            due_on=max(add_years(hired, years), today) if hired else add_years(today, years),
        )
        for pk, hired in missing
    ]
    DueDate.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def directory_changed(*, agency: Agency, new_hire_dates: Iterable[int] = ()) -> int:
    """The explicit writer for a directory change (an entry saved, an import applied): new
    officers get their due dates as ensure_due_dates gives them; an officer whose hire date
    changed and who has never checked in is dated again from the new hire date. Nobody else
    moves."""
    redo = list(new_hire_dates)
    if redo:
        DueDate.objects.for_agency(agency).filter(
            person_id__in=redo, last_completed_on__isnull=True
        ).delete()
    return ensure_due_dates(agency=agency)


def policy_saved(*, agency: Agency) -> int:
    """The explicit writer for a policy save (the settings page, a policy document): an
    interval that differs from the one the due dates were computed with recomputes them all.
    An agency with no program yet has no due dates to move."""
    program = Program.objects.filter(agency=agency).first()
    if program is None or program.interval_years == _interval(agency):
        return 0
    return recompute_due_dates(agency=agency)


def record_completion(*, appointment: Appointment) -> DueDate:
    done = local_day(appointment.starts_at, appointment.agency)
    years = _interval(appointment.agency)
    row, _ = DueDate.objects.update_or_create(
        person=appointment.person,
        defaults={
            "agency": appointment.agency,
            "due_on": add_years(done, years),
            "last_completed_on": done,
        },
    )
    return row


EARLIEST_START = date(2000, 1, 1)


@audited("checkins:program", agency="program.agency")
def save_program(*, program: Program, actor: User) -> Program:
    """The start date decides how a starting force is spread, so a change recomputes."""
    program.full_clean()
    latest = add_years(today_in(program.agency), 1)
    if not EARLIEST_START <= program.started_on <= latest:
        raise ValidationError(
            {
                "started_on": f"The program's start must be between {EARLIEST_START:%B %-d, %Y} "
                f"and a year from today ({latest:%B %-d, %Y})."
            }
        )
    program.save()
    recompute_due_dates(agency=program.agency)
    return program
