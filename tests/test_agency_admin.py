"""The platform admin starts an agency from a preset in the Django admin."""

import pytest

from agencies.choices import Role
from agencies.models import Agency, IncidentType, Membership, Policy
from agencies.presets import PRESETS
from tests.factories import AgencyFactory, MembershipFactory, UserFactory
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


@pytest.mark.system_scope
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


def members_form(agency, rows, initial=()):
    """The change page's fields with the membership rows given as (username, role)."""
    data = {"name": agency.name, "slug": agency.slug, "time_zone": agency.time_zone,
            "-1-TOTAL_FORMS": str(len(initial) + len(rows)),
            "-1-INITIAL_FORMS": str(len(initial)), "_continue": "Save"}  # fmt: skip
    held = [(m.user.username, m.role, m.pk) for m in initial]
    for i, (username, role, *pk) in enumerate([*held, *rows]):
        data |= {f"-1-{i}-agency": str(agency.pk), f"-1-{i}-user": username, f"-1-{i}-role": role}
        if pk:
            data[f"-1-{i}-id"] = str(pk[0])
    return data


@pytest.mark.system_scope
def test_the_platform_admin_gives_a_user_a_role_by_username(platform):
    agency = AgencyFactory(slug="independence", preset="kcpd")
    UserFactory(username="admin.independence")
    url = f"/admin/agencies/agency/{agency.pk}/change/"
    response = platform.post(url, members_form(agency, [("admin.independence", Role.ADMIN)]))
    assert response.status_code == 302
    membership = Membership.objects.get(agency=agency)
    assert (membership.user.username, membership.role) == ("admin.independence", Role.ADMIN)
    assert 'value="admin.independence"' in platform.get(url).content.decode()


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("nobody.here", Role.ADMIN)], "No user has this username."),
        ([("admin.independence", Role.ADMIN)] * 2, "Please correct the duplicate"),
        ([("admin.independence", "emperor")], "Select a valid choice"),
    ],
)
def test_a_bad_membership_row_gets_a_message_and_changes_nothing(platform, rows, message):
    agency = AgencyFactory(slug="independence", preset="kcpd")
    UserFactory(username="admin.independence")
    url = f"/admin/agencies/agency/{agency.pk}/change/"
    response = platform.post(url, members_form(agency, rows))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Membership.objects.filter(agency=agency).exists()


@pytest.mark.system_scope
def test_a_role_held_already_is_refused(platform):
    agency = AgencyFactory(slug="independence", preset="kcpd")
    held = MembershipFactory(agency=agency, user=UserFactory(username="admin.independence"),
                             role=Role.ADMIN)  # fmt: skip
    url = f"/admin/agencies/agency/{agency.pk}/change/"
    response = platform.post(
        url, members_form(agency, [("admin.independence", Role.ADMIN)], initial=[held])
    )
    assert response.status_code == 200
    assert "Please correct the duplicate" in response.content.decode()
    assert Membership.objects.filter(agency=agency).count() == 1
