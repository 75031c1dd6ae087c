from celery import shared_task
from django.db import DatabaseError

from agencies.transient import retry_task_on_transient

from .services.callouts import escalate_due


@shared_task(bind=True, name="activations.escalate_due", ignore_result=True, max_retries=5)
def escalate_due_task(self) -> int:
    """Every minute: activations short of peers after the policy's minutes call the next ones.
    Finding them looks across agencies; each escalation works in its activation's agency."""
    try:
        return escalate_due()
    except DatabaseError as exc:
        retry_task_on_transient(self, exc)
        raise
