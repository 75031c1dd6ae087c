import re

import pytest
from django.core import mail

from agencies.choices import Role
from tests.browser.conftest import PHONE, shot
from tests.factories import AgencyFactory, PersonFactory, ShiftFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


@pytest.fixture
def kcpd(db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    agency = AgencyFactory(
        slug="kcpd", name="Kansas City Missouri Police Department", preset="kcpd"
    )
    member(agency, Role.COORDINATOR, username="coordinator.kcpd")
    boss = PersonFactory(agency=agency, email="sgt@kcpd.example.org")
    for name in ["Ava", "Ben"]:
        ShiftFactory(peer__agency=agency, peer__person__first_name=name,
                     peer__person__email=f"{name.lower()}@kcpd.example.org",
                     peer__person__commanding_officer=boss)  # fmt: skip
    return agency


def test_coordinator_activates_a_peer_accepts_from_the_email_and_the_status_updates(
    page_for, browser, live_server, kcpd, settings
):
    settings.SITE_URL = live_server.url
    page = page_for("coordinator.kcpd", PASSWORD)
    page.goto(f"{live_server.url}/kcpd/activations/")
    page.get_by_label("Incident type").select_option(label="Pursuit ending in death or serious "
                                                     "bodily injury")  # fmt: skip
    page.get_by_label("General location").fill("I-435 near Front Street")
    page.get_by_label("Members affected").fill("2")
    page.get_by_label("Briefing").fill("Two officers at the scene.")
    page.get_by_role("button", name="Activate and call peers").click()
    assert page.get_by_text("The team is activated").is_visible()
    assert page.get_by_role("heading", name=re.compile("0 of 2 peers accepted")).is_visible()
    shot(page, "kcpd-activation-called")

    email = next(m for m in mail.outbox if m.to == ["ava@kcpd.example.org"])
    link = re.search(r"http://\S+/callouts/\S+/", email.body).group(0)
    phone = browser.new_context(viewport=PHONE, is_mobile=True, bypass_csp=True)
    peer_page = phone.new_page()
    peer_page.goto(link)
    peer_page.get_by_role("button", name="Accept").click()
    assert peer_page.get_by_text("you are on this assignment").is_visible()
    shot(peer_page, "kcpd-callout-accepted-phone")
    phone.close()

    # The coordinator's page refreshes itself (htmx) without a reload.
    status = page.get_by_role("heading", name=re.compile("1 of 2 peers accepted"))
    status.wait_for(timeout=15000)
    assert page.get_by_text(re.compile("Accepted \\d\\d:\\d\\d")).is_visible()
    shot(page, "kcpd-activation-status")
