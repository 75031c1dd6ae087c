from django.db import models

from agencies.models import TenantModel


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "SMS"
    PUSH = "push", "Push"


class State(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class Message(TenantModel):
    """One notice to one recipient on one channel. It holds references, not text: the words are
    rendered when it is delivered, so nothing sensitive (a briefing, say) sits in the outbox, and
    a notice whose subject is gone is simply not sent."""

    purpose = models.CharField(max_length=40)
    subject_type = models.CharField(max_length=40)
    # Both emptied, with the label and the error, once a finished notice is past
    # RETENTION_OUTBOX_DAYS (notifications/retention.py): the row stays, for counts.
    subject_id = models.BigIntegerField(null=True)
    recipient_type = models.CharField(max_length=20)
    recipient_id = models.BigIntegerField(null=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    recipient_label = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    due_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "purpose",
                    "subject_type",
                    "subject_id",
                    "recipient_type",
                    "recipient_id",
                    "channel",
                ],
                name="message_once_per_recipient",
            )
        ]
        indexes = [
            models.Index(fields=["state", "due_at"]),
            models.Index(fields=["agency", "created_at"]),
            models.Index(fields=["subject_type", "subject_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.channel} to {self.recipient_type} {self.recipient_id}"


class PushSubscription(TenantModel):
    """A browser that asked for call-outs by web push, for one recipient (as a Message names
    one: a person or a user). What the browser's push service gave it: where to post, and the
    keys that encrypt what is posted. A push service that answers "gone" ends it."""

    recipient_type = models.CharField(max_length=20)
    recipient_id = models.BigIntegerField()
    endpoint = models.URLField(max_length=1000)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "endpoint"], name="push_endpoint_once")
        ]
        indexes = [models.Index(fields=["recipient_type", "recipient_id"])]

    def __str__(self) -> str:
        return f"push to {self.recipient_type} {self.recipient_id}"
