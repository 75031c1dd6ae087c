"""Check-ins: due dates, the scheduler, notices with invitations, reschedules, misses and
completions, against the issue's must-show cases."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from icalendar import Calendar

from agencies.choices import Role
from checkins.models import Appointment, AppointmentState, DueDate, Program, RunState
from checkins.services import appointments as svc
from checkins.services.due import add_years, recompute_due_dates, start_of, today_in
from checkins.services.runs import discard_run, publish_run, run_scheduler
from checkins.tasks import daily_sweep
from tests.factories import (
    AppointmentFactory,
    PersonFactory,
    contracted_provider,
    officers_appointment,
)
from tests.support.scopes import no_scope


def _appointment(clayton, days: int) -> Appointment:
    return officers_appointment(clayton, days=days)


def _sweep(cb):
    with cb(execute=True), no_scope():  # as a worker runs it
        daily_sweep()


@pytest.mark.system_scope
def test_notice_goes_with_a_valid_invitation_30_days_before_and_only_once(
    clayton, django_capture_on_commit_callbacks
):
    appointment = _appointment(clayton, days=60)
    start = appointment.starts_at
    with time_machine.travel(start - timedelta(days=45)):
        _sweep(django_capture_on_commit_callbacks)
    assert mail.outbox == []
    for days_before in (32, 31, 30, 20):
        with time_machine.travel(start - timedelta(days=days_before)):
            _sweep(django_capture_on_commit_callbacks)
            _sweep(django_capture_on_commit_callbacks)
    notices = [
        m for m in mail.outbox if "officer@clayton.example" in m.to and "check-in on" in m.subject
    ]
    assert len(notices) == 1
    (name, content, mimetype) = notices[0].attachments[0]
    assert name == "checkin.ics" and mimetype.startswith("text/calendar")
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == start
    assert "590.192" in str(event.get("summary"))
    appointment.refresh_from_db()
    assert (start - appointment.noticed_at).days >= 30


@pytest.mark.system_scope
def test_reminders_go_once_each_on_their_days(clayton, django_capture_on_commit_callbacks):
    policy = clayton["agency"].policy
    policy.checkin_reminder_days = [7, 1]
    policy.save()
    # At noon local time, so the sweeps an hour before each day stay on that day (an appointment
    # between midnight and one o'clock would be swept a day early).
    agency = clayton["agency"]
    noon = start_of(today_in(agency) + timedelta(days=40), agency) + timedelta(hours=12)
    appointment = AppointmentFactory(
        agency=agency, person=clayton["officer"], provider=clayton["provider"], starts_at=noon
    )
    for days_before in (31, 7, 6, 1, 1):
        with time_machine.travel(appointment.starts_at - timedelta(days=days_before, hours=1)):
            _sweep(django_capture_on_commit_callbacks)
    reminders = [m for m in mail.outbox if m.subject.startswith("Reminder")]
    assert len(reminders) == 2


@pytest.mark.system_scope
def test_reschedule_asked_5_days_before_is_refused_with_the_7_day_rule(clayton, users):
    appointment = _appointment(clayton, days=5)
    with pytest.raises(ValidationError, match="at least 7 days before"):
        svc.request_reschedule(appointment=appointment, user=users[Role.OFFICER], reason="Court")
    assert not appointment.reschedule_requests.exists()


@pytest.mark.system_scope
def test_reschedule_asked_10_days_before_reaches_the_coordinator_and_approval_sends_a_new_notice(
    clayton, users, django_capture_on_commit_callbacks
):
    appointment = _appointment(clayton, days=10)
    with django_capture_on_commit_callbacks(execute=True):
        request = svc.request_reschedule(
            appointment=appointment, user=users[Role.OFFICER], reason="Court date"
        )
    to_coordinator = [m for m in mail.outbox if users[Role.COORDINATOR].email in m.to]
    assert len(to_coordinator) == 1 and "Court date" in to_coordinator[0].body
    mail.outbox.clear()
    agency = clayton["agency"]
    from checkins.services.capacity import free_slots

    slot = free_slots(
        agency=agency, first_day=today_in(agency) + timedelta(days=31),
        last_day=today_in(agency) + timedelta(days=45),
    )[0]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        new = svc.decide_reschedule(
            request=request, actor=users[Role.COORDINATOR], approve=True,
            location_id=slot.location_id, starts_at=slot.starts_at,
        )  # fmt: skip
    appointment.refresh_from_db()
    assert appointment.state == AppointmentState.RESCHEDULED
    assert new.starts_at == slot.starts_at and new.replaces == appointment
    notices = [m for m in mail.outbox if "officer@clayton.example" in m.to]
    assert len(notices) == 1 and notices[0].attachments
    # The new invitation updates the event the first one put in the calendar.
    assert "This replaces the appointment of" in notices[0].body
    event = Calendar.from_ical(notices[0].attachments[0][1]).walk("VEVENT")[0]
    assert str(event["uid"]).startswith(f"checkin-{appointment.pk}@")
    assert event.decoded("sequence") == 1 and event.decoded("dtstart") == new.starts_at


@pytest.mark.system_scope
def test_a_missed_appointment_asks_for_an_explanation_and_copies_the_chief(
    clayton, users, django_capture_on_commit_callbacks
):
    appointment = _appointment(clayton, days=3)
    with time_machine.travel(appointment.ends_at + timedelta(days=2)):
        _sweep(django_capture_on_commit_callbacks)
        appointment.refresh_from_db()
        assert appointment.state == AppointmentState.MISSED
        asked = [m for m in mail.outbox if "officer@clayton.example" in m.to]
        assert len(asked) == 1 and "explanation" in asked[0].subject.lower()
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            svc.explain_missed(
                missed=appointment.missed, user=users[Role.OFFICER], explanation="Flat tyre"
            )
    recipients = {address for m in mail.outbox for address in m.to}
    assert users[Role.COORDINATOR].email in recipients
    assert users[Role.COMMAND].email in recipients
    assert all("Copy: Chief" in m.body and "Flat tyre" in m.body for m in mail.outbox)
    # Only the coordinator's copy links to the page where the decision is made.
    (chiefs,) = [m for m in mail.outbox if users[Role.COMMAND].email in m.to]
    (coordinators,) = [m for m in mail.outbox if users[Role.COORDINATOR].email in m.to]
    assert "/checkins/requests/" in coordinators.body and "http" not in chiefs.body


@pytest.mark.system_scope
def test_completion_tells_the_commanding_officer_only_that_it_was_completed(
    clayton, users, django_capture_on_commit_callbacks
):
    appointment = _appointment(clayton, days=0)
    with django_capture_on_commit_callbacks(execute=True):
        svc.mark_completed(appointment=appointment, actor=users[Role.PROVIDER])
    (notice,) = mail.outbox
    assert notice.to == ["chief@clayton.example"]
    day = today_in(clayton["agency"])
    assert notice.body == (
        f"{clayton['officer'].full_name} completed the RSMo 590.192 mental health check-in "
        f"on {day:%B} {day.day}, {day:%Y}.\n"
    )
    assert not notice.attachments
    due = DueDate.objects.get(person=clayton["officer"])
    assert due.due_on == add_years(day, 3) and due.last_completed_on == day


@pytest.mark.system_scope
def test_a_future_appointment_cannot_be_marked_completed(clayton, users):
    appointment = _appointment(clayton, days=2)
    with pytest.raises(ValidationError):
        svc.mark_completed(appointment=appointment, actor=users[Role.PROVIDER])


@pytest.mark.system_scope
def test_a_starting_agency_is_spread_evenly_over_the_interval(agency):
    for _ in range(30):
        PersonFactory(agency=agency, hire_date=date(2005, 1, 1))
    PersonFactory(agency=agency, member_class="dispatcher")
    assert recompute_due_dates(agency=agency) == 30
    dues = sorted(DueDate.objects.for_agency(agency).values_list("due_on", flat=True))
    start = today_in(agency)
    assert dues[0] > start and dues[-1] == add_years(start, 3)
    by_year = [
        sum(1 for d in dues if add_years(start, y) < d <= add_years(start, y + 1)) for y in range(3)
    ]
    assert by_year == [10, 10, 10]


@pytest.mark.system_scope
def test_changing_the_interval_recomputes_due_dates(clayton, users):
    from agencies.services import save_policy

    appointment = _appointment(clayton, days=0)
    svc.mark_completed(appointment=appointment, actor=None)
    recompute_due_dates(agency=clayton["agency"])
    policy = clayton["agency"].policy
    policy.checkin_interval_years = 5
    save_policy(policy=policy, changed_fields=["checkin_interval_years"], actor=None)
    due = DueDate.objects.get(person=clayton["officer"])
    assert due.due_on == add_years(due.last_completed_on, 5)


@pytest.mark.system_scope
def test_the_scheduler_respects_capacity_notice_and_due_dates_and_reruns_without_duplicates(
    agency,
):
    contracted_provider(agency, capacity=2)
    for _ in range(40):
        PersonFactory(agency=agency, hire_date=date(2000, 1, 1))
    recompute_due_dates(agency=agency)
    first = run_scheduler(agency=agency, actor=None, horizon_days=400)
    second = run_scheduler(agency=agency, actor=None, horizon_days=400)
    first.refresh_from_db()
    assert first.state == RunState.DISCARDED and not first.appointments.exists()
    proposals = list(second.appointments.all())
    due = dict(DueDate.objects.for_agency(agency).values_list("person_id", "due_on"))
    earliest = today_in(agency) + timedelta(days=agency.policy.checkin_notice_days)
    assert len({a.person_id for a in proposals}) == len(proposals) > 0
    counts: dict = {}
    for a in proposals:
        day = a.starts_at.astimezone(a.starts_at.tzinfo).date()
        assert day >= earliest and day.weekday() < 5
        assert day <= max(due[a.person_id], earliest + timedelta(days=14))
        counts[a.starts_at] = counts.get(a.starts_at, 0) + 1
    assert max(counts.values()) <= 2
    assert publish_run(run=second, actor=None) == len(proposals)
    assert run_scheduler(agency=agency, actor=None, horizon_days=400).appointments.count() == 0


def _overdue_officer(agency):
    """An officer of a program that started long ago and who never checked in: overdue."""
    Program.objects.create(agency=agency, started_on=date(2020, 1, 1))
    return PersonFactory(agency=agency, hire_date=date(2000, 1, 1))


@pytest.mark.system_scope
def test_a_discarded_run_frees_its_slots(agency):
    contracted_provider(agency, capacity=1)
    _overdue_officer(agency)
    run = run_scheduler(agency=agency, actor=None, horizon_days=60)
    slot = run.appointments.get().starts_at
    discard_run(run=run, actor=None)
    again = run_scheduler(agency=agency, actor=None, horizon_days=60)
    assert again.appointments.get().starts_at == slot


@pytest.mark.system_scope
def test_another_agencys_bookings_take_the_providers_capacity(agency, other_agency):
    provider = contracted_provider(agency, capacity=1)
    from checkins.models import ProviderContract

    ProviderContract.objects.create(agency=other_agency, provider=provider)
    _overdue_officer(agency)
    _overdue_officer(other_agency)
    mine = run_scheduler(agency=agency, actor=None, horizon_days=60).appointments.get()
    theirs = run_scheduler(agency=other_agency, actor=None, horizon_days=60).appointments.get()
    assert mine.starts_at != theirs.starts_at


def test_officers_who_can_still_be_on_time_come_before_those_already_overdue():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from checkins.slots import Slot, place

    tz = ZoneInfo("America/Chicago")
    earliest = date(2027, 1, 4)  # a Monday
    slots = [
        Slot(1, 1, datetime(2027, 1, d, 9, tzinfo=tz), datetime(2027, 1, d, 10, tzinfo=tz), 1)
        for d in (4, 11, 18)
    ]
    overdue, due_soon, due_later = (
        (1, date(2026, 6, 1)),
        (2, date(2027, 1, 5)),
        (3, date(2027, 6, 1)),
    )
    placed, unplaced = place(
        officers=[overdue, due_soon, due_later], slots=slots, earliest=earliest
    )
    when = {officer: slot.starts_at.day for officer, slot in placed}
    # The one due this week gets it; the one due in June the latest of the emptiest weeks; the
    # overdue one the earliest slot left.
    assert when == {2: 4, 3: 18, 1: 11} and unplaced == []


def test_hours_that_hold_no_slot_are_refused(agency):
    from datetime import time

    from checkins.models import OpeningHours

    office = contracted_provider(agency).locations.get()
    for opens, closes, minutes in [(16, 9, 60), (9, 9, 60), (9, 10, 240)]:
        hours = OpeningHours(
            location=office, weekday=0, opens=time(opens), closes=time(closes),
            slot_minutes=minutes,
        )  # fmt: skip
        with pytest.raises(ValidationError):
            hours.full_clean()


@pytest.mark.system_scope
def test_closing_a_day_with_appointments_warns_the_platform_admin(clayton, rf):
    from django.contrib.admin.sites import site
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage

    from checkins.admin import ProviderAdmin
    from checkins.models import ClosedDate, Provider

    booked = _appointment(clayton, days=20)
    day = timezone.localtime(booked.starts_at).date()
    closed = ClosedDate.objects.create(provider=clayton["provider"], date=day)

    class Saved:  # what the admin's inline formset holds after saving
        model = ClosedDate
        new_objects, changed_objects = [closed], []

        def save(self):
            pass

    request = rf.post("/admin/")
    request.session, request._messages = {}, None
    request._messages = FallbackStorage(request)
    form = type("Form", (), {"instance": clayton["provider"]})()
    ProviderAdmin(Provider, site).save_formset(request, form, Saved(), change=True)
    (warning,) = [str(m) for m in get_messages(request)]
    assert "1 appointment is already booked" in warning and clayton["agency"].name in warning
