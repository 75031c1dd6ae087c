"""The audit log, and the sessions each user holds (so they can be ended at once)."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

# CJIS Security Policy AU-11: audit records are kept at least a year. RETENTION_AUDIT_DAYS may
# keep them longer, never shorter; on PostgreSQL the one policy that lets a row be deleted
# (security/apps.py) holds the same floor against the database's own clock.
AUDIT_MINIMUM_DAYS = 365
PURGE_BATCH = 1000


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def delete(self):
        raise PermissionError("The audit log is append-only.")

    def purge_expired(self, *, days: int, batch_size: int = PURGE_BATCH) -> int:
        """The one way a row leaves the audit log: rows older than `days` (at least a year) are
        deleted, a batch at a time so a year of rows never holds the table long. Safe to run
        twice at once: a row the other run took is simply not counted. Runs in the system scope,
        the only one the database lets delete (and then only rows past the floor)."""
        if days < AUDIT_MINIMUM_DAYS:
            raise ValueError(f"Audit records are kept at least {AUDIT_MINIMUM_DAYS} days.")
        from agencies import tenant_db

        cutoff = timezone.now() - timedelta(days=days)
        expired = self.filter(at__lt=cutoff)
        deleted = 0
        with tenant_db.system_scope():
            while ids := list(
                expired.order_by("at", "id").values_list("pk", flat=True)[:batch_size]
            ):
                # QuerySet.delete itself, past this class's refusal: only rows found expired.
                n, _ = models.QuerySet.delete(expired.filter(pk__in=ids))
                if not n:
                    break  # another run took them, or the database refused: left for the next
                deleted += n
        return deleted


class Outcome(models.TextChoices):
    DONE = "done", "Done"
    REFUSED = "refused", "Refused (bad input)"
    DENIED = "denied", "Denied"
    FAILED = "failed", "Failed"


class AuditEvent(models.Model):
    """A privileged action: who, when, where from, in which agency, and how it ended. It names
    the acting user and the object acted on by id, never a supported member."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=80)
    object_id = models.CharField(max_length=40, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    address = models.GenericIPAddressField(null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["agency", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.outcome}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")


class UserSession(models.Model):
    """The session keys a user signed in with, so deactivating the user or taking away a
    membership can end them at once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Session of user {self.user_id}"
