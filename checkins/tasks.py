from celery import shared_task

from agencies import tenant_db
from agencies.models import Agency

from .models import Appointment, AppointmentState
from .services.appointments import sweep_agency


@shared_task(name="checkins.daily_sweep", ignore_result=True)
def daily_sweep() -> dict[str, int]:
    """Once a day (and safe more often): each agency's notices, reminders and misses. Notices
    are found here when their day comes, never held back with a countdown in the broker."""
    totals = {"notices": 0, "reminders": 0, "missed": 0}
    # Which agencies have scheduled appointments is the only thing read across agencies.
    with tenant_db.system_scope():
        scheduled = Appointment.objects.filter(state=AppointmentState.SCHEDULED)
        agency_ids = list(scheduled.values_list("agency_id", flat=True).distinct().order_by())
    for agency_id in agency_ids:
        with tenant_db.agency_scope(agency_id):
            agency = Agency.objects.select_related("policy").get(pk=agency_id)
            for key, n in sweep_agency(agency=agency).items():
                totals[key] += n
    return totals
