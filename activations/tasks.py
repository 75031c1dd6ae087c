from celery import shared_task

from .services.callouts import escalate_due


@shared_task(name="activations.escalate_due", ignore_result=True)
def escalate_due_task() -> int:
    """Every minute: activations short of peers after the policy's minutes call the next ones."""
    return escalate_due()
