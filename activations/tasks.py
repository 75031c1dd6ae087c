from celery import shared_task

from agencies import tenant_db

from .services.callouts import escalate, escalation_due


@shared_task(name="activations.escalate_due", ignore_result=True)
def escalate_due_task() -> int:
    """Every minute: activations short of peers after the policy's minutes call the next ones.
    Finding them looks across agencies; each escalation works in its activation's agency."""
    with tenant_db.system_scope():
        due = escalation_due()
    done = 0
    for activation_id, agency_id in due:
        with tenant_db.agency_scope(agency_id):
            done += escalate(activation_id)
    return done
