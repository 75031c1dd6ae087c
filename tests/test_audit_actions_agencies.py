"""Each audited write of the agency's settings, resources, partnerships, roles, lockouts and
outbox is recorded by its service with how it ended (issue 16, item 6)."""

import pytest
from django.utils import timezone

from agencies import services
from agencies.choices import Role
from agencies.models import IncidentType, Membership, Partnership
from notifications import services as outbox
from notifications.models import Message, State
from security import lockout
from tests.factories import ResourceFactory, UserFactory, member
from tests.support.audit import assert_two, call, entries, outcomes


@pytest.fixture
def admin(users):
    return users[Role.ADMIN]


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_policy_settings_save_records_done_and_a_refused_value(agency, admin):
    policy = agency.policy
    policy.checkin_interval_years = 4
    call(agency, services.save_policy, policy=policy, changed_fields=["checkin_interval_years"],
         actor=admin)  # fmt: skip
    policy.checkin_interval_years = 7  # RSMo 590.192: 3 to 5 years
    call(agency, services.save_policy, policy=policy, changed_fields=["checkin_interval_years"],
         actor=admin)  # fmt: skip
    assert entries("agencies:settings") == [("done", "", admin.pk), ("refused", "", admin.pk)]
    agency.policy.refresh_from_db()
    assert agency.policy.checkin_interval_years == 4


@pytest.mark.django_db
def test_a_settings_list_save_records_done_and_a_refused_document(agency, admin):
    items = [
        {"code": t.code, "label": t.label}
        for t in IncidentType.objects.for_agency(agency).filter(active=True)
    ]
    call(agency, services.save_settings_list, agency=agency, key="incident_types",
         items=items, actor=admin)  # fmt: skip
    call(agency, services.save_settings_list, agency=agency, key="incident_types",
         items=[{"code": "", "label": ""}], actor=admin)  # fmt: skip
    assert outcomes("agencies:settings_list") == ["done", "refused"]


@pytest.mark.django_db
def test_a_resource_edited_and_deleted_is_recorded_each_time_with_its_id(agency, admin):
    resource = ResourceFactory(agency=agency)
    pk = str(resource.pk)
    resource.name = "Renamed line"
    call(agency, services.save_resource, resource=resource, actor=admin)
    resource.name = ""
    call(agency, services.save_resource, resource=resource, actor=admin)
    call(agency, services.delete_resource, resource=resource, actor=admin)
    assert_two("agencies:resource_edit", pk, admin)
    assert entries("agencies:resource_delete") == [("done", pk, admin.pk)]


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_partnership_proposed_and_answered_is_recorded_with_refusals(
    agency, other_agency, admin, users
):
    call(agency, services.propose_partnership, agency=agency, partner_slug="kcpd", actor=admin)
    call(agency, services.propose_partnership, agency=agency, partner_slug="clayton", actor=admin)
    assert outcomes("agencies:partners") == ["done", "refused"]
    partnership = Partnership.objects.get(proposer=agency)
    theirs = users["outsider"]
    call(other_agency, services.answer_partnership, agency=other_agency,
         partnership_id=partnership.pk, accept=True, actor=theirs)  # fmt: skip
    call(other_agency, services.answer_partnership, agency=other_agency,
         partnership_id=partnership.pk + 1000, accept=True, actor=theirs)  # fmt: skip
    assert entries("agencies:partner_answer") == [
        ("done", str(partnership.pk), theirs.pk),
        ("refused", str(partnership.pk + 1000), theirs.pk),
    ]


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_role_granted_and_revoked_is_recorded_in_the_agencys_log(agency):
    platform = UserFactory(username="platform", is_staff=True)
    someone = UserFactory(username="someone")
    held = services.grant_role(user=someone, agency=agency, role=Role.PEER, actor=platform)
    services.grant_role(user=someone, agency=agency, role=Role.PEER, actor=platform)  # held
    pk = held.pk
    services.revoke_role(membership=held, actor=platform)
    assert entries("role granted") == [("done", str(pk), platform.pk)]
    assert entries("role revoked") == [("done", str(pk), platform.pk)]
    assert not Membership.objects.filter(pk=pk).exists()


@pytest.mark.django_db
def test_an_unlock_is_recorded_and_a_username_not_of_the_agency_refused(agency, admin, users):
    call(agency, lockout.unlock, agency=agency, username=users[Role.OFFICER].username,
         actor=admin)  # fmt: skip
    call(agency, lockout.unlock, agency=agency, username="admin.kcpd", actor=admin)
    assert outcomes("security:unlock") == ["done", "refused"]


@pytest.mark.django_db
@pytest.mark.system_scope
def test_sending_a_notice_again_is_recorded_and_refused_for_one_not_failed(agency, admin):
    person = member(agency)

    def notice(state: str, person) -> Message:
        return Message.objects.create(
            agency=agency, purpose="callout", subject_type="agencies.agency", subject_id=agency.pk,
            recipient_type="user", recipient_id=person.pk, channel="email", state=state,
            due_at=timezone.now(),
        )  # fmt: skip

    failed, pending = notice(State.FAILED, person), notice(State.PENDING, member(agency))
    call(agency, outbox.retry, message=failed, actor=admin)
    call(agency, outbox.retry, message=pending, actor=admin)
    assert entries("notifications:retry") == [
        ("done", str(failed.pk), admin.pk),
        ("refused", str(pending.pk), admin.pk),
    ]
