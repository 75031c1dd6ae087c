"""The privacy page on a phone (issue 14, item 5): folded, it is a short page of headings; a
store opens on a tap and says what is kept, who reads it and how long."""

import os

import pytest

from agencies.choices import Role
from tests.browser.conftest import SHOTS, shot
from tests.factories import AgencyFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"
# It ran 4,300 px on a phone; folded it is about 900 px (a screen and a bit).
MAX_FOLDED_HEIGHT = 1200


def test_an_officer_on_a_phone_reads_the_folded_privacy_page_and_opens_the_audit_log(
    page_for, live_server
):
    kcpd = AgencyFactory(slug="kcpd", name="Kansas City Missouri Police Department", preset="kcpd")
    member(kcpd, Role.OFFICER, username="officer.kcpd")
    page = page_for("officer.kcpd", PASSWORD, phone=True)
    page.goto(f"{live_server.url}/kcpd/privacy/")
    height = page.evaluate("document.documentElement.scrollHeight")
    width = page.evaluate("document.documentElement.scrollWidth")
    print(f"privacy page at 390 px, folded: {height} px high, {width} px wide")
    assert width <= 390  # nothing runs off the side
    assert height <= MAX_FOLDED_HEIGHT
    shot(page, "privacy-phone-folded")
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "privacy-phone-folded-full.png"), full_page=True)

    page.get_by_text("Signing in, sessions and the audit log").click()
    audit = page.locator("#store-securityauditevent")
    audit.locator("summary").click()
    assert audit.get_by_text("Who can read it").is_visible()
    assert audit.get_by_text("The network (IP) address it came from").is_visible()
    assert audit.get_by_text("365 days (the CJIS Security Policy").is_visible()
    person = page.locator("#store-rosterperson")
    page.get_by_text("About everyone in the department").click()
    person.locator("summary").click()
    assert person.get_by_text("Subject of a criminal investigation (yes or no)").is_visible()
    assert person.get_by_text("to decide eligibility for the team").first.is_visible()
    shot(page, "privacy-phone-opened")
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "privacy-phone-opened-full.png"), full_page=True)
