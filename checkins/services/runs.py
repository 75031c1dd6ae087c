"""The scheduler: a run proposes appointments; the coordinator reviews and publishes it."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone

from agencies.models import Agency, User
from security.audit import audited

from .. import slots as slotlib
from ..models import (
    OPEN_STATES,
    Appointment,
    AppointmentState,
    Program,
    RunState,
    ScheduleRun,
)
from . import capacity
from .due import (
    covered_officers,
    ensure_due_dates,
    program_of,
    recompute_due_dates,
    today_in,
    zone,
)

DEFAULT_HORIZON_DAYS = 180
# Days between the run and its earliest appointment beyond the notice period, so a run
# reviewed and published a day or two later still gives every officer the full notice.
PUBLISH_SLACK_DAYS = 3


def earliest_day(agency: Agency):
    return today_in(agency) + timedelta(days=agency.policy.checkin_notice_days + PUBLISH_SLACK_DAYS)


@audited("checkins:runs")
def run_scheduler(
    *, agency: Agency, actor: User | None, horizon_days: int = DEFAULT_HORIZON_DAYS
) -> ScheduleRun:
    """Propose an appointment for every covered officer due within the horizon who has none.
    Running it again replaces the draft before it, so nobody is ever proposed twice."""
    if not 14 <= horizon_days <= 730:
        raise ValidationError("The horizon must be between 14 and 730 days.")
    for draft in ScheduleRun.objects.for_agency(agency).filter(state=RunState.DRAFT):
        _discard(draft)
    # After the drafts' proposals, this agency's own rows: the shared locations come second.
    hours = capacity.hold_hours(agency=agency)
    program = program_of(agency=agency)
    earliest = earliest_day(agency)
    horizon_end = today_in(agency) + timedelta(days=horizon_days)
    if horizon_end < earliest:
        raise ValidationError("The horizon ends before the notice period does.")
    officers = _to_place(agency=agency, program=program, horizon_end=horizon_end)
    free = capacity.calendar(
        agency=agency, first_day=earliest, last_day=horizon_end, program=program, hours=hours
    )
    placed, unplaced = slotlib.place(officers=officers, slots=free, earliest=earliest)
    run = ScheduleRun.objects.create(
        agency=agency,
        created_by=actor,
        horizon_end=horizon_end,
        unplaced=len(unplaced),
        state=RunState.DRAFT if placed else RunState.EMPTY,
    )
    Appointment.objects.bulk_create(
        [
            Appointment(
                agency=agency,
                person_id=person_id,
                provider_id=slot.provider_id,
                location_id=slot.location_id,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                state=AppointmentState.PROPOSED,
                run=run,
            )
            for person_id, slot in placed
        ],
        batch_size=2000,
    )
    capacity.book((slot.location_id, slot.starts_at) for _, slot in placed)
    return run


def _to_place(*, agency: Agency, program: Program, horizon_end: date) -> list[tuple[int, date]]:
    """(person id, due date) of every covered officer due by the horizon with no open
    appointment. The same query finds the officers with no due date yet: only then (or when the
    policy's interval changed) are due dates written first (ensure_due_dates) and read again."""

    def read():
        open_one = Appointment.objects.filter(person=OuterRef("pk"), state__in=OPEN_STATES)
        return list(
            covered_officers(agency=agency)
            .filter(Q(checkin_due__isnull=True) | Q(checkin_due__due_on__lte=horizon_end))
            .annotate(booked=Exists(open_one))
            .order_by()
            .values_list("pk", "checkin_due__due_on", "booked")
        )

    rows = read()
    if program.interval_years != agency.policy.checkin_interval_years or any(
        due is None for _, due, _ in rows
    ):
        ensure_due_dates(agency=agency, program=program)
        rows = read()
    return [(pk, due) for pk, due, booked in rows if not booked and due is not None]


def _discard(run: ScheduleRun) -> None:
    proposals = run.appointments.filter(state=AppointmentState.PROPOSED)
    capacity.release(proposals.values_list("location_id", "starts_at"))
    proposals.delete()
    run.state = RunState.DISCARDED
    run.save(update_fields=["state"])


@audited("checkins:run_discard", on="run")
def discard_run(*, run: ScheduleRun, actor: User | None) -> None:
    if run.state != RunState.DRAFT:
        raise ValidationError("Only a run waiting for review can be discarded.")
    _discard(run)


@audited("checkins:run_publish", on="run")
def publish_run(*, run: ScheduleRun, actor: User | None) -> int:
    """The proposals become appointments; the daily sweep sends each notice when its day
    comes. A run left so long that its first appointments are now inside the notice period
    cannot be published: run the scheduler again."""
    # Only the run is locked; its agency, the policy's notice and its first appointment come in
    # the same query (the notice alone: the policy has some seventy columns).
    first_one = Appointment.objects.filter(run=OuterRef("pk")).order_by("starts_at")
    run = (
        ScheduleRun.objects.select_for_update(of=("self",))
        .select_related("agency")
        .annotate(
            notice=F("agency__policy__checkin_notice_days"),
            first=Subquery(first_one.values("starts_at")[:1]),
        )
        .get(pk=run.pk)
    )
    if run.state != RunState.DRAFT:
        raise ValidationError("This run was already published or discarded.")
    notice = run.notice
    too_soon = today_in(run.agency) + timedelta(days=notice)
    first = run.first
    if first and first.astimezone(zone(run.agency)).date() < too_soon:
        raise ValidationError(
            f"Some appointments are now less than {notice} days away, too soon for the notice "
            "the policy requires. Run the scheduler again."
        )
    count = run.appointments.filter(state=AppointmentState.PROPOSED).update(
        state=AppointmentState.SCHEDULED
    )
    run.state = RunState.PUBLISHED
    run.published_at = timezone.now()
    run.save(update_fields=["state", "published_at"])
    return count


def schedule_agency(*, agency: Agency, horizon_days: int = DEFAULT_HORIZON_DAYS) -> int:
    """The whole of one agency's scheduling with nobody to review it (a state-wide job, one
    task per agency): its due dates computed again, a run, and the run published. Returns how
    many appointments it published. Safe to run again, or twice at once: a second run finds
    the first's officers booked (or replaces its draft, which the first then cannot publish,
    and publishes its own), so each officer is scheduled once."""
    recompute_due_dates(agency=agency)
    run = run_scheduler(agency=agency, actor=None, horizon_days=horizon_days)
    if run.state != RunState.DRAFT:
        return 0
    try:
        return publish_run(run=run, actor=None)
    except ValidationError:
        run.refresh_from_db(fields=["state"])
        if run.state == RunState.DISCARDED:
            return 0  # another run replaced this draft, and publishes its own
        raise
