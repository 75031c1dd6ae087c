"""The general areas an activation is placed in (issue 14, item 3): a short list each agency
keeps in its policy, seeded by its preset, edited on the settings page; the coordinator chooses
one, and it is all a call-out message says of where."""

import importlib

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from activations.models import Activation
from agencies import tenant_db
from agencies.choices import Role
from agencies.models import IncidentType, Policy
from agencies.presets import PRESETS
from tests.factories import AgencyFactory, ShiftFactory
from tests.test_settings_page import form_data

MIGRATION = importlib.import_module("agencies.migrations.0003_policy_activation_areas")


@pytest.mark.parametrize("key", sorted(PRESETS))
def test_every_preset_gives_a_short_list_of_general_areas_with_its_source(key):
    preset = PRESETS[key]
    areas = preset.policy["activation_areas"]
    assert 2 <= len(areas) <= 5 and len(set(areas)) == len(areas)
    assert preset.sources["activation_areas"]


def test_kcpd_and_slmpd_take_their_areas_from_their_policies():
    assert (
        "Elsewhere in the Kansas City metropolitan area"
        in PRESETS["kcpd"].policy["activation_areas"]
    )
    assert PRESETS["kcpd"].sources["activation_areas"].startswith("Policy 830 III.E")
    assert "St. Louis County" in PRESETS["slmpd"].policy["activation_areas"]
    assert PRESETS["slmpd"].sources["activation_areas"].startswith("PSST policy Team Member 4")


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_admin_edits_the_areas_one_per_line_and_the_activation_form_offers_them(
    login, users, agency
):
    url = reverse("agencies:settings", args=[agency.slug])
    lines = "North Division\nSouth Division\n\nMutual aid"
    response = login(users[Role.ADMIN]).post(url, form_data(agency.policy, activation_areas=lines))
    assert response.status_code == 302
    policy = Policy.objects.get(agency=agency)
    assert policy.activation_areas == ["North Division", "South Division", "Mutual aid"]
    assert policy.sources["activation_areas"].startswith("Set by the agency (settings page")
    page = login(users[Role.COORDINATOR]).get(f"/{agency.slug}/activations/").content.decode()
    assert "North Division" in page and "Within the city" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lines", "problem"),
    [
        ("North\nNorth", "listed twice"),
        ("\n".join(f"Area {n}" for n in range(21)), "at most 20"),
        ("A" * 81, "longer than 80"),
    ],
)
@pytest.mark.system_scope
def test_a_repeated_too_long_or_endless_list_of_areas_is_refused(
    login, users, agency, lines, problem
):
    url = reverse("agencies:settings", args=[agency.slug])
    response = login(users[Role.ADMIN]).post(url, form_data(agency.policy, activation_areas=lines))
    assert response.status_code == 200 and problem in response.content.decode()
    assert Policy.objects.get(agency=agency).activation_areas == [
        "Within the city",
        "Outside the city",
    ]


@pytest.mark.django_db
@pytest.mark.system_scope
def test_an_agency_that_emptied_its_list_still_activates_and_the_call_out_names_no_area(
    login, users, agency, django_capture_on_commit_callbacks
):
    Policy.objects.filter(agency=agency).update(activation_areas=[])
    ShiftFactory(peer__agency=agency, peer__person__email="peer@clayton.example.org")
    form = {
        "incident_type": IncidentType.objects.for_agency(agency).get(code="deadly-force").pk,
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "location": "Forsyth Blvd",
        "members_affected": 1,
        "peers_needed": 1,
        "briefing": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = login(users[Role.COORDINATOR]).post(f"/{agency.slug}/activations/", form)
    assert response.status_code == 302
    callout = next(m for m in mail.outbox if m.to == ["peer@clayton.example.org"])
    assert "General area" not in callout.body and "Forsyth" not in callout.body


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_migration_gives_existing_agencies_their_presets_areas():
    kcpd = AgencyFactory(slug="kcpd", preset="kcpd")
    joplin = AgencyFactory(slug="joplin", preset="joplin")
    kept = AgencyFactory(slug="keeps", preset="slmpd")
    Policy.objects.filter(agency__in=[kcpd, joplin]).update(activation_areas=[], sources={})
    Policy.objects.filter(agency=kept).update(activation_areas=["Own list"])

    class SchemaEditor:
        pass

    editor = SchemaEditor()
    editor.connection = connection
    MIGRATION.give_defaults(apps, editor)
    areas = dict(Policy.objects.values_list("agency__slug", "activation_areas"))
    assert areas == {
        "kcpd": PRESETS["kcpd"].policy["activation_areas"],
        "joplin": ["Within the city", "Outside the city"],
        "keeps": ["Own list"],
    }
    note = Policy.objects.get(agency=kcpd).sources["activation_areas"]
    assert note.startswith(PRESETS["kcpd"].sources["activation_areas"])


@pytest.mark.django_db
@pytest.mark.parametrize("area", ["", "Somewhere else"])
def test_the_service_refuses_a_blank_or_unknown_area_when_the_policy_keeps_a_list(
    agency, open_activation, area
):
    with pytest.raises(ValidationError) as refused:
        open_activation(agency, area=area)
    assert refused.value.message_dict == {"area": ["Choose one of this agency's general areas."]}
    with tenant_db.system_scope():
        assert not Activation.objects.filter(agency=agency).exists()


@pytest.mark.django_db
def test_the_service_opens_without_an_area_when_the_policy_keeps_none(agency, open_activation):
    with tenant_db.system_scope():
        Policy.objects.filter(agency=agency).update(activation_areas=[])
        agency.refresh_from_db()
    activation = open_activation(agency, area="")
    assert activation.status == "open" and activation.area == ""
