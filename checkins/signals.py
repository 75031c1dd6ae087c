"""A policy whose check-in interval changes recomputes its officers' due dates."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from agencies.models import Policy


@receiver(post_save, sender=Policy)
def interval_changed(sender, instance: Policy, **kwargs) -> None:
    from .models import Program
    from .services.due import recompute_due_dates

    program = Program.objects.filter(agency_id=instance.agency_id).first()
    if program is not None and program.interval_years != instance.checkin_interval_years:
        recompute_due_dates(agency=instance.agency)
