"""Capacity bookings: one place per (location, start), shared by every agency a provider serves."""

from datetime import UTC, datetime, timedelta

import pytest

from checkins.models import Booking, Location, Provider
from checkins.services.capacity import book

pytestmark = pytest.mark.django_db
NINE = datetime(2027, 1, 4, 15, 0, tzinfo=UTC)
TEN = NINE + timedelta(hours=1)


def test_booking_beside_other_pairs_of_the_same_places_and_times_counts_only_its_own():
    provider = Provider.objects.create(name="EAP")
    office, station = (Location.objects.create(provider=provider, name=n) for n in "ab")
    # Bookings that the two IN lists of the lookup also match, but are not being booked.
    book([(office.pk, TEN), (station.pk, NINE)])
    book([(office.pk, NINE), (station.pk, TEN), (office.pk, NINE)])
    taken = {(b.location_id, b.starts_at): b.taken for b in Booking.objects.all()}
    assert taken == {
        (office.pk, NINE): 2,
        (office.pk, TEN): 1,
        (station.pk, NINE): 1,
        (station.pk, TEN): 1,
    }
    book([(office.pk, NINE)])
    assert Booking.objects.get(location=office, starts_at=NINE).taken == 3
