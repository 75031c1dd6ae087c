"""The check-in pages with an insider of each role, a member of another agency and an anonymous
visitor; a provider sees only its own appointments; bad input changes nothing; bounded queries."""

from datetime import date

import pytest
from django.core import mail

from agencies.choices import Role
from checkins.models import (
    Appointment,
    AppointmentState,
    DueDate,
    MissedCheckin,
    Program,
    RescheduleRequest,
    RunState,
    ScheduleRun,
)
from checkins.services.due import ensure_due_dates
from checkins.services.runs import run_scheduler
from tests.factories import (
    AppointmentFactory,
    PersonFactory,
    contracted_provider,
    member,
    officers_appointment,
    on_the_hour,
)
from tests.support.grid import Page, role_grid

NOT_OWN = {Role.ADMIN: 404, Role.COORDINATOR: 404, Role.PEER: 404, Role.COMMAND: 404}
PAGES = [
    Page("checkins:compliance", "checkins.view"),
    Page("checkins:export", "checkins.view"),
    Page("checkins:runs", "checkins.manage"),
    Page("checkins:requests", "checkins.manage"),
    Page("checkins:program", "checkins.manage"),
    Page("checkins:mine", "checkins.mine"),
    Page("checkins:provider", "checkins.provide"),
    Page("checkins:run", "checkins.manage", obj="run"),
    Page("checkins:run_publish", "checkins.manage", obj="run", method="post", ok=302),
    Page("checkins:run_discard", "checkins.manage", obj="run", method="post", ok=302),
    Page("checkins:request_decide", "checkins.manage", obj="reschedule", method="post", ok=302),
    Page("checkins:missed_decide", "checkins.manage", obj="missed", method="post", ok=302),
    # The officer's own appointment: any other member finds nothing there.
    Page("checkins:reschedule", "checkins.mine", obj="appointment", method="post", answers=NOT_OWN),
    Page("checkins:explain", "checkins.mine", obj="missed", method="post", answers=NOT_OWN),
    Page("checkins:provider_completed", "checkins.provide", obj="past", method="post", ok=302),
    Page("checkins:provider_missed", "checkins.provide", obj="past", method="post", ok=302),
]


@pytest.fixture
def appointment(clayton):
    return officers_appointment(clayton, days=20)


@pytest.fixture
def objects(clayton, appointment):
    agency = clayton["agency"]
    past = AppointmentFactory(
        agency=agency, provider=clayton["provider"], starts_at=on_the_hour(days=-1)
    )
    missed = AppointmentFactory(
        agency=agency, person=clayton["officer"], provider=clayton["provider"],
        starts_at=on_the_hour(days=-2), state=AppointmentState.MISSED,
    )  # fmt: skip
    return {
        "run": ScheduleRun.objects.create(agency=agency, horizon_end=date.today()),
        "appointment": appointment,
        "past": past,
        "reschedule": RescheduleRequest.objects.create(
            agency=agency, appointment=appointment, reason="Court"
        ),
        "missed": MissedCheckin.objects.create(agency=agency, appointment=missed),
    }


class TestRoles(role_grid(PAGES, objects="objects")):
    pass


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_run_of_another_agency_gets_404(login, other_agency, users, agency):
    theirs = ScheduleRun.objects.create(agency=other_agency, horizon_end=date.today())
    coordinator = login(users[Role.COORDINATOR])
    assert coordinator.get(f"/clayton/checkins/runs/{theirs.pk}/").status_code == 404
    assert coordinator.post(f"/clayton/checkins/runs/{theirs.pk}/publish/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == RunState.DRAFT


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_provider_cannot_see_or_mark_another_providers_appointment(login, clayton, users):
    agency = clayton["agency"]
    rival = contracted_provider(agency)
    theirs = AppointmentFactory(agency=agency, provider=rival, starts_at=on_the_hour(days=-1))
    mine = AppointmentFactory(
        agency=agency,
        provider=clayton["provider"],
        person=clayton["officer"],
        starts_at=on_the_hour(days=-1),
    )
    provider = login(users[Role.PROVIDER])
    page = provider.get("/clayton/checkins/provider/").content.decode()
    assert clayton["officer"].last_name in page and theirs.person.last_name not in page
    response = provider.post(f"/clayton/checkins/provider/{theirs.pk}/completed/")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == AppointmentState.SCHEDULED
    provider.post(f"/clayton/checkins/provider/{mine.pk}/completed/")
    mine.refresh_from_db()
    assert mine.state == AppointmentState.COMPLETED


@pytest.mark.django_db
def test_the_provider_page_has_nowhere_to_write_what_was_said(login, users, appointment):
    page = login(users[Role.PROVIDER]).get("/clayton/checkins/provider/").content.decode()
    assert "<textarea" not in page and 'type="text"' not in page


@pytest.mark.django_db
def test_an_officer_cannot_ask_to_move_another_officers_appointment(login, clayton, agency):
    someone = AppointmentFactory(
        agency=agency, provider=clayton["provider"], starts_at=on_the_hour(days=20)
    )
    other = member(agency, Role.OFFICER)
    PersonFactory(agency=agency, user=other)
    response = login(other).post(
        f"/clayton/checkins/mine/{someone.pk}/reschedule/", {"reason": "Court"}
    )
    assert response.status_code == 404
    assert not RescheduleRequest.objects.exists()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_officer_asks_for_a_new_date_from_their_page(login, users, appointment):
    officer = login(users[Role.OFFICER])
    assert "Ask for a new date" in officer.get("/clayton/checkins/mine/").content.decode()
    response = officer.post(
        f"/clayton/checkins/mine/{appointment.pk}/reschedule/", {"reason": "Court date"}
    )
    assert response.status_code == 302
    assert RescheduleRequest.objects.get().reason == "Court date"


@pytest.mark.django_db
def test_a_late_request_shows_the_rule_and_changes_nothing(login, users, clayton):
    late = AppointmentFactory(
        agency=clayton["agency"],
        person=clayton["officer"],
        provider=clayton["provider"],
        starts_at=on_the_hour(days=5),
    )
    officer = login(users[Role.OFFICER])
    page = officer.get("/clayton/checkins/mine/").content.decode()
    assert "at least 7 days before" in page and "Ask for a new date" not in page
    response = officer.post(f"/clayton/checkins/mine/{late.pk}/reschedule/", {"reason": "Court"})
    assert response.status_code == 200
    assert "at least 7 days before" in response.content.decode()
    assert not RescheduleRequest.objects.exists()


@pytest.mark.django_db
def test_an_empty_reason_gets_a_message_and_changes_nothing(login, users, appointment):
    response = login(users[Role.OFFICER]).post(
        f"/clayton/checkins/mine/{appointment.pk}/reschedule/", {"reason": "  "}
    )
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert not RescheduleRequest.objects.exists()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_coordinator_approves_a_request_with_a_new_slot(
    login, users, appointment, django_capture_on_commit_callbacks
):
    login(users[Role.OFFICER]).post(
        f"/clayton/checkins/mine/{appointment.pk}/reschedule/", {"reason": "Court date"}
    )
    request = RescheduleRequest.objects.get()
    coordinator = login(users[Role.COORDINATOR])
    page = coordinator.get("/clayton/checkins/requests/")
    choices = page.context["pending"][0][1].fields["slot"].choices
    assert choices[0][0] == ""  # nothing chosen for the coordinator
    slot = choices[1][0]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(
            f"/clayton/checkins/requests/{request.pk}/",
            {f"r{request.pk}-decision": "approve", f"r{request.pk}-slot": slot},
        )
    assert response.status_code == 302
    moved = Appointment.objects.get(replaces=appointment)
    assert moved.state == AppointmentState.SCHEDULED
    assert any("officer@clayton.example" in m.to for m in mail.outbox)


@pytest.mark.django_db
@pytest.mark.parametrize("slot", ["", "nonsense", "1:99999999999999999", "999:1700000000"])
@pytest.mark.system_scope
def test_approving_without_a_real_slot_changes_nothing(login, users, appointment, slot):
    request = RescheduleRequest.objects.create(
        agency=appointment.agency, appointment=appointment, reason="Court"
    )
    response = login(users[Role.COORDINATOR]).post(
        f"/clayton/checkins/requests/{request.pk}/",
        {f"r{request.pk}-decision": "approve", f"r{request.pk}-slot": slot},
        follow=True,
    )
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    request.refresh_from_db()
    assert request.state == "pending"
    assert Appointment.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_coordinator_runs_reviews_and_publishes_a_schedule(login, users, clayton):
    Program.objects.create(agency=clayton["agency"], started_on=date(2020, 1, 1))
    coordinator = login(users[Role.COORDINATOR])
    response = coordinator.post("/clayton/checkins/runs/", {"horizon_days": "90"})
    run = ScheduleRun.objects.get()
    assert response.url == f"/clayton/checkins/runs/{run.pk}/"
    page = coordinator.get(response.url).content.decode()
    assert "Publish" in page and clayton["officer"].last_name in page
    coordinator.post(f"/clayton/checkins/runs/{run.pk}/publish/")
    assert Appointment.objects.filter(state=AppointmentState.SCHEDULED).count() >= 1


@pytest.mark.django_db
@pytest.mark.parametrize("horizon", ["", "-5", "3", "100000", "abc"])
def test_a_bad_horizon_gets_a_message_and_runs_nothing(login, users, clayton, horizon):
    response = login(users[Role.COORDINATOR]).post(
        "/clayton/checkins/runs/", {"horizon_days": horizon}
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert not ScheduleRun.objects.exists()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_duty_hours_that_end_before_they_start_are_refused(login, users, clayton):
    Program.objects.create(agency=clayton["agency"], started_on=date(2020, 1, 1))
    response = login(users[Role.COORDINATOR]).post(
        "/clayton/checkins/program/",
        {"started_on": "2026-01-01", "duty_starts": "17:00", "duty_ends": "08:00"},
    )
    assert "must end after they start" in response.content.decode()
    assert Program.objects.get().duty_starts.hour == 8


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_coordinator_decides_a_missed_checkin_and_a_new_one_follows(login, users, clayton):
    past = AppointmentFactory(
        agency=clayton["agency"],
        person=clayton["officer"],
        provider=clayton["provider"],
        starts_at=on_the_hour(days=-2),
    )
    login(users[Role.PROVIDER]).post(f"/clayton/checkins/provider/{past.pk}/missed/")
    missed = MissedCheckin.objects.get()
    officer = login(users[Role.OFFICER])
    officer.post(f"/clayton/checkins/mine/missed/{missed.pk}/", {"explanation": "Called out"})
    coordinator = login(users[Role.COORDINATOR])
    slot = coordinator.get("/clayton/checkins/requests/").context["missed"][0][1]
    value = slot.fields["slot"].choices[1][0]
    coordinator.post(
        f"/clayton/checkins/missed/{missed.pk}/",
        {f"m{missed.pk}-just_cause": "yes", f"m{missed.pk}-slot": value},
    )
    missed.refresh_from_db()
    assert missed.just_cause is True
    assert Appointment.objects.filter(replaces=past, state=AppointmentState.SCHEDULED).exists()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_compliance_page_counts_and_exports(login, users, clayton):
    agency = clayton["agency"]
    Program.objects.create(agency=agency, started_on=date(2020, 1, 1))
    PersonFactory.create_batch(3, agency=agency, unit="Patrol")
    ensure_due_dates(agency=agency)  # the directory's writers do it; the factory does not
    coordinator = login(users[Role.COORDINATOR])
    page = coordinator.get("/clayton/checkins/")
    summary = page.context["summary"]
    assert summary.total == DueDate.objects.filter(agency=agency).count() >= 5
    assert "Patrol" in page.content.decode()
    export = coordinator.get("/clayton/checkins/export.csv")
    assert export["Content-Type"].startswith("text/csv")
    lines = export.content.decode().splitlines()
    assert lines[0].startswith("employee_number,") and len(lines) == summary.total + 1


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_platform_admin_sees_rates_per_agency_only(login, clayton, users):
    from agencies.models import User

    Program.objects.create(agency=clayton["agency"], started_on=date(2020, 1, 1))
    ensure_due_dates(agency=clayton["agency"])
    admin = User.objects.create(username="platform", is_staff=True, is_superuser=True)
    page = login(admin).get("/platform/checkins/").content.decode()
    assert clayton["agency"].name in page
    assert clayton["officer"].last_name not in page and "Central" not in page
    assert login(users[Role.ADMIN]).get("/platform/checkins/").status_code == 403
    assert 'href="/platform/checkins/"' in login(admin).get("/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "url"),
    [
        (Role.COORDINATOR, "/clayton/checkins/"),
        (Role.COORDINATOR, "/clayton/checkins/requests/"),
        (Role.COORDINATOR, "/clayton/checkins/program/"),
        (Role.COORDINATOR, "/clayton/checkins/runs/"),
        (Role.PROVIDER, "/clayton/checkins/provider/"),
        (Role.OFFICER, "/clayton/checkins/mine/"),
    ],
)
@pytest.mark.system_scope
def test_pages_keep_a_bounded_number_of_queries(
    login, users, clayton, role, url, django_assert_max_num_queries
):
    agency = clayton["agency"]
    Program.objects.create(agency=agency, started_on=date(2020, 1, 1))
    people = PersonFactory.create_batch(30, agency=agency)
    for n, person in enumerate(people):
        appointment = AppointmentFactory(
            agency=agency,
            person=person,
            provider=clayton["provider"],
            starts_at=on_the_hour(days=n - 10),
        )
        if n % 3 == 0:
            RescheduleRequest.objects.create(agency=agency, appointment=appointment, reason="x")
    client = login(users[role])
    client.get(url)
    with django_assert_max_num_queries(30):
        assert client.get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_run_page_keeps_a_bounded_number_of_queries(
    login, users, clayton, django_assert_max_num_queries
):
    agency = clayton["agency"]
    Program.objects.create(agency=agency, started_on=date(2020, 1, 1))
    PersonFactory.create_batch(40, agency=agency)
    run = run_scheduler(agency=agency, actor=None, horizon_days=120)
    client = login(users[Role.COORDINATOR])
    with django_assert_max_num_queries(25):
        assert client.get(f"/clayton/checkins/runs/{run.pk}/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("started", ["9999-12-31", "0001-01-01", "1999-12-31"])
@pytest.mark.system_scope
def test_a_start_date_out_of_range_is_refused_and_changes_nothing(login, users, clayton, started):
    Program.objects.create(agency=clayton["agency"], started_on=date(2020, 1, 1))
    coordinator = login(users[Role.COORDINATOR])
    response = coordinator.post(
        "/clayton/checkins/program/",
        {"started_on": started, "duty_starts": "08:00", "duty_ends": "17:00"},
    )
    assert response.status_code == 200
    assert "start must be between" in response.content.decode()
    assert Program.objects.get().started_on == date(2020, 1, 1)
    assert coordinator.get("/clayton/checkins/").status_code == 200


@pytest.mark.django_db
def test_a_run_with_nobody_to_place_says_so_and_offers_nothing_to_publish(login, users, agency):
    response = login(users[Role.COORDINATOR]).post(
        "/clayton/checkins/runs/", {"horizon_days": "60"}, follow=True
    )
    page = response.content.decode()
    assert "there is nothing to publish" in page and "/publish/" not in page
