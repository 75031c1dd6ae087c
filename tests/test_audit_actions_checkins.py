"""Each audited write of the check-in program is recorded by its service with how it ended
(issue 16, item 6): the officer's requests and explanations, the provider's marks, the
coordinator's decisions, scheduler runs and the program."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from agencies import clock
from agencies.choices import Role
from checkins.models import MissedCheckin, RescheduleRequest, RunState, ScheduleRun
from checkins.services import appointments, runs
from checkins.services.due import current_program, save_program
from tests.factories import AppointmentFactory, PersonFactory
from tests.support.audit import assert_two, call, entries, twice


def _past() -> dict:
    return {"starts_at": timezone.now() - timedelta(hours=3),
            "ends_at": timezone.now() - timedelta(hours=2)}  # fmt: skip


def _appointment(clayton, **fields):
    """The officer's, unless another person is given: one scheduled appointment a person."""
    fields.setdefault("person", clayton["officer"])
    return AppointmentFactory(agency=clayton["agency"], provider=clayton["provider"], **fields)


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_new_date_asked_and_decided_is_recorded_with_refusals(clayton, users):
    agency, user, lead = clayton["agency"], users[Role.OFFICER], users[Role.COORDINATOR]
    upcoming = _appointment(clayton)
    # The second try: asked already
    twice(
        agency,
        appointments.request_reschedule,
        appointment=upcoming,
        user=user,
        reason="Court that day",
    )
    assert_two("checkins:reschedule", upcoming.pk, user)
    asked = RescheduleRequest.objects.get(appointment=upcoming)
    # The second try: answered already
    twice(agency, appointments.decide_reschedule, request=asked, actor=lead, approve=False)
    assert_two("checkins:request_decide", asked.pk, lead)


@pytest.mark.django_db
def test_the_providers_marks_are_recorded_and_a_mark_too_early_refused(clayton, users):
    agency, provider = clayton["agency"], users[Role.PROVIDER]
    for code, mark in [("checkins:provider_completed", appointments.mark_completed),
                       ("checkins:provider_missed", appointments.mark_missed)]:  # fmt: skip
        early = _appointment(clayton, person=PersonFactory(agency=agency))
        past = _appointment(clayton, person=PersonFactory(agency=agency), **_past())
        call(agency, mark, appointment=early, actor=provider)
        call(agency, mark, appointment=past, actor=provider)
        assert entries(code) == [
            ("refused", str(early.pk), provider.pk), ("done", str(past.pk), provider.pk),
        ], code  # fmt: skip


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_missed_check_in_explained_and_decided_is_recorded_with_refusals(clayton, users):
    agency, user, lead = clayton["agency"], users[Role.OFFICER], users[Role.COORDINATOR]
    past = _appointment(clayton, **_past())
    missed = call(agency, appointments.mark_missed, appointment=past, actor=users[Role.PROVIDER])
    # The second try: sent already
    twice(agency, appointments.explain_missed, missed=missed, user=user, explanation="Sick")
    assert_two("checkins:explain", missed.pk, user)
    call(
        agency,
        appointments.decide_missed,
        missed=missed,
        actor=lead,
        just_cause=True,
        location_id=0,
        starts_at=timezone.now() + timedelta(days=40),
    )  # no such slot
    assert entries("checkins:missed_decide") == [("refused", str(missed.pk), lead.pk)]
    missed.refresh_from_db()
    assert missed.decided_at is None  # the finding went with the refused move
    assert MissedCheckin.objects.filter(pk=missed.pk).exists()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_scheduler_runs_published_and_discarded_are_recorded_with_refusals(clayton, users):
    agency, lead = clayton["agency"], users[Role.COORDINATOR]
    for horizon in (60, 5):  # the second: under the 14 days a horizon takes
        call(agency, runs.run_scheduler, agency=agency, actor=lead, horizon_days=horizon)
    assert entries("checkins:runs") == [("done", "", lead.pk), ("refused", "", lead.pk)]
    draft = ScheduleRun.objects.create(agency=agency, horizon_end=clock.today(agency))
    # The second try: published already
    twice(agency, runs.publish_run, run=draft, actor=lead)
    assert_two("checkins:run_publish", draft.pk, lead)
    other = ScheduleRun.objects.create(agency=agency, horizon_end=clock.today(agency))
    # The second try: discarded already
    twice(agency, runs.discard_run, run=other, actor=lead)
    assert_two("checkins:run_discard", other.pk, lead)
    other.refresh_from_db()
    assert other.state == RunState.DISCARDED


@pytest.mark.django_db
def test_the_program_saved_is_recorded_and_a_start_out_of_range_refused(clayton, users):
    agency, lead = clayton["agency"], users[Role.COORDINATOR]
    program = current_program(agency=agency)
    call(agency, save_program, program=program, actor=lead)
    program.started_on = date(1990, 1, 1)
    call(agency, save_program, program=program, actor=lead)
    assert entries("checkins:program") == [("done", "", lead.pk), ("refused", "", lead.pk)]
