import pytest

from agencies.policy_io import POLICY_FIELDS, policy_to_dict, validate_document
from agencies.presets import PRESETS, get_preset
from tests.factories import AgencyFactory

EXPECTED_KEYS = {f.name for f in POLICY_FIELDS} | {
    "incident_types",
    "intervention_types",
    "team_roles",
    "resources",
}


def exported(preset: str) -> dict:
    agency = AgencyFactory(slug=preset.replace("-", ""), preset=preset)
    return policy_to_dict(agency.policy)


def test_the_six_preset_keys_exist():
    assert set(PRESETS) == {"st-joseph", "joplin", "slmpd", "clayton", "kcpd", "missouri-default"}


@pytest.mark.parametrize("key", sorted(PRESETS))
def test_every_preset_sets_every_point_and_names_its_source(key):
    preset = get_preset(key)
    assert set(preset.policy) >= EXPECTED_KEYS
    missing = [name for name in (f.name for f in POLICY_FIELDS) if not preset.sources.get(name)]
    assert missing == []
    for item in preset.policy["incident_types"] + preset.policy["intervention_types"]:
        assert item["source"], item


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(PRESETS))
def test_every_preset_is_a_valid_policy_document(key):
    agency = AgencyFactory(slug="check", preset="missouri-default")
    validate_document(agency, get_preset(key).policy, partial=False)


def test_unknown_preset_names_the_choices():
    with pytest.raises(KeyError, match="kcpd"):
        get_preset("nowhere")


@pytest.mark.django_db
@pytest.mark.system_scope
def test_kcpd_limits_two_peers_trains_quarterly_and_pays_overtime():
    data = exported("kcpd")
    assert data["max_peers_per_activation"] == 2
    assert data["limit_override_roles"] == ["command"]
    assert data["trainings_per_year"] == 4
    assert data["missed_training_requires_memo"] is True
    assert data["compensation"] == "overtime"
    assert data["peer_notifies_supervisor"] is True
    assert data["activation_chain"] == ["lead", "coordinators", "peers"]
    assert set(data["covered_member_classes"]) == {
        "sworn",
        "reserve",
        "auxiliary",
        "detention",
        "dispatcher",
    }
    assert set(data["disqualifying_flags"]) == {
        "post_suspension",
        "criminal_investigation",
        "pending_discipline",
    }
    consent = [t["code"] for t in data["incident_types"] if t["requires_consent"]]
    assert consent == ["member-illness-injury"]
    assert any("Human Resources Director" in e for e in data["confidentiality_exceptions"])
    seats = [r for r in data["team_roles"] if r["kind"] == "coordinator"]
    assert len(seats) == 4
    assert {s["represents"].split(", selected by ")[-1] for s in seats} >= {
        "FOP Lodge #99",
        "FOP Lodge #102",
    }


@pytest.mark.django_db
@pytest.mark.system_scope
def test_clayton_checks_in_every_three_years_with_thirty_days_notice_and_is_unpaid():
    data = exported("clayton")
    assert data["checkin_interval_years"] == 3
    assert data["checkin_notice_days"] == 30
    assert data["reschedule_min_days"] == 7
    assert data["compensation"] == "none"
    assert data["program_name"] == "Wellness and Peer Support Program"
    assert data["peer_title"] == "Peer Support Officer"
    assert data["disqualifying_flags"] == ["probationary"]
    assert data["external_team_name"] == "Greater St. Louis CISM Association"
    assert any(r["phone"] == "(800) 356-0845" for r in data["resources"])
    assert data["sources"]["checkin_notice_days"].startswith("GO 23-07 VII")


@pytest.mark.django_db
def test_slmpd_needs_three_years_trains_twice_and_gives_two_days_off():
    data = exported("slmpd")
    assert data["min_years_of_service"] == 3
    assert data["trainings_per_year"] == 2
    assert data["days_off_per_year"] == 2
    assert data["compensation"] == "days_off"
    assert (data["team_size_min"], data["team_size_max"]) == (20, 24)
    assert data["cross_agency_requests"] is True
    assert data["cross_agency_approver_role"] == "command"
    assert "Deputy Chief" in data["cross_agency_approver_title"]
    assert set(data["outreach_reasons"]) == {
        "on_duty_injury",
        "fmla",
        "internal_investigation",
        "administrative_leave",
    }
    assert set(data["disqualifying_flags"]) == {"improvement_plan", "administrative_leave"}


@pytest.mark.django_db
def test_st_joseph_gives_comp_time_for_off_duty_contacts():
    data = exported("st-joseph")
    assert data["compensation"] == "comp_time"
    assert data["compensation_basis"] == ["off_duty_contact"]
    assert data["program_evaluation"] is True
    assert len(data["confidentiality_exceptions"]) == 3


@pytest.mark.django_db
@pytest.mark.system_scope
def test_joplin_incident_types_are_its_seven_crisis_kinds():
    data = exported("joplin")
    labels = [t["label"] for t in data["incident_types"]]
    assert len(labels) == 7
    assert labels[0] == "The use of deadly force"
    assert "Substance abuse" in labels
    assert all(t["source"].startswith("SOG 2-13 III") for t in data["incident_types"])
    assert data["peer_title"] == "Peer Support Advisor"
    assert data["vacancies_announced"] is True


@pytest.mark.django_db
def test_missouri_default_follows_the_statutes_where_the_policy_is_silent():
    data = exported("missouri-default")
    assert 3 <= data["checkin_interval_years"] <= 5
    assert len(data["confidentiality_exceptions"]) == 5
    assert data["sources"]["confidentiality_exceptions"] == "RSMo 590.1040"


@pytest.mark.django_db
def test_a_silent_point_says_the_policy_is_silent():
    data = exported("joplin")
    assert data["sources"]["compensation"].startswith("SOG 2-13 is silent")
