"""Writing notices into the outbox, and delivering one.

A notice is a row written in the caller's transaction; a unique key (purpose, subject, recipient,
channel) makes a second copy impossible. Delivery claims the row with a conditional update, so two
workers never send the same one, and a worker that dies mid-send leaves a claim that goes stale
and is taken again: at least once, and exactly once per recipient in all but that crash window."""

import logging
import smtplib
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

from agencies import tenant_db
from agencies.models import Agency, User
from agencies.transient import retry_transient
from security.audit import audited

from . import registry
from .doorbell import enqueue_on_commit
from .models import Channel, Message, State
from .sms import PermanentError, TransientError, get_backend

log = logging.getLogger(__name__)

# How long a claim protects a message being sent; a worker that died holding one loses it then.
LEASE = timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
MAX_ATTEMPTS = 6


def queue(
    *,
    agency: Agency,
    purpose: str,
    subject: models.Model,
    recipients: list[tuple[str, int, str]],
    channels: list[str],
    due_at: datetime | None = None,
) -> list[Message]:
    """One row per recipient and channel; rows that exist already are left alone.
    `recipients` are (type, id, label) with the label shown on the outbox page."""
    if registry.get(purpose) is None:
        raise ValueError(f"No renderer is registered for {purpose!r}.")
    due = due_at or timezone.now()
    subject_type = subject._meta.label_lower
    rows = [
        Message(
            agency=agency,
            purpose=purpose,
            subject_type=subject_type,
            subject_id=subject.pk,
            recipient_type=kind,
            recipient_id=pk,
            recipient_label=label[:200],
            channel=channel,
            due_at=due,
        )
        for kind, pk, label in recipients
        for channel in channels
    ]
    Message.objects.bulk_create(rows, ignore_conflicts=True)
    messages = list(
        Message.objects.filter(
            purpose=purpose,
            subject_type=subject_type,
            subject_id=subject.pk,
            recipient_type__in={kind for kind, _, _ in recipients},
            recipient_id__in={pk for _, pk, _ in recipients},
            channel__in=channels,
            state=State.PENDING,
        )
    )
    if due <= timezone.now():
        enqueue_on_commit([m.pk for m in messages])
    return messages


def cancel_for(*, subject: models.Model, purposes: list[str] | None = None) -> int:
    qs = Message.objects.filter(
        subject_type=subject._meta.label_lower, subject_id=subject.pk, state=State.PENDING
    )
    if purposes:
        qs = qs.filter(purpose__in=purposes)
    return qs.update(state=State.CANCELLED)


def agency_of(pk: int) -> int | None:
    """The one thing a worker reads before it knows the agency: whose message this is."""
    with tenant_db.system_scope():
        return Message.objects.filter(pk=pk).values_list("agency_id", flat=True).first()


def _claim(pk: int) -> bool:
    now = timezone.now()
    claimable = Q(state=State.PENDING, due_at__lte=now) | Q(
        state=State.SENDING, claimed_at__lt=now - LEASE
    )
    return bool(
        Message.objects.filter(claimable, pk=pk).update(
            state=State.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    )


def deliver(pk: int) -> str:
    """Send one message if it can be claimed. Returns the state it ends in; raises
    TransientError (left pending) so the task can retry later."""
    if not _claim(pk):
        return "skipped"
    message = Message.objects.get(pk=pk)
    purpose = registry.get(message.purpose)
    rendered = purpose.render(message) if purpose else None
    if rendered is None or not rendered.to:
        _finish(message, State.CANCELLED, "Nothing to send: no address, or the subject is gone.")
        return State.CANCELLED
    try:
        if message.channel == Channel.SMS:
            get_backend().send(rendered.to, rendered.body)
        else:
            email = EmailMessage(rendered.subject, rendered.body, to=[rendered.to])
            for filename, content, mimetype in rendered.attachments:
                email.attach(filename, content, mimetype)
            email.send()
    except (
        TimeoutError,
        TransientError,
        smtplib.SMTPServerDisconnected,
        smtplib.SMTPConnectError,
        ConnectionError,
    ) as exc:
        final = message.attempts >= MAX_ATTEMPTS
        _finish(message, State.FAILED if final else State.PENDING, str(exc))
        if final:
            return State.FAILED
        raise TransientError(str(exc)) from exc
    except (PermanentError, smtplib.SMTPRecipientsRefused, ValueError) as exc:
        _finish(message, State.FAILED, str(exc))
        return State.FAILED
    # Sent: recording it must not be lost to a dropped connection, or the claim would go stale
    # and the sweep would send it a second time.
    retry_transient(_record_sent, attempts=5)(message, purpose)
    return State.SENT


@transaction.atomic
def _record_sent(message: Message, purpose: registry.Purpose) -> None:
    if purpose.on_sent:
        purpose.on_sent(message)
    if purpose.forget_after_send:
        message.delete()
    else:
        _finish(message, State.SENT, "")


def _finish(message: Message, state: str, error: str) -> None:
    Message.objects.filter(pk=message.pk).update(
        state=state,
        last_error=error[:500],
        sent_at=timezone.now() if state == State.SENT else None,
        claimed_at=None,
    )


def due_ids(limit: int = 500) -> list[int]:
    """What the sweep re-sends: pending rows that are due, and claims that went stale."""
    now = timezone.now()
    return list(
        Message.objects.filter(
            Q(state=State.PENDING, due_at__lte=now)
            | Q(state=State.SENDING, claimed_at__lt=now - LEASE)
        )
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )


@audited("notifications:retry", on="message")
def retry(*, message: Message, actor: User | None) -> None:
    if message.state != State.FAILED:
        raise ValidationError("Only a failed message can be sent again.")
    # A notice past retention has lost its recipient: there is no one to send it to.
    Message.objects.filter(pk=message.pk, state=State.FAILED, recipient_id__isnull=False).update(
        state=State.PENDING, due_at=timezone.now(), last_error=""
    )
    enqueue_on_commit([message.pk])
