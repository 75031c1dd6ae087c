"""One rule of "overdue" (issue 16, item 4): an officer due on a day is on time all that day on
the agency's own clock and overdue from its next midnight, and every surface that says so (the
compliance counts, its rows and filter, the CSV export, the platform's rates, the officer's own
page) says the same, at the same moment.

The clock is pinned where the agency's day and the server's (UTC) day differ: 23:30 in Chicago
is already the next day in UTC."""

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from agencies import clock, tenant_db
from agencies.choices import Role
from checkins import selectors
from checkins.models import DueDate, Program
from tests.factories import AgencyFactory, PersonFactory, UserFactory, member

CHICAGO = ZoneInfo("America/Chicago")
DUE = date(2026, 3, 10)  # a Tuesday, after the spring change: Chicago is UTC-5


def _at(day: date, hour: int, minute: int = 0) -> float:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=CHICAGO).timestamp()


@pytest.fixture
def clayton(db):
    with tenant_db.system_scope():
        agency = AgencyFactory(slug="clayton", preset="clayton", time_zone="America/Chicago")
        Program.objects.create(agency=agency, started_on=date(2020, 1, 1))
    return agency


def _officer(agency, due_on: date, *, user=None, **person):
    with tenant_db.system_scope():
        officer = PersonFactory(agency=agency, user=user, **person)
        DueDate.objects.create(agency=agency, person=officer, due_on=due_on)
    return officer


def _is_overdue(agency, officer) -> bool:
    with tenant_db.system_scope():
        today = clock.today(agency)
        by_queryset = DueDate.objects.for_agency(agency).overdue(today).filter(person=officer)
        own = selectors.own_due(agency=agency, person=officer, today=today)
        assert own.overdue is by_queryset.exists()
        return own.overdue


@pytest.mark.parametrize(
    ("moment", "overdue"),
    [
        (_at(DUE, 0, 0), False),  # the due date's first minute
        (_at(DUE, 23, 59), False),  # its last: already the 11th in UTC
        (_at(DUE + timedelta(days=1), 0, 0), True),  # the agency's next midnight
        (_at(DUE + timedelta(days=1), 0, 1), True),
    ],
)
def test_an_officer_is_overdue_from_the_agencys_midnight_after_the_due_date(
    clayton, moment, overdue
):
    officer = _officer(clayton, DUE)
    with time_machine.travel(moment, tick=False):
        assert _is_overdue(clayton, officer) is overdue


def test_a_day_before_the_due_date_is_on_time_and_a_day_after_is_overdue(clayton):
    early, late = _officer(clayton, DUE + timedelta(days=1)), _officer(clayton, DUE - timedelta(1))
    with time_machine.travel(_at(DUE, 12), tick=False):
        assert (_is_overdue(clayton, early), _is_overdue(clayton, late)) == (False, True)


def _surfaces(agency, coordinator, officers) -> dict:
    """What each surface says at this moment: which officers are overdue, and how many."""
    page = coordinator.get("/clayton/checkins/")
    listed = coordinator.get("/clayton/checkins/?status=overdue")
    rows = list(
        csv.DictReader(
            io.StringIO(coordinator.get("/clayton/checkins/export.csv").content.decode())
        )
    )
    with tenant_db.system_scope():
        rates = {r["agency__slug"]: r for r in selectors.platform_rates()}[agency.slug]
        model = set(
            DueDate.objects.for_agency(agency)
            .covered()
            .overdue(clock.today(agency))
            .values_list("person__employee_number", flat=True)
        )
    return {
        "model": model,
        "count": page.context["summary"].counts["overdue"],
        "units": sum(r["overdue"] for r in page.context["summary"].by_unit),
        "rows": {r.person.employee_number for r in page.context["page"] if r.overdue},
        "badges": page.content.decode().count('text-bg-warning">overdue'),
        "filter": {r.person.employee_number for r in listed.context["page"]},
        "csv": {r["employee_number"] for r in rows if r["status"] == "overdue"},
        "platform": rates["overdue"],
        "compliant": (page.context["summary"].counts["compliant"], rates["compliant"]),
        "mine": {
            o.employee_number
            for o in officers
            if 'text-bg-warning">overdue'
            in _login(o.user).get("/clayton/checkins/mine/").content.decode()
        },
    }


def _login(user):
    from tests.support.mfa import verified_client

    return verified_client(user)


def test_the_page_the_counts_the_csv_the_platform_and_the_officers_page_agree(clayton):
    with time_machine.travel(_at(DUE, 23, 30), tick=False):
        with tenant_db.system_scope():
            coordinator = _login(member(clayton, Role.COORDINATOR, username="coordinator.clayton"))
        due = {
            "yesterday": DUE - timedelta(days=1),
            "today": DUE,
            "tomorrow": DUE + timedelta(days=1),
        }
        officers = {
            key: _officer(clayton, day, user=UserFactory(), unit="Patrol")
            for key, day in due.items()
        }
        _officer(clayton, DUE + timedelta(days=90))
        # Not covered by RSMo 590.192: neither counted nor listed, however late their date.
        _officer(clayton, DUE - timedelta(days=400), member_class="dispatcher")
        _officer(clayton, DUE - timedelta(days=400), employed=False)
        with tenant_db.system_scope():
            for officer in officers.values():
                member(clayton, Role.OFFICER, username=officer.user.username)
        numbers = {key: o.employee_number for key, o in officers.items()}

        before = _surfaces(clayton, coordinator, officers.values())
        late = {numbers["yesterday"]}
        assert before["model"] == before["rows"] == before["filter"] == before["csv"] == late
        assert before["mine"] == late
        assert before["count"] == before["units"] == before["badges"] == before["platform"] == 1
        assert before["compliant"] == (3, 3)
        assert coordinator.get("/clayton/checkins/").context["summary"].total == 4

    # Thirty minutes on, the agency's day turns: the officer due today is overdue everywhere.
    with time_machine.travel(_at(DUE + timedelta(days=1), 0, 0), tick=False):
        after = _surfaces(clayton, coordinator, officers.values())
        late = {numbers["yesterday"], numbers["today"]}
        assert after["model"] == after["rows"] == after["filter"] == after["csv"] == late
        assert after["mine"] == late
        assert after["count"] == after["units"] == after["badges"] == after["platform"] == 2
        assert after["compliant"] == (2, 2)


def test_due_soon_counts_the_on_time_officers_due_within_ninety_days(clayton):
    for days in (-1, 0, 90, 91):
        _officer(clayton, DUE + timedelta(days=days))
    with time_machine.travel(_at(DUE, 23, 30), tick=False), tenant_db.system_scope():
        counts = selectors.compliance(agency=clayton, today=clock.today(clayton)).counts
    # Due yesterday is overdue, not due soon; due in 91 days is neither.
    assert (counts["overdue"], counts["due_soon"], counts["compliant"]) == (1, 2, 3)
