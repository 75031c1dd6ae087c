"""Reads for the check-in pages. Every tenant read names its agency."""

import operator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import reduce

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import TruncWeek

from agencies import clock
from agencies.models import Agency, Membership, User
from agencies.permissions import roles_for
from roster.models import Person

from .models import (
    DUE_SOON_DAYS,
    Appointment,
    AppointmentState,
    DueDate,
    Location,
    MissedCheckin,
    ProviderContract,
    RequestState,
    RescheduleRequest,
    RunState,
    ScheduleRun,
    due_soon,
    overdue,
)
from .services import capacity
from .services.due import zone

STATUSES = {
    "compliant": "Compliant",
    "due_soon": f"Due within {DUE_SOON_DAYS} days",
    "overdue": "Overdue",
    "scheduled": "Scheduled",
    "missed": "Missed, awaiting a new appointment",
}


def get_run(*, agency: Agency, pk: int) -> ScheduleRun:
    return ScheduleRun.objects.for_agency(agency).get(pk=pk)


def get_request(*, agency: Agency, pk: int) -> RescheduleRequest:
    return RescheduleRequest.objects.for_agency(agency).select_related("appointment").get(pk=pk)


def get_missed(*, agency: Agency, pk: int) -> MissedCheckin:
    return MissedCheckin.objects.for_agency(agency).select_related("appointment").get(pk=pk)


def own_person(*, agency: Agency, user: User) -> Person | None:
    return Person.objects.for_agency(agency).filter(user=user).first()


def own_upcoming(*, agency: Agency, person: Person) -> Appointment | None:
    """The officer's scheduled appointment, with its place."""
    return (
        Appointment.objects.for_agency(agency)
        .filter(person=person, state=AppointmentState.SCHEDULED)
        .select_related("location")
        .first()
    )


def pending_request_of(*, appointment: Appointment) -> RescheduleRequest | None:
    """The officer's request for a new date of this appointment still awaiting a decision."""
    return appointment.reschedule_requests.filter(state=RequestState.PENDING).first()


def own_unexplained(*, agency: Agency, person: Person) -> MissedCheckin | None:
    """A missed appointment of the officer's not explained yet."""
    return (
        MissedCheckin.objects.for_agency(agency)
        .filter(appointment__person=person, explained_at__isnull=True)
        .select_related("appointment")
        .first()
    )


def own_history(*, agency: Agency, person: Person) -> QuerySet[Appointment]:
    """The officer's appointments that came to an end (kept, missed, cancelled), newest first."""
    return (
        Appointment.objects.for_agency(agency)
        .filter(person=person)
        .exclude(state__in=[AppointmentState.SCHEDULED, AppointmentState.PROPOSED])
        .order_by("-starts_at")
    )


def own_due(*, agency: Agency, person: Person, today: date) -> DueDate | None:
    """The officer's own due date, with its `overdue` by the one rule, for their page."""
    return DueDate.objects.for_agency(agency).with_standing(today).filter(person=person).first()


def own_appointment(*, agency: Agency, user: User, pk: int) -> Appointment:
    return Appointment.objects.for_agency(agency).get(pk=pk, person__user=user)


def own_missed(*, agency: Agency, user: User, pk: int) -> MissedCheckin:
    return MissedCheckin.objects.for_agency(agency).get(pk=pk, appointment__person__user=user)


def provider_appointment(*, agency: Agency, user: User, pk: int) -> Appointment:
    """An appointment of this agency assigned to a provider the user works for."""
    return Appointment.objects.for_agency(agency).get(pk=pk, provider__staff=user)


def provider_agencies(*, user: User) -> list[Agency]:
    """The agencies where the user works for a check-in provider."""
    served = Membership.objects.filter(user=user, role__in=roles_for("checkins.provide")).values(
        "agency_id"
    )
    return list(Agency.objects.filter(pk__in=served).order_by("name"))


def booked_on(*, provider, day: date) -> dict[str, int]:
    """How many scheduled appointments each agency has with the provider on a day: for the
    platform admin, whose pages read in system scope (agencies/middleware.py)."""
    rows = (
        Appointment.objects.filter(
            provider=provider, state=AppointmentState.SCHEDULED, starts_at__date=day
        )
        .values("agency__name")
        .annotate(n=Count("pk"))
    )
    return {r["agency__name"]: r["n"] for r in rows}


def provider_agenda(*, user: User, agencies: list[Agency], today: date) -> QuerySet[Appointment]:
    """The provider's appointments across the agencies it serves, from two weeks back (to mark
    what is left) to eight weeks ahead. Only the officer's name, time and place: the provider
    needs to know who comes, nothing else."""
    return (
        Appointment.objects.filter(
            agency__in=agencies,
            provider__staff=user,
            state=AppointmentState.SCHEDULED,
            starts_at__date__gte=today - timedelta(days=14),
            starts_at__date__lte=today + timedelta(days=56),
        )
        .select_related("agency", "person", "location", "provider")
        .order_by("starts_at", "id")
    )


def _flags(agency: Agency) -> QuerySet[DueDate]:
    appointments = Appointment.objects.filter(agency=agency, person=OuterRef("person"))
    return (
        DueDate.objects.for_agency(agency)
        .covered()
        .annotate(
            scheduled=Exists(appointments.filter(state=AppointmentState.SCHEDULED)),
            missed=Exists(
                appointments.filter(state=AppointmentState.MISSED, replaced_by__isnull=True)
            ),
        )
    )


def _status_filters(today: date) -> dict[str, Q]:
    """The page's statuses, each from the one rule of overdue (checkins/models/agency.py): by
    due date every officer is overdue or compliant, never both and never neither."""
    return {
        "compliant": ~overdue(today),
        "due_soon": due_soon(today),
        "overdue": overdue(today),
        "scheduled": Q(scheduled=True),
        "missed": Q(missed=True),
    }


@dataclass
class Compliance:
    total: int
    counts: dict[str, int]
    by_unit: list[dict]

    @property
    def rate(self) -> int:
        return round(100 * self.counts["compliant"] / self.total) if self.total else 100


def compliance(*, agency: Agency, today: date) -> Compliance:
    filters = _status_filters(today)
    aggregates = {key: Count("pk", filter=q) for key, q in filters.items()}
    rows = list(
        _flags(agency)
        .values("person__unit")
        .annotate(total=Count("pk"), **aggregates)
        .order_by("person__unit")
    )
    counts = {key: sum(r[key] for r in rows) for key in filters}
    return Compliance(total=sum(r["total"] for r in rows), counts=counts, by_unit=rows)


def officers(*, agency: Agency, today: date, status: str = "") -> QuerySet[DueDate]:
    """The compliance page's rows and the export's, each with its `overdue` by the one rule."""
    qs = _flags(agency).with_standing(today)
    if status in STATUSES:
        qs = qs.filter(_status_filters(today)[status])
    next_start = Appointment.objects.filter(
        agency=agency, person=OuterRef("person"), state=AppointmentState.SCHEDULED
    ).values("starts_at")[:1]
    return (
        qs.select_related("person")
        .annotate(next_start=Subquery(next_start))
        .order_by("due_on", "person__last_name", "pk")
    )


def runs(*, agency: Agency) -> QuerySet[ScheduleRun]:
    return (
        ScheduleRun.objects.for_agency(agency)
        .select_related("created_by")
        .annotate(proposed=Count("appointments"))
        .order_by("-created_at")[:20]
    )


def proposals_of(*, run: ScheduleRun) -> QuerySet[Appointment]:
    """The appointments a run proposed (or published), in time order, with who and where."""
    return run.appointments.select_related("person", "location").order_by("starts_at", "pk")


def proposal_count(*, run: ScheduleRun) -> int:
    return run.appointments.count()


def run_weeks(*, run: ScheduleRun) -> list[dict]:
    """How many proposals each week holds: the coordinator sees whether the load is even."""
    return list(
        run.appointments.annotate(week=TruncWeek("starts_at", tzinfo=zone(run.agency)))
        .values("week")
        .annotate(count=Count("pk"))
        .order_by("week")
    )


def run_unplaced(*, run: ScheduleRun) -> QuerySet[DueDate]:
    """Officers due within the run's horizon who still have no appointment."""
    if run.state != RunState.DRAFT:
        return DueDate.objects.none()
    return (
        _flags(run.agency)
        .due_by(run.horizon_end)
        .filter(scheduled=False)
        .exclude(person__checkin_appointments__run=run)
        .select_related("person")
        .order_by("due_on")
    )


def pending_requests(*, agency: Agency) -> QuerySet[RescheduleRequest]:
    return (
        RescheduleRequest.objects.for_agency(agency)
        .filter(state=RequestState.PENDING)
        .select_related("appointment__person", "appointment__location")
    )


def missed_to_decide(*, agency: Agency) -> QuerySet[MissedCheckin]:
    return (
        MissedCheckin.objects.for_agency(agency)
        .filter(decided_at__isnull=True)
        .select_related("appointment__person", "appointment__location")
    )


def active_contracts(*, agency: Agency) -> QuerySet[ProviderContract]:
    """The agency's providers under an active contract, each with the locations its officers
    may use, their hours and the provider's closed dates."""
    return (
        ProviderContract.objects.for_agency(agency)
        .filter(active=True)
        .select_related("provider")
        .prefetch_related(
            Prefetch(
                "provider__locations",
                queryset=Location.objects.usable_by(agency).prefetch_related("hours"),
            ),
            "provider__closed_dates",
        )
    )


def slot_choices(*, agency: Agency, first_day: date, limit: int = 60) -> list[tuple[str, str]]:
    """Free slots to offer for a new appointment: value `location:timestamp`."""
    tz = zone(agency)
    found = capacity.free_slots(
        agency=agency, first_day=first_day, last_day=first_day + timedelta(days=90)
    )
    names = dict(Location.objects.usable_by(agency).values_list("pk", "name"))
    return [
        (
            f"{s.location_id}:{int(s.starts_at.timestamp())}",
            f"{s.starts_at.astimezone(tz):%a %b %-d, %H:%M} · {names.get(s.location_id, '')}",
        )
        for s in found[:limit]
    ]


def parse_slot(value: str) -> tuple[int, datetime] | None:
    try:
        location, stamp = value.split(":")
        return int(location), datetime.fromtimestamp(int(stamp), tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None


def platform_rates() -> list[dict]:
    """Per agency, the share of covered officers who are compliant: no names, no units. Each
    agency's officers are counted against today in its own zone."""
    names = sorted(set(Agency.objects.values_list("time_zone", flat=True)))
    if not names:
        return []
    late = reduce(
        operator.or_,
        (Q(agency__time_zone=name) & overdue(clock.today(name)) for name in names),
    )
    return list(
        DueDate.objects.covered()
        .values("agency__name", "agency__slug")
        .annotate(
            total=Count("pk"),
            compliant=Count("pk", filter=~late),
            overdue=Count("pk", filter=late),
        )
        .order_by("agency__name")
    )
