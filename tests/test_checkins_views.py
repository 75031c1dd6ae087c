"""The check-in pages with an insider of each role, a member of another agency and an anonymous
visitor; a provider sees only its own appointments; bad input changes nothing; bounded queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agencies.choices import Role
from tests.factories import AppointmentFactory
from tests.support.pages import role_matrix_tests

ALL = set(Role.values)
MEMBERS = ALL - {Role.PROVIDER}
PAGES = [
    ("checkins:compliance", {Role.COORDINATOR, Role.ADMIN}),
    ("checkins:export", {Role.COORDINATOR, Role.ADMIN}),
    ("checkins:runs", {Role.COORDINATOR}),
    ("checkins:requests", {Role.COORDINATOR}),
    ("checkins:program", {Role.COORDINATOR}),
    ("checkins:mine", MEMBERS),
    ("checkins:provider", {Role.PROVIDER}),
]


def _at(days: int):
    return timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=days)


@pytest.fixture
def appointment(clayton):
    return AppointmentFactory(
        agency=clayton["agency"],
        person=clayton["officer"],
        provider=clayton["provider"],
        starts_at=_at(20),
    )


(
    test_anonymous_visitor_is_sent_to_login,
    test_member_of_another_agency_gets_404,
    test_insiders_see_what_their_role_allows,
) = role_matrix_tests(PAGES, setup="clayton")
