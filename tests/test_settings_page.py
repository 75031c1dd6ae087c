import pytest
from django.urls import reverse

from agencies.choices import Role
from agencies.forms import PolicyForm
from agencies.models import IncidentType, InterventionType, Policy
from agencies.policy_io import policy_to_dict


def form_data(policy: Policy, **changes) -> dict:
    """What the browser would post back for the page as it is shown, with some changes."""
    form = PolicyForm(instance=policy)
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list) and hasattr(field, "choices"):
            data[name] = value
        else:
            prepared = field.prepare_value(value)
            data[name] = "" if prepared is None else prepared
    data.update(changes)
    return data


@pytest.fixture
def admin_client(login, users):
    return login(users[Role.ADMIN])


@pytest.mark.django_db
@pytest.mark.system_scope
def test_admin_changes_the_interval_and_it_is_noted_as_set_by_the_agency(admin_client, agency):
    url = reverse("agencies:settings", args=[agency.slug])
    response = admin_client.post(url, form_data(agency.policy, checkin_interval_years=4))
    assert response.status_code == 302
    policy = Policy.objects.get(agency=agency)
    assert policy.checkin_interval_years == 4
    assert policy.sources["checkin_interval_years"].startswith("Set by the agency (settings page")
    assert policy.sources["program_name"] == "GO 23-07 title"


@pytest.mark.django_db
@pytest.mark.system_scope
def test_posting_the_page_unchanged_changes_no_source(admin_client, agency):
    url = reverse("agencies:settings", args=[agency.slug])
    before = policy_to_dict(agency.policy)
    assert admin_client.post(url, form_data(agency.policy)).status_code == 302
    assert policy_to_dict(Policy.objects.get(agency=agency)) == before


@pytest.mark.django_db
@pytest.mark.parametrize("years", [2, 6, 7, "", "three"])
@pytest.mark.system_scope
def test_an_interval_outside_three_to_five_years_is_refused_with_a_message(
    admin_client, agency, years
):
    url = reverse("agencies:settings", args=[agency.slug])
    before = policy_to_dict(agency.policy)
    response = admin_client.post(
        url, form_data(agency.policy, checkin_interval_years=years, program_name="Changed")
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Nothing was saved" in text
    assert "checkin_interval_years" in response.context["form"].errors
    assert policy_to_dict(Policy.objects.get(agency=agency)) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reschedule_min_days": 60}, "reschedule_min_days"),
        ({"reschedule_min_days": 30}, "reschedule_min_days"),
        ({"checkin_reminder_days": "45, 1"}, "checkin_reminder_days"),
    ],
)
@pytest.mark.system_scope
def test_check_in_lead_times_that_contradict_the_notice_are_refused(
    admin_client, agency, changes, field
):
    url = reverse("agencies:settings", args=[agency.slug])
    before = policy_to_dict(agency.policy)
    response = admin_client.post(url, form_data(agency.policy, **changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert policy_to_dict(Policy.objects.get(agency=agency)) == before


@pytest.mark.django_db
def test_days_off_without_a_number_is_refused(admin_client, agency):
    url = reverse("agencies:settings", args=[agency.slug])
    response = admin_client.post(url, form_data(agency.policy, compensation="days_off"))
    assert "days_off_per_year" in response.context["form"].errors


@pytest.mark.django_db
def test_reminder_days_must_be_numbers(admin_client, agency):
    url = reverse("agencies:settings", args=[agency.slug])
    response = admin_client.post(url, form_data(agency.policy, checkin_reminder_days="soon"))
    assert "whole numbers" in str(response.context["form"].errors["checkin_reminder_days"])


@pytest.mark.django_db
@pytest.mark.system_scope
def test_confidentiality_exceptions_are_edited_one_per_line(admin_client, agency):
    url = reverse("agencies:settings", args=[agency.slug])
    admin_client.post(
        url, form_data(agency.policy, confidentiality_exceptions="First limit\n\n Second limit ")
    )
    policy = Policy.objects.get(agency=agency)
    assert policy.confidentiality_exceptions == ["First limit", "Second limit"]


def list_post(items: list[dict], prefix: str = "incident_types", initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(items)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "100",
    }
    for i, item in enumerate(items):
        for key, value in item.items():
            if value is True:
                data[f"{prefix}-{i}-{key}"] = "on"
            elif value is not False:
                data[f"{prefix}-{i}-{key}"] = value
    return data


@pytest.mark.django_db
@pytest.mark.system_scope
def test_admin_adds_an_incident_type_and_retires_one(admin_client, agency):
    url = reverse("agencies:settings_list", args=[agency.slug, "incident_types"])
    current = list(IncidentType.objects.for_agency(agency).filter(active=True))
    items = [
        {
            "label": t.label,
            "code": t.code,
            "triggers_activation": t.triggers_activation,
            "requires_consent": t.requires_consent,
            "source": t.source,
            "DELETE": t.code == "career",
        }
        for t in current
    ]
    items.append({"label": "Hostage situation", "triggers_activation": True})
    response = admin_client.post(url, list_post(items, initial=len(current)))
    assert response.status_code == 302
    rows = IncidentType.objects.for_agency(agency)
    assert rows.get(code="hostage-situation").triggers_activation is True
    assert rows.get(code="career").active is False


@pytest.mark.django_db
@pytest.mark.system_scope
def test_two_entries_with_one_code_are_refused_and_nothing_changes(admin_client, agency):
    url = reverse("agencies:settings_list", args=[agency.slug, "incident_types"])
    before = policy_to_dict(agency.policy)
    rows = list(IncidentType.objects.for_agency(agency).filter(active=True))
    items = [{"label": r.label, "code": r.code} for r in rows]
    items += [{"label": "A", "code": "same"}, {"label": "B", "code": "same"}]
    response = admin_client.post(url, list_post(items, initial=len(rows)))
    assert response.status_code == 200
    assert "used twice" in response.content.decode()
    assert policy_to_dict(Policy.objects.get(agency=agency)) == before


@pytest.mark.django_db
def test_a_tampered_formset_is_refused_without_error(admin_client, agency):
    url = reverse("agencies:settings_list", args=[agency.slug, "team_roles"])
    response = admin_client.post(url, {"team_roles-TOTAL_FORMS": "x"})
    assert response.status_code == 200
    assert "Nothing was saved" in response.content.decode()


@pytest.mark.django_db
def test_team_role_with_min_above_max_is_refused(admin_client, agency):
    url = reverse("agencies:settings_list", args=[agency.slug, "team_roles"])
    items = [{"label": "Clinicians", "kind": "clinical", "min_count": "5", "max_count": "3"}]
    response = admin_client.post(url, list_post(items, prefix="team_roles"))
    assert "below the smallest" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_an_existing_entrys_code_cannot_be_changed_by_a_tampered_post(admin_client, agency):
    url = reverse("agencies:settings_list", args=[agency.slug, "intervention_types"])
    rows = list(InterventionType.objects.for_agency(agency).filter(active=True))
    items = [{"label": r.label, "code": r.code, "source": r.source} for r in rows]
    items[0] = {**items[0], "code": "renamed", "label": "Renamed"}
    assert (
        admin_client.post(url, list_post(items, "intervention_types", len(rows))).status_code == 302
    )
    first = InterventionType.objects.for_agency(agency).get(pk=rows[0].pk)
    assert (first.code, first.label, first.active) == (rows[0].code, "Renamed", True)
    assert not InterventionType.objects.for_agency(agency).filter(code="renamed").exists()
