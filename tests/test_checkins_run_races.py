"""Two agencies' scheduler runs at the same moment on a provider they share: the second waits for
the first's bookings and never puts an officer in a place the first took (checkins/services/
capacity.py, `hold`). PostgreSQL only: SQLite has no row locks to race on."""

import threading
from collections import Counter
from datetime import date

import pytest
from django.db import connection, connections

from agencies import tenant_db
from agencies.models import Agency
from checkins.models import Appointment, AppointmentState, Booking, Program, ProviderContract
from checkins.services.runs import run_scheduler
from tests.factories import AgencyFactory, PersonFactory, contracted_provider
from tests.support.races import placing_together

OFFICERS = 6  # each agency's, all overdue: both runs want the earliest slots


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
@pytest.mark.system_scope  # builds two agencies and reads every booking
def test_two_agencies_runs_at_once_never_book_a_slot_past_its_capacity(monkeypatch):
    agencies = [AgencyFactory(), AgencyFactory()]
    provider = contracted_provider(agencies[0], capacity=1)
    ProviderContract.objects.create(agency=agencies[1], provider=provider)
    for agency in agencies:
        Program.objects.create(agency=agency, started_on=date(2020, 1, 1))
        PersonFactory.create_batch(OFFICERS, agency=agency, hire_date=date(2000, 1, 1))

    placing_together(monkeypatch)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(agency_id: int) -> None:
        try:
            start.wait(timeout=30)
            with tenant_db.agency_scope(agency_id):
                agency = Agency.objects.select_related("policy").get(pk=agency_id)
                run_scheduler(agency=agency, actor=None, horizon_days=60)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(a.pk,)) for a in agencies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a run hung (a lock never freed)"
    assert not errors, errors

    proposed = Appointment.objects.filter(state=AppointmentState.PROPOSED)
    per_slot = Counter(proposed.values_list("location_id", "starts_at"))
    assert sum(per_slot.values()) == 2 * OFFICERS
    assert max(per_slot.values()) == 1, [slot for slot, n in per_slot.items() if n > 1]
    taken = {(b.location_id, b.starts_at): b.taken for b in Booking.objects.filter(taken__gt=0)}
    assert taken == dict(per_slot)
