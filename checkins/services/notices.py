"""Queueing the check-in notices: each is a row in the outbox, found and rendered later."""

from django.db.models import Model

from agencies.models import Agency, Membership
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


def role_recipients(*, agency: Agency, roles: list[str]) -> list[tuple[str, int, str]]:
    members = Membership.objects.for_agency(agency).filter(role__in=roles).select_related("user")
    seen: dict[int, str] = {}
    for m in members:
        seen.setdefault(m.user_id, m.user.get_full_name() or m.user.username)
    return [("user", pk, label) for pk, label in seen.items()]


def to_roles(*, agency: Agency, purpose: str, subject: Model, roles: list[str]) -> None:
    recipients = role_recipients(agency=agency, roles=roles)
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
