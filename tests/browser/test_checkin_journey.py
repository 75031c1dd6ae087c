"""The check-ins journey in Chromium on the demo data (Clayton): the coordinator runs and
publishes a schedule, whose notices the daily sweep sends 30 days or more ahead with the clock
moved; officer.clayton follows the notice's link on a phone and asks for a new date; the
coordinator approves it with a new slot and a new notice goes out; provider.clayton marks an
appointment completed and the commanding officer is told only that."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from checkins.models import Appointment, AppointmentState, DueDate
from checkins.tasks import daily_sweep
from demo.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import arrive, shot
from tests.support.scopes import no_scope

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
OFFICER = "officer.clayton@clayton.example.org"
CHIEF = "chief.clayton@clayton.example.org"


def _notices_to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address] and "check-in on" in m.subject]


def test_schedule_notice_reschedule_completion_and_the_chiefs_notice(page_for, live_server, demo):
    desk = page_for("coordinator.clayton", DEMO_PASSWORD)
    desk.get_by_role("link", name="Check-ins", exact=True).click()
    arrive(desk, "RSMo 590.192 check-ins")
    desk.get_by_role("link", name="Scheduler", exact=True).click()
    arrive(desk, "Check-in scheduler")
    desk.get_by_label("Schedule officers due within (days)").fill("730")
    desk.get_by_role("button", name="Run the scheduler").click()
    expect(
        desk.get_by_text(re.compile(r"The scheduler proposed \d+ appointments?\."))
    ).to_be_visible()
    shot(desk, "coordinator-checkin-run")
    publish = desk.get_by_role("button", name=re.compile(r"^Publish \d+ appointments?"))
    count = int(re.search(r"\d+", publish.inner_text()).group(0))
    assert count > 0
    publish.click()
    expect(desk.get_by_text(f"{count} appointments published.")).to_be_visible()
    published = list(Appointment.objects.filter(run__state="published", agency__slug="clayton"))

    # officer.clayton's notice went out when the demo was loaded, with its invitation.
    (notice,) = _notices_to(OFFICER)
    assert notice.attachments[0][0] == "checkin.ics"
    link = re.search(r"http://\S+/clayton/checkins/mine/", notice.body).group(0)
    phone = page_for("officer.clayton", DEMO_PASSWORD, phone=True)
    phone.goto(link)
    arrive(phone, "My RSMo 590.192 check-in")
    shot(phone, "officer-checkin-phone")
    phone.get_by_label("Reason for a new date").fill("Subpoenaed to testify that morning.")
    phone.get_by_role("button", name="Ask for a new date").click()
    expect(phone.get_by_text("Your request went to the coordinator.")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    desk.get_by_role("link", name="Requests and misses").click()
    arrive(desk, "Requests for a new date, and missed check-ins")
    card = desk.get_by_role("region").filter(has_text="Subpoenaed to testify that morning.")
    card.get_by_label("Approve, with the new slot").check()
    card.get_by_label("New appointment").select_option(index=2)
    shot(desk, "coordinator-checkin-requests")
    card.get_by_role("button", name="Record the decision").click()
    expect(desk.get_by_text("Approved: the new notice is on its way.")).to_be_visible()
    assert len(_notices_to(OFFICER)) == 2  # the new date's notice, with a new invitation

    # The provider's day: this morning's appointment (the demo's), marked completed.
    done = Appointment.objects.get(
        agency__slug="clayton", state=AppointmentState.SCHEDULED, starts_at__lt=timezone.now()
    )
    mail.outbox.clear()
    provider = page_for("provider.clayton", DEMO_PASSWORD)
    provider.get_by_role("link", name="Appointments", exact=True).click()
    arrive(provider, "Check-in appointments")
    shot(provider, "provider-checkin-agenda")
    assert provider.locator("textarea, input[type=text]").count() == 0
    name = f"{done.person.first_name} {done.person.last_name}"
    provider.get_by_role("button", name=re.compile(rf"^Completed\W+{name}")).click()
    expect(provider.get_by_text("Marked completed.")).to_be_visible()
    (told,) = [m for m in mail.outbox if m.to == [CHIEF]]
    day = timezone.localtime(done.starts_at).strftime("%B %-d, %Y")
    assert told.body.strip() == (
        f"{name} completed the RSMo 590.192 mental health check-in on {day}."
    )
    due = DueDate.objects.get(person=done.person)
    assert due.due_on.year == timezone.localtime(done.starts_at).year + 3

    desk.get_by_role("link", name="Compliance").click()
    arrive(desk, "RSMo 590.192 check-ins")
    shot(desk, "coordinator-checkin-compliance")

    # Last, as moving the clock on marks what came before as missed: the daily sweep, day by
    # day to a month before the first published appointment, sends its notice once, 30 days
    # or more ahead.
    first = min(published, key=lambda a: a.starts_at)
    for days_before in (36, 35, 34, 33, 32, 31, 30):
        with time_machine.travel(first.starts_at - timedelta(days=days_before)), no_scope():
            daily_sweep()  # unscoped, as a worker runs it
            daily_sweep()
        first.refresh_from_db()
        if first.noticed_at:
            break
    assert days_before >= 30 and first.noticed_at is not None
    assert first.notices.filter(kind="notice").count() == 1
