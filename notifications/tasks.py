from celery import shared_task
from django.db import DatabaseError

from agencies import tenant_db
from agencies.transient import retry_task_on_transient

from . import services
from .doorbell import enqueue
from .sms import TransientError


@shared_task(
    bind=True,
    name="notifications.deliver_message",
    ignore_result=True,
    acks_late=True,
    max_retries=services.MAX_ATTEMPTS,
)
def deliver_message(self, message_id: int) -> None:
    """Takes an id only; the row says what to send and to whom, and in which agency it is read."""
    try:
        agency_id = services.agency_of(message_id)
        if agency_id is None:
            return
        with tenant_db.agency_scope(agency_id):
            services.deliver(message_id)
    except TransientError as exc:
        raise self.retry(exc=exc, countdown=min(300, 10 * 2**self.request.retries)) from None
    except DatabaseError as exc:
        # The row is still pending or its claim goes stale: a retry (or the sweep) sends it.
        retry_task_on_transient(self, exc)
        raise


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
