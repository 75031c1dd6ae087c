import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from agencies.transient import (
    MAX_TASK_RETRIES,
    TRANSIENT_ERRORS,
    drop_broken_connections,
    retry_countdown,
)

from .retention import STEPS

log = logging.getLogger(__name__)


@shared_task(
    bind=True, name="security.retention_sweep", ignore_result=True, max_retries=MAX_TASK_RETRIES
)
def retention_sweep(self, steps: list[str] | None = None) -> dict[str, int]:
    """Daily: what is past its retention period goes (security/retention.py). Every step only
    takes what is expired and not yet taken, so running it again, or twice at once, changes
    nothing more. One step's failure is logged and left for the next run; steps that met a
    transient error are tried again after a growing countdown, only they (`steps`). Returns
    how many rows (or files) each step removed or stripped, and "failed"."""
    totals = {"failed": 0}
    transient: list[str] = []
    last_error: BaseException | None = None
    for name in steps or list(STEPS):
        try:
            totals[name] = STEPS[name]()
        except SoftTimeLimitExceeded:
            raise
        except TRANSIENT_ERRORS as exc:
            log.warning("Retention step %s met a transient error (%s)", name, type(exc).__name__)
            transient.append(name)
            last_error = exc
            drop_broken_connections()
        except Exception:
            log.exception("Retention step %s failed; left for the next run", name)
            totals["failed"] += 1
    if transient:
        if not self.request.called_directly and self.request.retries < self.max_retries:
            raise self.retry(
                exc=last_error,
                kwargs={"steps": transient},
                countdown=retry_countdown(retries=self.request.retries, base=60, ceiling=1800),
            )
        log.error("Retention sweep gave up on %s; left for the next run", transient)
        totals["failed"] += len(transient)
    log.info("Retention sweep: %s", totals)
    return totals
