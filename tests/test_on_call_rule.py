"""One rule of "on call now" (issue 16, item 4): a shift holds its start minute and not its end
one, so at a handover only the incoming peer is on call; and a peer is away while the time they
gave is still ahead, not at it. The officer's lookup, the coordinator's roster and schedule, the
call-out candidates and the peer's own page all say the same at the same moment."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from activations.models import Activation, Status
from activations.services.callouts import candidates
from agencies import clock, tenant_db
from agencies.choices import Role
from agencies.models import IncidentType
from roster.models import OnCallShift
from tests.factories import AgencyFactory, PeerFactory, ShiftFactory, UserFactory, member
from tests.support.mfa import verified_client

CHICAGO = ZoneInfo("America/Chicago")
DAY = date(2026, 3, 10)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), CHICAGO)


@pytest.fixture
def kcpd(db):
    with tenant_db.system_scope():
        agency = AgencyFactory(slug="kcpd", preset="kcpd", time_zone="America/Chicago")
        day_peer = PeerFactory(agency=agency, person__first_name="Dana", person__user=UserFactory())
        night_peer = PeerFactory(agency=agency, person__first_name="Nico")
        ShiftFactory(peer=day_peer, starts_at=_at(DAY, 7), ends_at=_at(DAY, 19))
        ShiftFactory(peer=night_peer, starts_at=_at(DAY, 19), ends_at=_at(DAY + timedelta(1), 7))
        member(agency, Role.PEER, username=day_peer.person.user.username)
        users = {
            "officer": member(agency, Role.OFFICER, username="officer.kcpd"),
            "coordinator": member(agency, Role.COORDINATOR, username="coordinator.kcpd"),
        }
    return {"agency": agency, "day": day_peer, "night": night_peer, **users}


def _activation(agency) -> Activation:
    with tenant_db.system_scope():
        pursuit = IncidentType.objects.get(agency=agency, code="pursuit-crash")
        return Activation.objects.create(
            agency=agency, incident_type=pursuit,
            occurred_at=_at(DAY, 6), location="Downtown", members_affected=1, briefing="",
            peers_needed=1, status=Status.OPEN, opened_at=_at(DAY, 6),
        )  # fmt: skip


def _on_call_everywhere(kcpd, activation) -> dict[str, set[str]]:
    """Who each surface says is on call now, by first name."""
    agency = kcpd["agency"]
    lookup = verified_client(kcpd["officer"]).get("/kcpd/on-call/").context["found"]
    coordinator = verified_client(kcpd["coordinator"])
    roster = coordinator.get("/kcpd/roster/?on_call=on").context["peers"]
    schedule = coordinator.get("/kcpd/roster/schedule/").context["shifts"]
    with tenant_db.agency_scope(agency.pk):
        called_first = [p for p in candidates(activation) if p.on_call]
        shifts = OnCallShift.objects.for_agency(agency).on_call_at(clock.now_local(agency))
        model = {s.peer.person.first_name for s in shifts.select_related("peer__person")}
    return {
        "model": model,
        "lookup": {c.name.split()[0] for c in lookup.on_call},
        "roster": {p.person.first_name for p in roster},
        "schedule": {s.peer.person.first_name for s in schedule if s.current},
        "candidates": {p.person.first_name for p in called_first},
    }


@pytest.mark.parametrize(
    ("moment", "on_call"),
    [
        (_at(DAY, 6, 59), set()),
        (_at(DAY, 7, 0), {"Dana"}),  # the shift's start minute
        (_at(DAY, 18, 59), {"Dana"}),
        (_at(DAY, 19, 0), {"Nico"}),  # the handover: Dana's end minute is Nico's start
        (_at(DAY + timedelta(days=1), 7, 0), set()),
    ],
)
def test_on_call_holds_the_shifts_start_minute_and_not_its_end_on_every_surface(
    kcpd, moment, on_call
):
    activation = _activation(kcpd["agency"])
    with time_machine.travel(moment, tick=False):
        surfaces = _on_call_everywhere(kcpd, activation)
    assert surfaces == dict.fromkeys(surfaces, on_call)


@pytest.mark.parametrize(("minutes", "away"), [(-1, False), (0, False), (1, True)])
def test_a_peer_is_away_until_the_time_they_gave_and_available_from_it(kcpd, minutes, away):
    now = _at(DAY, 12)
    peer = kcpd["day"]
    with tenant_db.system_scope():
        peer.unavailable_until = now + timedelta(minutes=minutes)
        peer.save(update_fields=["unavailable_until"])
    activation = _activation(kcpd["agency"])
    with time_machine.travel(now, tick=False):
        found = verified_client(kcpd["officer"]).get("/kcpd/on-call/").context["found"]
        mine = verified_client(peer.person.user).get("/kcpd/me/").context["available"]
        with tenant_db.agency_scope(kcpd["agency"].pk):
            called = {p.pk for p in candidates(activation)}
    on_call = {c.pk for c in found.on_call}
    shown_away = {c.pk for c in found.others if not c.available}
    assert (peer.pk in shown_away, peer.pk not in on_call) == (away, away)
    assert mine is not away
    assert (peer.pk not in called) is away
