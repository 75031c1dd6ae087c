"""How long records are kept, and the sweep that removes them when their time is up.

The periods are the settings (config/settings.py, RETENTION_*); the privacy page states them
from here, so what the page says and what the sweep does cannot differ."""

from dataclasses import dataclass
from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db import models
from django.utils import timezone

from agencies import tenant_db

from .middleware import ABSOLUTE_SECONDS
from .models import AuditEvent, UserSession

BATCH = 1000


@dataclass(frozen=True)
class Period:
    setting: str
    kept: str  # plain words, with {days} for the period

    @property
    def days(self) -> int:
        return getattr(settings, self.setting)

    def describe(self) -> str:
        return self.kept.format(days=self.days)


PERIODS = {
    "audit": Period(
        "RETENTION_AUDIT_DAYS",
        "{days} days (the CJIS Security Policy asks for at least a year), then deleted.",
    ),
    "signin": Period(
        "RETENTION_SIGNIN_ATTEMPTS_DAYS",
        "{days} days after the last try, then deleted.",
    ),
    "outbox": Period(
        "RETENTION_OUTBOX_DAYS",
        "Until sent. {days} days after it was sent (or stopped), whom it went to, what it was "
        "about and any error are erased; only which notice, when, and whether it went out stay, "
        "for the counts.",
    ),
    "files": Period(
        "RETENTION_OUTBOX_DAYS",
        "{days} days after it was written, then deleted.",
    ),
}


def _delete_in_batches(queryset: models.QuerySet, *, batch_size: int = BATCH) -> int:
    """Deletes what the queryset finds, a batch of ids at a time; rows another run deleted
    first are not counted, and the loop ends when a batch finds nothing left to delete."""
    deleted = 0
    while ids := list(queryset.order_by("pk").values_list("pk", flat=True)[:batch_size]):
        _, by_model = queryset.filter(pk__in=ids).delete()
        n = by_model.get(queryset.model._meta.label, 0)  # not what went with them (cascades)
        if not n:
            break
        deleted += n
    return deleted


def purge_audit() -> int:
    """Audit records past RETENTION_AUDIT_DAYS, by the audit log's one deletion path; the
    platform administration pages' own log (Django admin's) at the same age."""
    from django.contrib.admin.models import LogEntry

    days = PERIODS["audit"].days
    purged = AuditEvent.objects.purge_expired(days=days)
    cutoff = timezone.now() - timedelta(days=days)
    return purged + _delete_in_batches(LogEntry.objects.filter(action_time__lt=cutoff))


def purge_signin_attempts() -> int:
    """django-axes' attempts (with their lockouts), failure log and sign-in log past
    RETENTION_SIGNIN_ATTEMPTS_DAYS. Its tables belong to no agency."""
    cutoff = timezone.now() - timedelta(days=PERIODS["signin"].days)
    return sum(
        _delete_in_batches(model.objects.filter(attempt_time__lt=cutoff))
        for model in (AccessAttempt, AccessFailureLog, AccessLog)
    )


def forget_dead_sessions() -> int:
    """A session ends at most 12 hours after sign-in (security/middleware.py); the note of
    which user held it goes a day after that, whether or not they signed out."""
    cutoff = timezone.now() - timedelta(seconds=ABSOLUTE_SECONDS) - timedelta(days=1)
    return _delete_in_batches(UserSession.objects.filter(created_at__lt=cutoff))


def forget_expired_signin_links() -> int:
    """A sign-in link works for 10 minutes; the hash of it goes a day after it expired."""
    from roster.models import SignInLink

    cutoff = timezone.now() - timedelta(days=1)
    return _delete_in_batches(SignInLink.objects.filter(expires_at__lt=cutoff))


# A directory file waits for its coordinator to confirm the preview, a moment later; one never
# confirmed holds the whole directory's lines, flags included, and goes after a day.
DIRECTORY_FILE_HOURS = 24


def forget_unconfirmed_directory_files() -> int:
    from roster.models import DirectoryImport

    cutoff = timezone.now() - timedelta(hours=DIRECTORY_FILE_HOURS)
    with tenant_db.system_scope():
        return _delete_in_batches(DirectoryImport.objects.filter(created_at__lt=cutoff))


def strip_outbox() -> int:
    from notifications.retention import strip_finished

    # Finding expired notices looks across agencies, as every sweep's first step does.
    with tenant_db.system_scope():
        return strip_finished(days=PERIODS["outbox"].days)


def prune_mail_files() -> int:
    from notifications.retention import prune_delivered_files

    return prune_delivered_files(days=PERIODS["files"].days)


STEPS = {
    "audit": purge_audit,
    "signin_attempts": purge_signin_attempts,
    "sessions": forget_dead_sessions,
    "signin_links": forget_expired_signin_links,
    "directory_files": forget_unconfirmed_directory_files,
    "outbox": strip_outbox,
    "files": prune_mail_files,
}
