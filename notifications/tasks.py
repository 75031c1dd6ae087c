from celery import shared_task
from django.db import DatabaseError

from agencies import tenant_db
from agencies.transient import drop_broken_connections, retry_countdown, retry_task_on_transient

from . import services
from .doorbell import enqueue

# Both delivery tasks. Acknowledged once done: the broker hands a dead worker's task out again.
DELIVERY = {
    "bind": True,
    "ignore_result": True,
    "acks_late": True,
    "max_retries": services.MAX_ATTEMPTS,
}


def _deliver(task, ids: list[int], args) -> None:
    """A delivery task's body; `args(ids)` are the task's arguments for a retry of only those.
    What the database interrupted is retried with the backoff of transient errors, what the
    mail or SMS service refused for now with a doubling countdown."""
    try:
        later = services.deliver_many(ids)
    except services.Interrupted as stop:
        # The rows not done are still pending, or their claim goes stale: a retry (or the sweep)
        # sends them.
        drop_broken_connections()
        countdown = retry_countdown(retries=task.request.retries)
        raise task.retry(args=args(stop.remaining), exc=stop.cause, countdown=countdown) from None
    if later:
        countdown = min(300, 10 * 2**task.request.retries)
        raise task.retry(args=args(later), countdown=countdown)


@shared_task(name="notifications.deliver_messages", **DELIVERY)
def deliver_messages(self, message_ids: list[int]) -> None:
    """Takes ids only, a few of one transaction's notices (the doorbell's batch): the rows say
    what to send and to whom, and in which agency each is read."""
    _deliver(self, message_ids, lambda ids: (ids,))


@shared_task(name="notifications.deliver_message", **DELIVERY)
def deliver_message(self, message_id: int) -> None:
    """One message: what a broker may still hold from before the doorbell rang in batches."""
    _deliver(self, [message_id], lambda ids: (ids[0],))


@shared_task(bind=True, name="notifications.sweep_outbox", ignore_result=True, max_retries=5)
def sweep_outbox(self) -> int:
    """Every minute: whatever is due and not handed to a worker (Redis was down, a worker died,
    a notice due in 30 days has come due) goes to the broker now. Finding them looks across
    agencies; each delivery then works in its message's agency."""
    try:
        with tenant_db.system_scope():
            ids = services.due_ids()
    except DatabaseError as exc:
        retry_task_on_transient(self, exc)
        raise
    enqueue(ids, force=True)
    return len(ids)
