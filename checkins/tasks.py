import logging

from celery import shared_task
from django.db import DatabaseError

from agencies import tenant_db
from agencies.models import Agency
from agencies.transient import (
    MAX_TASK_RETRIES,
    TRANSIENT_ERRORS,
    retry_countdown,
    retry_task_on_transient,
    sweep_in_parts,
)

from .models import Appointment, AppointmentState
from .services.appointments import sweep_agency
from .services.due import ensure_due_dates
from .services.runs import schedule_agency as schedule

log = logging.getLogger(__name__)

TOTALS = ("notices", "reminders", "missed", "failed")


@shared_task(
    bind=True, name="checkins.daily_sweep", ignore_result=True, max_retries=MAX_TASK_RETRIES
)
def daily_sweep(self, agency_ids: list[int] | None = None) -> dict[str, int]:
    """Once a day (and safe more often, or twice at once): each agency's notices, reminders and
    misses. Notices are found here when their day comes, never held back with a countdown in
    the broker.

    One agency's failure is logged and left for the next run; the others are swept all the
    same. Agencies that met a transient error (the database or broker away for a moment) are
    swept again after a growing countdown, only they (`agency_ids`). Returns the totals;
    "failed" counts the agencies and appointments left for the next run."""
    totals = dict.fromkeys(TOTALS, 0)
    # Which agencies have scheduled appointments is the only thing read across agencies.
    try:
        with tenant_db.system_scope():
            scheduled = Appointment.objects.filter(state=AppointmentState.SCHEDULED)
            if agency_ids is not None:
                scheduled = scheduled.filter(agency_id__in=agency_ids)
            due = list(scheduled.values_list("agency_id", flat=True).distinct().order_by())
    except TRANSIENT_ERRORS as exc:
        if self.request.called_directly:
            raise
        raise self.retry(
            exc=exc, countdown=retry_countdown(retries=self.request.retries, base=30, ceiling=600)
        ) from exc

    def sweep(agency_id: int) -> dict[str, int]:
        with tenant_db.agency_scope(agency_id):
            agency = Agency.objects.select_related("policy").get(pk=agency_id)
            # The explicit due-date writer, for what changed outside the pages' services (an
            # interval changed in the admin, officers written by a script): no page read does it.
            ensure_due_dates(agency=agency)
            return sweep_agency(agency=agency)

    done, failed = sweep_in_parts(
        self,
        sorted(due),
        sweep,
        what="Check-in sweep",
        part_name=("agency", "agencies"),
        retry_with="agency_ids",
        base=30,
        ceiling=600,
        logger=log,
    )
    for counts in done.values():
        for key, n in counts.items():
            totals[key] += n
    totals["failed"] += failed
    log.info("Check-in sweep: %s", totals)
    return totals


@shared_task(
    bind=True, name="checkins.schedule_agency", ignore_result=True, max_retries=MAX_TASK_RETRIES
)
def schedule_agency(self, agency_id: int, horizon_days: int) -> int:
    """One agency's scheduling, in its own scope: due dates, a run over `horizon_days`, and
    publishing it (services.runs.schedule_agency). A state-wide job queues one per agency, so a
    worker pool runs them side by side; running one again, or two at once, schedules nobody
    twice. A transient error (a deadlock, the database away for a moment) tries again after a
    growing countdown. Returns how many appointments it published."""
    try:
        with tenant_db.agency_scope(agency_id):
            agency = Agency.objects.select_related("policy").get(pk=agency_id)
            count = schedule(agency=agency, horizon_days=horizon_days)
    except DatabaseError as exc:
        retry_task_on_transient(self, exc)
        raise
    log.info("Check-in scheduling of agency %s: %s published", agency_id, count)
    return count
