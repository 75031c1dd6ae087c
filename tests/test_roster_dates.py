"""Every date the roster takes is bounded to a plausible range, with a message and nothing
stored; and the peer header words the day for the peer's status."""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from agencies.choices import Role
from agencies.validators import DateBounds
from roster.choices import PeerStatus
from roster.models import Application, OnCallShift, Person, TrainingMemo, TrainingRecord
from roster.services import oncall, people, team
from tests.factories import PeerFactory, PersonFactory

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2026, 11, 23, 12, tzinfo=CHICAGO)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW.timestamp(), tick=False):
        yield


def test_date_bounds_refuse_before_the_earliest_and_after_the_latest_day():
    bounds = DateBounds(what="The training date", earliest=date(2000, 1, 1))
    bounds(date(2000, 1, 1))
    bounds(date(2026, 11, 23))
    with pytest.raises(ValidationError, match="cannot be before January 1, 2000"):
        bounds(date(1, 1, 1))
    with pytest.raises(ValidationError, match="cannot be in the future"):
        bounds(date(2026, 11, 24))
    ahead = DateBounds(what="The shift", earliest=date(2000, 1, 1), ahead_days=366)
    ahead(date(2027, 11, 24))
    with pytest.raises(ValidationError, match="more than 366 days ahead"):
        ahead(date(9999, 12, 31))


@pytest.fixture
def coordinator(users):
    return users[Role.COORDINATOR]


@pytest.fixture
def peer(agency):
    return PeerFactory(agency=agency)


@pytest.mark.parametrize(
    ("name", "data", "model", "message"),
    [
        ("roster:peer_training", {"held_on": "0001-01-01", "topic": "T", "hours": "2"},
         TrainingRecord, "The training date cannot be before January 1, 2000."),
        ("roster:peer_training", {"held_on": "2027-01-01", "topic": "T", "hours": "2"},
         TrainingRecord, "The training date cannot be in the future."),
    ],
)  # fmt: skip
def test_a_peer_page_date_out_of_range_is_refused_and_nothing_stored(
    login, coordinator, agency, peer, name, data, model, message
):
    response = login(coordinator).post(reverse(name, args=[agency.slug, peer.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not model.objects.filter(peer=peer).exists()


@pytest.mark.system_scope
def test_an_agreement_dated_0001_01_01_is_refused_and_the_old_one_kept(
    login, coordinator, agency, peer
):
    kept = peer.agreement_signed_on
    url = reverse("roster:peer_agreement", args=[agency.slug, peer.pk])
    response = login(coordinator).post(url, {"signed_on": "0001-01-01", "kept_by": "Manager"})
    assert "The agreement cannot be before January 1, 2000." in response.content.decode()
    peer.refresh_from_db()
    assert peer.agreement_signed_on == kept


def test_a_hire_date_of_0001_01_01_is_refused_by_the_directory_form(login, coordinator, agency):
    response = login(coordinator).post(
        reverse("roster:person_new", args=[agency.slug]),
        {"employee_number": "5001", "first_name": "Ann", "last_name": "Archer",
         "member_class": "sworn", "hire_date": "0001-01-01", "employed": "on"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "The hire date cannot be before January 1, 1950." in response.content.decode()
    assert not Person.objects.filter(employee_number="5001").exists()


@pytest.mark.system_scope
def test_the_services_refuse_out_of_range_dates_themselves(agency, coordinator, peer):
    person = PersonFactory(agency=agency, hire_date=date(1, 1, 1))
    with pytest.raises(ValidationError, match="hire date cannot be before"):
        people.save_person(person=person, actor=coordinator, previous_flags=set())
    with pytest.raises(ValidationError, match="training date cannot be before"):
        team.add_training(peer=peer, held_on=date(1, 1, 1), topic="T", hours=Decimal("1"),
                          actor=coordinator)  # fmt: skip
    with pytest.raises(ValidationError, match="application cannot be before"):
        team.submit_application(person=PersonFactory(agency=agency), submitted_on=date(1, 1, 1),
                                actor=coordinator)  # fmt: skip
    assert not Application.objects.exists()
    with pytest.raises(ValidationError, match="missed training cannot be before"):
        team.submit_memo(peer=peer, missed_on=date(1, 1, 1), actor=coordinator)
    assert not TrainingMemo.objects.exists()
    with pytest.raises(ValidationError, match="more than 366 days ahead"):
        oncall.add_shifts(peer=peer, start_day=date(9999, 12, 31), start_time=time(20),
                          end_time=time(8), repeat_weeks=2, actor=coordinator)  # fmt: skip
    assert not OnCallShift.objects.exists()


def test_an_application_dated_0001_01_01_is_refused_on_the_page(login, coordinator, agency):
    applicant = PersonFactory(agency=agency)
    response = login(coordinator).post(
        reverse("roster:application_new", args=[agency.slug]),
        {"employee_number": applicant.employee_number, "submitted_on": "0001-01-01"},
    )
    assert "The application cannot be before January 1, 2000." in response.content.decode()
    assert not Application.objects.exists()


def test_a_shift_starting_in_the_year_9999_is_refused_on_the_schedule(login, coordinator, agency):
    peer = PeerFactory(agency=agency)
    response = login(coordinator).post(
        reverse("roster:schedule", args=[agency.slug]),
        {"peer": str(peer.pk), "start_day": "9999-12-31", "start_time": "20:00",
         "end_time": "08:00", "repeat_weeks": "26"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "cannot be more than 366 days ahead" in response.content.decode()
    assert not OnCallShift.objects.exists()


def _header(login, coordinator, peer) -> str:
    page = login(coordinator).get(reverse("roster:peer", args=[peer.agency.slug, peer.pk]))
    return page.content.decode().split('<p class="text-body-secondary">', 1)[1].split("</p>")[0]


@pytest.mark.system_scope
def test_the_peer_header_says_inactive_since_for_an_inactive_peer(login, coordinator, peer):
    team.change_status(peer=peer, to=PeerStatus.INACTIVE, actor=coordinator,
                       roles=frozenset({Role.COORDINATOR}), reason="Written request")  # fmt: skip
    header = _header(login, coordinator, peer)
    assert "inactive since Nov 23, 2026" in header
    assert "active since" not in header.replace("inactive since", "")


@pytest.mark.system_scope
def test_the_peer_header_says_in_training_since_after_reinstatement(login, coordinator, peer):
    roles = frozenset({Role.COORDINATOR})
    with time_machine.travel(datetime(2026, 10, 1, 12, tzinfo=CHICAGO), tick=False):
        team.change_status(peer=peer, to=PeerStatus.INACTIVE, actor=coordinator, roles=roles,
                           reason="Written request")  # fmt: skip
    team.change_status(peer=peer, to=PeerStatus.IN_TRAINING, actor=coordinator, roles=roles,
                       reason="Approved")  # fmt: skip
    header = _header(login, coordinator, peer)
    assert "in training since Nov 23, 2026" in header
    assert "inactive since" not in header


def test_the_peer_header_says_active_since_for_an_active_peer(login, coordinator, peer):
    assert f"active since {peer.active_since:%b} {peer.active_since.day}," in _header(
        login, coordinator, peer
    )
