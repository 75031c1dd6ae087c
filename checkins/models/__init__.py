"""RSMo 590.192 check-ins, in two halves: the provider side (provider.py: providers, their
contracts, locations, hours, bookings and closed dates) and the agency side (agency.py: the
program, due dates, runs, appointments and what follows them). Everything is named here, so
imports and migrations see one `checkins.models`."""

from .agency import (
    DUE_SOON_DAYS,
    OPEN_STATES,
    PEACE_OFFICERS,
    Appointment,
    AppointmentNotice,
    AppointmentState,
    DueDate,
    DueDateQuerySet,
    MissedCheckin,
    NoticeKind,
    Program,
    RequestState,
    RescheduleRequest,
    RunState,
    ScheduleRun,
    covered,
    due_soon,
    overdue,
)
from .provider import (
    Booking,
    ClosedDate,
    Location,
    LocationQuerySet,
    OpeningHours,
    Provider,
    ProviderContract,
    Weekday,
)

__all__ = [
    "DUE_SOON_DAYS",
    "OPEN_STATES",
    "PEACE_OFFICERS",
    "Appointment",
    "AppointmentNotice",
    "AppointmentState",
    "Booking",
    "ClosedDate",
    "DueDate",
    "DueDateQuerySet",
    "Location",
    "LocationQuerySet",
    "MissedCheckin",
    "NoticeKind",
    "OpeningHours",
    "Program",
    "Provider",
    "ProviderContract",
    "RequestState",
    "RescheduleRequest",
    "RunState",
    "ScheduleRun",
    "Weekday",
    "covered",
    "due_soon",
    "overdue",
]
