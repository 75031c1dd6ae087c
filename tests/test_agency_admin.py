"""The platform admin starts an agency from a preset in the Django admin."""

import pytest

from agencies.models import Agency, IncidentType, Policy
from agencies.presets import PRESETS
from tests.factories import AgencyFactory, UserFactory
from tests.support.mfa import verified_client

ADD = "/admin/agencies/agency/add/"


@pytest.fixture
def platform(db):
    user = UserFactory(username="platform", is_staff=True, is_superuser=True)
    return verified_client(user)


def form(**changes):
    data = {"name": "Independence Police Department", "slug": "independence",
            "preset": "kcpd", "time_zone": "America/Chicago", "_save": "Save"}  # fmt: skip
    return data | changes


def test_the_add_page_offers_every_preset(platform):
    page = platform.get(ADD).content.decode()
    for key in ["st-joseph", "joplin", "slmpd", "clayton", "kcpd", "missouri-default"]:
        assert f'value="{key}"' in page
    assert "Personnel Policy 830" in page


def test_an_agency_made_in_the_admin_starts_from_the_preset(platform):
    response = platform.post(ADD, form(_continue="Save and continue editing"))
    agency = Agency.objects.get(slug="independence")
    assert response["Location"] == f"/admin/agencies/agency/{agency.pk}/change/"
    assert agency.preset == "kcpd"
    assert agency.policy.program_name == PRESETS["kcpd"].policy["program_name"]
    assert agency.policy.sources["interview_required"].startswith("Policy 830")
    assert IncidentType.objects.for_agency(agency).exists()
    change = platform.get(response["Location"]).content.decode()
    assert "Memberships" in change


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"slug": "admin"}, "reserved"),
        ({"slug": "bad slug!"}, "Enter a valid"),
        ({"slug": "kcpd"}, "already exists"),
        ({"time_zone": "Mars/Olympus"}, "not a known time zone"),
        ({"preset": "nowhere"}, "Select a valid choice"),
        ({"name": ""}, "This field is required"),
    ],
)
def test_bad_input_gets_a_message_and_creates_nothing(platform, changes, message):
    AgencyFactory(slug="kcpd", preset="kcpd")
    before = (Agency.objects.count(), Policy.objects.count(), IncidentType.objects.count())
    response = platform.post(ADD, form(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    after = (Agency.objects.count(), Policy.objects.count(), IncidentType.objects.count())
    assert after == before


def test_the_admin_still_needs_the_second_step(db, client):
    user = UserFactory(username="platform", is_staff=True, is_superuser=True)
    client.force_login(user)
    response = client.post(ADD, form())
    assert response.status_code == 302
    assert "/accounts/mfa/" in response["Location"]
    assert not Agency.objects.exists()
