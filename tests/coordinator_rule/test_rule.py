"""Issue 15, item 7: where the policy says who may hold the coordinator role (KCPD's PST Manager a
captain or above, not from HR, Homicide or Internal Affairs, Policy 830 II.J; St. Joseph's
coordinator a sergeant or above, GO2401 II.H.1), granting it to anyone else is refused with the
section, unless a platform admin gives a reason, which is kept and audited."""

import pytest
from django.core.exceptions import ValidationError

from agencies.choices import Rank, Role
from agencies.models import Membership, Policy
from agencies.presets import PRESETS
from agencies.ranks import rank_of
from agencies.services import apply_policy_document, grant_role
from tests.coordinator_rule.support import in_directory
from tests.factories import UserFactory

# The rank order and the directory's words for ranks.


@pytest.mark.parametrize(
    ("text", "rank"),
    [
        ("Officer", Rank.OFFICER),
        ("Police Officer", Rank.OFFICER),
        ("Detective", Rank.OFFICER),
        ("Sgt.", Rank.SERGEANT),
        ("Detective Sergeant", Rank.SERGEANT),
        ("Lt.", Rank.LIEUTENANT),
        ("Captain", Rank.CAPTAIN),
        ("Major", Rank.MAJOR),
        ("Lt. Col.", Rank.DEPUTY_CHIEF),
        ("Deputy Chief of Police", Rank.DEPUTY_CHIEF),
        ("Chief of Police", Rank.CHIEF),
        ("Civilian", None),
        ("", None),
    ],
)
def test_a_directory_rank_is_placed_on_the_one_rank_order(text, rank):
    assert rank_of(text) == rank


# The presets cite the section.


def test_kcpd_preset_wants_a_captain_not_from_hr_homicide_or_internal_affairs_citing_ii_j():
    preset = PRESETS["kcpd"]
    assert preset.policy["lead_min_rank"] == Rank.CAPTAIN
    assert preset.policy["lead_excluded_units"] == [
        "Human Resources",
        "Homicide",
        "Internal Affairs",
    ]
    assert preset.sources["lead_min_rank"].startswith("Policy 830 II.J")
    assert preset.sources["lead_excluded_units"].startswith("Policy 830 II.J")


def test_st_joseph_preset_wants_a_sergeant_or_above_citing_ii_h_1():
    preset = PRESETS["st-joseph"]
    assert preset.policy["lead_min_rank"] == Rank.SERGEANT
    assert preset.policy["lead_excluded_units"] == []
    assert preset.sources["lead_min_rank"].startswith("GO2401 II.H.1")


@pytest.mark.parametrize(
    ("key", "section"),
    [
        ("joplin", "SOG 2-13 III"),
        ("slmpd", "PSST policy Team Composition"),
        ("clayton", "GO 23-07 II"),
    ],
)
def test_the_other_presets_set_no_rank_and_say_what_their_policy_names_instead(key, section):
    preset = PRESETS[key]
    assert preset.policy["lead_min_rank"] == ""
    assert preset.sources["lead_min_rank"].startswith(section)


# Granting the role: refusal, and the override.


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_sergeant_is_refused_as_kcpd_pst_manager_citing_ii_j(kcpd):
    user = in_directory(kcpd, rank="Sergeant")
    with pytest.raises(ValidationError) as exc:
        grant_role(user=user, agency=kcpd, role=Role.COORDINATOR)
    message = " ".join(exc.value.messages)
    assert "Policy 830 II.J" in message
    assert message.startswith("The PST Manager must be a captain or above, and Casey Lane is a")
    assert "sergeant (Policy 830 II.J: a captain or above)." in message
    assert not Membership.objects.filter(agency=kcpd, user=user).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("unit", ["Internal Affairs Unit", "Homicide", "Human Resources Division"])
@pytest.mark.system_scope
def test_a_captain_from_an_excluded_unit_is_refused_as_kcpd_pst_manager(kcpd, unit):
    user = in_directory(kcpd, rank="Captain", unit=unit)
    with pytest.raises(ValidationError) as exc:
        grant_role(user=user, agency=kcpd, role=Role.COORDINATOR)
    message = " ".join(exc.value.messages)
    assert "Policy 830 II.J" in message
    assert f"may not come from {unit.split()[0]}" in message
    assert f"Casey Lane is in {unit}" in message
    assert not Membership.objects.filter(agency=kcpd, user=user).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("rank", ["Captain", "Major", "Deputy Chief of Police"])
@pytest.mark.system_scope
def test_a_captain_or_above_from_another_unit_becomes_kcpd_pst_manager(kcpd, rank):
    user = in_directory(kcpd, rank=rank, unit="Central Patrol Division")
    membership = grant_role(user=user, agency=kcpd, role=Role.COORDINATOR)
    assert membership.role == Role.COORDINATOR
    assert membership.override_reason == ""


@pytest.mark.django_db
@pytest.mark.system_scope
def test_an_officer_is_refused_as_st_joseph_coordinator_and_a_sergeant_is_not(st_joseph):
    officer = in_directory(st_joseph, rank="Police Officer", username="officer")
    with pytest.raises(ValidationError, match=r"sergeant or above.*\(GO2401 II\.H\.1"):
        grant_role(user=officer, agency=st_joseph, role=Role.COORDINATOR)
    sergeant = in_directory(st_joseph, rank="Sgt.", username="sergeant")
    assert grant_role(user=sergeant, agency=st_joseph, role=Role.COORDINATOR).pk


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_user_with_no_directory_entry_or_an_unknown_rank_is_refused(kcpd):
    stranger = UserFactory(username="stranger")
    with pytest.raises(ValidationError, match="no entry in the agency's directory"):
        grant_role(user=stranger, agency=kcpd, role=Role.COORDINATOR)
    civilian = in_directory(kcpd, rank="Civilian")
    with pytest.raises(ValidationError, match='"Civilian", which is not one of Officer'):
        grant_role(user=civilian, agency=kcpd, role=Role.COORDINATOR)
    assert not Membership.objects.filter(agency=kcpd).exists()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_an_admin_overrides_the_rule_with_a_reason_that_is_kept(kcpd, platform):
    user = in_directory(kcpd, rank="Sergeant")
    membership = grant_role(
        user=user,
        agency=kcpd,
        role=Role.COORDINATOR,
        actor=platform,
        override_reason="  Acting manager while the captain is deployed.  ",
    )
    membership.refresh_from_db()
    assert membership.override_reason == "Acting manager while the captain is deployed."
    assert membership.override_by == platform


@pytest.mark.django_db
@pytest.mark.system_scope
def test_an_override_names_who_makes_it(kcpd):
    user = in_directory(kcpd, rank="Sergeant")
    with pytest.raises(ValidationError, match="names who makes it"):
        grant_role(user=user, agency=kcpd, role=Role.COORDINATOR, override_reason="Acting")
    assert not Membership.objects.filter(agency=kcpd).exists()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_rule_is_for_the_coordinator_role_only_and_only_where_the_policy_sets_one(kcpd, agency):
    sergeant = in_directory(kcpd, rank="Sergeant")
    assert grant_role(user=sergeant, agency=kcpd, role=Role.PEER).pk
    clayton_officer = in_directory(agency, rank="Officer", username="clayton.officer")
    assert grant_role(user=clayton_officer, agency=agency, role=Role.COORDINATOR).pk


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_role_already_held_is_left_as_it_is_when_granted_again(kcpd, platform):
    user = in_directory(kcpd, rank="Sergeant")
    first = grant_role(
        user=user, agency=kcpd, role=Role.COORDINATOR, actor=platform, override_reason="Acting"
    )
    assert grant_role(user=user, agency=kcpd, role=Role.COORDINATOR) == first


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_rule_the_agency_changed_cites_its_change(kcpd):
    policy = Policy.objects.get(agency=kcpd)
    apply_policy_document(agency=kcpd, data={"lead_min_rank": "major"})
    policy.refresh_from_db()
    user = in_directory(kcpd, rank="Captain")
    with pytest.raises(ValidationError, match=r"a major or above, .*\(Set by the agency \(import"):
        grant_role(user=user, agency=kcpd, role=Role.COORDINATOR)
