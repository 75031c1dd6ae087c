from celery import shared_task
from django.core import management


@shared_task(name="agencies.tasks.clear_expired_sessions", ignore_result=True)
def clear_expired_sessions() -> None:
    """Daily housekeeping: drop expired sessions so signed-out devices leave nothing behind."""
    management.call_command("clearsessions")
