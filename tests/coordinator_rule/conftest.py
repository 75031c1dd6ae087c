"""The agencies whose policies set a rule for the coordinator, and the platform admin who may
override it."""

import pytest

from tests.factories import AgencyFactory, UserFactory


@pytest.fixture
def kcpd(db):
    return AgencyFactory(slug="kcpd", preset="kcpd")


@pytest.fixture
def st_joseph(db):
    return AgencyFactory(slug="st-joseph", preset="st-joseph")


@pytest.fixture
def platform(db):
    return UserFactory(username="platform", is_staff=True, is_superuser=True)
