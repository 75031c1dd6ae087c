import logging

from celery import shared_task

from agencies.transient import MAX_TASK_RETRIES, sweep_in_parts

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
    done, failed = sweep_in_parts(
        self,
        steps or list(STEPS),
        lambda name: STEPS[name](),
        what="Retention sweep",
        part_name=("step", "steps"),
        retry_with="steps",
        base=60,
        ceiling=1800,
        logger=log,
    )
    totals = {**done, "failed": failed}
    log.info("Retention sweep: %s", totals)
    return totals
