import os
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client

from agencies import tenant_db
from agencies.choices import Role
from tests.factories import AgencyFactory, PersonFactory, contracted_provider, member
from tests.support import rls, scopes
from tests.support.mfa import verified_client


def _clock_from_env() -> float | None:
    """PYTEST_CLOCK, e.g. `2026-12-02T00:30:00Z`, `2026-12-01T09:59-06:00` or
    `2026-12-01T09:59 America/Chicago`: the moment every test starts at, as a timestamp (a
    timestamp, so that time-machine leaves the process's time zone, TZ, as it is)."""
    value = os.environ.get("PYTEST_CLOCK", "").strip()
    if not value:
        return None
    moment, _, zone = value.partition(" ")
    try:
        parsed = datetime.fromisoformat(moment)
        if zone:
            parsed = parsed.replace(tzinfo=ZoneInfo(zone))
    except (ValueError, KeyError) as exc:
        raise pytest.UsageError(f"PYTEST_CLOCK={value!r}: {exc}") from None
    if parsed.tzinfo is None:
        raise pytest.UsageError(
            f"PYTEST_CLOCK={value!r} needs an offset or a zone: 2026-12-02T00:30:00Z, "
            "2026-12-01T09:59-06:00 or 2026-12-01T09:59 America/Chicago"
        )
    return parsed.timestamp()


CLOCK: float | None = None


def pytest_configure(config):
    global CLOCK
    CLOCK = _clock_from_env()
    scopes.unscoped_requests()


def pytest_report_header(config):
    if CLOCK is not None:
        return f"PYTEST_CLOCK: every test starts at {datetime.fromtimestamp(CLOCK, UTC)}"


@pytest.fixture(autouse=True)
def _moved_clock(request):
    """With PYTEST_CLOCK set, every test runs with the clock moved there (and ticking), except
    those marked `real_clock`. Without it, the real clock."""
    if (
        CLOCK is None
        or request.node.get_closest_marker("real_clock")
        or "module_clock" in request.fixturenames
    ):
        yield
        return
    with time_machine.travel(CLOCK, tick=True):
        yield


@pytest.fixture(scope="module")
def module_clock():
    """For data a module builds once (its module fixture asks for this): the moved clock from
    before the build to the module's end, ticking, so that what was built (a sign-in, a second
    step) is as old in each test as it is on the real clock. Its tests are not moved one by one."""
    if CLOCK is None:
        yield
        return
    with time_machine.travel(CLOCK, tick=True):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """On PostgreSQL, everything after creating and migrating the test database runs as the
    app role, under row-level security (tests/support/rls.py)."""
    if connection.vendor != "postgresql":
        yield
        return
    with django_db_blocker.unblock():
        saved = rls.become_app_role()
    yield
    with django_db_blocker.unblock():
        rls.become_owner(saved)


@pytest.fixture(autouse=True)
def _system_scope():
    """Fixtures build their rows across agencies, as a sweep would: in system scope, from the
    first function fixture's setup to the last one's teardown. The test body does not run in
    it (pytest_runtest_call below). Session fixtures (the test database) are made before."""
    with tenant_db.system_scope():
        yield


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """The test body runs with no scope, as a task or a request starts: what it calls must open
    its own, or on PostgreSQL it finds no agency's rows (tests/support/scopes.py). A test that
    checks across agencies by nature is marked `system_scope`."""
    if item.get_closest_marker("system_scope"):
        with scopes.no_scope(), tenant_db.system_scope():
            return (yield)
    with scopes.no_scope():
        return (yield)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a page an earlier test had cached (the on-call
    lookup's, roster/lookup_cache.py) must not answer for this test's rows."""
    cache.clear()


@pytest.fixture
def agency(db):
    return AgencyFactory(slug="clayton", name="Clayton Police Department", preset="clayton")


@pytest.fixture
def other_agency(db):
    return AgencyFactory(slug="kcpd", name="Kansas City Missouri Police Department", preset="kcpd")


@pytest.fixture
def users(agency, other_agency):
    """One user per role in `agency`, and an admin of `other_agency` as the outsider."""
    with tenant_db.system_scope():
        return {
            **{role: member(agency, role, username=f"{role}.clayton") for role in Role.values},
            "outsider": member(other_agency, Role.ADMIN, username="admin.kcpd"),
        }


@pytest.fixture
def login(db):
    """A fresh test client signed in as the user: two users never share cookies or messages."""

    def _login(user, *, second_factor: bool = True):
        if second_factor:
            return verified_client(user)
        client = Client()
        with tenant_db.system_scope():
            client.force_login(user)
        return client

    return _login


@pytest.fixture
def clayton(users, agency):
    """Clayton with its chief as everyone's commanding officer, officer.clayton in the
    directory, and a provider whose staff is provider.clayton."""
    with tenant_db.system_scope():
        chief = PersonFactory(
            agency=agency, user=users[Role.COMMAND], email="chief@clayton.example"
        )
        officer = PersonFactory(
            agency=agency, user=users[Role.OFFICER], email="officer@clayton.example",
            commanding_officer=chief,
        )  # fmt: skip
        provider = contracted_provider(agency, staff=users[Role.PROVIDER])
    return {"chief": chief, "officer": officer, "provider": provider, "agency": agency}


# Fixtures and report hooks kept in tests/support (open_activation; the summary).
pytest_plugins = ["tests.support.activations"]


def pytest_terminal_summary(terminalreporter):
    from tests.support import summary

    summary.write(terminalreporter)
