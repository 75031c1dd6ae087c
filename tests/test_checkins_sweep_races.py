"""The check-in daily sweep run twice at once, and one agency's or one appointment's failure
(issue 13, item 5). The race runs on PostgreSQL only: SQLite has no row locks to race on."""

import logging
import threading
from collections import Counter
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import OperationalError, connection, connections
from django.utils import timezone

from agencies import transient
from agencies.models import Agency
from checkins import tasks
from checkins.models import (
    Appointment,
    AppointmentNotice,
    AppointmentState,
    MissedCheckin,
    NoticeKind,
)
from checkins.services import appointments, notices
from checkins.tasks import daily_sweep
from notifications.models import Message
from tests.factories import AgencyFactory, AppointmentFactory, contracted_provider
from tests.support.scopes import built, no_scope

pytestmark = pytest.mark.django_db

AGENCIES = 3
EACH = 3  # appointments of each kind per agency and round
ROUNDS = 3
# From the moment the appointments are made to the sweep: the first kind's notice is due, the
# second's 7-day reminder, and the third ended long ago.
TRAVEL = timedelta(days=40)
NOTICE_IN, REMINDER_IN, PAST_IN = 60, 43, 10


@built
def _agency_with_appointments(made_at: datetime) -> tuple[Agency, dict[str, list[int]]]:
    agency = AgencyFactory()
    agency.policy.checkin_notice_days = 30
    agency.policy.checkin_reminder_days = [7, 1]
    agency.policy.save()
    provider = contracted_provider(agency, capacity=50)
    hour = made_at.replace(minute=0, second=0, microsecond=0)

    def make(days: int, **fields) -> int:
        return AppointmentFactory(
            agency=agency, provider=provider, starts_at=hour + timedelta(days=days), **fields
        ).pk

    ids = {
        "notice": [make(NOTICE_IN) for _ in range(EACH)],
        # Its notice went when it was published; only the reminder is left.
        "reminder": [make(REMINDER_IN, noticed_at=made_at) for _ in range(EACH)],
        "missed": [make(PAST_IN) for _ in range(EACH)],
    }
    return agency, ids


def _two_sweeps_at_once() -> tuple[list[dict[str, int]], list[BaseException]]:
    """Two worker processes' daily sweeps, started at the same instant. Each thread has its own
    database connection (Django's are per thread) and no tenant scope, as a worker has none:
    the task opens its own."""
    barrier = threading.Barrier(2)
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            results.append(daily_sweep())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a sweep hung (a lock never freed)"
    return results, errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
@pytest.mark.system_scope
def test_two_sweeps_at_once_never_crash_never_double_a_notice_and_mark_each_miss_once(caplog):
    caplog.set_level(logging.ERROR, logger="checkins")
    expected: dict[str, list[int]] = {"notice": [], "reminder": [], "missed": []}
    reported: Counter[str] = Counter()
    errors: list[BaseException] = []
    for _ in range(ROUNDS):
        made_at = timezone.now()
        for _ in range(AGENCIES):
            _, ids = _agency_with_appointments(made_at)
            for kind, pks in ids.items():
                expected[kind] += pks
        # Earlier rounds' appointments are swept again at the same moment: nothing new for them.
        with time_machine.travel(made_at + TRAVEL, tick=False):
            results, round_errors = _two_sweeps_at_once()
        errors += round_errors
        for result in results:
            reported.update(result)

    notice_rows = Counter(
        AppointmentNotice.objects.values_list("appointment_id", "kind", "days_before")
    )
    message_rows = Counter(
        Message.objects.values_list(
            "purpose", "subject_type", "subject_id", "recipient_type", "recipient_id", "channel"
        )
    )
    missed_rows = Counter(MissedCheckin.objects.values_list("appointment_id", flat=True))
    # Both sweeps counting the same notice or miss would be doubled work, even with a unique
    # key refusing the second row.
    doubled = sum(
        n - 1 for rows in (notice_rows, message_rows, missed_rows) for n in rows.values()
    ) + sum(
        max(0, reported[total] - len(expected[kind]))
        for total, kind in (("notices", "notice"), ("reminders", "reminder"), ("missed", "missed"))
    )
    crashes = len(errors) + reported["failed"] + len(caplog.records)
    print(
        f"two sweeps x{ROUNDS} rounds, {ROUNDS * AGENCIES} agencies: crashes={crashes} "
        f"notices={reported['notices']} reminders={reported['reminders']} "
        f"missed={reported['missed']} doubled={doubled}"
    )
    assert errors == [] and reported["failed"] == 0 and caplog.records == []
    assert doubled == 0
    assert reported["notices"] == len(expected["notice"]) == ROUNDS * AGENCIES * EACH
    assert reported["reminders"] == len(expected["reminder"])
    assert reported["missed"] == len(expected["missed"])

    assert set(notice_rows) == {(pk, NoticeKind.NOTICE, 30) for pk in expected["notice"]} | {
        (pk, NoticeKind.REMINDER, 7) for pk in expected["reminder"]
    }
    purposes = Counter(purpose for purpose, *_ in message_rows)
    assert purposes == {
        "checkin_notice": len(expected["notice"]),
        "checkin_reminder": len(expected["reminder"]),
        "checkin_missed": len(expected["missed"]),
    }
    assert set(missed_rows) == set(expected["missed"])
    states = dict(Appointment.objects.values_list("pk", "state"))
    assert {states[pk] for pk in expected["missed"]} == {AppointmentState.MISSED}
    assert {states[pk] for pk in expected["notice"] + expected["reminder"]} == {
        AppointmentState.SCHEDULED
    }
    # Every appointment whose notice was queued says so, and none says so without one.
    noticed = set(
        Appointment.objects.filter(pk__in=expected["notice"], noticed_at__isnull=False).values_list(
            "pk", flat=True
        )
    )
    assert noticed == set(expected["notice"])


def _swept_later(agencies: int) -> tuple[list[Agency], list[dict[str, list[int]]], datetime]:
    made_at = timezone.now()
    built = [_agency_with_appointments(made_at) for _ in range(agencies)]
    return [a for a, _ in built], [ids for _, ids in built], made_at + TRAVEL


@pytest.mark.system_scope
def test_one_agencys_failure_is_logged_by_id_and_the_other_agencies_are_still_swept(
    monkeypatch, caplog
):
    (broken, *others), ids, then = _swept_later(3)
    real = tasks.sweep_agency

    def sweep_agency(*, agency):
        if agency.pk == broken.pk:
            raise RuntimeError("the policy could not be read")
        return real(agency=agency)

    monkeypatch.setattr(tasks, "sweep_agency", sweep_agency)
    with (
        time_machine.travel(then, tick=False),
        no_scope(),
    ):  # as a worker or the command line runs it
        totals = daily_sweep()
    assert totals == {"notices": 2 * EACH, "reminders": 2 * EACH, "missed": 2 * EACH, "failed": 1}
    (record,) = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.name == "checkins.tasks" and record.exc_info
    assert str(broken.pk) in record.getMessage()
    assert broken.name not in record.getMessage()
    for ids_of, agency in zip(ids, [broken, *others], strict=True):
        missed = Appointment.objects.filter(pk__in=ids_of["missed"], state=AppointmentState.MISSED)
        assert missed.count() == (0 if agency == broken else EACH)

    # Left for the next run, which sweeps it and finds nothing left in the others.
    monkeypatch.setattr(tasks, "sweep_agency", real)
    with (
        time_machine.travel(then + timedelta(hours=1), tick=False),
        no_scope(),
    ):  # as a worker or the command line runs it
        totals = daily_sweep()
    assert totals == {"notices": EACH, "reminders": EACH, "missed": EACH, "failed": 0}


@pytest.mark.system_scope
def test_one_appointments_failure_is_rolled_back_and_left_for_the_next_run(monkeypatch, caplog):
    (agency,), (ids,), then = _swept_later(1)
    broken = ids["notice"][0]
    real = notices.appointment_notice

    def appointment_notice(*, appointment, kind, days_before):
        sent = real(appointment=appointment, kind=kind, days_before=days_before)
        if appointment.pk == broken:
            raise RuntimeError("the invitation could not be built")
        return sent

    monkeypatch.setattr(notices, "appointment_notice", appointment_notice)
    with time_machine.travel(then, tick=False):
        counts = appointments.sweep_agency(agency=agency)
    assert counts == {"notices": EACH - 1, "reminders": EACH, "missed": EACH, "failed": 1}
    # Nothing of the failed notice is kept, so the next run sends it whole.
    assert not AppointmentNotice.objects.filter(appointment_id=broken).exists()
    assert Appointment.objects.get(pk=broken).noticed_at is None
    (record,) = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert f"appointment {broken}" in record.getMessage() and record.exc_info

    monkeypatch.setattr(notices, "appointment_notice", real)
    with time_machine.travel(then + timedelta(hours=1), tick=False):
        counts = appointments.sweep_agency(agency=agency)
    assert counts == {"notices": 1, "reminders": 0, "missed": 0, "failed": 0}
    assert Appointment.objects.get(pk=broken).noticed_at is not None


@pytest.mark.system_scope
def test_a_sweep_skips_quietly_what_another_sweep_marked_after_it_looked(monkeypatch):
    """The state is read again under the row lock: a miss marked meanwhile is not an error."""
    (agency,), (ids,), then = _swept_later(1)
    real = appointments._lock_scheduled

    def another_sweep_got_there_first(*, pk: int):
        if pk in ids["missed"] and Appointment.objects.get(pk=pk).state == "scheduled":
            appointments.mark_missed(appointment=Appointment.objects.get(pk=pk), actor=None)
        return real(pk=pk)

    monkeypatch.setattr(appointments, "_lock_scheduled", another_sweep_got_there_first)
    with time_machine.travel(then, tick=False):
        counts = appointments.sweep_agency(agency=agency)
    assert counts["missed"] == 0 and counts["failed"] == 0
    assert MissedCheckin.objects.filter(appointment_id__in=ids["missed"]).count() == EACH


@pytest.fixture
def retries_in_process():
    """apply() runs the task as a worker would, retries included (at once, in this process);
    the test settings' propagating of eager errors would stop it at the first retry."""
    conf = daily_sweep.app.conf
    saved = conf.task_eager_propagates
    conf.task_eager_propagates = False
    yield
    conf.task_eager_propagates = saved


@pytest.mark.usefixtures("retries_in_process")
@pytest.mark.system_scope
def test_a_transient_database_error_retries_only_that_agency_with_a_growing_countdown(
    monkeypatch,
):
    (flaky, steady), ids, then = _swept_later(2)
    real = tasks.sweep_agency
    failures = iter([True, True])
    swept: list[int] = []

    def sweep_agency(*, agency):
        swept.append(agency.pk)
        if agency.pk == flaky.pk and next(failures, False):
            raise OperationalError("server closed the connection unexpectedly")
        return real(agency=agency)

    retries: list[dict] = []
    real_retry = daily_sweep.retry

    def retry(*args, **kwargs):
        retries.append(kwargs)
        return real_retry(*args, **kwargs)

    monkeypatch.setattr(tasks, "sweep_agency", sweep_agency)
    monkeypatch.setattr(daily_sweep, "retry", retry)
    with (
        time_machine.travel(then, tick=False),
        no_scope(),
    ):  # as a worker or the command line runs it
        totals = daily_sweep.apply().get()
    assert [r["kwargs"] for r in retries] == [{"agency_ids": [flaky.pk]}] * 2
    first, second = (r["countdown"] for r in retries)
    assert 0 < first < second <= 600
    assert sorted(swept) == sorted([flaky.pk] * 3 + [steady.pk])
    # What the last try returns: the flaky agency, swept at last.
    assert totals == {"notices": EACH, "reminders": EACH, "missed": EACH, "failed": 0}
    for agency_ids in ids:
        assert MissedCheckin.objects.filter(appointment_id__in=agency_ids["missed"]).count() == EACH


@pytest.mark.usefixtures("retries_in_process")
def test_a_transient_error_that_lasts_is_given_up_after_the_last_retry_and_counted(
    monkeypatch, caplog
):
    (flaky,), _, then = _swept_later(1)
    tries: list[int] = []

    def sweep_agency(*, agency):
        tries.append(agency.pk)
        raise OperationalError("the database system is starting up")

    monkeypatch.setattr(tasks, "sweep_agency", sweep_agency)
    with (
        time_machine.travel(then, tick=False),
        no_scope(),
    ):  # as a worker or the command line runs it
        totals = daily_sweep.apply().get()
    assert tries == [flaky.pk] * (1 + transient.MAX_TASK_RETRIES)
    assert totals == {"notices": 0, "reminders": 0, "missed": 0, "failed": 1}
    assert f"gave up on agencies [{flaky.pk}]" in caplog.text


@pytest.mark.usefixtures("retries_in_process")
def test_an_error_that_is_not_transient_is_not_retried(monkeypatch):
    _, _, then = _swept_later(1)

    def sweep_agency(*, agency):
        raise ValueError("a bug, not the network")

    retries: list[dict] = []
    monkeypatch.setattr(tasks, "sweep_agency", sweep_agency)
    monkeypatch.setattr(daily_sweep, "retry", lambda *a, **kw: retries.append(kw))
    with (
        time_machine.travel(then, tick=False),
        no_scope(),
    ):  # as a worker or the command line runs it
        totals = daily_sweep.apply().get()
    assert retries == []
    assert totals == {"notices": 0, "reminders": 0, "missed": 0, "failed": 1}
