"""Factories that keep related objects in one agency: a membership's user and agency, a
resource's agency, all come from the same place. They build in system scope, so a test body,
which runs with no scope (tests/conftest.py), can still make its rows."""

from datetime import date, datetime, timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from agencies.choices import ResourceKind, Role
from agencies.models import Agency, Membership, Resource, User
from agencies.services import create_agency
from tests.support.scopes import building


class Factory(DjangoModelFactory):
    """Builds (sub-factories and post-generation steps included) in system scope, called from a
    test body, which has none: making the data is setting up, not the behaviour under test.
    Inside a scope the test opened, it builds in that one (tests/support/scopes.py)."""

    class Meta:
        abstract = True

    @classmethod
    def _generate(cls, strategy, params):
        with building():
            return super()._generate(strategy, params)


class UserFactory(Factory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct-horse-battery")


class AgencyFactory(Factory):
    """An agency made the way the product makes one: from a preset, policy and lists included."""

    class Meta:
        model = Agency

    slug = factory.Sequence(lambda n: f"agency{n}")
    name = factory.LazyAttribute(lambda a: f"{a.slug.title()} Police Department")
    preset = "missouri-default"

    @classmethod
    def _create(cls, model_class, slug, name, preset, **kwargs):
        return create_agency(slug=slug, name=name, preset_key=preset, **kwargs)


class MembershipFactory(Factory):
    class Meta:
        model = Membership

    agency = factory.SubFactory(AgencyFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.OFFICER


class ResourceFactory(Factory):
    class Meta:
        model = Resource

    agency = factory.SubFactory(AgencyFactory)
    kind = ResourceKind.HOTLINE
    name = factory.Sequence(lambda n: f"Helpline {n}")
    phone = "(800) 555-0100"


def member(agency: Agency, *roles: str, username: str | None = None) -> User:
    """A user holding the given roles (officer by default) in one agency."""
    with building():
        user = UserFactory(username=username) if username else UserFactory()
        for role in roles or (Role.OFFICER,):
            MembershipFactory(agency=agency, user=user, role=role)
    return user


class PersonFactory(Factory):
    class Meta:
        model = "roster.Person"

    agency = factory.SubFactory(AgencyFactory)
    employee_number = factory.Sequence(lambda n: f"E{1000 + n}")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    rank = "Officer"
    unit = "Central"
    member_class = "sworn"
    hire_date = factory.LazyFunction(lambda: date.today() - timedelta(days=3650))
    email = factory.LazyAttribute(lambda p: f"{p.first_name.lower()}@example.org")
    phone = "(816) 555-0100"


class PeerFactory(Factory):
    """A peer whose person is in the same agency as the peer."""

    class Meta:
        model = "roster.Peer"

    agency = factory.SubFactory(AgencyFactory)
    person = factory.SubFactory(PersonFactory, agency=factory.SelfAttribute("..agency"))
    status = "active"
    agreement_signed_on = factory.LazyFunction(lambda: date.today() - timedelta(days=100))
    active_since = factory.LazyFunction(lambda: date.today() - timedelta(days=100))


class ShiftFactory(Factory):
    """An on-call shift of a peer, in the peer's agency, covering now unless told otherwise."""

    class Meta:
        model = "roster.OnCallShift"

    peer = factory.SubFactory(PeerFactory)
    agency = factory.SelfAttribute("peer.agency")
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=11))


class ProviderFactory(Factory):
    class Meta:
        model = "checkins.Provider"

    name = factory.Sequence(lambda n: f"Area Counseling {n}")
    email = "office@counseling.example.org"


def contracted_provider(agency: Agency, *, capacity: int = 2, staff: User | None = None):
    """A provider under contract with the agency, with an office open 9 to 4 on weekdays."""
    from checkins.models import Location, OpeningHours, ProviderContract

    with building():
        provider = ProviderFactory()
        ProviderContract.objects.create(agency=agency, provider=provider)
        office = Location.objects.create(provider=provider, name=f"{provider.name} office")
        OpeningHours.objects.bulk_create(
            OpeningHours(location=office, weekday=day, capacity=capacity) for day in range(5)
        )
        if staff is not None:
            provider.staff.add(staff)
    return provider


def on_the_hour(**delta) -> datetime:
    """Now to the hour, moved by `delta` (timedelta's arguments): where a check-in slot starts."""
    return timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(**delta)


class AppointmentFactory(Factory):
    """A scheduled check-in of a person of the agency, at the provider's first location."""

    class Meta:
        model = "checkins.Appointment"

    agency = factory.SubFactory(AgencyFactory)
    person = factory.SubFactory(PersonFactory, agency=factory.SelfAttribute("..agency"))
    provider = factory.LazyAttribute(lambda a: contracted_provider(a.agency))
    location = factory.LazyAttribute(lambda a: a.provider.locations.first())
    starts_at = factory.LazyFunction(lambda: on_the_hour(days=40))
    ends_at = factory.LazyAttribute(lambda a: a.starts_at + timedelta(hours=1))
    state = "scheduled"


def officers_appointment(clayton: dict, *, days: int):
    """officer.clayton's check-in with Clayton's provider, `days` from now on the hour (the
    `clayton` fixture of tests/conftest.py)."""
    return AppointmentFactory(
        agency=clayton["agency"],
        person=clayton["officer"],
        provider=clayton["provider"],
        starts_at=on_the_hour(days=days),
    )
