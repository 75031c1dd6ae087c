import pytest

from agencies.choices import Role
from agencies.models import Policy
from tests.browser.conftest import shot
from tests.factories import AgencyFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


@pytest.fixture
def agencies(db):
    clayton = AgencyFactory(slug="clayton", name="Clayton Police Department", preset="clayton")
    kcpd = AgencyFactory(slug="kcpd", name="Kansas City Missouri Police Department", preset="kcpd")
    member(clayton, Role.COORDINATOR, username="coordinator.clayton")
    member(clayton, Role.ADMIN, username="admin.clayton")
    member(kcpd, Role.OFFICER, username="officer.kcpd")
    return clayton, kcpd


def test_coordinator_signs_in_and_sees_the_program_in_claytons_words(
    page_for, live_server, agencies
):
    page = page_for("coordinator.clayton", PASSWORD)
    assert page.url.endswith("/clayton/")
    assert page.get_by_role("heading", name="Wellness and Peer Support Program").is_visible()
    assert "Peer Support Officers" in page.content()
    shot(page, "clayton-home-coordinator")
    response = page.goto(f"{live_server.url}/kcpd/")
    assert response.status == 404


def test_officer_on_a_phone_reads_kcpds_confidentiality_limits(page_for, live_server, agencies):
    page = page_for("officer.kcpd", PASSWORD, phone=True)
    page.goto(f"{live_server.url}/kcpd/program/")
    limits = page.get_by_role("list").filter(has_text="Human Resources Director")
    assert limits.is_visible()
    call = page.get_by_role("link", name="Call 988").first
    assert call.get_attribute("href") == "tel:988"
    shot(page, "kcpd-program-officer-phone")


def test_admin_is_told_an_interval_of_seven_years_is_refused(page_for, live_server, agencies):
    clayton, _ = agencies
    page = page_for("admin.clayton", PASSWORD)
    page.goto(f"{live_server.url}/clayton/settings/")
    page.get_by_label("Check-in interval (years)").fill("7")
    page.get_by_role("button", name="Save policy").click()
    assert page.get_by_text("Nothing was saved").is_visible()
    summary = page.get_by_role("alert").filter(has_text="Please correct")
    assert summary.get_by_text("less than or equal to 5").is_visible()
    shot(page, "clayton-settings-refused")
    assert Policy.objects.get(agency=clayton).checkin_interval_years == 3
    page.get_by_label("Check-in interval (years)").fill("4")
    page.get_by_role("button", name="Save policy").click()
    assert page.get_by_text("Policy saved.").is_visible()
    assert Policy.objects.get(agency=clayton).checkin_interval_years == 4
