import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from agencies.choices import Role
from roster import selectors
from roster.models import OnCallShift
from roster.services import oncall
from tests.factories import AgencyFactory, PeerFactory, ShiftFactory, member

CHICAGO = ZoneInfo("America/Chicago")


@pytest.fixture
def kcpd(db):
    return AgencyFactory(slug="kcpd", name="Kansas City Missouri Police Department", preset="kcpd")


@pytest.fixture
def officer_kcpd(kcpd):
    return member(kcpd, Role.OFFICER, username="officer.kcpd")


@pytest.mark.django_db
def test_officer_sees_who_is_on_call_first_with_tel_and_sms_links(login, kcpd, officer_kcpd):
    on_call = ShiftFactory(
        peer__agency=kcpd, peer__person__first_name="Olivia", peer__person__phone="(816) 555-0142"
    ).peer
    PeerFactory(agency=kcpd, person__first_name="Oscar")
    text = login(officer_kcpd).get("/kcpd/on-call/").content.decode()
    assert text.index("Olivia") < text.index("Every other") < text.index("Oscar")
    assert 'href="tel:8165550142"' in text
    assert 'href="sms:8165550142"' in text
    assert on_call.person.email in text


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_peer_not_available_is_not_shown_as_on_call(login, kcpd, officer_kcpd):
    shift = ShiftFactory(peer__agency=kcpd, peer__person__first_name="Olivia")
    oncall.set_availability(peer=shift.peer, unavailable_until=timezone.now() + timedelta(hours=3))
    found = selectors.lookup(agency=kcpd, policy=kcpd.policy, now=timezone.now())
    assert found.on_call == []
    assert [p.pk for p in found.others] == [shift.peer.pk]
    assert "Not available until" in login(officer_kcpd).get("/kcpd/on-call/").content.decode()


@pytest.mark.django_db
def test_putting_an_active_peer_on_administrative_leave_removes_them_from_the_lookup(
    login, kcpd, officer_kcpd, django_capture_on_commit_callbacks
):
    slmpd = AgencyFactory(slug="slmpd", preset="slmpd")  # administrative leave disqualifies
    officer = member(slmpd, Role.OFFICER, username="officer.slmpd")
    coordinator = member(slmpd, Role.COORDINATOR, username="coordinator.slmpd")
    shift = ShiftFactory(peer__agency=slmpd, peer__person__first_name="Olivia")
    assert "Olivia" in login(officer).get("/slmpd/on-call/").content.decode()
    person = shift.peer.person
    from tests.test_roster_directory import person_post

    with django_capture_on_commit_callbacks(execute=True):
        login(coordinator).post(
            reverse("roster:person", args=["slmpd", person.pk]),
            person_post(person, administrative_leave="on"),
        )
    assert "Olivia" not in login(officer).get("/slmpd/on-call/").content.decode()
    reachable = selectors.lookup(agency=slmpd, policy=slmpd.policy, now=timezone.now())
    assert reachable.on_call == reachable.others == []


@pytest.mark.django_db
def test_inactive_and_in_training_peers_are_not_listed(kcpd):
    PeerFactory(agency=kcpd, status="inactive")
    PeerFactory(agency=kcpd, status="in_training")
    found = selectors.lookup(agency=kcpd, policy=kcpd.policy, now=timezone.now())
    assert found.on_call == found.others == []


def _snapshot() -> dict[str, list]:
    """Every row of every table the project owns (and sessions, and admin logs)."""
    rows = {}
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            cursor.execute(f'SELECT * FROM "{table}"')
            rows[table] = sorted(map(repr, cursor.fetchall()))
    return rows


@pytest.mark.django_db
def test_viewing_the_lookup_leaves_no_trace_that_names_the_viewer(
    client, kcpd, officer_kcpd, caplog
):
    ShiftFactory(peer__agency=kcpd)
    client.force_login(officer_kcpd)
    before = _snapshot()
    with caplog.at_level(logging.DEBUG):
        response = client.get("/kcpd/on-call/")
        client.get("/kcpd/on-call/print/")
    assert response.status_code == 200
    assert _snapshot() == before
    assert "officer.kcpd" not in caplog.text
    assert str(officer_kcpd.pk) not in [str(getattr(r, "user", "")) for r in caplog.records]
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_the_lookup_keeps_a_fixed_query_budget_with_many_peers(
    login, kcpd, officer_kcpd, django_assert_max_num_queries
):
    for _ in range(40):
        ShiftFactory(peer__agency=kcpd)
    PeerFactory.create_batch(40, agency=kcpd)
    client = login(officer_kcpd)
    # Nothing cached yet: the account, the roles, the agency with its policy, the team and
    # the resources; a second request makes three (tests/test_oncall_speed.py).
    with django_assert_max_num_queries(8):
        assert client.get("/kcpd/on-call/").status_code == 200


@pytest.mark.django_db
def test_the_printable_roster_has_a_qr_code_to_the_lookup(login, kcpd, officer_kcpd):
    PeerFactory(agency=kcpd, person__first_name="Olivia")
    text = login(officer_kcpd).get("/kcpd/on-call/print/").content.decode()
    assert "<svg" in text
    assert "http://testserver/kcpd/on-call/" in text
    assert "Olivia" in text


@pytest.mark.django_db
# Before the shifts below: from 28 February 2027, 08:00 the first is over and refused.
@time_machine.travel(datetime(2027, 2, 1, 12, tzinfo=CHICAGO).timestamp(), tick=False)
@pytest.mark.system_scope
def test_a_weekly_night_shift_keeps_its_wall_clock_times_across_the_dst_change(kcpd):
    peer = PeerFactory(agency=kcpd)
    coordinator = member(kcpd, Role.COORDINATOR, username="coordinator.kcpd")
    # Two ordinary weeks, then the week of the spring change (Sunday March 14, 2027).
    shifts = oncall.add_shifts(
        peer=peer, start_day=date(2027, 2, 27), start_time=time(20), end_time=time(8),
        repeat_weeks=2, actor=coordinator,
    )  # fmt: skip
    local = [(s.starts_at.astimezone(CHICAGO), s.ends_at.astimezone(CHICAGO)) for s in shifts]
    assert [(a.hour, b.hour) for a, b in local] == [(20, 8), (20, 8)]
    assert [(b - a) for a, b in [(s.starts_at, s.ends_at) for s in shifts]] == [
        timedelta(hours=12), timedelta(hours=12)
    ]  # fmt: skip
    spring = oncall.add_shifts(
        peer=peer, start_day=date(2027, 3, 13), start_time=time(20), end_time=time(8),
        repeat_weeks=1, actor=coordinator,
    )[0]  # fmt: skip
    assert spring.ends_at - spring.starts_at == timedelta(hours=11)  # the night loses an hour
    assert spring.ends_at.astimezone(CHICAGO).hour == 8


@pytest.mark.django_db
def test_a_skipped_wall_time_moves_forward():
    moved = oncall.local_datetime(date(2027, 3, 14), time(2, 30), "America/Chicago")
    moved = moved.astimezone(CHICAGO)
    assert (moved.hour, moved.minute) == (3, 30)


@pytest.mark.django_db
@pytest.mark.system_scope
def test_overlapping_past_and_inactive_shifts_are_refused(kcpd):
    peer = PeerFactory(agency=kcpd)
    actor = member(kcpd, Role.COORDINATOR, username="coordinator.kcpd")
    day = timezone.localdate() + timedelta(days=2)
    oncall.add_shifts(peer=peer, start_day=day, start_time=time(8), end_time=time(16),
                      repeat_weeks=1, actor=actor)  # fmt: skip
    with pytest.raises(ValidationError, match="already on call"):
        oncall.add_shifts(peer=peer, start_day=day, start_time=time(12), end_time=time(20),
                          repeat_weeks=1, actor=actor)  # fmt: skip
    with pytest.raises(ValidationError, match="already over"):
        oncall.add_shifts(peer=peer, start_day=day - timedelta(days=10), start_time=time(8),
                          end_time=time(9), repeat_weeks=1, actor=actor)  # fmt: skip
    inactive = PeerFactory(agency=kcpd, status="inactive")
    with pytest.raises(ValidationError, match="Only an active peer"):
        oncall.add_shifts(peer=inactive, start_day=day, start_time=time(8), end_time=time(9),
                          repeat_weeks=1, actor=actor)  # fmt: skip
    assert OnCallShift.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.system_scope
def test_gaps_are_the_hours_nobody_reachable_covers(kcpd):
    now = datetime(2026, 11, 23, 12, tzinfo=CHICAGO)
    peer = PeerFactory(agency=kcpd)
    ShiftFactory(peer=peer, starts_at=now, ends_at=now + timedelta(hours=10))
    ShiftFactory(peer=peer, starts_at=now + timedelta(hours=12), ends_at=now + timedelta(days=2))
    suspended = PeerFactory(agency=kcpd, callouts_suspended=True)
    ShiftFactory(peer=suspended, starts_at=now + timedelta(days=2), ends_at=now + timedelta(days=3))
    holes, hours = selectors.gaps(agency=kcpd, policy=kcpd.policy, now=now, days=3)
    assert holes == [
        (now + timedelta(hours=10), now + timedelta(hours=12)),
        (now + timedelta(days=2), now + timedelta(days=3)),
    ]
    assert hours == 26


@pytest.mark.django_db
def test_the_schedule_page_adds_a_shift_and_shows_the_gaps(login, kcpd):
    coordinator = member(kcpd, Role.COORDINATOR, username="coordinator.kcpd")
    peer = PeerFactory(agency=kcpd)
    client = login(coordinator)
    day = timezone.localdate() + timedelta(days=1)
    response = client.post(
        "/kcpd/roster/schedule/",
        {"peer": peer.pk, "start_day": day.isoformat(), "start_time": "19:00",
         "end_time": "07:00", "repeat_weeks": "1"},
    )  # fmt: skip
    assert response.status_code == 302
    text = client.get("/kcpd/roster/schedule/").content.decode()
    assert "Nobody on call in the next 14 days" in text
    assert peer.person.full_name in text


@pytest.mark.django_db
def test_the_schedule_form_refuses_bad_input_with_a_message(login, kcpd):
    coordinator = member(kcpd, Role.COORDINATOR, username="coordinator.kcpd")
    peer = PeerFactory(agency=kcpd)
    response = login(coordinator).post(
        "/kcpd/roster/schedule/",
        {"peer": peer.pk, "start_day": "soon", "start_time": "19:00", "end_time": "19:00",
         "repeat_weeks": "99"},
    )  # fmt: skip
    assert response.status_code == 200
    assert not OnCallShift.objects.exists()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_peer_sets_not_available_until_and_back(login, kcpd):
    peer = PeerFactory(agency=kcpd)
    user = member(kcpd, Role.PEER, username="peer.kcpd")
    peer.person.user = user
    peer.person.save()
    client = login(user)
    later = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    client.post("/kcpd/me/", {"available": "no", "until": later})
    peer.refresh_from_db()
    assert peer.unavailable_until is not None
    response = client.post("/kcpd/me/", {"available": "no", "until": ""})
    assert "Say until when" in response.content.decode()
    client.post("/kcpd/me/", {"available": "yes"})
    peer.refresh_from_db()
    assert peer.unavailable_until is None


@pytest.mark.django_db
def test_a_peer_role_without_a_roster_entry_gets_a_clear_404(login, kcpd):
    user = member(kcpd, Role.PEER, username="peer.kcpd")
    assert login(user).get("/kcpd/me/").status_code == 404


@pytest.mark.django_db
@pytest.mark.system_scope
def test_with_a_thousand_peers_and_five_thousand_people_the_pages_keep_their_query_budget(
    login, kcpd, officer_kcpd, django_assert_max_num_queries
):
    from demo.bulk import fill_agency

    fill_agency(kcpd, persons=5000, peers=1000)
    coordinator = member(kcpd, Role.COORDINATOR, username="coordinator.kcpd")
    officer = login(officer_kcpd)
    with django_assert_max_num_queries(8):  # nothing cached yet, as above
        response = officer.get("/kcpd/on-call/")
    on_call = len(response.context["found"].on_call)
    cards = response.content.decode().count('<li class="list-group-item py-3">')
    assert cards == on_call + 25  # the rest of the team a page at a time
    pages = -(-(1000 - on_call) // 25)
    assert f"Page 1 of {pages}" in response.content.decode()
    last = officer.get(f"/kcpd/on-call/?page={pages}").content.decode()
    assert last.count('<li class="list-group-item py-3">') == on_call + (1000 - on_call) - 25 * (
        pages - 1
    )
    client = login(coordinator)
    for page in ["/kcpd/roster/", "/kcpd/roster/people/", "/kcpd/roster/schedule/"]:
        with django_assert_max_num_queries(13):
            assert client.get(page).status_code == 200


@pytest.mark.django_db
@pytest.mark.system_scope
def test_administrative_leave_stops_call_outs_even_where_the_policy_does_not_bar_joining(
    login, kcpd, officer_kcpd
):
    assert "administrative_leave" not in kcpd.policy.disqualifying_flags
    shift = ShiftFactory(peer__agency=kcpd, peer__person__first_name="Olivia")
    coordinator = member(kcpd, Role.COORDINATOR, username="coordinator.kcpd")
    from tests.test_roster_directory import person_post

    person = shift.peer.person
    login(coordinator).post(
        reverse("roster:person", args=["kcpd", person.pk]),
        person_post(person, administrative_leave="on"),
    )
    shift.peer.refresh_from_db()
    assert shift.peer.callouts_suspended
    assert "Olivia" not in login(officer_kcpd).get("/kcpd/on-call/").content.decode()
