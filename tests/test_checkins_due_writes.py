"""Issue 16, item 5: due dates change through explicit services, never on a GET or in a signal."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.choices import Role
from agencies.models import Policy
from checkins.models import DueDate, Program
from checkins.services.due import add_years, ensure_due_dates, today_in
from roster.services.people import save_person
from tests.factories import PersonFactory
from tests.support.scopes import no_scope
from tests.test_settings_page import form_data

WRITES = ("INSERT", "UPDATE", "DELETE")


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]


def _due(agency) -> dict[int, date]:
    return dict(DueDate.objects.for_agency(agency).values_list("person_id", "due_on"))


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["checkins:compliance", "checkins:program"])
def test_a_get_of_the_compliance_and_program_pages_writes_nothing(login, users, clayton, page):
    agency = clayton["agency"]
    PersonFactory.create_batch(3, agency=agency)  # not yet dated: nothing computes them on a GET
    coordinator = login(users[Role.COORDINATOR])
    url = reverse(page, args=[agency.slug])
    coordinator.get(url)  # the session's first request may write its own rows; the next may not
    with CaptureQueriesContext(connection) as queries:
        assert coordinator.get(url).status_code == 200
    assert _writes(queries.captured_queries) == []
    assert not Program.objects.filter(agency=agency).exists()
    assert not DueDate.objects.for_agency(agency).exists()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_brand_new_agencys_officers_are_on_the_compliance_page_from_the_directory_save(
    login, users, clayton
):
    agency = clayton["agency"]
    person = PersonFactory.build(agency=agency, unit="Patrol", last_name="Newhire")
    save_person(person=person, actor=users[Role.ADMIN], previous_flags=set())
    assert person.pk in _due(agency)
    page = login(users[Role.COORDINATOR]).get(reverse("checkins:compliance", args=[agency.slug]))
    assert "Newhire" in page.content.decode()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_hire_date_change_dates_an_officer_who_never_checked_in_again(users, clayton):
    agency = clayton["agency"]
    ensure_due_dates(agency=agency)
    officer = clayton["officer"]
    others = {pk: on for pk, on in _due(agency).items() if pk != officer.pk}
    officer.hire_date = today_in(agency).replace(day=1)
    save_person(person=officer, actor=users[Role.ADMIN], previous_flags=set(officer.flags()))
    years = agency.policy.checkin_interval_years
    assert _due(agency)[officer.pk] == add_years(officer.hire_date, years)
    assert {pk: on for pk, on in _due(agency).items() if pk != officer.pk} == others


@pytest.mark.django_db
@pytest.mark.system_scope
def test_saving_the_interval_on_the_settings_page_recomputes_the_due_dates(login, users, clayton):
    agency = clayton["agency"]
    Program.objects.create(agency=agency, started_on=date(2020, 1, 1))
    ensure_due_dates(agency=agency)
    DueDate.objects.for_agency(agency).update(last_completed_on=date(2024, 3, 1))
    years = 5 if agency.policy.checkin_interval_years != 5 else 4
    response = login(users[Role.ADMIN]).post(
        reverse("agencies:settings", args=[agency.slug]),
        form_data(agency.policy, checkin_interval_years=years),
    )
    assert response.status_code == 302
    assert Program.objects.get(agency=agency).interval_years == years
    # recompute_due_dates ran: completions are read from the appointments, and there are none,
    # so nobody keeps the 2024 date it was given above.
    rows = DueDate.objects.for_agency(agency)
    assert rows.exists() and not rows.filter(last_completed_on=date(2024, 3, 1)).exists()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_saving_a_policy_directly_touches_no_due_date(clayton):
    agency = clayton["agency"]
    Program.objects.create(agency=agency, started_on=date(2020, 1, 1))
    ensure_due_dates(agency=agency)
    before = _due(agency)
    program_years = Program.objects.get(agency=agency).interval_years
    policy = Policy.objects.get(agency=agency)
    policy.checkin_interval_years = 5 if policy.checkin_interval_years != 5 else 4
    with CaptureQueriesContext(connection) as queries:
        policy.save()
    assert not [q for q in _writes(queries.captured_queries) if "checkins_" in q]
    assert _due(agency) == before
    assert Program.objects.get(agency=agency).interval_years == program_years


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_daily_sweep_brings_due_dates_up_to_a_change_made_outside_the_services(
    clayton, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from checkins.tasks import daily_sweep
    from tests.factories import AppointmentFactory

    agency = clayton["agency"]
    AppointmentFactory(
        agency=agency,
        person=clayton["officer"],
        provider=clayton["provider"],
        starts_at=timezone.now() + timedelta(days=60),
    )
    Program.objects.create(agency=agency, started_on=date(2020, 1, 1))
    ensure_due_dates(agency=agency)
    newcomer = PersonFactory(agency=agency)  # written around the directory's services
    policy = Policy.objects.get(agency=agency)
    policy.checkin_interval_years = years = 5 if policy.checkin_interval_years != 5 else 4
    policy.save()  # as the admin would
    with (
        django_capture_on_commit_callbacks(execute=True),
        no_scope(),
    ):  # as a worker or the command line runs it
        daily_sweep()
    assert Program.objects.get(agency=agency).interval_years == years
    assert newcomer.pk in _due(agency)
