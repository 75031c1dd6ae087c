"""Retention (issue 14, item 6): the daily sweep removes audit records after a year, sign-in
attempts and lockouts after 90 days, and strips a finished notice of whom and what after 30,
keeping the row. The clock is pinned to a moment in the past, so that on PostgreSQL the
database's own clock (which the audit log's delete policy reads) is later still."""

import os
import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog
from django.conf import settings
from django.db import connection, connections

from agencies import tenant_db
from config.celery import app as celery_app
from notifications.models import Message, State
from security.models import AuditEvent, UserSession
from security.tasks import retention_sweep
from tests.factories import UserFactory
from tests.support.scopes import built

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def _at(days_ago: float):
    return time_machine.travel(NOW - timedelta(days=days_ago), tick=False)


def _sweep() -> dict[str, int]:
    with time_machine.travel(NOW, tick=False), tenant_db.user_scope(None):
        return retention_sweep()


@built
def _audit(agency, days_ago: float, action: str) -> int:
    with _at(days_ago):
        return AuditEvent.objects.create(agency=agency, action=action, outcome="done").pk


@built
def _attempt(model, days_ago: float, username: str):
    with _at(days_ago):
        fields = {"user_agent": "x", "ip_address": "10.0.0.9", "username": username}
        if model is AccessAttempt:
            row = model.objects.create(**fields, get_data="", post_data="", failures_since_start=5)
            AccessAttemptExpiration.objects.create(
                access_attempt=row,
                expires_at=NOW - timedelta(days=days_ago) + timedelta(minutes=15),
            )
            return row
        return model.objects.create(**fields)


@built
def _notice(agency, days_ago: float, *, state: str = State.SENT, n: int = 1) -> Message:
    with _at(days_ago):
        sent = NOW - timedelta(days=days_ago) if state == State.SENT else None
        return Message.objects.create(
            agency=agency, purpose="callout", subject_type="activations.callout", subject_id=n,
            recipient_type="person", recipient_id=n, recipient_label="Ava Peer", channel="sms",
            state=state, last_error="to +18165550142", due_at=NOW - timedelta(days=days_ago),
            sent_at=sent, attempts=1,
        )  # fmt: skip


@pytest.mark.system_scope
def test_an_audit_record_364_days_old_stays_and_one_366_days_old_is_deleted(agency):
    young = _audit(agency, 364, "young")
    old = _audit(agency, 366, "old")
    platform_old = _audit(None, 400, "login failed")

    first = _sweep()
    second = _sweep()

    assert set(AuditEvent.objects.values_list("pk", flat=True)) == {young}
    assert first["audit"] == 2 and first["failed"] == 0
    assert second["audit"] == 0 and second["failed"] == 0
    assert old != platform_old


@pytest.mark.system_scope
def test_the_audit_log_has_one_deletion_path_and_it_refuses_less_than_a_year(agency):
    _audit(agency, 366, "old")
    with pytest.raises(ValueError, match="365 days"):
        AuditEvent.objects.purge_expired(days=364)
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.get().delete()
    assert AuditEvent.objects.count() == 1


@pytest.mark.system_scope
def test_a_longer_audit_period_keeps_records_longer(agency, settings):
    settings.RETENTION_AUDIT_DAYS = 730
    kept = _audit(agency, 400, "kept")
    _audit(agency, 731, "gone")
    assert _sweep()["audit"] == 1
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [kept]


def test_the_audit_log_deletes_in_batches_until_none_is_left(agency):
    for i in range(7):
        _audit(agency, 370 + i, f"old {i}")
    with time_machine.travel(NOW, tick=False):
        assert AuditEvent.objects.purge_expired(days=365, batch_size=3) == 7
    assert not AuditEvent.objects.exists()


def test_signin_attempts_and_lockouts_89_days_old_stay_and_91_days_old_are_deleted():
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        _attempt(model, 89, "kept")
        _attempt(model, 91, "gone")

    first = _sweep()
    second = _sweep()

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        assert list(model.objects.values_list("username", flat=True)) == ["kept"]
    assert AccessAttemptExpiration.objects.count() == 1  # the lockout went with its attempt
    assert first["signin_attempts"] == 3
    assert second["signin_attempts"] == 0


@pytest.mark.system_scope
def test_a_notice_sent_31_days_ago_loses_whom_and_what_but_its_row_stays(agency):
    old = _notice(agency, 31, n=1)
    young = _notice(agency, 29, n=2)
    failed = _notice(agency, 31, state=State.FAILED, n=3)
    waiting = _notice(agency, 31, state=State.PENDING, n=4)  # never sent: still needed

    first = _sweep()
    second = _sweep()

    old.refresh_from_db()
    assert (old.recipient_id, old.subject_id, old.recipient_label, old.last_error) == (
        None, None, "", ""
    )  # fmt: skip
    assert (old.purpose, old.channel, old.state, old.recipient_type) == (
        "callout", "sms", State.SENT, "person"
    )  # fmt: skip
    assert old.sent_at == NOW - timedelta(days=31) and old.created_at is not None
    failed.refresh_from_db()
    assert failed.recipient_id is None and failed.state == State.FAILED
    for kept in (young, waiting):
        kept.refresh_from_db()
        assert kept.recipient_label == "Ava Peer" and kept.recipient_id is not None
        assert kept.last_error
    assert Message.objects.count() == 4
    assert first["outbox"] == 2 and second["outbox"] == 0


@pytest.mark.system_scope
def test_a_stripped_failed_notice_cannot_be_sent_again(agency):
    from notifications import services

    failed = _notice(agency, 31, state=State.FAILED)
    _sweep()
    failed.refresh_from_db()
    services.retry(message=failed, actor=None)
    failed.refresh_from_db()
    assert failed.state == State.FAILED


def test_the_embedded_defaults_mail_and_text_files_go_after_30_days(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    settings.SMS_BACKEND = "notifications.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "sms")
    files = {}
    for folder in ("mail", "sms"):
        (tmp_path / folder).mkdir()
        for days in (29, 31):
            path = tmp_path / folder / f"{days}.log"
            path.write_text("to +18165550142")
            stamp = (NOW - timedelta(days=days)).timestamp()
            os.utime(path, (stamp, stamp))
            files[folder, days] = path
    assert _sweep()["files"] == 2
    assert sorted(p.name for p in (tmp_path / "mail").iterdir()) == ["29.log"]
    assert sorted(p.name for p in (tmp_path / "sms").iterdir()) == ["29.log"]
    assert _sweep()["files"] == 0


def test_a_session_note_goes_a_day_after_the_session_could_last(agency):
    user = UserFactory()
    with _at(2):
        UserSession.objects.create(user=user, session_key="old")
    with _at(0.25):
        UserSession.objects.create(user=user, session_key="current")
    assert _sweep()["sessions"] == 1
    assert list(UserSession.objects.values_list("session_key", flat=True)) == ["current"]


@pytest.mark.system_scope
def test_one_steps_failure_leaves_the_others_swept(agency, monkeypatch):
    from security import retention

    def broken():
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(retention.STEPS, "files", broken)
    old = _notice(agency, 31)
    _audit(agency, 366, "old")
    totals = _sweep()
    assert totals["failed"] == 1 and totals["audit"] == 1 and totals["outbox"] == 1
    old.refresh_from_db()
    assert old.recipient_id is None


def test_the_sweep_runs_daily_from_the_beat_schedule():
    entries = [
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == retention_sweep.name
    ]
    assert len(entries) == 1
    assert retention_sweep.name in celery_app.tasks


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row-level security is PostgreSQL's")
@pytest.mark.system_scope
def test_the_database_lets_only_the_system_scope_delete_audit_records_past_a_year(agency):
    # The database's clock is the real one: "young" is made now, "old" well over a year ago.
    young = AuditEvent.objects.create(agency=agency, action="young", outcome="done").pk
    old = _audit(agency, 366, "old")
    with tenant_db.agency_scope(agency.pk), connection.cursor() as cursor:
        cursor.execute("DELETE FROM security_auditevent")
        assert cursor.rowcount == 0  # an agency deletes nothing, however old
    with tenant_db.system_scope(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM security_auditevent")  # no age asked: the policy's floor
        assert cursor.rowcount == 1
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [young]
    assert old != young


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
@pytest.mark.system_scope
def test_two_sweeps_at_once_remove_each_row_once_and_crash_nowhere(agency):
    for i in range(30):
        _audit(agency, 366 + i, f"old {i}")
        _attempt(AccessLog, 91 + i, f"gone {i}")
        _notice(agency, 31 + i, n=i + 1)
    _audit(agency, 10, "young")
    barrier = threading.Barrier(2)
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            results.append(retention_sweep())  # a new thread has no scope, as a worker
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    with time_machine.travel(NOW, tick=False):  # once, here: time-machine is process-wide
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert errors == [] and len(results) == 2
    assert all(r["failed"] == 0 for r in results)
    # Each row removed or stripped by one of the two, never counted twice.
    assert sum(r["audit"] for r in results) == 30
    assert sum(r["signin_attempts"] for r in results) == 30
    assert sum(r["outbox"] for r in results) == 30
    assert AuditEvent.objects.count() == 1 and not AccessLog.objects.exists()
    assert not Message.objects.filter(recipient_id__isnull=False).exists()
    assert Message.objects.count() == 30


def test_a_sign_in_links_hash_goes_a_day_after_the_link_expired():
    from roster.models import SignInLink

    user = UserFactory()
    for name, expired_days_ago in (("old", 2), ("recent", 0.5)):
        SignInLink.objects.create(
            user=user, token_hash=name, expires_at=NOW - timedelta(days=expired_days_ago)
        )
    assert _sweep()["signin_links"] == 1
    assert list(SignInLink.objects.values_list("token_hash", flat=True)) == ["recent"]


def test_the_platform_administration_log_goes_with_the_audit_log(agency):
    from django.contrib.admin.models import CHANGE, LogEntry

    user = UserFactory()
    for days in (364, 366):
        with _at(days):
            LogEntry.objects.create(user=user, object_repr=str(days), action_flag=CHANGE)
    _sweep()
    assert list(LogEntry.objects.values_list("object_repr", flat=True)) == ["364"]


def test_an_audit_period_under_a_year_is_refused_at_start(settings):
    from django.core.checks import run_checks

    settings.RETENTION_AUDIT_DAYS = 200
    settings.RETENTION_OUTBOX_DAYS = 0
    ids = {e.id for e in run_checks()}
    assert {"security.E001", "security.E002"} <= ids
    settings.RETENTION_AUDIT_DAYS = 365
    settings.RETENTION_OUTBOX_DAYS = 30
    assert not {"security.E001", "security.E002"} & {e.id for e in run_checks()}


@pytest.mark.system_scope
def test_a_directory_file_never_confirmed_goes_a_day_after_its_upload(agency):
    from roster.models import DirectoryImport

    user = UserFactory()
    for name, hours_ago in (("forgotten.csv", 25), ("being-checked.csv", 2)):
        with _at(hours_ago / 24):
            DirectoryImport.objects.create(
                agency=agency, uploaded_by=user, filename=name, content="a,b"
            )
    assert _sweep()["directory_files"] == 1
    assert list(DirectoryImport.objects.values_list("filename", flat=True)) == ["being-checked.csv"]
