import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from agencies.models import Agency, IncidentType, Policy, User
from agencies.policy_io import PolicyDocumentError, policy_to_dict
from agencies.services import apply_policy_document
from tests.support.scopes import built, no_scope


def export(slug: str, capsys, *args) -> dict:
    capsys.readouterr()
    call_command("export_policy", slug, *args)
    return json.loads(capsys.readouterr().out)


@built
def snapshot(agency) -> dict:
    return policy_to_dict(Policy.objects.get(agency=agency))


@pytest.mark.django_db
@pytest.mark.system_scope
def test_createagency_starts_from_the_preset(capsys):
    with no_scope():  # as a worker or the command line runs it
        call_command("createagency", "clayton", "--name", "Clayton PD", "--preset", "clayton")
    agency = Agency.objects.get(slug="clayton")
    assert agency.preset == "clayton"
    assert agency.policy.program_name == "Wellness and Peer Support Program"
    assert IncidentType.objects.for_agency(agency).count() == 8
    assert "Created" in capsys.readouterr().out


@pytest.mark.django_db
def test_createagency_refuses_a_taken_slug_and_changes_nothing(agency):
    before = snapshot(agency)
    with (
        pytest.raises(CommandError, match="already exists"),
        no_scope(),
    ):  # as a worker or the command line runs it
        call_command("createagency", agency.slug, "--name", "Other", "--preset", "kcpd")
    assert snapshot(agency) == before
    assert Agency.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("slug", "extra", "message"),
    [
        ("admin", [], "reserved"),
        ("Bad Slug!", [], "slug"),
        ("newpd", ["--time-zone", "Mars/Olympus"], "time zone"),
    ],
)
def test_createagency_refuses_bad_input_with_a_message(slug, extra, message):
    with pytest.raises(CommandError, match=message):
        call_command("createagency", slug, "--name", "X", "--preset", "kcpd", *extra)
    assert not Agency.objects.exists()


@pytest.mark.django_db
def test_createagency_refuses_an_unknown_preset():
    with pytest.raises(CommandError, match="preset"):
        call_command("createagency", "newpd", "--name", "X", "--preset", "nowhere")


@pytest.mark.django_db
def test_export_has_the_documented_keys(agency, capsys):
    data = export(agency.slug, capsys)
    for key in [
        "program_name",
        "peer_title",
        "max_peers_per_activation",
        "checkin_interval_years",
        "checkin_notice_days",
        "reschedule_min_days",
        "min_years_of_service",
        "trainings_per_year",
        "compensation",
        "days_off_per_year",
        "incident_types",
        "confidentiality_exceptions",
    ]:
        assert key in data
    assert set(data["incident_types"][0]) >= {
        "code",
        "label",
        "triggers_activation",
        "requires_consent",
    }


@pytest.mark.django_db
def test_export_of_an_unknown_agency_is_refused():
    with pytest.raises(CommandError, match="No agency"):
        call_command("export_policy", "nowhere")


@pytest.mark.django_db
def test_export_then_import_round_trips_into_another_agency(agency, other_agency, capsys, tmp_path):
    data = export(agency.slug, capsys)
    path = tmp_path / "clayton.json"
    path.write_text(json.dumps(data))
    call_command("import_policy", other_agency.slug, str(path))
    assert export(other_agency.slug, capsys) == data


@pytest.mark.django_db
def test_import_of_interval_seven_is_refused_naming_the_field(agency, tmp_path):
    before = snapshot(agency)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({**before, "checkin_interval_years": 7}))
    with pytest.raises(CommandError) as exc, no_scope():  # as a worker or the command line runs it
        call_command("import_policy", agency.slug, str(path))
    assert "checkin_interval_years" in str(exc.value)
    assert "unchanged" in str(exc.value)
    assert snapshot(agency) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"checkin_interval_years": "3"}, "checkin_interval_years"),
        ({"max_peers_per_activation": 0}, "max_peers_per_activation"),
        ({"compensation": "cash"}, "compensation"),
        ({"compensation": "days_off", "days_off_per_year": 0}, "days_off_per_year"),
        ({"interview_required": "yes"}, "interview_required"),
        ({"served_groups": ["members", "martians"]}, "served_groups"),
        ({"confidentiality_exceptions": "not a list"}, "confidentiality_exceptions"),
        ({"confidentiality_exceptions": ["", "x"]}, "confidentiality_exceptions"),
        ({"checkin_reminder_days": [7, 7]}, "checkin_reminder_days"),
        ({"program_name": ""}, "program_name"),
        ({"unheard_of": 1}, "unheard_of"),
        (
            {"incident_types": [{"code": "a", "label": "A"}, {"code": "a", "label": "B"}]},
            "incident_types[1].code",
        ),
        ({"incident_types": [{"code": "Not a slug!", "label": "A"}]}, "incident_types[0].code"),
        (
            {"incident_types": [{"code": "a", "label": "A", "colour": "red"}]},
            "incident_types[0].colour",
        ),
        (
            {"incident_types": [{"code": "a", "label": "A", "requires_consent": 1}]},
            "incident_types[0].requires_consent",
        ),
        ({"incident_types": ["deadly-force"]}, "incident_types[0]"),
        ({"team_roles": [{"code": "x", "label": "X", "kind": "boss"}]}, "team_roles[0].kind"),
        ({"resources": [{"kind": "hotline", "name": "X", "url": "not a url"}]}, "resources[0].url"),
        ({"sources": ["GO 1"]}, "sources"),
    ],
)
def test_a_bad_document_is_refused_whole_and_names_the_field(agency, change, field):
    before = snapshot(agency)
    # A good change rides along: it must not be written either.
    with pytest.raises(PolicyDocumentError) as exc:
        apply_policy_document(agency=agency, data={"peer_title": "Changed", **change})
    assert field in exc.value.errors, exc.value.errors
    assert snapshot(agency) == before


@pytest.mark.django_db
def test_import_refuses_a_file_that_is_not_json(agency, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("import_policy", agency.slug, str(path))


@pytest.mark.django_db
def test_import_refuses_a_missing_file(agency, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_policy", agency.slug, str(tmp_path / "absent.json"))


@pytest.mark.django_db
def test_import_refuses_a_document_that_is_not_an_object(agency, tmp_path):
    path = tmp_path / "list.json"
    path.write_text("[1, 2]")
    with pytest.raises(CommandError, match="JSON object"):
        call_command("import_policy", agency.slug, str(path))


@pytest.mark.django_db
@pytest.mark.system_scope
def test_import_notes_the_changed_point_as_set_by_the_agency(agency):
    apply_policy_document(agency=agency, data={"checkin_interval_years": 4})
    policy = Policy.objects.get(agency=agency)
    assert policy.checkin_interval_years == 4
    assert policy.sources["checkin_interval_years"].startswith("Set by the agency (import")
    assert policy.sources["checkin_notice_days"].startswith("GO 23-07")


@pytest.mark.django_db
@pytest.mark.system_scope
def test_an_incident_type_left_out_is_retired_not_deleted(agency):
    kept = {"code": "deadly-force", "label": "Deadly force", "triggers_activation": True}
    apply_policy_document(agency=agency, data={"incident_types": [kept]})
    rows = IncidentType.objects.for_agency(agency)
    assert rows.filter(active=True).count() == 1
    assert rows.filter(active=False).count() == 7
    apply_policy_document(
        agency=agency, data={"incident_types": [kept, {"code": "career", "label": "Career"}]}
    )
    assert rows.get(code="career").active is True


@pytest.mark.django_db
@pytest.mark.system_scope
def test_seed_demo_is_idempotent_and_prints_the_password(capsys):
    with no_scope():  # as a worker or the command line runs it
        call_command("seed_demo")
    counts = (Agency.objects.count(), User.objects.count())
    with no_scope():  # as a worker or the command line runs it
        call_command("seed_demo")
    assert (Agency.objects.count(), User.objects.count()) == counts == (6, 38)
    out = capsys.readouterr().out
    assert "peer-support-demo-2026" in out
    metro = User.objects.get(username="peer.metro")
    assert sorted(metro.memberships.values_list("agency__slug", flat=True)) == ["clayton", "slmpd"]


@pytest.mark.django_db
@pytest.mark.system_scope
def test_seed_demo_gives_clayton_check_ins_to_try(django_capture_on_commit_callbacks):
    from django.core import mail

    from checkins.models import Appointment, RescheduleRequest

    with (
        django_capture_on_commit_callbacks(execute=True),
        no_scope(),
    ):  # as a worker or the command line runs it
        call_command("seed_demo")
    clayton = Appointment.objects.filter(agency__slug="clayton", state="scheduled")
    assert clayton.filter(person__user__username="officer.clayton").count() == 1
    assert clayton.filter(starts_at__lt=timezone.now()).count() == 1  # to mark
    assert RescheduleRequest.objects.filter(agency__slug="clayton", state="pending").exists()
    notices = [m for m in mail.outbox if m.to == ["officer.clayton@clayton.example.org"]]
    assert len(notices) == 1 and notices[0].attachments
    assert Appointment.objects.filter(agency__slug="kcpd", state="scheduled").count() > 5
    with no_scope():  # as a worker or the command line runs it
        call_command("seed_demo")
    assert Appointment.objects.filter(agency__slug="clayton").count() == clayton.count()


ALL_AT_ONCE = {
    "checkin_interval_years": "3",  # a type error
    "max_peers_per_activation": 0,  # a range error
    "compensation": "cash",  # a choice error
    "unheard_of": 1,  # an unknown key
    "incident_types": [
        {"code": "a", "label": "A", "requires_consent": "yes", "colour": "red"},
        {"code": "Not a slug!", "label": "B"},
        "deadly-force",
    ],
    "team_roles": [{"code": ["x"], "label": "X", "kind": "boss"}],
    "resources": [{"kind": "hotline", "name": 7, "url": "not a url", "fax": "1"}],
}


@pytest.mark.django_db
def test_a_document_with_a_type_a_range_and_a_choice_error_reports_all_three_at_once(agency):
    before = snapshot(agency)
    with pytest.raises(PolicyDocumentError) as exc:
        apply_policy_document(agency=agency, data={"peer_title": "Changed", **ALL_AT_ONCE})
    errors = exc.value.errors
    assert errors["checkin_interval_years"] == ["Must be a whole number."]
    assert "max_peers_per_activation" in errors
    assert "compensation" in errors
    assert errors["unheard_of"] == ["Unknown field."]
    assert snapshot(agency) == before


@pytest.mark.django_db
def test_every_list_entry_reports_its_type_choice_and_format_errors_in_the_same_pass(agency):
    with pytest.raises(PolicyDocumentError) as exc:
        apply_policy_document(agency=agency, data=ALL_AT_ONCE)
    errors = exc.value.errors
    assert errors["incident_types[0].requires_consent"] == ["Must be true or false."]
    assert errors["incident_types[0].colour"] == ["Unknown field."]
    assert "incident_types[1].code" in errors
    assert errors["incident_types[2]"] == ["Must be an object."]
    # A mistyped code is named once, and the entry's bad kind is still found.
    assert errors["team_roles[0].code"] == ["Must be text."]
    assert "team_roles[0].kind" in errors
    assert errors["resources[0].name"] == ["Must be text."]
    assert errors["resources[0].fax"] == ["Unknown field."]
    assert "resources[0].url" in errors


@pytest.mark.django_db
def test_import_prints_every_error_of_the_file_at_once_and_changes_nothing(agency, tmp_path):
    before = snapshot(agency)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(ALL_AT_ONCE))
    with pytest.raises(CommandError) as exc, no_scope():  # as a worker or the command line runs it
        call_command("import_policy", agency.slug, str(path))
    text = str(exc.value)
    for name in [
        "checkin_interval_years: Must be a whole number.",
        "max_peers_per_activation:",
        "compensation:",
        "unheard_of: Unknown field.",
        "incident_types[0].requires_consent:",
        "incident_types[1].code:",
        "team_roles[0].kind:",
        "resources[0].url:",
    ]:
        assert f"  {name}" in text, text
    assert snapshot(agency) == before


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_cross_field_rule_is_checked_alongside_a_type_error_elsewhere(agency):
    with pytest.raises(PolicyDocumentError) as exc:
        apply_policy_document(
            agency=agency,
            data={"interview_required": "yes", "compensation": "days_off", "days_off_per_year": 0},
        )
    assert set(exc.value.errors) == {"interview_required", "days_off_per_year"}


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["activation_areas", "served_groups"])
def test_a_list_of_lists_is_refused_with_a_message_not_an_error_page(agency, field):
    before = snapshot(agency)
    with pytest.raises(PolicyDocumentError) as exc:
        apply_policy_document(agency=agency, data={field: [["members"], ["members"]]})
    assert field in exc.value.errors
    assert snapshot(agency) == before
