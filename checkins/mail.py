"""The words of each check-in notice, rendered when the outbox delivers it. The completion
notice to the commanding officer says that the check-in was completed and on what date, and
nothing else: not the provider, not the place, not the time."""

from datetime import datetime
from email.utils import parseaddr

from django.conf import settings
from django.urls import reverse
from icalendar import Calendar, Event, vCalAddress, vText

from agencies.selectors import members_who_may
from notifications.models import Message
from notifications.registry import Rendered, register
from roster.selectors import recipient_address

from .models import Appointment, AppointmentNotice, MissedCheckin, NoticeKind, RescheduleRequest

STATUTE = "RSMo 590.192"


def _mine_url(agency) -> str:
    return settings.SITE_URL + reverse("checkins:mine", args=[agency.slug])


def _when(appointment: Appointment) -> str:
    from .services.due import zone

    start = appointment.starts_at.astimezone(zone(appointment.agency))
    return f"{start:%A, %B} {start.day}, {start:%Y at %H:%M}"


def _chain(appointment: Appointment) -> tuple[Appointment, int]:
    """The first appointment of the officer's check-in that this one moved (a new date, or a
    new appointment after a miss), and how many moves came between."""
    root, moves = appointment, 0
    while root.replaces_id is not None and moves < 50:
        root, moves = root.replaces, moves + 1
    return root, moves


def invitation(appointment: Appointment, to: str) -> str:
    """An iCalendar request the officer's calendar can add. Its UID is the first appointment's
    of the chain and its SEQUENCE the number of moves, so a new date updates the event already
    in the calendar instead of adding a second one."""
    cal = Calendar()
    cal.add("prodid", "-//Peer Support//Check-ins//EN")
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    event = Event()
    host = settings.SITE_URL.split("//")[-1].split("/")[0] or "peersupport"
    root, moves = _chain(appointment)
    event.add("uid", f"checkin-{root.pk}@{host}")
    event.add(
        "organizer", vCalAddress(f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}"), encode=0
    )
    event.add("dtstamp", datetime.now(tz=appointment.starts_at.tzinfo))
    event.add("dtstart", appointment.starts_at)
    event.add("dtend", appointment.ends_at)
    event.add("summary", f"{STATUTE} mental health check-in")
    location = appointment.location
    event["location"] = vText(", ".join(p for p in [location.name, location.address] if p))
    event.add(
        "description",
        f"On duty and mandatory. To ask for a new date: {_mine_url(appointment.agency)}",
    )
    attendee = vCalAddress(f"mailto:{to}")
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    event.add("attendee", attendee, encode=0)
    event.add("sequence", moves)
    cal.add_component(event)
    return cal.to_ical().decode()


def _subject(queryset, message: Message):
    """The message's subject row and where it goes; (None, "") cancels the message."""
    found = queryset.filter(pk=message.subject_id).first()
    return (found, recipient_address(message)) if found is not None else (None, "")


@register("checkin_notice", label="Check-in appointment notice, with invitation")
def render_notice(message: Message) -> Rendered | None:
    notice, to = _subject(
        AppointmentNotice.objects.select_related(
            "appointment__agency__policy", "appointment__location", "appointment__person"
        ),
        message,
    )
    if not to or notice.appointment.state != "scheduled":
        return None
    a = notice.appointment
    policy = a.agency.policy
    body = (
        f"{a.person.full_name},\n\n"
        f"Your {STATUTE} mental health check-in is scheduled for {_when(a)}, "
        f"at {a.location.name}{', ' + a.location.address if a.location.address else ''}.\n\n"
        + (
            f"This replaces the appointment of {_when(a.replaces)}; the invitation below "
            "updates it in your calendar.\n\n"
            if a.replaces_id
            else ""
        )
        + "The meeting is on duty and mandatory. What you say there is privileged; the provider "
        "tells your commanding officer only that you completed it.\n\n"
        f"If you have a scheduling conflict, ask for a new date at least "
        f"{policy.reschedule_min_days} days before, with the reason, here:\n{_mine_url(a.agency)}\n"
    )
    return Rendered(
        to=to,
        subject=f"Your {STATUTE} check-in on {_when(a)}",
        body=body,
        attachments=[("checkin.ics", invitation(a, to), "text/calendar; method=REQUEST")],
    )


@register("checkin_reminder", label="Check-in reminder")
def render_reminder(message: Message) -> Rendered | None:
    notice, to = _subject(
        AppointmentNotice.objects.select_related(
            "appointment__agency", "appointment__location"
        ).filter(kind=NoticeKind.REMINDER),
        message,
    )
    if not to or notice.appointment.state != "scheduled":
        return None
    a = notice.appointment
    body = (
        f"A reminder: your {STATUTE} check-in is on {_when(a)}, at {a.location.name}.\n\n"
        f"Details: {_mine_url(a.agency)}\n"
    )
    return Rendered(to=to, subject=f"Reminder: check-in on {_when(a)}", body=body)


@register("checkin_reschedule_request", label="Check-in reschedule request (to the coordinator)")
def render_request(message: Message) -> Rendered | None:
    request, to = _subject(
        RescheduleRequest.objects.select_related("appointment__person", "agency"),
        message,
    )
    if not to:
        return None
    a = request.appointment
    url = settings.SITE_URL + reverse("checkins:requests", args=[request.agency.slug])
    body = (
        f"To: Coordinator\nFrom: {a.person.full_name}\n\n"
        f"Request for a new date for the check-in of {_when(a)}.\n\nReason: {request.reason}\n\n"
        f"Approve with a new slot, or decline: {url}\n"
    )
    return Rendered(to=to, subject="Check-in reschedule request", body=body)


@register("checkin_reschedule_declined", label="Check-in reschedule declined (to the officer)")
def render_declined(message: Message) -> Rendered | None:
    request, to = _subject(
        RescheduleRequest.objects.select_related("appointment__agency"),
        message,
    )
    if not to:
        return None
    a = request.appointment
    body = (
        f"Your request for a new date was declined: your check-in stays on {_when(a)}.\n\n"
        f"{_mine_url(a.agency)}\n"
    )
    return Rendered(to=to, subject="Check-in date unchanged", body=body)


@register("checkin_missed", label="Missed check-in: explanation asked (to the officer)")
def render_missed(message: Message) -> Rendered | None:
    missed, to = _subject(
        MissedCheckin.objects.select_related("appointment__agency__policy"),
        message,
    )
    if not to:
        return None
    a = missed.appointment
    copy = " with a copy to the Chief" if a.agency.policy.missed_copy_to_command else ""
    body = (
        f"You did not attend your {STATUTE} check-in of {_when(a)}.\n\n"
        f"Write a To/From explaining why, addressed to the Coordinator{copy}, here:\n"
        f"{_mine_url(a.agency)}\n\nA new appointment will follow."
    )
    return Rendered(to=to, subject="Missed check-in: explanation required", body=body)


@register("checkin_explanation", label="Missed check-in explanation (coordinator, copy to chief)")
def render_explanation(message: Message) -> Rendered | None:
    missed, to = _subject(
        MissedCheckin.objects.select_related("appointment__person", "agency__policy"),
        message,
    )
    if not to:
        return None
    a = missed.appointment
    copy = "\nCopy: Chief" if missed.agency.policy.missed_copy_to_command else ""
    body = (
        f"To: Coordinator{copy}\nFrom: {a.person.full_name}\n\n"
        f"Missed check-in of {_when(a)}.\n\n{missed.explanation}\n\n"
    )
    coordinator = (
        members_who_may(agency=missed.agency, action="checkins.manage")
        .filter(user_id=message.recipient_id)
        .exists()
    )
    if message.recipient_type == "user" and coordinator:
        url = settings.SITE_URL + reverse("checkins:requests", args=[missed.agency.slug])
        body += f"Record whether there was just cause: {url}\n"
    else:  # the chief's copy: the decision is the coordinator's, on a page only they open
        body += "The coordinator records whether there was just cause.\n"
    return Rendered(to=to, subject=f"To/From: missed check-in, {a.person.full_name}", body=body)


@register("checkin_completed", label="Check-in completed (to the commanding officer)")
def render_completed(message: Message) -> Rendered | None:
    appointment, to = _subject(
        Appointment.objects.select_related("person", "agency").filter(state="completed"),
        message,
    )
    if not to:
        return None
    from .services.due import local_day

    day = local_day(appointment.starts_at, appointment.agency)
    body = (
        f"{appointment.person.full_name} completed the {STATUTE} mental health check-in "
        f"on {day:%B} {day.day}, {day:%Y}.\n"
    )
    return Rendered(to=to, subject=f"{STATUTE} check-in completed", body=body)
