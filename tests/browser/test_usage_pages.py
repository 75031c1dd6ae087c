import time

import pytest

from agencies.choices import Role
from tests.browser.conftest import shot
from tests.factories import AgencyFactory, PeerFactory, member
from usage_reports.models import UsageReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


@pytest.fixture
def joplin(db):
    agency = AgencyFactory(slug="joplin", name="Joplin Police Department", preset="joplin")
    user = member(agency, Role.PEER, username="peer.joplin")
    PeerFactory(agency=agency, person__user=user)
    member(agency, Role.COORDINATOR, username="coordinator.joplin")
    return agency


def test_a_peer_files_a_usage_form_on_a_phone_in_under_a_minute(page_for, live_server, joplin):
    page = page_for("peer.joplin", PASSWORD, phone=True)
    started = time.monotonic()
    page.goto(f"{live_server.url}/joplin/usage/new/")
    shot(page, "usage-form-phone")
    page.get_by_label("Duration (minutes)").fill("40")
    page.get_by_label("Incident type").select_option(index=1)
    page.get_by_label("Intervention").select_option(index=1)
    page.get_by_label("Phone").check()
    page.get_by_label("Off duty").check()
    page.get_by_label("Remind me to follow up").select_option(label="In 3 days")
    page.get_by_role("button", name="File the form").click()
    page.wait_for_url("**/joplin/usage/mine/")
    assert time.monotonic() - started < 60
    assert page.get_by_text("Usage form filed. You will be reminded in 3 days.").is_visible()
    shot(page, "usage-mine-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    report = UsageReport.objects.get()
    assert (report.duration_minutes, report.contact_mode, report.on_duty) == (40, "phone", False)

    # A mistake is caught with a message, and nothing more is stored.
    page.goto(f"{live_server.url}/joplin/usage/new/")
    page.get_by_label("Duration (minutes)").fill("0")
    page.get_by_role("button", name="File the form").click()
    assert page.get_by_text("A contact lasts at least a minute.").is_visible()
    assert UsageReport.objects.count() == 1

    coordinator = page_for("coordinator.joplin", PASSWORD)
    coordinator.goto(f"{live_server.url}/joplin/statistics/")
    assert coordinator.get_by_role("heading", name="By incident type").is_visible()
    shot(coordinator, "statistics-desktop")
