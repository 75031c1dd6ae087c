"""Check-ins in Chromium: the coordinator publishes a schedule; the notice's link takes the
officer (on a phone) to ask for a new date; the coordinator approves it with a new slot and a new
notice goes out; the provider marks it completed and the commanding officer is told only that."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from agencies.choices import Role
from checkins.models import Appointment, AppointmentState, DueDate, Program
from checkins.tasks import daily_sweep
from tests.browser.conftest import shot
from tests.factories import AgencyFactory, PersonFactory, contracted_provider
from tests.factories import member as member_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


@pytest.fixture
def clayton(db):
    agency = AgencyFactory(slug="clayton", name="Clayton Police Department", preset="clayton")
    chief = PersonFactory(
        agency=agency,
        user=member_of(agency, Role.COMMAND, username="chief.clayton"),
        email="chief@clayton.example",
    )
    officer = PersonFactory(
        agency=agency, user=member_of(agency, Role.OFFICER, username="officer.clayton"),
        email="officer@clayton.example", commanding_officer=chief, first_name="Oakley",
        last_name="Officer",
    )  # fmt: skip
    member_of(agency, Role.COORDINATOR, username="coordinator.clayton")
    provider = contracted_provider(
        agency, staff=member_of(agency, Role.PROVIDER, username="provider.clayton")
    )
    return {"agency": agency, "officer": officer, "chief": chief, "provider": provider}


def _hour(days: float):
    return timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=days)


def test_schedule_notice_reschedule_and_completion(page_for, live_server, clayton):
    agency, officer = clayton["agency"], clayton["officer"]
    Program.objects.create(agency=agency, started_on=date(2020, 1, 1))  # everyone is due

    desk = page_for("coordinator.clayton", PASSWORD)
    desk.goto(f"{live_server.url}/clayton/checkins/runs/")
    desk.get_by_label("Schedule officers due within (days)").fill("90")
    desk.get_by_role("button", name="Run the scheduler").click()
    assert desk.get_by_text("The scheduler proposed appointments.").is_visible()
    shot(desk, "checkin-run-desktop")
    desk.get_by_role("button", name="Publish 2 appointments").click()
    assert desk.get_by_text("2 appointments published.").is_visible()
    first = Appointment.objects.get(person=officer, state=AppointmentState.SCHEDULED)

    # The daily sweep, with the clock moved on: the notice goes once, 30 days or more ahead.
    def notices():
        return [m for m in mail.outbox if m.to == ["officer@clayton.example"]]

    sent = None
    for days in (1, 2, 3, 4, 5):
        moment = timezone.now() + timedelta(days=days)
        with time_machine.travel(moment):
            daily_sweep()
            daily_sweep()
        if notices() and sent is None:
            sent = moment
    (notice,) = notices()
    assert notice.attachments[0][0] == "checkin.ics"
    assert (first.starts_at - sent).days >= 30
    link = re.search(r"https?://\S+/clayton/checkins/mine/", notice.body).group(0)
    path = link.split("/clayton/", 1)[1]

    phone = page_for("officer.clayton", PASSWORD, phone=True)
    phone.goto(f"{live_server.url}/clayton/{path}")
    assert phone.get_by_role("heading", name="Your appointment").is_visible()
    shot(phone, "checkin-mine-phone")
    phone.get_by_label("Reason for a new date").fill("Subpoenaed to testify that morning.")
    phone.get_by_role("button", name="Ask for a new date").click()
    assert phone.get_by_text("Your request went to the coordinator.").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    mail.outbox.clear()
    desk.goto(f"{live_server.url}/clayton/checkins/requests/")
    assert desk.get_by_text("Subpoenaed to testify that morning.").is_visible()
    shot(desk, "checkin-requests-desktop")
    desk.get_by_label("Approve, with the new slot").check()
    desk.get_by_label("New appointment").select_option(index=3)
    desk.get_by_role("button", name="Record the decision").click()
    assert desk.get_by_text("Approved: the new notice is on its way.").is_visible()
    moved = Appointment.objects.get(replaces=first)
    assert [m.to for m in mail.outbox if "check-in on" in m.subject] == [
        ["officer@clayton.example"]
    ]

    # The provider's day: an appointment earlier today, marked completed.
    Appointment.objects.filter(pk=moved.pk).update(
        starts_at=_hour(-0.1), ends_at=_hour(-0.1) + timedelta(hours=1)
    )
    mail.outbox.clear()
    provider = page_for("provider.clayton", PASSWORD)
    provider.goto(f"{live_server.url}/clayton/checkins/provider/")
    shot(provider, "checkin-provider-desktop")
    assert provider.locator("textarea").count() == 0
    provider.get_by_role("button", name=re.compile(r"^Completed\W+Oakley Officer")).click()
    assert provider.get_by_text("Marked completed.").is_visible()
    moved.refresh_from_db()
    assert moved.state == AppointmentState.COMPLETED
    (told,) = [m for m in mail.outbox if m.to == ["chief@clayton.example"]]
    assert "completed the RSMo 590.192 mental health check-in" in told.body
    assert "Subpoenaed" not in told.body and "Area" not in told.body
    due = DueDate.objects.get(person=officer)
    assert due.due_on.year == timezone.localdate().year + 3

    desk.goto(f"{live_server.url}/clayton/checkins/")
    assert desk.get_by_role("heading", name="By unit").is_visible()
    shot(desk, "checkin-compliance-desktop")
