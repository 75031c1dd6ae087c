"""Each audited write of activations, partner requests, outreach, usage forms and compensation
is recorded by its service with how it ended (issue 16, item 6)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from activations.models import Activation, AssistanceRequest
from activations.selectors import areas_for
from activations.services import activation as service
from activations.services import outreach, partners
from agencies import clock
from agencies.choices import Role
from agencies.models import IncidentType, InterventionType
from tests.factories import AgencyFactory, PeerFactory, PersonFactory, member
from tests.support.audit import assert_two, call, entries, outcomes, twice
from usage_reports import services as usage
from usage_reports.models import DayOff, UsageReport

COORDINATOR = frozenset({Role.COORDINATOR})


def _opening(agency, **fields):
    return {
        "agency": agency, "incident_type": IncidentType.objects.for_agency(agency).get(
            code="deadly-force"), "occurred_at": timezone.now() - timedelta(hours=1),
        "location": "Near the station", "members_affected": 1, "briefing": "", "peers_needed": 1,
        "area": areas_for(policy=agency.policy)[0], **fields,
    }  # fmt: skip


@pytest.fixture
def opened(agency, users):
    return Activation.objects.create(
        agency=agency, incident_type=IncidentType.objects.for_agency(agency)[0],
        occurred_at=timezone.now(), location="Downtown", members_affected=1, peers_needed=1,
        status="open",
    )  # fmt: skip


@pytest.mark.django_db
@pytest.mark.system_scope
def test_activating_or_asking_is_recorded_done_refused_or_denied(agency, users):
    officer, peer = users[Role.OFFICER], users[Role.PEER]
    call(agency, service.create, actor=officer, roles=frozenset({Role.OFFICER}),
         **_opening(agency))  # fmt: skip
    call(agency, service.create, actor=officer, roles=frozenset({Role.OFFICER}),
         **_opening(agency, location=" "))  # fmt: skip
    call(agency, service.create, actor=peer, roles=frozenset({Role.PEER}), **_opening(agency))
    assert entries("activations:list") == [
        ("done", "", officer.pk), ("refused", "", officer.pk), ("denied", "", peer.pk),
    ]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.system_scope
def test_approving_and_declining_a_request_is_recorded_and_deciding_twice_refused(agency, users):
    coordinator = users[Role.COORDINATOR]
    asked = [
        call(agency, service.create, actor=users[Role.OFFICER], roles=frozenset({Role.OFFICER}),
             **_opening(agency))
        for _ in range(2)
    ]  # fmt: skip
    for decide in (service.approve, service.decline):
        activation = asked.pop()
        twice(agency, decide, activation=activation, actor=coordinator, roles=COORDINATOR)
        assert_two(f"activations:{decide.__name__}", activation.pk, coordinator)


@pytest.mark.django_db
def test_adding_peers_outside_help_and_closing_are_recorded_with_refusals(agency, users, opened):
    coordinator = users[Role.COORDINATOR]
    for count in (1, 0):
        call(agency, service.add_peers, activation=opened, actor=coordinator, roles=COORDINATOR,
             count=count, reason="")  # fmt: skip
    for consulted in ("Lt. Gray", ""):
        call(agency, service.record_external_team, activation=opened, consulted=consulted,
             actor=coordinator)  # fmt: skip
    twice(agency, service.close, activation=opened, actor=coordinator)
    for code in ("activations:add", "activations:external", "activations:close"):
        assert_two(code, opened.pk, coordinator)


@pytest.mark.django_db
@pytest.mark.system_scope
def test_asking_a_partner_and_the_partners_decision_are_recorded(agency, users, opened):
    partner = AgencyFactory(slug="slmpd", preset="slmpd")
    call(agency, partners.request_help, activation=opened, partner=partner, count=1,
         actor=users[Role.COORDINATOR])  # fmt: skip
    assert outcomes("activations:ask_partner") == ["refused"]  # Clayton does not ask
    asked = AssistanceRequest.objects.create(
        activation=opened, from_agency=agency, to_agency=partner, peers_requested=1
    )
    chief = member(partner, Role.COMMAND)
    for roles in (frozenset({Role.COORDINATOR}), frozenset({Role.COMMAND})):
        call(partner, partners.decide, request=asked, agency=partner, approve=False, actor=chief,
             roles=roles)  # fmt: skip
    assert entries("activations:partner_request_decide") == [
        ("denied", str(asked.pk), chief.pk), ("done", str(asked.pk), chief.pk),
    ]  # fmt: skip


@pytest.mark.django_db
def test_outreach_is_recorded_without_who_received_the_card():
    slmpd = AgencyFactory(slug="slmpd", preset="slmpd")
    coordinator = member(slmpd, Role.COORDINATOR)
    person = PersonFactory(agency=slmpd, email="injured@slmpd.example.org")
    for reason in ("fmla", "not-a-reason"):
        call(slmpd, outreach.send_card, agency=slmpd, person=person, reason=reason,
             actor=coordinator)  # fmt: skip
    assert entries("activations:outreach") == [
        ("done", "", coordinator.pk), ("refused", "", coordinator.pk),
    ]  # fmt: skip


def _usage(agency, **fields):
    return {
        "served_at": timezone.now() - timedelta(hours=2),
        "incident_type": IncidentType.objects.for_agency(agency)[0],
        "intervention_type": InterventionType.objects.for_agency(agency)[0],
        "duration_minutes": 30, "contact_mode": "phone", "on_duty": False, **fields,
    }  # fmt: skip


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_usage_form_filed_corrected_and_withdrawn_is_recorded_as_the_peers(agency, users):
    peer = PeerFactory(agency=agency, person__user=users[Role.PEER])
    other = PeerFactory(agency=agency, person__user=member(agency, Role.PEER))
    actor = users[Role.PEER].pk
    report = call(agency, usage.file_report, agency=agency, peer=peer, **_usage(agency))
    call(agency, usage.file_report, agency=agency, peer=peer,
         **_usage(agency, served_at=timezone.now() + timedelta(days=1)))  # fmt: skip
    assert entries("usage_reports:file") == [("done", "", actor), ("refused", "", actor)]
    pk = str(report.pk)
    for code, act, fields in [
        ("usage_reports:edit", usage.correct_report, _usage(agency)),
        ("usage_reports:withdraw", usage.withdraw_report, {}),
    ]:
        call(agency, act, report=report, peer=other, **fields)
        call(agency, act, report=report, peer=peer, **fields)
        assert entries(code) == [("denied", pk, other.person.user_id), ("done", pk, actor)], code
    assert not UsageReport.objects.filter(pk=report.pk).exists()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_compensation_decisions_and_days_off_are_recorded_with_refusals():
    slmpd = AgencyFactory(slug="slmpd", preset="slmpd")
    lead = member(slmpd, Role.COORDINATOR)
    peer = PeerFactory(agency=slmpd)
    call(slmpd, usage.approve_compensation, agency=slmpd, report_ids=[], approve=True, actor=lead)
    assert entries("usage_reports:approve") == [("done", "", lead.pk)]
    today = clock.today(slmpd)
    # The same day twice.
    twice(slmpd, usage.record_day_off, agency=slmpd, peer_id=peer.pk, taken_on=today, by=lead)
    assert entries("usage_reports:day_off") == [("done", "", lead.pk), ("refused", "", lead.pk)]
    day = DayOff.objects.get(peer=peer)
    for pk in (day.pk, day.pk):  # the second is gone already
        call(slmpd, usage.remove_day_off, agency=slmpd, day_off_id=pk, actor=lead)
    assert entries("usage_reports:remove_day_off") == [
        ("done", str(day.pk), lead.pk), ("denied", str(day.pk), lead.pk),
    ]  # fmt: skip
