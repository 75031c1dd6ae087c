"""Issue 15, item 7, on the pages: the Django admin where the platform admin gives roles refuses
or grants the coordinator role by the policy's rule; the settings page and the policy document
carry the rule; every demo coordinator meets it."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from agencies import role_rules
from agencies.choices import Rank, Role
from agencies.models import Agency, Membership, Policy
from agencies.policy_io import PolicyDocumentError, policy_to_dict
from agencies.ranks import rank_of
from agencies.services import apply_policy_document, grant_role
from security.models import AuditEvent
from tests.coordinator_rule.support import in_directory
from tests.factories import UserFactory
from tests.support.mfa import verified_client
from tests.support.scopes import no_scope
from tests.test_agency_admin import members_form
from tests.test_settings_page import form_data

# The Django admin, where the platform admin gives roles.


def admin_change(agency):
    return f"/admin/agencies/agency/{agency.pk}/change/"


@pytest.mark.django_db
def test_the_admin_refuses_a_sergeant_as_kcpd_pst_manager_with_the_section(kcpd, platform):
    in_directory(kcpd, rank="Sergeant")
    client = verified_client(platform)
    response = client.post(admin_change(kcpd), members_form(kcpd, [("casey", Role.COORDINATOR)]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "The PST Manager must be a captain or above" in text
    assert "(Policy 830 II.J: a captain or above)" in text
    assert "give the reason" in text
    assert not Membership.objects.filter(agency=kcpd).exists()
    assert not AuditEvent.objects.filter(action="role rule overridden").exists()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_admin_grants_it_with_a_reason_kept_and_audited(kcpd, platform):
    user = in_directory(kcpd, rank="Sergeant")
    client = verified_client(platform)
    data = members_form(kcpd, [("casey", Role.COORDINATOR)]) | {"-1-0-reason": "Acting manager"}
    response = client.post(admin_change(kcpd), data)
    assert response.status_code == 302
    membership = Membership.objects.get(agency=kcpd, user=user)
    assert (membership.role, membership.override_reason) == (Role.COORDINATOR, "Acting manager")
    assert membership.override_by == platform
    event = AuditEvent.objects.get(action="role rule overridden")
    assert (event.agency_id, event.actor_id, event.object_id) == (
        kcpd.pk,
        platform.pk,
        str(membership.pk),
    )
    assert "Acting manager" in client.get(admin_change(kcpd)).content.decode()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_admin_checks_a_row_changed_to_the_coordinator_role(kcpd, platform):
    user = in_directory(kcpd, rank="Sergeant")
    held = grant_role(user=user, agency=kcpd, role=Role.PEER)
    client = verified_client(platform)
    data = members_form(kcpd, [], initial=[held]) | {"-1-0-role": Role.COORDINATOR}
    response = client.post(admin_change(kcpd), data)
    assert response.status_code == 200
    assert "Policy 830 II.J" in response.content.decode()
    assert Membership.objects.get(pk=held.pk).role == Role.PEER


@pytest.mark.django_db
def test_the_admin_refuses_a_reason_where_no_exception_is_needed(kcpd, platform):
    in_directory(kcpd, rank="Captain")
    client = verified_client(platform)
    data = members_form(kcpd, [("casey", Role.COORDINATOR)]) | {"-1-0-reason": "Just because"}
    response = client.post(admin_change(kcpd), data)
    assert response.status_code == 200
    assert "No exception is needed here" in response.content.decode()
    assert not Membership.objects.filter(agency=kcpd).exists()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_admin_grants_a_captain_with_no_reason_and_audits_no_exception(kcpd, platform):
    user = in_directory(kcpd, rank="Captain")
    client = verified_client(platform)
    response = client.post(admin_change(kcpd), members_form(kcpd, [("casey", Role.COORDINATOR)]))
    assert response.status_code == 302
    assert Membership.objects.get(agency=kcpd, user=user).override_reason == ""
    assert not AuditEvent.objects.filter(action="role rule overridden").exists()


# The settings page and the policy document carry the rule.


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_agency_admin_sets_the_rule_on_the_settings_page(login, users, agency):
    url = reverse("agencies:settings", args=[agency.slug])
    page = login(users[Role.ADMIN]).get(url).content.decode()
    assert "Lowest rank of the program lead" in page
    response = login(users[Role.ADMIN]).post(
        url,
        form_data(
            agency.policy, lead_min_rank="lieutenant", lead_excluded_units="Internal Affairs\nHR"
        ),
    )
    assert response.status_code == 302
    policy = Policy.objects.get(agency=agency)
    assert policy.lead_min_rank == Rank.LIEUTENANT
    assert policy.lead_excluded_units == ["Internal Affairs", "HR"]
    assert policy.sources["lead_min_rank"].startswith("Set by the agency (settings page")


@pytest.mark.django_db
@pytest.mark.system_scope
def test_an_unknown_rank_on_the_settings_page_gets_a_message_and_changes_nothing(
    login, users, agency
):
    url = reverse("agencies:settings", args=[agency.slug])
    before = policy_to_dict(agency.policy)
    response = login(users[Role.ADMIN]).post(
        url, form_data(agency.policy, lead_min_rank="emperor", program_name="Changed")
    )
    assert response.status_code == 200
    assert "lead_min_rank" in response.context["form"].errors
    assert policy_to_dict(Policy.objects.get(agency=agency)) == before


@pytest.mark.django_db
@pytest.mark.system_scope
def test_another_agency_and_an_anonymous_visitor_cannot_set_the_rule(login, users, agency, client):
    url = reverse("agencies:settings", args=[agency.slug])
    before = policy_to_dict(agency.policy)
    data = form_data(agency.policy, lead_min_rank="chief")
    assert login(users["outsider"]).post(url, data).status_code == 404
    response = client.post(url, data)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert policy_to_dict(Policy.objects.get(agency=agency)) == before


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_rule_is_exported_and_imported_with_the_policy(kcpd, agency):
    data = policy_to_dict(kcpd.policy)
    assert data["lead_min_rank"] == "captain"
    assert data["lead_excluded_units"] == ["Human Resources", "Homicide", "Internal Affairs"]
    apply_policy_document(agency=agency, data=data)
    assert Policy.objects.get(agency=agency).lead_min_rank == "captain"


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_bad_rule_in_a_document_is_refused_with_every_error(agency):
    with pytest.raises(PolicyDocumentError) as exc:
        apply_policy_document(
            agency=agency, data={"lead_min_rank": "general", "lead_excluded_units": "HR"}
        )
    assert set(exc.value.errors) == {"lead_min_rank", "lead_excluded_units"}
    assert Policy.objects.get(agency=agency).lead_min_rank == ""


# The demo.


@pytest.mark.django_db
@pytest.mark.system_scope
def test_every_demo_coordinator_meets_their_agency_rule():
    with no_scope():  # as a worker or the command line runs it
        call_command("seed_demo")
    coordinators = Membership.objects.filter(role=Role.COORDINATOR).select_related(
        "agency__policy", "user"
    )
    assert coordinators.count() == 6
    for membership in coordinators:
        refusal = role_rules.grant_refusal(
            agency=membership.agency, user=membership.user, role=Role.COORDINATOR
        )
        assert refusal == "", refusal
        assert membership.override_reason == ""
    kcpd = Agency.objects.get(slug="kcpd")
    holder = role_rules.holder_of(agency=kcpd, user=coordinators.get(agency=kcpd).user)
    assert rank_of(holder.rank) == Rank.CAPTAIN


@pytest.mark.django_db
@pytest.mark.system_scope
def test_only_the_platform_admin_gives_roles_in_the_admin(kcpd, client):
    in_directory(kcpd, rank="Sergeant")
    agency_admin = UserFactory(username="admin.kcpd")
    grant_role(user=agency_admin, agency=kcpd, role=Role.ADMIN)
    data = members_form(kcpd, [("casey", Role.COORDINATOR)]) | {"-1-0-reason": "Acting"}
    for visitor in [verified_client(agency_admin), client]:
        response = visitor.post(admin_change(kcpd), data)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
    assert not Membership.objects.filter(agency=kcpd, role=Role.COORDINATOR).exists()
    assert not AuditEvent.objects.filter(action="role rule overridden").exists()
