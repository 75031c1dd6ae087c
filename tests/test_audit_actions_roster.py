"""Each audited write of the team, the directory and the on-call schedule is recorded by its
service with how it ended (issue 16, item 6)."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from agencies import clock
from agencies.choices import Role
from agencies.models import TeamRole
from roster.models import Application, Person, TrainingMemo
from roster.services import directory_csv, oncall, team
from roster.services.people import save_person
from security.models import AuditEvent
from tests.factories import AgencyFactory, PeerFactory, PersonFactory
from tests.support.audit import assert_two, call, entries, twice

HEADER = "employee_number,first_name,last_name,rank,unit,member_class,hire_date,email,employed\n"
ROW = "1001,Ann,Archer,Officer,Central,sworn,2015-04-01,ann@example.org,yes\n"
COORDINATOR = frozenset({Role.COORDINATOR})


@pytest.fixture
def lead(users):
    return users[Role.COORDINATOR]


@pytest.mark.django_db
@pytest.mark.system_scope
def test_an_application_its_interview_and_its_decision_are_recorded_with_refusals(
    agency, users, lead
):
    person = PersonFactory(agency=agency)
    today = clock.today(agency)
    # The second try: already on the team's books
    twice(agency, team.submit_application, person=person, submitted_on=today, actor=lead)
    assert entries("roster:application_new") == [("done", "", lead.pk), ("refused", "", lead.pk)]
    application = Application.objects.get(peer__person=person)
    for held_on in (today, today - timedelta(days=30)):  # the second: before the application
        call(agency, team.record_interview, application=application, held_on=held_on,
             passed=True, actor=lead)  # fmt: skip
    assert_two("roster:application_interview", application.pk, lead)
    chief = users[Role.COMMAND]
    for actor, roles in [(chief, frozenset({Role.COMMAND})), (lead, COORDINATOR)]:
        call(agency, team.decide_application, application=application, approve=False,
             actor=actor, roles=roles)  # fmt: skip
    assert entries("roster:application_decide") == [
        ("done", str(application.pk), chief.pk), ("denied", str(application.pk), lead.pk),
    ]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_peer_pages_writes_are_recorded_with_their_refusals(agency, lead, other_agency):
    peer = PeerFactory(agency=agency)
    today = clock.today(agency)
    for signed_on in (today, today + timedelta(days=400)):
        call(agency, team.record_agreement, peer=peer, signed_on=signed_on, kept_by="Lead",
             actor=lead)  # fmt: skip
    for hours in ("2", "0"):
        call(agency, team.add_training, peer=peer, held_on=today, topic="CISM",
             hours=Decimal(hours), actor=lead)  # fmt: skip
    for missed_on in (today - timedelta(days=1), today + timedelta(days=400)):
        call(agency, team.submit_memo, peer=peer, missed_on=missed_on, actor=lead)
    theirs = TeamRole.objects.for_agency(other_agency).first()
    for role in (None, theirs):
        call(agency, team.set_team_role, peer=peer, team_role=role, station="", actor=lead)
    for code in ("agreement", "training", "memo", "role"):
        assert_two(f"roster:peer_{code}", peer.pk, lead)
    memo = TrainingMemo.objects.get(peer=peer)
    # The second try: decided already
    twice(agency, team.decide_memo, memo=memo, approve=True, actor=lead)
    assert_two("roster:memo_decide", memo.pk, lead)


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_status_change_and_a_restore_are_recorded_with_refusals(agency, lead):
    peer = PeerFactory(agency=agency, callouts_suspended=True, suspended_reason="Flag")
    for reason in ("At their written request", ""):  # the second: back again, with no reason
        call(agency, team.change_status, peer=peer, to="inactive", actor=lead, roles=COORDINATOR,
             reason=reason)  # fmt: skip
        peer.refresh_from_db()
        peer.status = "active"
        peer.save()
    call(agency, team.restore_callouts, peer=peer, actor=lead)
    peer.person.employed = False
    peer.person.save()
    call(agency, team.restore_callouts, peer=peer, actor=lead)
    assert_two("roster:peer_status", peer.pk, lead)
    assert_two("roster:peer_restore", peer.pk, lead)


@pytest.mark.django_db
def test_a_person_added_and_edited_is_recorded_under_each_page(agency, lead):
    person = Person(agency=agency, employee_number="77", first_name="Ann", last_name="Archer")
    call(agency, save_person, person=person, actor=lead, previous_flags=set())
    assert entries("roster:person_new") == [("done", str(person.pk), lead.pk)]
    person.email = "not an address"
    call(agency, save_person, person=person, actor=lead, previous_flags=set())
    assert entries("roster:person") == [("refused", str(person.pk), lead.pk)]
    blank = Person(agency=agency, employee_number="", first_name="", last_name="")
    call(agency, save_person, person=blank, actor=lead, previous_flags=set())
    assert entries("roster:person_new")[1:] == [("refused", "", lead.pk)]


@pytest.mark.django_db
@pytest.mark.system_scope
def test_an_import_uploaded_and_confirmed_is_recorded_and_a_bad_file_refused(agency, lead):
    for text in (HEADER + ROW, "employee_number,name\n1,A\n"):
        call(agency, directory_csv.upload_import, agency=agency, actor=lead, filename="x.csv",
             raw=text.encode())  # fmt: skip
    assert entries("roster:people_import") == [("done", "", lead.pk), ("refused", "", lead.pk)]
    staged = directory_csv.stage_import(agency=agency, user=lead, filename="x.csv",
                                        text=HEADER + ROW)  # fmt: skip
    pk = staged.pk
    call(agency, directory_csv.apply_import, staged=staged, actor=lead)
    bad = directory_csv.stage_import(agency=agency, user=lead, filename="y.csv", text="a\n1\n")
    call(agency, directory_csv.apply_import, staged=bad, actor=lead)
    assert entries("roster:people_import_confirm") == [
        ("done", str(pk), lead.pk), ("refused", str(bad.pk), lead.pk),
    ]  # fmt: skip
    assert Person.objects.for_agency(agency).filter(employee_number="1001").exists()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_shifts_added_and_deleted_and_availability_are_recorded_with_refusals(agency, lead):
    peer = PeerFactory(agency=agency, person__user=lead)
    start = clock.today(agency) + timedelta(days=2)
    for weeks in (1, 0):
        call(agency, oncall.add_shifts, peer=peer, start_day=start, start_time=time(20),
                    end_time=time(8), repeat_weeks=weeks, actor=lead)  # fmt: skip
    assert entries("roster:schedule") == [("done", "", lead.pk), ("refused", "", lead.pk)]
    shift = peer.shifts.get()
    pk = shift.pk
    call(agency, oncall.delete_shift, shift=shift, actor=lead)
    assert entries("roster:shift_delete") == [("done", str(pk), lead.pk)]
    for until in (None, timezone.now() - timedelta(hours=1)):
        call(agency, oncall.set_availability, peer=peer, unavailable_until=until)
    assert entries("roster:me") == [("done", "", lead.pk), ("refused", "", lead.pk)]


@pytest.mark.django_db
@pytest.mark.system_scope
def test_an_entry_goes_to_the_log_of_the_agency_whose_row_was_written():
    slmpd = AgencyFactory(slug="slmpd", preset="slmpd")
    peer = PeerFactory(agency=slmpd)
    call(slmpd, team.set_team_role, peer=peer, team_role=None, station="", actor=None)
    assert list(AuditEvent.objects.filter(action="roster:peer_role").values_list(
        "agency__slug", flat=True)) == ["slmpd"]  # fmt: skip
