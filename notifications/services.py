"""Writing notices into the outbox, and delivering one.

A notice is a row written in the caller's transaction; a unique key (purpose, subject, recipient,
channel) makes a second copy impossible. Delivery claims the row with a conditional update, so two
workers never send the same one, and a worker that dies mid-send leaves a claim that goes stale
and is taken again: at least once, and exactly once per recipient in all but that crash window."""

import logging
import smtplib
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import DatabaseError, models, transaction
from django.db.models import F, Q
from django.utils import timezone

from agencies import tenant_db
from agencies.models import Agency, User
from agencies.transient import is_transient, retry_transient
from security.audit import audited

from . import push, registry, selectors
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
    return queue_each(
        agency=agency,
        purpose=purpose,
        notices=[(subject, recipients)],
        channels=channels,
        due_at=due_at,
    )


def queue_each(
    *,
    agency: Agency,
    purpose: str,
    notices: list[tuple[models.Model, list[tuple[str, int, str]]]],
    channels: list[str],
    due_at: datetime | None = None,
) -> list[Message]:
    """`queue` for many subjects at once (a wave's call-outs, each to its peer), in one insert
    and one read whatever their number."""
    if registry.get(purpose) is None:
        raise ValueError(f"No renderer is registered for {purpose!r}.")
    due = due_at or timezone.now()
    pushed = _push_recipients(notices) if Channel.PUSH in channels else set()
    rows = [
        Message(
            agency=agency,
            purpose=purpose,
            subject_type=subject._meta.label_lower,
            subject_id=subject.pk,
            recipient_type=kind,
            recipient_id=pk,
            recipient_label=label[:200],
            channel=channel,
            due_at=due,
        )
        for subject, recipients in notices
        for kind, pk, label in recipients
        for channel in channels
        if channel != Channel.PUSH or (kind, pk) in pushed
    ]
    if not rows:
        return []
    Message.objects.bulk_create(rows, ignore_conflicts=True)
    wanted = {
        (m.subject_type, m.subject_id, m.recipient_type, m.recipient_id, m.channel) for m in rows
    }
    found = Message.objects.filter(
        purpose=purpose,
        subject_type__in={m.subject_type for m in rows},
        subject_id__in={m.subject_id for m in rows},
        recipient_type__in={m.recipient_type for m in rows},
        recipient_id__in={m.recipient_id for m in rows},
        channel__in=channels,
        state=State.PENDING,
    ).order_by("pk")
    # The filter is a cross of its lists: only the rows asked for here count.
    messages = [
        m
        for m in found
        if (m.subject_type, m.subject_id, m.recipient_type, m.recipient_id, m.channel) in wanted
    ]
    if due <= timezone.now():
        enqueue_on_commit([m.pk for m in messages])
    return messages


def _push_recipients(notices) -> set[tuple[str, int]]:
    """Who gets the push of these notices: a recipient with a device subscribed, while push is
    on; nobody else gets a push row, which could only be cancelled."""
    if not push.is_on():
        return set()
    wanted = {(kind, pk) for _, recipients in notices for kind, pk, _ in recipients}
    return selectors.push_recipients(recipients=wanted)


def cancel_for(*, subject: models.Model, purposes: list[str] | None = None) -> int:
    qs = Message.objects.filter(
        subject_type=subject._meta.label_lower, subject_id=subject.pk, state=State.PENDING
    )
    if purposes:
        qs = qs.filter(purpose__in=purposes)
    return qs.update(state=State.CANCELLED)


def agencies_of(ids: list[int]) -> dict[int, list[int]]:
    """The one thing a worker reads before it knows the agency: whose messages these are, each
    agency's in the order given. A row that is gone (a forgotten outreach card) is left out."""
    with tenant_db.system_scope():
        owner = dict(Message.objects.filter(pk__in=ids).values_list("pk", "agency_id"))
    grouped: dict[int, list[int]] = {}
    for pk in ids:
        if pk in owner:
            grouped.setdefault(owner[pk], []).append(pk)
    return grouped


class Interrupted(Exception):
    """A transient database error stopped a batch: `remaining` are the ids not yet done (the one
    it met first), to be tried again once the database is back."""

    def __init__(self, remaining: list[int], cause: DatabaseError) -> None:
        super().__init__(str(cause))
        self.remaining = remaining
        self.cause = cause


def deliver_many(ids: list[int]) -> list[int]:
    """Deliver each message in its agency's scope, one after another: each is claimed, sent and
    recorded on its own, so a worker that dies in a batch holds at most one claim and has
    written at most one message it has not recorded. Returns the ids to try again later (the
    mail or SMS service failed for the moment); raises Interrupted on a transient database
    error. Any other failure is one message's: logged, and left for the sweep."""
    later: list[int] = []
    batches = list(agencies_of(ids).items())
    for number, (agency_id, pks) in enumerate(batches):
        with tenant_db.agency_scope(agency_id):
            for index, pk in enumerate(pks):
                try:
                    deliver(pk)
                except TransientError:
                    later.append(pk)
                except SoftTimeLimitExceeded:
                    raise  # the worker's time is up: what is not done waits for the sweep
                except DatabaseError as exc:
                    if not is_transient(exc):
                        log.exception("Delivering message %s failed; the sweep retries", pk)
                        continue
                    rest = pks[index:] + [p for _, more in batches[number + 1 :] for p in more]
                    raise Interrupted(later + rest, exc) from exc
                except Exception:
                    log.exception("Delivering message %s failed; the sweep retries", pk)
    return later


@transaction.atomic
def _claim(pk: int) -> tuple[Message, registry.Purpose | None, registry.Rendered | None] | None:
    """Claim the message and render it, in one transaction committed before anything is sent.
    The conditional update locks the row and re-checks its state: a second worker waits for
    the lock, then finds the message taken (or sent) and skips it."""
    now = timezone.now()
    claimable = Q(state=State.PENDING, due_at__lte=now) | Q(
        state=State.SENDING, claimed_at__lt=now - LEASE
    )
    claimed = Message.objects.filter(claimable, pk=pk).update(
        state=State.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    message = Message.objects.get(pk=pk)
    purpose = registry.get(message.purpose)
    rendered = purpose.render(message) if purpose else None
    if rendered is None or not rendered.to:
        _finish(message, State.CANCELLED, "Nothing to send: no address, or the subject is gone.")
    return message, purpose, rendered


def deliver(pk: int) -> str:
    """Send one message if it can be claimed. Returns the state it ends in; raises
    TransientError (left pending) so the task can retry later."""
    claimed = _claim(pk)
    if claimed is None:
        return "skipped"
    message, purpose, rendered = claimed
    if rendered is None or not rendered.to:
        return State.CANCELLED
    try:
        if message.channel == Channel.SMS:
            get_backend().send(rendered.to, rendered.body)
        elif message.channel == Channel.PUSH:
            push.send(message, rendered.body)
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
