"""The on-call lookup does work in proportion to what it shows, and every officer of an agency is
served the same rendered team section from the cache until something it shows changes
(roster/lookup_cache.py, roster/versions.py)."""

import pickle
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from agencies import tenant_db
from agencies.choices import Role
from agencies.models import TeamRole
from agencies.services import save_policy
from roster import lookup_cache
from roster.choices import PeerStatus
from roster.models import OnCallShift, Peer, Person
from roster.services import oncall, people, team
from roster.versions import roster_changed, roster_version, version_key
from tests.factories import AgencyFactory, PeerFactory, ShiftFactory, member
from tests.test_redis_down import cache_at, free_port, needs_redis_server, private_redis

CHICAGO = ZoneInfo("America/Chicago")
NOON = datetime(2027, 2, 1, 12, tzinfo=CHICAGO)
LOCAL_MEMORY = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture
def kcpd(db):
    return AgencyFactory(slug="kcpd", name="Kansas City Missouri Police Department", preset="kcpd")


@pytest.fixture
def officer(kcpd, login):
    return login(member(kcpd, Role.OFFICER, username="officer.kcpd"))


@pytest.fixture
def coordinator(kcpd):
    return member(kcpd, Role.COORDINATOR, username="coordinator.kcpd")


def _get(client, url="/kcpd/on-call/") -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in queries.captured_queries]


def _reads_the_team(queries: list[str]) -> bool:
    return any('"roster_peer"' in sql for sql in queries)


@pytest.mark.django_db
@pytest.mark.system_scope  # builds two agencies' teams in its body
def test_the_query_count_is_the_same_for_ten_peers_and_for_a_thousand(login):
    from demo.bulk import fill_agency

    small = AgencyFactory(slug="small", preset="kcpd")
    for _ in range(3):
        ShiftFactory(peer__agency=small)
    PeerFactory.create_batch(7, agency=small)
    large = AgencyFactory(slug="large", preset="kcpd")
    fill_agency(large, persons=2000, peers=1000)
    counts = {}
    for agency in (small, large):
        client = login(member(agency, Role.OFFICER))
        url = f"/{agency.slug}/on-call/"
        _, rendered = _get(client, url)
        _, cached = _get(client, url)
        cached_queries = cached
        counts[agency.slug] = (len(rendered), len(cached))
    # One page of the rest, chosen in SQL: the page read asks for 25 rows of the thousand.
    assert any("LIMIT 25" in sql for sql in rendered)
    assert counts["small"] == counts["large"]
    rendered, cached = counts["large"]
    assert cached < rendered
    # From the cache, whatever the team's size: only the account (with the second factor the
    # sign-in verified) and its roles are read.
    read = {sql.split(" FROM ", 1)[1].split()[0] for sql in cached_queries}
    assert read == {'"agencies_user"', '"otp_totp_totpdevice"', '"agencies_membership"'}


@pytest.mark.django_db
def test_a_second_officer_is_served_the_first_ones_page_without_reading_the_team(
    kcpd, officer, login
):
    ShiftFactory(peer__agency=kcpd, peer__person__first_name="Olivia")
    PeerFactory(agency=kcpd, person__first_name="Oscar")
    first, queries = _get(officer)
    assert _reads_the_team(queries)
    second, queries = _get(login(member(kcpd, Role.OFFICER, username="officer.two")))
    assert not _reads_the_team(queries)
    assert "Olivia" in second and "Oscar" in second
    # The officers' pages differ only in what names the one who asks (the menu, the account).
    section = first[first.index("On call now</h1>") : first.index("Clinical, EAP")]
    assert section.replace("officer.kcpd", "") in second.replace("officer.two", "")


@pytest.mark.django_db
def test_another_page_of_the_team_is_its_own_entry(kcpd, officer):
    PeerFactory.create_batch(30, agency=kcpd)
    first, _ = _get(officer)
    second, queries = _get(officer, "/kcpd/on-call/?page=2")
    assert _reads_the_team(queries)
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    # The cached section keeps no query parameter of whoever rendered it.
    third, _ = _get(officer, "/kcpd/on-call/?page=2&x=injected")
    assert "injected" not in third


def _cached_then(agency, client, change, *, shows: str = "", hides: str = "") -> None:
    before, _ = _get(client)
    _, queries = _get(client)
    assert not _reads_the_team(queries), "the page was not served from the cache"
    with tenant_db.agency_scope(agency.pk):  # as the page that makes the change runs it
        change()
    after, queries = _get(client)
    assert _reads_the_team(queries)
    if shows:
        assert shows not in before and shows in after
    if hides:
        assert hides in before and hides not in after


@pytest.mark.django_db
def test_a_directory_change_shows_at_once(kcpd, officer, coordinator):
    peer = ShiftFactory(peer__agency=kcpd, peer__person__first_name="Olivia").peer
    person = peer.person

    def rename():
        person.first_name = "Octavia"
        people.save_person(person=person, actor=coordinator, previous_flags=set(person.flags()))

    _cached_then(kcpd, officer, rename, shows="Octavia")


@pytest.mark.django_db
def test_a_directory_import_shows_at_once(kcpd, officer, coordinator):
    from roster.services import directory_csv

    ShiftFactory(
        peer__agency=kcpd, peer__person__employee_number="1001", peer__person__last_name="Old"
    )
    text = "employee_number,first_name,last_name\n1001,Olivia,Imported\n"

    def imported():
        staged = directory_csv.stage_import(
            agency=kcpd, user=coordinator, filename="people.csv", text=text
        )
        directory_csv.apply_import(staged=staged, actor=coordinator)

    _cached_then(kcpd, officer, imported, shows="Olivia Imported")


@pytest.mark.django_db
def test_a_flag_that_bars_call_outs_shows_at_once(kcpd, officer, coordinator):
    person = ShiftFactory(peer__agency=kcpd, peer__person__first_name="Olivia").peer.person

    def leave():
        previous = set(person.flags())
        person.administrative_leave = True
        people.save_person(person=person, actor=coordinator, previous_flags=previous)

    _cached_then(kcpd, officer, leave, hides="Olivia")


@pytest.mark.django_db
def test_a_status_change_shows_at_once(kcpd, officer, coordinator):
    peer = PeerFactory(agency=kcpd, person__first_name="Oscar")
    roles = frozenset({Role.COORDINATOR})

    def removed():
        team.change_status(
            peer=peer, to=PeerStatus.REMOVED, actor=coordinator, roles=roles, reason="Left"
        )

    _cached_then(kcpd, officer, removed, hides="Oscar")


@pytest.mark.django_db
def test_a_team_role_shows_at_once(kcpd, officer, coordinator):
    peer = PeerFactory(agency=kcpd, person__first_name="Oscar")
    with tenant_db.system_scope():
        role = TeamRole.objects.for_agency(kcpd).first()

    def lead():
        team.set_team_role(peer=peer, team_role=role, station="North", actor=coordinator)

    _cached_then(kcpd, officer, lead, shows=role.label)


@pytest.mark.django_db
@time_machine.travel(NOON.timestamp(), tick=False)
def test_a_new_shift_and_a_deleted_one_show_at_once(kcpd, login, coordinator):
    officer = login(member(kcpd, Role.OFFICER))  # signed in at the travelled-to time
    peer = PeerFactory(agency=kcpd, person__first_name="Oscar")

    def on_call():
        oncall.add_shifts(peer=peer, start_day=NOON.date(), start_time=time(8),
                          end_time=time(20), repeat_weeks=1, actor=coordinator)  # fmt: skip

    _cached_then(
        kcpd, officer, on_call, shows='<ul class="list-group mb-4" aria-label="On call now">'
    )
    with tenant_db.system_scope():
        shift = OnCallShift.objects.get(peer=peer)
    _cached_then(
        kcpd,
        officer,
        lambda: oncall.delete_shift(shift=shift, actor=coordinator),
        hides='aria-label="On call now"',
    )


@pytest.mark.django_db
def test_availability_shows_at_once(kcpd, officer):
    peer = ShiftFactory(peer__agency=kcpd).peer
    until = datetime.now(CHICAGO) + timedelta(hours=3)
    _cached_then(
        kcpd,
        officer,
        lambda: oncall.set_availability(peer=peer, unavailable_until=until),
        shows="Not available until",
    )


@pytest.mark.django_db
def test_a_policy_change_shows_at_once(kcpd, officer, coordinator):
    PeerFactory(agency=kcpd)
    policy = kcpd.policy

    def retitle():
        policy.peer_title = "Wellness Partner"
        save_policy(policy=policy, changed_fields=["peer_title"], actor=coordinator)

    _cached_then(kcpd, officer, retitle, shows="Every other Wellness Partner")


@pytest.mark.django_db
def test_the_version_changes_at_once_and_again_after_the_commit(
    kcpd, django_capture_on_commit_callbacks
):
    before = roster_version(kcpd.pk)
    assert roster_version(kcpd.pk) == before
    with django_capture_on_commit_callbacks(execute=True):
        roster_changed(kcpd.pk)
        during = roster_version(kcpd.pk)
    after = roster_version(kcpd.pk)
    # The second change drops what another request rendered from the old rows in between.
    assert len({before, during, after}) == 3


@pytest.mark.django_db
@pytest.mark.system_scope  # changes rows behind the services' back
@override_settings(CACHES=LOCAL_MEMORY)  # its clock is time-machine's; Redis keeps its own
def test_the_cached_section_ends_at_the_next_shift_boundary(kcpd, login):
    start = NOON + timedelta(seconds=30)
    with time_machine.travel(NOON.timestamp(), tick=False) as traveller:
        officer = login(member(kcpd, Role.OFFICER))
        peer = ShiftFactory(
            peer__agency=kcpd, peer__person__first_name="Oscar", peer__person__phone="",
            starts_at=start, ends_at=start + timedelta(seconds=20),
        ).peer  # fmt: skip
        PeerFactory(agency=kcpd, person__first_name="Other")
        first, _ = _get(officer)
        assert 'aria-label="On call now"' not in first
        # Changed behind the services' back: only the entry's end can show it.
        Person.objects.filter(pk=peer.person_id).update(last_name="Renamed")
        traveller.shift(29)
        assert "Renamed" not in _get(officer)[0]
        traveller.shift(2)  # 12:00:31, Oscar's shift has begun
        page, _ = _get(officer)
        assert "Renamed" in page
        assert page.index("Oscar") < page.index("Every other")
        traveller.shift(20)  # 12:00:51, it has ended
        page, _ = _get(officer)
        assert page.index("Every other") < page.index("Oscar")


@pytest.mark.django_db
@pytest.mark.system_scope  # changes rows behind the services' back
@override_settings(CACHES=LOCAL_MEMORY)
def test_the_cached_section_ends_when_a_peer_is_back_and_after_a_minute_at_most(kcpd, login):
    with time_machine.travel(NOON.timestamp(), tick=False) as traveller:
        officer = login(member(kcpd, Role.OFFICER))
        peer = ShiftFactory(peer__agency=kcpd, peer__person__first_name="Oscar").peer
        Peer.objects.filter(pk=peer.pk).update(unavailable_until=NOON + timedelta(seconds=10))
        assert "Not available until" in _get(officer)[0]
        traveller.shift(11)
        assert "Not available until" not in _get(officer)[0]
        Person.objects.filter(pk=peer.person_id).update(last_name="Renamed")
        traveller.shift(lookup_cache.LONGEST_SECONDS - 1)
        assert "Renamed" not in _get(officer)[0]
        traveller.shift(2)
        assert "Renamed" in _get(officer)[0]


@pytest.mark.django_db
@override_settings(CACHES=LOCAL_MEMORY)
def test_the_cache_holds_nothing_that_names_the_officer_who_looked(kcpd, login):
    from django.core.cache import caches

    ShiftFactory(peer__agency=kcpd)
    user = member(kcpd, Role.OFFICER, username="officer.kcpd")
    user.first_name, user.last_name, user.email = "Ursula", "Viewer", "ursula@kcpd.example"
    user.save()
    client = login(user)
    store = caches["default"]._cache
    before = dict(store)
    _get(client)
    written = [pickle.loads(value) for key, value in store.items() if before.get(key) != value]
    assert written  # the team section and the agency's version
    for value in written:
        for name in ("officer.kcpd", "Ursula", "Viewer", "ursula@kcpd.example"):
            assert name not in str(value)


@needs_redis_server
@pytest.mark.django_db
def test_with_redis_killed_the_lookup_answers_and_shows_a_change_made_meanwhile(
    kcpd, officer, caplog
):
    peer = ShiftFactory(peer__agency=kcpd, peer__person__first_name="Olivia").peer
    with private_redis() as (server, port), override_settings(CACHES=cache_at(port)):
        assert "Olivia" in _get(officer)[0]
        assert cache.get(version_key(kcpd.pk))
        server.kill()
        server.wait(timeout=10)
        with tenant_db.agency_scope(kcpd.pk):
            oncall.set_availability(
                peer=peer, unavailable_until=datetime.now(CHICAGO) + timedelta(hours=2)
            )
        page, queries = _get(officer)
        assert "Not available until" in page
        assert _reads_the_team(queries)


@pytest.mark.django_db
def test_with_nothing_listening_for_the_cache_the_lookup_still_answers(kcpd, officer):
    ShiftFactory(peer__agency=kcpd, peer__person__first_name="Olivia")
    with override_settings(CACHES=cache_at(free_port())):
        for _ in range(2):
            page, queries = _get(officer)
            assert "Olivia" in page and _reads_the_team(queries)


@pytest.mark.django_db
def test_a_cache_that_raises_costs_a_render_not_the_page(kcpd, officer, monkeypatch, caplog):
    class Broken:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise RuntimeError("the cache is broken")

            return fail

    ShiftFactory(peer__agency=kcpd, peer__person__first_name="Olivia")
    from config import cache_versions

    monkeypatch.setattr(cache_versions, "cache", Broken())
    monkeypatch.setattr(lookup_cache, "cache", Broken())
    page, _ = _get(officer)
    assert "Olivia" in page
    assert "cache unreadable" in caplog.text
