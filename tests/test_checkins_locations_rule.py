"""One rule of where an agency's officers may meet a provider (issue 16, item 4): a location of a
provider under an active contract with the agency, its own office or a station of this agency,
never another agency's station. The program page lists, the scheduler offers and the
coordinator's new-date choices name exactly those.

And one list of an activation's general areas: the form offers what the service accepts."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from activations.forms import ActivationForm
from activations.selectors import areas_for
from activations.services import activation as activation_service
from agencies import clock, tenant_db
from agencies.choices import Role
from agencies.models import IncidentType, Policy
from checkins import selectors
from checkins.models import Location, OpeningHours, Program, ProviderContract
from checkins.services import capacity
from tests.factories import AgencyFactory, ProviderFactory, member
from tests.support.mfa import verified_client


def _place(provider, name: str, *, station_of=None) -> Location:
    place = Location.objects.create(provider=provider, name=name, station_of=station_of)
    OpeningHours.objects.bulk_create(OpeningHours(location=place, weekday=d) for d in range(5))
    return place


@pytest.fixture
def places(db):
    """Clayton's contracted provider with its office, Clayton's station and KCPD's station; a
    provider whose contract ended; one never contracted."""
    with tenant_db.system_scope():
        clayton = AgencyFactory(slug="clayton", preset="clayton")
        kcpd = AgencyFactory(slug="kcpd", preset="kcpd")
        Program.objects.create(agency=clayton, started_on=date(2020, 1, 1))
        shared, ended, stranger = ProviderFactory(), ProviderFactory(), ProviderFactory()
        ProviderContract.objects.create(agency=clayton, provider=shared)
        ProviderContract.objects.create(agency=kcpd, provider=shared)
        ProviderContract.objects.create(agency=clayton, provider=ended, active=False)
        made = {
            "office": _place(shared, "Shared office"),
            "own station": _place(shared, "Clayton station", station_of=clayton),
            "other station": _place(shared, "KCPD station", station_of=kcpd),
            "ended": _place(ended, "Former provider's office"),
            "stranger": _place(stranger, "Uncontracted office"),
        }
        coordinator = member(clayton, Role.COORDINATOR, username="coordinator.clayton")
    return {"agency": clayton, "kcpd": kcpd, "coordinator": coordinator, **made}


def test_the_agency_may_use_its_providers_offices_and_its_own_stations_only(places):
    with tenant_db.system_scope():
        usable = set(Location.objects.usable_by(places["agency"]).values_list("name", flat=True))
        theirs = set(Location.objects.usable_by(places["kcpd"]).values_list("name", flat=True))
    assert usable == {"Shared office", "Clayton station"}
    assert theirs == {"Shared office", "KCPD station"}


def test_the_program_page_the_scheduler_and_the_new_date_choices_name_the_same_places(places):
    agency = places["agency"]
    page = verified_client(places["coordinator"]).get("/clayton/checkins/program/")
    listed = {
        location.name
        for contract in page.context["contracts"]
        for location in contract.provider.locations.all()
    }
    with tenant_db.agency_scope(agency.pk):
        first = clock.today(agency) + timedelta(days=1)
        slots = capacity.free_slots(agency=agency, first_day=first, last_day=first + timedelta(14))
        offered = set(
            Location.objects.filter(pk__in={s.location_id for s in slots}).values_list(
                "name", flat=True
            )
        )
        choices = selectors.slot_choices(agency=agency, first_day=first, limit=1000)
    named = {label.split(" · ", 1)[1] for _, label in choices}
    assert listed == offered == named == {"Shared office", "Clayton station"}


@pytest.mark.django_db
def test_the_activation_form_offers_exactly_the_areas_the_service_accepts(db):
    with tenant_db.system_scope():
        agency = AgencyFactory(slug="kcpd", preset="kcpd")
        Policy.objects.filter(agency=agency).update(activation_areas=["North", "South"])
        agency.refresh_from_db()
        coordinator = member(agency, Role.COORDINATOR)
        offered = [v for v, _ in ActivationForm(agency=agency).fields["area"].choices if v]
        assert offered == areas_for(policy=agency.policy) == ["North", "South"]
        base = dict(
            agency=agency, actor=coordinator, roles=frozenset({Role.COORDINATOR}),
            incident_type=IncidentType.objects.for_agency(agency).get(code="pursuit-crash"),
            occurred_at=timezone.now(), location="Downtown", members_affected=1, briefing="",
            peers_needed=1,
        )  # fmt: skip
        for area in offered:
            assert activation_service.create(**base, area=area).area == area
        with pytest.raises(ValidationError, match="general areas"):
            activation_service.create(**base, area="West")
