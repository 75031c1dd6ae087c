"""The on-call schedule, entered in the agency's own time zone, and each peer's availability."""

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from agencies import clock
from agencies.models import User
from roster import dates
from roster.choices import PeerStatus
from roster.models import OnCallShift, Peer
from roster.versions import roster_changed
from security.audit import audited

MAX_SHIFT = timedelta(days=7)
MAX_REPEAT_WEEKS = 26


def local_datetime(day: date, at: time, tz_name: str) -> datetime:
    """A wall-clock time in the agency's zone as an aware datetime in UTC: a thin alias of
    agencies.clock.local_time, which says how daylight-saving changes come out."""
    return clock.local_time(tz_name, day, at)


def span(starts: datetime, ends: datetime) -> str:
    """A shift's times as the schedule shows them, in the current (the agency's) time zone."""
    a, b = timezone.localtime(starts), timezone.localtime(ends)
    return f"{a:%a %b} {a.day} {a:%H:%M} to {b:%a %b} {b.day} {b:%H:%M}"


@audited("roster:schedule", agency="peer.agency")
def add_shifts(
    *,
    peer: Peer,
    start_day: date,
    start_time: time,
    end_time: time,
    repeat_weeks: int,
    actor: User,
) -> list[OnCallShift]:
    """One shift, or the same wall-clock shift each week: 20:00-08:00 stays 20:00-08:00 across a
    daylight-saving change, however many hours that makes. A peer holds one shift at a time: the
    peer's row is locked, then their shifts are checked, so two requests at once cannot both add
    an overlapping shift. Other peers' shifts at the same time are allowed (see
    selectors.overlapping_shifts for the coordinator's warning)."""
    # The lock: concurrent adds for this peer queue here and each sees the shifts the last made.
    peer = Peer.objects.for_agency(peer.agency).select_for_update(of=("self",)).get(pk=peer.pk)
    if peer.status != PeerStatus.ACTIVE:
        raise ValidationError("Only an active peer can be put on call.")
    if not 1 <= repeat_weeks <= MAX_REPEAT_WEEKS:
        raise ValidationError({"repeat_weeks": f"Repeat for 1 to {MAX_REPEAT_WEEKS} weeks."})
    if start_time == end_time:
        raise ValidationError({"end_time": "A shift must end at another time than it starts."})
    dates.SHIFT_START_DAY.check(start_day, field="start_day")
    tz_name = peer.agency.time_zone
    shifts = []
    for week in range(repeat_weeks):
        day = start_day + timedelta(weeks=week)
        end_day = day if end_time > start_time else day + timedelta(days=1)
        starts = local_datetime(day, start_time, tz_name)
        ends = local_datetime(end_day, end_time, tz_name)
        if ends <= timezone.now():
            raise ValidationError({"start_day": "That shift is already over."})
        if ends - starts > MAX_SHIFT:
            raise ValidationError("A shift may last at most seven days.")
        clash = (
            OnCallShift.objects.for_agency(peer.agency)
            .overlapping(starts, ends)
            .filter(peer=peer)
            .order_by("starts_at")
            .first()
        )
        if clash is not None:
            raise ValidationError(
                f"{peer.person.full_name} is already on call {span(clash.starts_at, clash.ends_at)}"
                f", which overlaps the shift {span(starts, ends)}; one peer cannot hold two "
                "shifts at once. Nothing was added."
            )
        shifts.append(
            OnCallShift.objects.create(
                agency=peer.agency, peer=peer, starts_at=starts, ends_at=ends, created_by=actor
            )
        )
    roster_changed(peer.agency_id)
    return shifts


@audited("roster:shift_delete", on="shift")
def delete_shift(*, shift: OnCallShift, actor: User) -> None:
    shift.delete()
    roster_changed(shift.agency_id)


@audited("roster:me", agency="peer.agency", actor="peer.person.user")
def set_availability(*, peer: Peer, unavailable_until: datetime | None) -> Peer:
    """None means available now."""
    if unavailable_until is not None and unavailable_until <= timezone.now():
        raise ValidationError({"unavailable_until": "Choose a time in the future."})
    if unavailable_until is not None and unavailable_until > timezone.now() + timedelta(days=366):
        raise ValidationError({"unavailable_until": "Choose a time within a year."})
    peer.unavailable_until = unavailable_until
    peer.save(update_fields=["unavailable_until"])
    roster_changed(peer.agency_id)
    return peer
