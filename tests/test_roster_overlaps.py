"""Overlapping on-call shifts: the same peer twice is refused, even by two requests at once (the
peer's row is locked, then the shifts re-checked); different peers at once are allowed, and the
coordinator is warned, naming the overlap."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection

from agencies import tenant_db
from agencies.choices import Role
from roster import selectors
from roster.models import OnCallShift
from roster.services import oncall
from tests.factories import AgencyFactory, PeerFactory, member
from tests.support.races import run_together

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2026, 11, 23, 12, tzinfo=CHICAGO)
DAY = date(2026, 11, 25)  # a Wednesday


@pytest.fixture
def kcpd(db):
    return AgencyFactory(slug="kcpd", preset="kcpd")


@pytest.fixture
def coordinator(kcpd):
    return member(kcpd, Role.COORDINATOR, username="coordinator.kcpd")


def _add(peer, actor, *, start: int, end: int, day: date = DAY, weeks: int = 1):
    with tenant_db.agency_scope(peer.agency_id):  # as the schedule page runs it
        return oncall.add_shifts(peer=peer, start_day=day, start_time=time(start),
                                 end_time=time(end), repeat_weeks=weeks, actor=actor)  # fmt: skip


@pytest.mark.django_db
@time_machine.travel(NOW.timestamp(), tick=False)
@pytest.mark.system_scope
def test_the_same_peer_in_two_overlapping_shifts_is_refused_naming_both(kcpd, coordinator):
    peer = PeerFactory(agency=kcpd, person__first_name="Ann", person__last_name="Archer")
    _add(peer, coordinator, start=20, end=8)
    with pytest.raises(ValidationError) as refused:
        _add(peer, coordinator, start=6, end=10, day=date(2026, 11, 26))
    assert refused.value.messages == [
        "Ann Archer is already on call Wed Nov 25 20:00 to Thu Nov 26 08:00, which overlaps the "
        "shift Thu Nov 26 06:00 to Thu Nov 26 10:00; one peer cannot hold two shifts at once. "
        "Nothing was added."
    ]
    assert OnCallShift.objects.count() == 1


@pytest.mark.django_db
@time_machine.travel(NOW.timestamp(), tick=False)
@pytest.mark.system_scope
def test_a_repeated_shift_that_overlaps_in_a_later_week_adds_no_week(kcpd, coordinator):
    peer = PeerFactory(agency=kcpd)
    _add(peer, coordinator, start=8, end=16, day=date(2026, 12, 9))
    with pytest.raises(ValidationError, match="already on call Wed Dec 9 08:00"):
        _add(peer, coordinator, start=12, end=14, weeks=3)
    assert OnCallShift.objects.count() == 1


@pytest.mark.django_db
@time_machine.travel(NOW.timestamp(), tick=False)
@pytest.mark.system_scope
def test_back_to_back_shifts_of_one_peer_are_not_an_overlap(kcpd, coordinator):
    peer = PeerFactory(agency=kcpd)
    _add(peer, coordinator, start=8, end=16)
    _add(peer, coordinator, start=16, end=20)
    assert OnCallShift.objects.filter(peer=peer).count() == 2


@pytest.mark.django_db
@time_machine.travel(NOW.timestamp(), tick=False)
@pytest.mark.system_scope
def test_overlapping_shifts_of_different_peers_are_added_with_a_warning_naming_the_overlap(
    login, kcpd, coordinator
):
    ann = PeerFactory(agency=kcpd, person__first_name="Ann", person__last_name="Archer")
    bob = PeerFactory(agency=kcpd, person__first_name="Bob", person__last_name="Baker")
    _add(ann, coordinator, start=20, end=8)
    client = login(coordinator)
    response = client.post(
        "/kcpd/roster/schedule/",
        {"peer": bob.pk, "start_day": "2026-11-25", "start_time": "22:00", "end_time": "06:00",
         "repeat_weeks": "1"},
        follow=True,
    )  # fmt: skip
    assert OnCallShift.objects.filter(peer=bob).count() == 1
    texts = [str(m) for m in response.context["messages"]]
    assert texts == [
        "1 shift added for Bob Baker.",
        "Overlap: Bob Baker's shift Wed Nov 25 22:00 to Thu Nov 26 06:00 overlaps Ann Archer's "
        "Wed Nov 25 20:00 to Thu Nov 26 08:00; both are on call then.",
    ]


@pytest.mark.django_db
@time_machine.travel(NOW.timestamp(), tick=False)
def test_no_overlap_warning_when_other_peers_shifts_do_not_overlap(kcpd, coordinator):
    ann, bob = PeerFactory(agency=kcpd), PeerFactory(agency=kcpd)
    _add(ann, coordinator, start=8, end=16)
    made = _add(bob, coordinator, start=16, end=20)
    assert selectors.overlapping_shifts(agency=kcpd, shifts=made) == []


@pytest.mark.django_db
@time_machine.travel(NOW.timestamp(), tick=False)
@pytest.mark.system_scope
def test_the_page_refuses_the_same_peer_twice_with_the_message(login, kcpd, coordinator):
    peer = PeerFactory(agency=kcpd)
    _add(peer, coordinator, start=8, end=16)
    response = login(coordinator).post(
        "/kcpd/roster/schedule/",
        {"peer": peer.pk, "start_day": "2026-11-25", "start_time": "12:00", "end_time": "18:00",
         "repeat_weeks": "1"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "one peer cannot hold two shifts at once" in response.content.decode()
    assert OnCallShift.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
@pytest.mark.system_scope
def test_two_requests_at_once_cannot_both_put_one_peer_on_overlapping_shifts(kcpd, coordinator):
    peer = PeerFactory(agency=kcpd)
    for week in range(4):
        day = date.today().replace(day=1).toordinal() + 40 + 7 * week
        start_day = date.fromordinal(day)
        results = run_together(
            kcpd.pk,
            lambda d=start_day: _add(peer, coordinator, start=8, end=16, day=d),
            lambda d=start_day: _add(peer, coordinator, start=12, end=20, day=d),
        )
        outcomes = sorted(kind for kind, _ in results)
        assert outcomes == ["error", "ok"], results
        error = next(value for kind, value in results if kind == "error")
        assert isinstance(error, ValidationError)
        assert "one peer cannot hold two shifts at once" in error.messages[0]
    assert OnCallShift.objects.filter(peer=peer).count() == 4
