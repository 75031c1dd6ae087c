"""Demo check-ins: providers serving the demo agencies, a program started a year ago, a
published schedule, and for Clayton the cases to try: officer.clayton's appointment a month
out (its notice is sent when the demo is seeded), an appointment earlier today (or yesterday) for
provider.clayton to mark, and a request for a new date for coordinator.clayton to decide."""

from datetime import date, time, timedelta

from django.utils import timezone

from agencies import clock
from agencies.models import Agency, User
from checkins.models import (
    Appointment,
    AppointmentState,
    ClosedDate,
    Location,
    OpeningHours,
    Program,
    Provider,
    ProviderContract,
    RescheduleRequest,
)
from checkins.services import capacity
from checkins.services.appointments import sweep_agency
from checkins.services.due import recompute_due_dates, start_of, today_in
from checkins.services.runs import publish_run, run_scheduler
from roster.models import Person

# One practice serves both St. Louis departments, so its capacity is shared between them.
# St. Louis County has one of its own: the demo's other agencies keep the schedule they had.
PROVIDERS = {
    "Gateway Employee Assistance": ["clayton", "slmpd"],
    "Heartland Counseling Associates": ["kcpd", "st-joseph"],
    "Ozark Wellness Center": ["joplin"],
    "Meramec Counseling Group": ["stlcounty"],
}


def seed_checkins(agency: Agency) -> None:
    if Program.objects.filter(agency=agency).exists():
        return
    provider = _provider_for(agency)
    Program.objects.create(
        agency=agency,
        started_on=today_in(agency) - timedelta(days=365),
        interval_years=agency.policy.checkin_interval_years,
    )
    recompute_due_dates(agency=agency)
    if agency.slug == "clayton":
        _clayton_cases(agency, provider)
    run = run_scheduler(agency=agency, actor=None, horizon_days=240)
    publish_run(run=run, actor=None)
    sweep_agency(agency=agency)


def _provider_for(agency: Agency) -> Provider:
    name = next(n for n, slugs in PROVIDERS.items() if agency.slug in slugs)
    provider, made = Provider.objects.get_or_create(
        name=name,
        defaults={"email": f"scheduling@{name.split()[0].lower()}.example.org"},
    )
    if made:
        year = today_in(agency).year
        ClosedDate.objects.bulk_create(
            ClosedDate(provider=provider, date=day, reason=reason)
            for y in (year, year + 1)
            for day, reason in [(date(y, 12, 25), "Christmas Day"), (date(y, 1, 1), "New Year")]
        )
        office = Location.objects.create(
            provider=provider, name=f"{name} office", address="100 Main Street, Suite 200"
        )
        OpeningHours.objects.bulk_create(
            OpeningHours(location=office, weekday=d, opens=time(9), closes=time(16), capacity=2)
            for d in range(5)
        )
    station = Location.objects.create(
        provider=provider, name=f"{agency.name} headquarters", station_of=agency
    )
    OpeningHours.objects.bulk_create(
        OpeningHours(location=station, weekday=d, opens=time(9), closes=time(12), capacity=1)
        for d in (1, 3)
    )
    ProviderContract.objects.get_or_create(agency=agency, provider=provider)
    staff = User.objects.filter(username=f"provider.{agency.slug}").first()
    if staff:
        provider.staff.add(staff)
    return provider


def _clayton_cases(agency: Agency, provider: Provider) -> None:
    office = provider.locations.filter(station_of__isnull=True).first()
    officers = Person.objects.for_agency(agency).filter(member_class="sworn", employed=True)
    officer = officers.get(user__username=f"officer.{agency.slug}")
    others = list(officers.exclude(pk=officer.pk).exclude(user__isnull=False)[:2])
    # A weekday the provider is open, a month out or just under: the seeding sweep sends its
    # notice only before the start of the notice period's third day after (a Saturday at +31
    # once pushed it to +33, out of reach, and 1 January is closed).
    closed = set(ClosedDate.objects.filter(provider=provider).values_list("date", flat=True))
    for offset in (31, 32, 30, 29, 28):
        day = today_in(agency) + timedelta(days=offset)
        if day.weekday() < 5 and day not in closed:
            break
    soon = start_of(day, agency) + timedelta(hours=10)
    # This morning at nine once the day has begun, else yesterday afternoon: the provider
    # marks an appointment that has been.
    local_now = clock.now_local(agency)
    today = today_in(agency)
    # (Yesterday even at a weekend: any earlier and the daily sweep would mark it missed.)
    day_of = today - timedelta(days=0 if local_now.hour >= 10 else 1)
    earlier_today = start_of(day_of, agency) + timedelta(hours=9 if day_of == today else 14)
    in_three_weeks = start_of(today_in(agency) + timedelta(days=21), agency) + timedelta(hours=14)
    made = [
        Appointment(agency=agency, person=officer, provider=provider, location=office,
                    starts_at=soon, ends_at=soon + timedelta(hours=1)),
        Appointment(agency=agency, person=others[0], provider=provider, location=office,
                    starts_at=earlier_today, ends_at=earlier_today + timedelta(hours=1),
                    noticed_at=earlier_today - timedelta(days=31)),
        Appointment(agency=agency, person=others[1], provider=provider, location=office,
                    starts_at=in_three_weeks, ends_at=in_three_weeks + timedelta(hours=1),
                    noticed_at=timezone.now() - timedelta(days=9)),
    ]  # fmt: skip
    for appointment in made:
        appointment.state = AppointmentState.SCHEDULED
    Appointment.objects.bulk_create(made)
    capacity.book((a.location_id, a.starts_at) for a in made)
    RescheduleRequest.objects.create(
        agency=agency, appointment=made[2], reason="Subpoenaed to testify in circuit court."
    )
