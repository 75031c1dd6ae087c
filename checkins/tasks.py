import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from agencies import tenant_db
from agencies.models import Agency
from agencies.transient import (
    MAX_TASK_RETRIES,
    TRANSIENT_ERRORS,
    drop_broken_connections,
    retry_countdown,
)

from .models import Appointment, AppointmentState
from .services.appointments import sweep_agency

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
    transient: list[int] = []
    last_error: BaseException | None = None
    for agency_id in sorted(due):
        try:
            with tenant_db.agency_scope(agency_id):
                agency = Agency.objects.select_related("policy").get(pk=agency_id)
                counts = sweep_agency(agency=agency)
        except SoftTimeLimitExceeded:
            raise
        except TRANSIENT_ERRORS as exc:
            log.warning(
                "Check-in sweep of agency %s met a transient error (%s); it is tried again",
                agency_id,
                type(exc).__name__,
            )
            transient.append(agency_id)
            last_error = exc
            drop_broken_connections()
            continue
        except Exception:
            log.exception("Check-in sweep of agency %s failed; left for the next run", agency_id)
            totals["failed"] += 1
            continue
        for key, n in counts.items():
            totals[key] += n
    if transient:
        # Called from code, not a worker, there is no broker to send the retry through.
        if not self.request.called_directly and self.request.retries < self.max_retries:
            log.info("Check-in sweep so far: %s; agencies %s tried again", totals, transient)
            raise self.retry(
                exc=last_error,
                kwargs={"agency_ids": transient},
                countdown=retry_countdown(retries=self.request.retries, base=30, ceiling=600),
            )
        log.error("Check-in sweep gave up on agencies %s; left for the next run", transient)
        totals["failed"] += len(transient)
    log.info("Check-in sweep: %s", totals)
    return totals
