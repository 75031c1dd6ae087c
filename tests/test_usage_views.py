"""Every usage-report page with an insider of each role, a member of another agency and an
anonymous visitor; the privacy page; and the canary: a name typed anywhere is kept nowhere."""

import pytest
from django.utils import timezone

from agencies.choices import Role
from agencies.models import IncidentType, InterventionType
from tests.factories import PeerFactory
from tests.support.pages import role_matrix_tests
from usage_reports.models import UsageReport

ALL = set(Role.values)
MEMBERS = ALL - {Role.PROVIDER}
PAGES = [
    ("usage_reports:all", {Role.COORDINATOR}),
    ("usage_reports:file", {Role.PEER}),
    ("usage_reports:mine", {Role.PEER}),
    ("usage_reports:stats", {Role.COORDINATOR, Role.COMMAND}),
    ("usage_reports:quarterly", {Role.COORDINATOR, Role.COMMAND}),
    ("usage_reports:evaluation", {Role.COORDINATOR, Role.COMMAND}),
    ("usage_reports:compensation", {Role.COORDINATOR}),
    ("usage_reports:privacy", ALL),
]


@pytest.fixture
def peer_record(agency, users):
    return PeerFactory(agency=agency, person__user=users[Role.PEER])


@pytest.fixture
def report(agency, peer_record):
    return UsageReport.objects.create(
        agency=agency, peer=peer_record, served_at=timezone.now(), duration_minutes=30,
        incident_type=IncidentType.objects.for_agency(agency).first(),
        intervention_type=InterventionType.objects.for_agency(agency).first(),
        contact_mode="phone", on_duty=True,
    )  # fmt: skip


(
    test_anonymous_visitor_is_sent_to_login,
    test_member_of_another_agency_gets_404,
    test_insiders_see_what_their_role_allows,
) = role_matrix_tests(PAGES, setup="peer_record")
