"""What opening an activation refuses: an area not on the agency's list, a blank location, and an
incident type the policy does not list as triggering unless the lead overrides it with a reason,
kept on the activation (KCPD Policy 830 II.G.2 lists "Personal or professional crisis" as
support, not as a critical incident)."""

import pytest
from django.utils import timezone

from activations.models import Activation, CallOut
from activations.services import activation as service
from agencies.choices import Role
from agencies.models import IncidentType
from tests.factories import AgencyFactory, ShiftFactory, member
from tests.support.scopes import built
from tests.test_activations import activate, pursuit


@pytest.fixture
def kcpd(db):
    return AgencyFactory(slug="kcpd", preset="kcpd")


@pytest.fixture
def team(kcpd):
    """Two peers on call now, to be called."""
    return [ShiftFactory(peer__agency=kcpd).peer for _ in range(2)]


@pytest.fixture
def coordinator(kcpd):
    return member(kcpd, Role.COORDINATOR, username="coordinator.kcpd")


@pytest.mark.django_db
def test_the_activation_form_needs_one_of_the_agencys_general_areas(
    login, kcpd, team, coordinator, django_capture_on_commit_callbacks
):
    client = login(coordinator)
    for area in ["", "12 Elm Street, home of Officer Smith"]:
        response = activate(client, kcpd, django_capture_on_commit_callbacks, area=area)
        assert response.status_code == 200
        assert not Activation.objects.exists()
    page = client.get("/kcpd/activations/").content.decode()
    assert "Elsewhere in the Kansas City metropolitan area" in page


@pytest.mark.django_db
def test_the_service_refuses_an_area_not_on_the_agencys_list_and_a_blank_location(
    kcpd, coordinator
):
    from django.core.exceptions import ValidationError

    base = dict(
        agency=kcpd, actor=coordinator, roles=frozenset({Role.COORDINATOR}),
        incident_type=pursuit(kcpd), occurred_at=timezone.now(), members_affected=1,
        briefing="", peers_needed=1,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="general areas"):
        service.create(**base, area="Home of Officer Smith", location="Downtown")
    with pytest.raises(ValidationError, match="in general terms"):
        service.create(**base, area="Within Kansas City", location="  ")
    assert not Activation.objects.exists()


@built
def crisis(kcpd):
    return IncidentType.objects.for_agency(kcpd).get(label="Personal or professional crisis")


@pytest.mark.django_db
def test_a_type_that_does_not_trigger_activation_is_refused_without_the_leads_reason(
    login, kcpd, team, coordinator, django_capture_on_commit_callbacks
):
    client = login(coordinator)
    response = activate(
        client, kcpd, django_capture_on_commit_callbacks, incident_type=crisis(kcpd).pk
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "does not activate the team under the policy (Policy 830 II.G.2)" in page
    assert not Activation.objects.exists() and not CallOut.objects.exists()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_lead_activates_for_it_with_a_reason_kept_on_the_activation(
    login, kcpd, team, coordinator, django_capture_on_commit_callbacks
):
    client = login(coordinator)
    reason = "The member asked for the team after a line-of-duty loss in the family."
    response = activate(
        client, kcpd, django_capture_on_commit_callbacks,
        incident_type=crisis(kcpd).pk, trigger_reason=reason,
    )  # fmt: skip
    assert response.status_code == 302
    activation = Activation.objects.get()
    assert activation.status == "open" and CallOut.objects.exists()
    assert activation.trigger_override_reason == reason
    assert activation.trigger_override_by == coordinator
    page = client.get(f"/kcpd/activations/{activation.pk}/").content.decode()
    assert "activated on the lead's override" in page and reason in page


@pytest.mark.django_db
def test_only_the_lead_may_override_a_type_that_does_not_trigger(
    login, kcpd, team, django_capture_on_commit_callbacks
):
    chief = member(kcpd, Role.COMMAND)  # KCPD III.E: command asks, the PST Manager activates
    response = activate(
        login(chief), kcpd, django_capture_on_commit_callbacks,
        incident_type=crisis(kcpd).pk, trigger_reason="Please.",
    )  # fmt: skip
    assert "only the PST Manager may activate for it" in response.content.decode()
    assert not Activation.objects.exists()


@pytest.mark.django_db
def test_the_form_marks_the_types_that_do_not_trigger(login, kcpd, coordinator):
    page = login(coordinator).get("/kcpd/activations/").content.decode()
    assert "Personal or professional crisis (does not trigger activation)" in page
    assert "Pursuit ending in death or serious bodily injury (does not" not in page
