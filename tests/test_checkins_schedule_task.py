"""One agency's scheduling as a task of its own (checkins.tasks.schedule_agency: due dates, a run,
publishing it), as a state-wide job queues one per agency: run again, or twice at once, it
schedules each officer once and fills no slot past its capacity."""

from collections import Counter
from datetime import date

import pytest
from django.db import connection

from agencies import tenant_db
from checkins.models import Appointment, AppointmentState, Booking, Program, RunState, ScheduleRun
from checkins.services import runs
from checkins.tasks import schedule_agency
from tests.factories import AgencyFactory, PersonFactory, contracted_provider
from tests.support.races import placing_together, run_together
from tests.support.scopes import no_scope

OFFICERS = 6


def _officers(agency) -> None:
    Program.objects.create(agency=agency, started_on=date(2020, 1, 1))
    PersonFactory.create_batch(OFFICERS, agency=agency, hire_date=date(2000, 1, 1))


def _each_officer_once_within_capacity(agency, capacity: int) -> None:
    scheduled = Appointment.objects.filter(agency=agency, state=AppointmentState.SCHEDULED)
    assert sorted(Counter(scheduled.values_list("person_id", flat=True)).values()) == [1] * OFFICERS
    assert not Appointment.objects.filter(agency=agency, state=AppointmentState.PROPOSED).exists()
    per_slot = Counter(scheduled.values_list("location_id", "starts_at"))
    assert max(per_slot.values()) <= capacity
    taken = {(b.location_id, b.starts_at): b.taken for b in Booking.objects.filter(taken__gt=0)}
    assert taken == dict(per_slot)


@pytest.mark.django_db
@pytest.mark.system_scope  # builds the agency and reads what the task wrote
def test_the_task_publishes_every_officer_once_and_run_again_publishes_nobody_twice():
    agency = AgencyFactory()
    contracted_provider(agency, capacity=1)
    _officers(agency)
    with no_scope():  # as a worker runs it: the task opens the agency's scope itself
        assert schedule_agency.delay(agency.pk, 60).get() == OFFICERS
        assert schedule_agency.delay(agency.pk, 60).get() == 0
    states = ScheduleRun.objects.filter(agency=agency).values_list("state", flat=True)
    assert sorted(states) == [RunState.EMPTY, RunState.PUBLISHED]
    _each_officer_once_within_capacity(agency, capacity=1)


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_draft_replaced_before_it_is_published_leaves_the_replacing_run_published(monkeypatch):
    agency = AgencyFactory()
    contracted_provider(agency, capacity=1)
    _officers(agency)
    publish = runs.publish_run
    second: list[int] = []

    def another_run_first(**kwargs):
        # A second scheduling of the agency gets in between the first's run and its publishing:
        # it discards the first's draft and publishes its own.
        monkeypatch.setattr(runs, "publish_run", publish)
        second.append(runs.schedule_agency(agency=agency, horizon_days=60))
        return publish(**kwargs)

    monkeypatch.setattr(runs, "publish_run", another_run_first)
    with tenant_db.agency_scope(agency.pk):
        assert runs.schedule_agency(agency=agency, horizon_days=60) == 0
    assert second == [OFFICERS]
    states = ScheduleRun.objects.filter(agency=agency).values_list("state", flat=True)
    assert sorted(states) == [RunState.DISCARDED, RunState.PUBLISHED]
    _each_officer_once_within_capacity(agency, capacity=1)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
@pytest.mark.system_scope
def test_two_schedulings_of_one_agency_at_once_publish_one_set_within_capacity(monkeypatch):
    agency = AgencyFactory()
    contracted_provider(agency, capacity=1)
    _officers(agency)
    placing_together(monkeypatch)
    # Each in the agency's scope already: the task's own is then the same.
    outcomes = run_together(agency.pk, *[lambda: schedule_agency(agency.pk, 60)] * 2)
    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    results = [count for _, count in outcomes]
    assert sorted(results) == [0, OFFICERS]
    assert ScheduleRun.objects.filter(agency=agency, state=RunState.PUBLISHED).count() == 1
    _each_officer_once_within_capacity(agency, capacity=1)
