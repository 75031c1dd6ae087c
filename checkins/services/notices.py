"""Queueing the check-in notices: each is a row in the outbox, found and rendered later."""

from django.db.models import Model

from agencies.models import Agency
from agencies.selectors import members_who_may
from notifications.models import Channel
from notifications.services import queue

from ..models import Appointment, AppointmentNotice, NoticeKind


def to_person(*, agency: Agency, purpose: str, subject: Model, person) -> None:
    if person is None:
        return
    queue(
        agency=agency,
        purpose=purpose,
        subject=subject,
        recipients=[("person", person.pk, person.full_name)],
        channels=[Channel.EMAIL],
    )


def action_recipients(*, agency: Agency, actions: list[str]) -> list[tuple[str, int, str]]:
    """Each member who may take any of the actions, once (a coordinator who is also the chief
    gets one notice)."""
    seen: dict[int, str] = {}
    for action in actions:
        for m in members_who_may(agency=agency, action=action).select_related("user"):
            seen.setdefault(m.user_id, m.user.get_full_name() or m.user.username)
    return [("user", pk, label) for pk, label in seen.items()]


def to_those_who_may(*, agency: Agency, purpose: str, subject: Model, actions: list[str]) -> None:
    """A notice to whoever the policy lets take the actions (permissions.ACTIONS)."""
    recipients = action_recipients(agency=agency, actions=actions)
    if recipients:
        queue(
            agency=agency,
            purpose=purpose,
            subject=subject,
            recipients=recipients,
            channels=[Channel.EMAIL],
        )


def appointment_notice(*, appointment: Appointment, kind: str, days_before: int) -> bool:
    """Queue the notice (with its calendar invitation) or one reminder, once. The sweep calls
    this holding the appointment's row lock, so the check and the write cannot interleave with
    another sweep's; without it, the notice row's unique key still refuses a second (a racing
    insert loses and reads the winner's row, and returns False), and so does the outbox's."""
    notice, created = AppointmentNotice.objects.get_or_create(
        agency=appointment.agency,
        appointment=appointment,
        kind=kind,
        days_before=days_before,
    )
    if not created:
        return False
    purpose = "checkin_notice" if kind == NoticeKind.NOTICE else "checkin_reminder"
    to_person(agency=appointment.agency, purpose=purpose, subject=notice, person=appointment.person)
    return True
