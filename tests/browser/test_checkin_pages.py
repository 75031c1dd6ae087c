"""Check-ins in Chromium: the notice's link takes the officer (on a phone) to ask for a new
date, the coordinator approves it with a new slot and a new notice goes out, the provider marks
an appointment completed and the commanding officer is told only that."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from agencies.choices import Role
from checkins.models import Appointment, AppointmentState, DueDate
from checkins.tasks import daily_sweep
from tests.browser.conftest import shot
from tests.factories import AgencyFactory, AppointmentFactory, PersonFactory, contracted_provider
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


def test_notice_reschedule_and_completion(page_for, live_server, clayton):
    agency, officer = clayton["agency"], clayton["officer"]
    first = AppointmentFactory(
        agency=agency, person=officer, provider=clayton["provider"], starts_at=_hour(31)
    )
    daily_sweep()
    (notice,) = [m for m in mail.outbox if m.to == ["officer@clayton.example"]]
    assert notice.attachments[0][0] == "checkin.ics"
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
    desk = page_for("coordinator.clayton", PASSWORD)
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
