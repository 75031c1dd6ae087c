"""An appointment's life after publishing: reschedule requests, completion, misses."""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency, User
from agencies.transient import NOT_ONE_ROWS_FAULT
from security.audit import audited

from ..models import (
    Appointment,
    AppointmentState,
    MissedCheckin,
    NoticeKind,
    RequestState,
    RescheduleRequest,
)
from . import capacity, notices
from .due import local_day, record_completion, start_of, today_in

log = logging.getLogger(__name__)


def _lock(appointment: Appointment) -> Appointment:
    return Appointment.objects.select_for_update().get(pk=appointment.pk)


def days_until(appointment: Appointment) -> int:
    agency = appointment.agency
    return (local_day(appointment.starts_at, agency) - today_in(agency)).days


@audited("checkins:reschedule", on="appointment", actor="user")
def request_reschedule(*, appointment: Appointment, user: User, reason: str) -> RescheduleRequest:
    """The officer's To/From. The policy's lead time is checked here, so a late request is
    refused with the rule, whatever page sent it."""
    appointment = _lock(appointment)
    if appointment.person.user_id != user.pk:
        raise PermissionDenied("Only the officer the appointment is for can ask to move it.")
    if appointment.state != AppointmentState.SCHEDULED:
        raise ValidationError("This appointment is no longer scheduled.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why you need a new date.")
    lead = appointment.agency.policy.reschedule_min_days
    left = days_until(appointment)
    if left < lead:
        raise ValidationError(
            f"A new date must be asked for at least {lead} days before the appointment; "
            f"yours is in {left} day{'s' if left != 1 else ''}. Keep the appointment, or "
            "speak to the coordinator directly."
        )
    if appointment.reschedule_requests.filter(state=RequestState.PENDING).exists():
        raise ValidationError("You already asked for a new date; the coordinator will answer.")
    request = RescheduleRequest.objects.create(
        agency=appointment.agency, appointment=appointment, reason=reason[:500]
    )
    notices.to_those_who_may(
        agency=appointment.agency,
        purpose="checkin_reschedule_request",
        subject=request,
        actions=["checkins.manage"],
    )
    return request


def move(
    *, appointment: Appointment, location_id: int, starts_at: datetime, state: str
) -> Appointment:
    """A new appointment in a free slot in place of this one, and its notice at once."""
    agency = appointment.agency
    capacity.hold([location_id])  # the appointment is its caller's, locked before
    slot = capacity.slot_is_free(agency=agency, location_id=location_id, starts_at=starts_at)
    if slot is None:
        raise ValidationError("That slot is no longer free; pick another.")
    if appointment.state in (AppointmentState.SCHEDULED, AppointmentState.PROPOSED):
        capacity.release([(appointment.location_id, appointment.starts_at)])
    appointment.state = state
    appointment.save(update_fields=["state"])
    new = Appointment.objects.create(
        agency=agency,
        person=appointment.person,
        provider_id=slot.provider_id,
        location_id=slot.location_id,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        state=AppointmentState.SCHEDULED,
        replaces=appointment,
        noticed_at=timezone.now(),
    )
    capacity.book([(slot.location_id, slot.starts_at)])
    notices.appointment_notice(
        appointment=new, kind=NoticeKind.NOTICE, days_before=agency.policy.checkin_notice_days
    )
    return new


@audited("checkins:request_decide", on="request")
def decide_reschedule(
    *,
    request: RescheduleRequest,
    actor: User,
    approve: bool,
    location_id: int | None = None,
    starts_at: datetime | None = None,
) -> Appointment | None:
    request = RescheduleRequest.objects.select_for_update().get(pk=request.pk)
    if request.state != RequestState.PENDING:
        raise ValidationError("This request was already answered.")
    new = None
    if approve:
        if location_id is None or starts_at is None:
            raise ValidationError("Pick the new slot.")
        appointment = _lock(request.appointment)
        if appointment.state != AppointmentState.SCHEDULED:
            raise ValidationError("The appointment is no longer scheduled.")
        new = move(
            appointment=appointment,
            location_id=location_id,
            starts_at=starts_at,
            state=AppointmentState.RESCHEDULED,
        )
    else:
        notices.to_person(
            agency=request.agency,
            purpose="checkin_reschedule_declined",
            subject=request,
            person=request.appointment.person,
        )
    request.state = RequestState.APPROVED if approve else RequestState.DECLINED
    request.decided_at = timezone.now()
    request.decided_by = actor
    request.save(update_fields=["state", "decided_at", "decided_by"])
    return new


def may_complete(appointment: Appointment) -> bool:
    """From the appointment's day on: the provider marks it after the meeting."""
    return local_day(appointment.starts_at, appointment.agency) <= today_in(appointment.agency)


def may_miss(appointment: Appointment) -> bool:
    return appointment.starts_at <= timezone.now()


@audited("checkins:provider_completed", on="appointment")
def mark_completed(*, appointment: Appointment, actor: User | None) -> None:
    """The provider's word that the officer came. The commanding officer is told that, and
    only that; the next due date is one interval on."""
    appointment = _lock(appointment)
    if appointment.state != AppointmentState.SCHEDULED:
        raise ValidationError("Only a scheduled appointment can be marked.")
    if not may_complete(appointment):
        raise ValidationError("An appointment can be marked completed from its day on.")
    appointment.state = AppointmentState.COMPLETED
    appointment.marked_at = timezone.now()
    appointment.marked_by = actor
    appointment.save(update_fields=["state", "marked_at", "marked_by"])
    record_completion(appointment=appointment)
    commander = appointment.person.commanding_officer
    if commander is not None:
        notices.to_person(
            agency=appointment.agency,
            purpose="checkin_completed",
            subject=appointment,
            person=commander,
        )
    else:
        notices.to_those_who_may(
            agency=appointment.agency,
            purpose="checkin_completed",
            subject=appointment,
            actions=["checkins.hear_completed"],
        )


@audited("checkins:provider_missed", on="appointment")
def mark_missed(*, appointment: Appointment, actor: User | None) -> MissedCheckin:
    """The officer did not come: they are asked for a To/From explaining it."""
    appointment = _lock(appointment)
    if appointment.state != AppointmentState.SCHEDULED:
        raise ValidationError("Only a scheduled appointment can be marked.")
    if not may_miss(appointment):
        raise ValidationError("An appointment can be marked missed once its time has come.")
    return _record_missed(appointment=appointment, actor=actor)


def _record_missed(*, appointment: Appointment, actor: User | None) -> MissedCheckin:
    """On a locked appointment found still scheduled; the provider's refusals are the caller's,
    the sweep skips instead."""
    appointment.state = AppointmentState.MISSED
    appointment.marked_at = timezone.now()
    appointment.marked_by = actor
    appointment.save(update_fields=["state", "marked_at", "marked_by"])
    missed = MissedCheckin.objects.create(agency=appointment.agency, appointment=appointment)
    notices.to_person(
        agency=appointment.agency,
        purpose="checkin_missed",
        subject=missed,
        person=appointment.person,
    )
    return missed


@audited("checkins:explain", on="missed", actor="user")
def explain_missed(*, missed: MissedCheckin, user: User, explanation: str) -> MissedCheckin:
    """The To/From goes to the coordinator, with a copy to the chief where the policy says."""
    missed = MissedCheckin.objects.select_for_update().get(pk=missed.pk)
    if missed.appointment.person.user_id != user.pk:
        raise PermissionDenied("Only the officer can explain their own missed appointment.")
    if missed.explained_at:
        raise ValidationError("You already sent your explanation.")
    explanation = (explanation or "").strip()
    if not explanation:
        raise ValidationError("Write your explanation.")
    missed.explanation = explanation[:2000]
    missed.explained_at = timezone.now()
    missed.save(update_fields=["explanation", "explained_at"])
    agency: Agency = missed.agency
    notices.to_those_who_may(
        agency=agency,
        purpose="checkin_explanation",
        subject=missed,
        actions=["checkins.manage", "checkins.copy_missed"],
    )
    return missed


@audited("checkins:missed_decide", on="missed")
def decide_missed(
    *,
    missed: MissedCheckin,
    actor: User,
    just_cause: bool,
    location_id: int,
    starts_at: datetime,
) -> Appointment:
    """The coordinator's finding, and the new appointment that follows either way."""
    missed = MissedCheckin.objects.select_for_update().get(pk=missed.pk)
    if missed.decided_at:
        raise ValidationError("This missed check-in was already decided.")
    if missed.appointment.person.checkin_appointments.filter(
        state=AppointmentState.SCHEDULED
    ).exists():
        raise ValidationError("The officer already has a new appointment.")
    missed.just_cause = just_cause
    missed.decided_at = timezone.now()
    missed.decided_by = actor
    missed.save(update_fields=["just_cause", "decided_at", "decided_by"])
    return move(
        appointment=missed.appointment,
        location_id=location_id,
        starts_at=starts_at,
        state=AppointmentState.MISSED,
    )


GRACE = timedelta(days=1)


def _lock_scheduled(*, pk: int) -> Appointment | None:
    """The appointment as it is now, locked, if it is still scheduled: what the sweep listed may
    have been marked or moved since, by another sweep or by the provider."""
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("agency", "person")
        .filter(pk=pk, state=AppointmentState.SCHEDULED)
        .first()
    )


def _sweep_one(
    *, agency: Agency, pk: int, step: str, work: Callable[[Appointment], bool]
) -> bool | None:
    """One appointment's step in a transaction of its own, under its row lock, taken before
    anything is written for it: a second sweep waits on the lock, then finds the work done and
    skips it. True if done here, False if there was nothing (left) to do, None if it failed: a
    failure is rolled back whole and left for the next run."""
    try:
        with transaction.atomic():
            appointment = _lock_scheduled(pk=pk)
            return appointment is not None and work(appointment)
    except NOT_ONE_ROWS_FAULT:
        raise
    except Exception:
        # Ids only: the officer's name or address never goes to the logs.
        log.exception(
            "Check-in sweep: %s of appointment %s in agency %s failed; left for the next run",
            step,
            pk,
            agency.pk,
        )
        return None


def sweep_agency(*, agency: Agency) -> dict[str, int]:
    """The daily pass: notices whose day has come, reminders, and misses. Safe to run as often
    as anyone likes, and twice at once: each appointment is locked and read again before its
    notice, reminder or miss is written, and each notice has a unique row besides. Appointments
    are taken in id order, one lock at a time, so two sweeps queue on a row and never cross.
    An appointment that fails is counted in "failed" and does not stop the others."""
    policy = agency.policy
    today = today_in(agency)
    now = timezone.now()
    counts = {"notices": 0, "reminders": 0, "missed": 0, "failed": 0}
    scheduled = (
        Appointment.objects.for_agency(agency)
        .filter(state=AppointmentState.SCHEDULED)
        .order_by("pk")
    )

    def each(key: str, step: str, due, work: Callable[[Appointment], bool]) -> None:
        # The ids are read first: no cursor stays open across the transactions.
        for pk in list(due.values_list("pk", flat=True)):
            done = _sweep_one(agency=agency, pk=pk, step=step, work=work)
            if done is None:
                counts["failed"] += 1
            else:
                counts[key] += done

    def notice(appointment: Appointment) -> bool:
        if appointment.noticed_at is not None:
            return False
        sent = notices.appointment_notice(
            appointment=appointment, kind=NoticeKind.NOTICE, days_before=policy.checkin_notice_days
        )
        # In the notice's transaction: set if and only if the notice is queued, and the
        # reminders wait for it.
        Appointment.objects.filter(pk=appointment.pk).update(noticed_at=now)
        return sent

    # The notice goes out on the first sweep once the appointment is within the notice period
    # plus two days, so a sweep missed for a day still leaves the full notice.
    window_end = start_of(today + timedelta(days=policy.checkin_notice_days + 3), agency)
    each(
        "notices",
        "notice",
        scheduled.filter(noticed_at__isnull=True, starts_at__gt=now, starts_at__lt=window_end),
        notice,
    )
    for days in sorted(set(policy.checkin_reminder_days or [])):
        if days >= policy.checkin_notice_days:
            continue

        def reminder(appointment: Appointment, days: int = days) -> bool:
            return appointment.noticed_at is not None and notices.appointment_notice(
                appointment=appointment, kind=NoticeKind.REMINDER, days_before=days
            )

        due = scheduled.filter(
            starts_at__gt=now,
            starts_at__lt=start_of(today + timedelta(days=days + 1), agency),
            noticed_at__isnull=False,
        ).exclude(notices__kind=NoticeKind.REMINDER, notices__days_before=days)
        each("reminders", f"{days}-day reminder", due, reminder)

    def missed(appointment: Appointment) -> bool:
        _record_missed(appointment=appointment, actor=None)
        return True

    each("missed", "miss", scheduled.filter(ends_at__lt=now - GRACE), missed)
    return counts
