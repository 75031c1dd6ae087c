"""The roll-call sheet on paper: the lookup address under the QR code stays inside its figure."""

import pytest

from agencies.choices import Role
from tests.factories import AgencyFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


def test_the_roll_call_sheet_keeps_the_lookup_address_inside_the_margin_in_print(
    page_for, live_server
):
    slug = "kansas-city-missouri-police-metro-patrol"  # a long address, as deployed
    agency = AgencyFactory(slug=slug, preset="kcpd")
    member(agency, Role.OFFICER, username="officer.kcpd")
    page = page_for("officer.kcpd", PASSWORD)
    page.goto(f"{live_server.url}/{slug}/on-call/print/")
    page.emulate_media(media="print")
    overflow = page.evaluate(
        """() => {
            const figure = document.querySelector('.qr-figure');
            const caption = figure.querySelector('figcaption');
            return [caption.scrollWidth, figure.clientWidth, caption.getBoundingClientRect().right,
                    document.documentElement.clientWidth];
        }"""
    )
    caption_width, figure_width, right, page_width = overflow
    assert caption_width <= figure_width, overflow
    assert right <= page_width, overflow
