"""The main forms by keyboard alone: Tab and Shift+Tab to move, typing, arrows and Space to
choose, Enter to submit; never a click. Every element the focus passes shows it."""

import re

import pytest
from playwright.sync_api import expect

from activations.models import Activation
from demo.management.commands.seed_demo import DEMO_PASSWORD
from roster.models import Person
from tests.browser.conftest import current_code, tab_to
from usage_reports.models import UsageReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def keyboard_page(fresh_page):
    def _page(**kwargs):
        page = fresh_page(**kwargs)
        # Transitions off, so a focus ring is there as soon as the focus is.
        page.emulate_media(reduced_motion="reduce")
        return page

    return _page


def test_a_coordinator_signs_in_with_the_second_step_by_keyboard(keyboard_page, live_server, demo):
    code = current_code("coordinator.kcpd")
    page = keyboard_page()
    page.goto(f"{live_server.url}/accounts/login/")
    tab_to(page, page.get_by_label("Username"))
    page.keyboard.type("coordinator.kcpd")
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Two-step sign-in")).to_be_visible()
    tab_to(page, page.get_by_label("Code"))
    page.keyboard.type(code)
    tab_to(page, page.get_by_role("button", name="Continue"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Peer Support Team (PST) Program")).to_be_visible()
    assert page.url.endswith("/kcpd/")


def test_a_peer_files_a_usage_form_by_keyboard(page_for, live_server, demo):
    page = page_for("peer.kcpd", DEMO_PASSWORD)
    page.emulate_media(reduced_motion="reduce")
    before = UsageReport.objects.count()
    page.goto(f"{live_server.url}/kcpd/usage/new/")
    tab_to(page, page.get_by_label("Duration (minutes)"))
    page.keyboard.type("25")
    page.keyboard.press("Tab")  # incident type
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")  # intervention
    page.keyboard.press("ArrowDown")
    tab_to(page, page.get_by_label("In person"))
    page.keyboard.press("ArrowDown")  # to "Phone", which the arrow also checks
    tab_to(page, page.get_by_label("On duty"))
    page.keyboard.press("Space")
    # Back up to check the choice before filing: Shift+Tab works too.
    tab_to(page, page.get_by_label("Phone"), backwards=True)
    expect(page.get_by_label("Phone")).to_be_checked()
    tab_to(page, page.get_by_role("button", name="File the form"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Usage form filed.")).to_be_visible()
    assert UsageReport.objects.count() == before + 1
    report = UsageReport.objects.latest("id")
    assert (report.duration_minutes, report.contact_mode, report.on_duty) == (25, "phone", True)


def test_a_coordinator_adds_a_person_to_the_directory_by_keyboard(page_for, live_server, demo):
    page = page_for("coordinator.kcpd", DEMO_PASSWORD)
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{live_server.url}/kcpd/roster/people/new/")
    tab_to(page, page.get_by_role("textbox", name="Employee number*", exact=True))
    page.keyboard.type("KCP4001")
    page.keyboard.press("Tab")
    page.keyboard.type("Morgan")
    page.keyboard.press("Tab")
    page.keyboard.type("Hale")
    tab_to(page, page.get_by_label("Hire date"))
    page.keyboard.type("06152014")
    tab_to(page, page.get_by_label("Probationary"))
    page.keyboard.press("Space")
    page.keyboard.press("Space")  # and off again
    tab_to(page, page.get_by_role("button", name="Save"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Morgan Hale saved.")).to_be_visible()
    person = Person.objects.get(employee_number="KCP4001")
    assert (str(person.hire_date), person.probationary) == ("2014-06-15", False)


def test_a_coordinator_activates_the_team_by_keyboard(page_for, live_server, demo):
    page = page_for("coordinator.kcpd", DEMO_PASSWORD)
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{live_server.url}/kcpd/activations/")
    incident = page.get_by_label("Incident type")
    tab_to(page, incident)
    page.keyboard.type("Pursuit")  # a closed select jumps to the option typed
    expect(incident.locator("option:checked")).to_have_text(re.compile("^Pursuit"))
    area = page.get_by_label("General area")
    tab_to(page, area)
    page.keyboard.type("Within")
    expect(area.locator("option:checked")).to_have_text("Within Kansas City")
    tab_to(page, page.get_by_label("General location"))
    page.keyboard.type("I-70 at Blue Ridge Cutoff")
    tab_to(page, page.get_by_label("Members affected"))
    page.keyboard.type("3")
    tab_to(page, page.get_by_label("Briefing"))
    page.keyboard.type("Three officers; the scene is secure.")
    tab_to(page, page.get_by_role("button", name="Activate and call peers"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("The team is activated")).to_be_visible()
    assert Activation.objects.get().location == "I-70 at Blue Ridge Cutoff"


def test_an_officer_reaches_the_on_call_peers_call_button_by_keyboard(page_for, live_server, demo):
    page = page_for("officer.kcpd", DEMO_PASSWORD, phone=True)
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{live_server.url}/kcpd/on-call/")
    call = page.get_by_role("list", name="On call now").get_by_role("link").first
    tab_to(page, call)
    assert call.get_attribute("href").startswith("tel:")


def test_an_officer_asks_for_a_new_check_in_date_by_keyboard(page_for, live_server, demo):
    from checkins.models import RescheduleRequest

    page = page_for("officer.clayton", DEMO_PASSWORD, phone=True)
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{live_server.url}/clayton/checkins/mine/")
    tab_to(page, page.get_by_label("Reason for a new date"))
    page.keyboard.type("Training course out of state that week.")
    tab_to(page, page.get_by_role("button", name="Ask for a new date"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your request went to the coordinator.")).to_be_visible()
    assert RescheduleRequest.objects.filter(
        reason="Training course out of state that week.", state="pending"
    ).exists()
