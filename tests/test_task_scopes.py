"""Every Celery task of the product, run as a worker runs it: with no scope at all, on data that
gives it work to do. The task must open its own scopes (agencies/tenant_db.py): on PostgreSQL,
one that forgot would find no agency's rows, do nothing, and fail here. The last tests prove
that this is so: the suite runs test bodies unscoped, and an unscoped read finds nothing."""

from datetime import date, timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.signals import request_started
from django.db import connection
from django.utils import timezone

from activations.models import Activation, CallOut, Status
from agencies import tenant_db
from agencies.choices import Role
from agencies.models import IncidentType
from checkins.models import Appointment
from checkins.services.appointments import sweep_agency
from config.celery import app as celery_app
from notifications.models import Message, State
from roster.models import DirectoryImport, Peer
from tests.factories import PeerFactory, member, officers_appointment
from tests.support import scopes

pytestmark = pytest.mark.django_db

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has no row-level security: an unscoped read sees every row there",
)


def _product_tasks() -> set[str]:
    celery_app.loader.import_default_modules()  # every installed app's tasks module
    return {name for name in celery_app.tasks if not name.startswith("celery.")}


# The tests below, by the task they run. A new task fails the first test until it has one.
TESTED = {
    "agencies.tasks.clear_expired_sessions",
    "checkins.daily_sweep",
    "checkins.schedule_agency",
    "activations.escalate_due",
    "notifications.deliver_message",
    "notifications.deliver_messages",
    "notifications.sweep_outbox",
    "security.retention_sweep",
}


def test_every_task_of_the_product_is_run_unscoped_here():
    assert _product_tasks() == TESTED


@pytest.fixture
def notice_due(clayton):
    """An appointment of officer.clayton in 20 days: inside the notice period, not noticed."""
    return officers_appointment(clayton, days=20)


def test_the_daily_sweep_sends_each_agencys_notices_unscoped(
    notice_due, django_capture_on_commit_callbacks
):
    from checkins.tasks import daily_sweep

    assert scopes.is_unscoped()
    with django_capture_on_commit_callbacks(execute=True):
        totals = daily_sweep.apply().get()
    assert totals["notices"] == 1 and totals["failed"] == 0
    assert [m.to for m in mail.outbox] == [["officer@clayton.example"]]
    with tenant_db.system_scope():
        assert Appointment.objects.get(pk=notice_due.pk).noticed_at is not None


@pytest.fixture
def pending_notice(notice_due):
    """The notice of `notice_due`, queued and not yet handed to a worker."""
    agency = notice_due.agency
    with tenant_db.agency_scope(agency.pk):
        assert sweep_agency(agency=agency)["notices"] == 1  # its on-commit ring never runs
        return Message.objects.get(state=State.PENDING)


def test_delivering_a_message_sends_it_unscoped(pending_notice):
    from notifications.tasks import deliver_message

    assert scopes.is_unscoped()
    deliver_message.apply(args=[pending_notice.pk]).get()
    assert [m.to for m in mail.outbox] == [["officer@clayton.example"]]
    with tenant_db.system_scope():
        assert Message.objects.get(pk=pending_notice.pk).state == State.SENT


def test_delivering_a_batch_of_messages_sends_them_unscoped(pending_notice):
    from notifications.tasks import deliver_messages

    assert scopes.is_unscoped()
    deliver_messages.apply(args=[[pending_notice.pk]]).get()
    assert [m.to for m in mail.outbox] == [["officer@clayton.example"]]
    with tenant_db.system_scope():
        assert Message.objects.get(pk=pending_notice.pk).state == State.SENT


def test_the_outbox_sweep_finds_and_sends_what_is_due_unscoped(pending_notice):
    from notifications.tasks import sweep_outbox

    assert scopes.is_unscoped()
    assert sweep_outbox.apply().get() == 1
    assert [m.to for m in mail.outbox] == [["officer@clayton.example"]]
    with tenant_db.system_scope():
        assert Message.objects.get(pk=pending_notice.pk).state == State.SENT


@pytest.fixture
def short_of_peers(agency):
    """An open activation needing one peer, its last wave a day ago, and one peer to call."""
    PeerFactory(agency=agency, person__email="ava@clayton.example")
    with tenant_db.system_scope():
        return Activation.objects.create(
            agency=agency, incident_type=IncidentType.objects.for_agency(agency)[0],
            occurred_at=timezone.now(), location="Downtown", members_affected=1,
            peers_needed=1, status=Status.OPEN, last_wave_at=timezone.now() - timedelta(days=1),
        )  # fmt: skip


def test_escalation_calls_the_next_peer_unscoped(
    short_of_peers, django_capture_on_commit_callbacks
):
    from activations.tasks import escalate_due_task

    assert scopes.is_unscoped()
    with django_capture_on_commit_callbacks(execute=True):
        assert escalate_due_task.apply().get() == 1
    with tenant_db.system_scope():
        call = CallOut.objects.get(activation=short_of_peers)
        assert call.wave == 1
        assert Message.objects.filter(purpose="callout", subject_id=call.pk).count() == 2
    assert [m.to for m in mail.outbox] == [["ava@clayton.example"]]


def test_the_retention_sweep_clears_each_agencys_expired_rows_unscoped(agency):
    from security.tasks import retention_sweep

    coordinator = member(agency, Role.COORDINATOR)
    with time_machine.travel(timezone.now() - timedelta(days=40)), tenant_db.system_scope():
        upload = DirectoryImport.objects.create(
            agency=agency, uploaded_by=coordinator, filename="x.csv", content="a,b"
        )
        sent = Message.objects.create(
            agency=agency, purpose="callout", subject_type="activations.callout", subject_id=1,
            recipient_type="person", recipient_id=1, recipient_label="Ava Peer", channel="sms",
            state=State.SENT, due_at=timezone.now(), sent_at=timezone.now(), attempts=1,
        )  # fmt: skip
    assert scopes.is_unscoped()
    totals = retention_sweep.apply().get()
    assert totals["directory_files"] == 1 and totals["outbox"] == 1 and totals["failed"] == 0
    with tenant_db.system_scope():
        assert not DirectoryImport.objects.filter(pk=upload.pk).exists()
        stripped = Message.objects.get(pk=sent.pk)
    assert stripped.recipient_id is None and stripped.subject_id is None
    assert stripped.recipient_label == ""


def test_scheduling_an_agency_publishes_its_officers_appointments_unscoped(agency):
    from checkins.models import AppointmentState, Program
    from checkins.tasks import schedule_agency
    from tests.factories import PersonFactory, contracted_provider

    contracted_provider(agency)
    with tenant_db.system_scope():  # a program long started: everyone is due by now
        Program.objects.create(agency=agency, started_on=date(2020, 1, 1))
    PersonFactory.create_batch(3, agency=agency, hire_date=date(2000, 1, 1))
    assert scopes.is_unscoped()
    assert schedule_agency.apply(args=(agency.pk, 730)).get() == 3
    with tenant_db.system_scope():
        scheduled = Appointment.objects.filter(agency=agency, state=AppointmentState.SCHEDULED)
        assert scheduled.count() == 3


def test_clearing_expired_sessions_runs_unscoped(db):
    from agencies.tasks import clear_expired_sessions

    Session.objects.create(
        session_key="x" * 32, session_data="", expire_date=timezone.now() - timedelta(days=1)
    )
    assert scopes.is_unscoped()
    clear_expired_sessions.apply().get()
    assert not Session.objects.filter(session_key="x" * 32).exists()


# The detector: without these, the tests above could pass for a task that forgot its scope.


def _forgetful_count(agency_id: int) -> int:
    """What a task that forgot its scope would read."""
    return Peer.objects.filter(agency_id=agency_id).count()


@on_postgres
def test_a_read_that_forgot_its_scope_finds_nothing_on_postgresql(agency):
    PeerFactory(agency=agency)
    assert scopes.is_unscoped()
    assert _forgetful_count(agency.pk) == 0
    with tenant_db.agency_scope(agency.pk):
        assert _forgetful_count(agency.pk) == 1
    with scopes.no_scope():  # inside a scope too, as a request in a scoped test
        assert _forgetful_count(agency.pk) == 0


@on_postgres
def test_the_daily_sweeps_work_without_its_agency_scope_does_nothing_on_postgresql(notice_due):
    """The sweep's body for one agency, called as a task that forgot `agency_scope` would."""
    agency = notice_due.agency
    assert sweep_agency(agency=agency)["notices"] == 0
    with tenant_db.agency_scope(agency.pk):
        assert sweep_agency(agency=agency)["notices"] == 1


def test_a_test_body_runs_unscoped_and_a_marked_one_in_system_scope(request):
    assert tenant_db.current() is None
    assert not request.node.get_closest_marker("system_scope")


@pytest.mark.system_scope
def test_a_test_marked_system_scope_runs_in_it():
    assert tenant_db.current().kind == tenant_db.SYSTEM


def test_a_test_client_request_starts_unscoped_whatever_the_test_has_open(client):
    seen = []

    def note(**kwargs):
        seen.append(tenant_db.current())

    request_started.connect(note)
    try:
        with tenant_db.system_scope():
            client.get("/healthz/")
            assert tenant_db.current().kind == tenant_db.SYSTEM  # the test's own, given back
    finally:
        request_started.disconnect(note)
    assert seen == [None]
