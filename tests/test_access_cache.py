"""A signed-in user's agency and its policy come from the cache on every request after the first,
the roles from the database each time (agencies/access.py); anything that changes them shows on
the next request, and the cache holds nothing that tells who asked."""

import pickle
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from agencies import access, tenant_db
from agencies.choices import Role
from agencies.models import Membership, Policy, Resource
from agencies.services import grant_role, revoke_role, save_policy, save_resource
from config import cache_versions
from tests.factories import AgencyFactory, ResourceFactory, member
from tests.test_redis_down import cache_at, needs_redis_server, private_redis

LOOKUP = "/kcpd/on-call/"
NOON = datetime(2027, 2, 1, 12, tzinfo=ZoneInfo("America/Chicago"))
LOCAL_MEMORY = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture
def kcpd(db):
    return AgencyFactory(slug="kcpd", name="Kansas City Missouri Police Department", preset="kcpd")


@pytest.fixture
def officer_user(kcpd):
    return member(kcpd, Role.OFFICER, username="officer.kcpd")


@pytest.fixture
def officer(officer_user, login):
    return login(officer_user)


@pytest.fixture
def coordinator(kcpd):
    return member(kcpd, Role.COORDINATOR, username="coordinator.kcpd")


def _get(client, url=LOOKUP):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, [q["sql"] for q in queries.captured_queries]


def _reads_the_policy(queries: list[str]) -> bool:
    return any('"agencies_policy"' in sql for sql in queries)


@pytest.mark.django_db
def test_the_second_request_reads_the_policy_from_the_cache_and_the_roles_afresh(officer):
    first, queries = _get(officer)
    assert first.status_code == 200 and _reads_the_policy(queries)
    second, queries = _get(officer)
    assert second.status_code == 200 and not _reads_the_policy(queries)
    # The account and its roles are still read each time: a change to either counts at once.
    assert any('FROM "agencies_user"' in sql for sql in queries)
    assert any('FROM "agencies_membership"' in sql for sql in queries)


@pytest.mark.django_db
@override_settings(CACHES=LOCAL_MEMORY)
def test_the_cache_tells_nothing_of_who_asked(kcpd, officer_user, login):
    from django.core.cache import caches

    client = login(officer_user)
    store = caches["default"]._cache
    before = dict(store)
    assert _get(client)[0].status_code == 200
    written = [key for key, value in store.items() if before.get(key) != value]
    assert any(f"access-agency:{kcpd.pk}" in key for key in written)
    for key in written:  # each of them the agency's, whoever asks
        kept = ("access-", "roster-version:", "lookup-sections:", "page:lookup:")
        assert key.split(":", 2)[-1].startswith(kept), key
        assert "officer.kcpd" not in str(pickle.loads(store[key]))


@pytest.mark.django_db
def test_a_role_taken_away_is_refused_on_the_next_request(officer, officer_user, kcpd):
    assert _get(officer)[0].status_code == 200
    with tenant_db.agency_scope(kcpd.pk):
        membership = Membership.objects.for_agency(kcpd).get(user=officer_user)
        revoke_role(membership=membership, actor=None)
    _refused(officer)


def _refused(client) -> None:
    # A membership removed also ends the holder's sessions (security/signals.py).
    response, _ = _get(client)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_a_role_given_shows_on_the_next_request(officer, officer_user, kcpd):
    assert _get(officer, "/kcpd/roster/")[0].status_code == 403
    with tenant_db.agency_scope(kcpd.pk):
        grant_role(user=officer_user, agency=kcpd, role=Role.PEER)
    response, _ = _get(officer, "/kcpd/")
    assert Role.PEER in response.wsgi_request.roles


@pytest.mark.django_db
def test_a_deactivated_account_is_refused_though_its_roles_are_cached(officer, officer_user):
    assert _get(officer)[0].status_code == 200
    with tenant_db.system_scope():
        officer_user.is_active = False
        officer_user.save()
    _refused(officer)


@pytest.mark.django_db
def test_a_policy_edit_shows_on_the_next_request(officer, kcpd, coordinator):
    assert _get(officer)[0].status_code == 200
    with tenant_db.agency_scope(kcpd.pk):
        policy = kcpd.policy
        policy.program_name = "Wellness Partners Program"
        save_policy(policy=policy, changed_fields=["program_name"], actor=coordinator)
    response, _ = _get(officer)
    assert "Wellness Partners Program" in response.content.decode()


@pytest.mark.django_db
def test_an_agency_renamed_shows_on_the_next_request(officer, kcpd):
    assert _get(officer)[0].status_code == 200
    with tenant_db.system_scope():
        kcpd.name = "Kansas City Police"
        kcpd.save()
    assert _get(officer)[0].wsgi_request.agency.name == "Kansas City Police"


@pytest.mark.django_db
@pytest.mark.system_scope  # changes the policy behind the services' back
@override_settings(CACHES=LOCAL_MEMORY)  # its clock is time-machine's; Redis keeps its own
def test_a_change_made_around_the_orm_shows_after_a_minute_at_most(kcpd, officer_user, login):
    with time_machine.travel(NOON.timestamp(), tick=False) as traveller:
        officer = login(officer_user)
        assert _get(officer)[0].status_code == 200
        Policy.objects.filter(agency=kcpd).update(program_name="Renamed Program")
        traveller.shift(access.ENTRY_SECONDS - 1)
        assert _get(officer)[0].wsgi_request.policy.program_name != "Renamed Program"
        traveller.shift(2)
        assert _get(officer)[0].wsgi_request.policy.program_name == "Renamed Program"


@pytest.mark.django_db
def test_one_users_entry_never_answers_for_another(officer, kcpd, login):
    assert _get(officer)[0].status_code == 200
    stranger = login(member(AgencyFactory(slug="stl", preset="slmpd"), Role.OFFICER))
    assert _get(stranger)[0].status_code == 404


@pytest.mark.django_db
def test_the_version_changes_at_once_and_again_after_the_commit(
    kcpd, django_capture_on_commit_callbacks
):
    before = cache_versions.current(access.VERSION_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        access.access_changed()
        during = cache.get(access.VERSION_KEY)
    after = cache.get(access.VERSION_KEY)
    # The second change drops what another request read from the old rows in between.
    assert len({before, during, after}) == 3


@pytest.mark.django_db
def test_a_cache_that_raises_reads_the_database_and_answers(officer, monkeypatch, caplog):
    class Broken:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise RuntimeError("the cache is broken")

            return fail

    monkeypatch.setattr(cache_versions, "cache", Broken())
    monkeypatch.setattr(access, "cache", Broken())
    for _ in range(2):
        response, queries = _get(officer)
        assert response.status_code == 200 and _reads_the_policy(queries)
    assert "access: cache unreadable" in caplog.text


@needs_redis_server
@pytest.mark.django_db
def test_with_redis_killed_a_role_taken_away_meanwhile_is_refused(officer, officer_user, kcpd):
    with private_redis() as (server, port), override_settings(CACHES=cache_at(port)):
        assert _get(officer)[0].status_code == 200
        assert cache.get(access.VERSION_KEY) and cache.get(f"access-agency:{kcpd.pk}")
        server.kill()
        server.wait(timeout=10)
        with tenant_db.agency_scope(kcpd.pk):
            membership = Membership.objects.for_agency(kcpd).get(user=officer_user)
            revoke_role(membership=membership, actor=None)
        _refused(officer)


@pytest.mark.django_db
def test_a_resource_edited_shows_on_the_next_lookup(officer, kcpd, coordinator):
    resource = ResourceFactory(agency=kcpd, name="EAP line")
    assert "EAP line" in _get(officer)[0].content.decode()
    with tenant_db.agency_scope(kcpd.pk):
        resource.name = "Employee assistance, 24 hours"
        save_resource(resource=resource, actor=coordinator)
    page = _get(officer)[0].content.decode()
    assert "Employee assistance, 24 hours" in page and "EAP line" not in page


@pytest.mark.django_db
def test_a_resource_changed_in_the_admin_or_deleted_shows_on_the_next_lookup(officer, kcpd):
    resource = ResourceFactory(agency=kcpd, name="EAP line")
    assert "EAP line" in _get(officer)[0].content.decode()
    with tenant_db.system_scope():  # as the Django admin saves it: no service
        Resource.objects.create(agency=kcpd, kind=resource.kind, name="Chaplain")
    assert "Chaplain" in _get(officer)[0].content.decode()
    with tenant_db.system_scope():
        Resource.objects.filter(pk=resource.pk).delete()
    assert "EAP line" not in _get(officer)[0].content.decode()
