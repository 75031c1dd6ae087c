"""The isolation sweep: every URL pattern of the product, requested with another agency's ids
filled in, by every role of this agency and by an anonymous visitor; one test per route and
method, named by its address, so a failure says which page leaks.

Under this agency's address with the other agency's object ids, a role that may use the page
gets 404 (the object is not found here); a role that may not use the page gets 403 before any
object is looked up, so it learns nothing about the id either. Under the other agency's address,
everyone here gets 404. An anonymous visitor is sent to sign in. After each route's requests,
every object of the other agency is as it was."""

import pytest
from django.db import transaction
from django.db.models import Model

from activations.models import Activation, CallOut
from agencies import tenant_db
from agencies.choices import Role
from agencies.models import Partnership
from agencies.permissions import can
from tests.factories import AgencyFactory, member
from tests.support.mfa import verified_client
from tests.support.objects import one_of_everything
from tests.support.routes import AGENCY, OBJECT_OF, agency_routes, fill, routes
from usage_reports.models import UsageReport

SWEPT = [
    pytest.param(route, name, getattr(view, "required_action", None), method,
                 id=f"{method.upper()} /{route.replace(AGENCY, 'clayton')}")
    for route, name, view in agency_routes()
    for method in ("get", "post")
]  # fmt: skip


def _snapshot(objects: dict) -> dict:
    """Every field of every one of the other agency's objects, read back from the database."""
    snapshot = {}
    for key, obj in objects.items():
        if isinstance(obj, Model):
            row = type(obj).objects.get(pk=obj.pk)
            snapshot[key] = {f.attname: getattr(row, f.attname) for f in obj._meta.concrete_fields}
    return snapshot


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, module_clock):
    """This agency (Clayton) with a signed-in member of each role, and one of everything in the
    other agency (KCPD). Built once for the module inside a transaction rolled back at its end;
    each test runs in a savepoint of its own inside it, as Django's setUpTestData does, so no
    test sees another's requests."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with tenant_db.system_scope():
                ours = AgencyFactory(slug="clayton", preset="clayton")
                theirs_agency = AgencyFactory(slug="kcpd", preset="kcpd")
                theirs = one_of_everything(theirs_agency, AgencyFactory(slug="third"))
                clients = {
                    role: verified_client(member(ours, role, username=f"{role}.clayton"))
                    for role in Role.values
                }
                built = {
                    "agency": ours, "policy": ours.policy, "other": theirs_agency,
                    "theirs": theirs, "clients": clients, "before": _snapshot(theirs),
                }  # fmt: skip
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_every_page_with_an_id_is_mapped_to_an_object():
    unmapped = [
        (route, name)
        for route, name, _ in routes()
        if "<int:pk>" in route and name not in OBJECT_OF
    ]
    assert unmapped == []


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name", "action", "method"), SWEPT)
def test_no_page_shows_or_changes_another_agencys_objects(world, client, record_property,
                                                         route, name, action, method):  # fmt: skip
    agency, other, theirs = world["agency"], world["other"], world["theirs"]
    tried, failures = 0, []
    # This agency's address, the other agency's ids.
    if "<int:pk>" in route:
        url = fill(route, name, agency.slug, theirs)
        for role, c in world["clients"].items():
            status = getattr(c, method)(url).status_code
            allowed = action is None or can(frozenset({role}), action, world["policy"])
            expected = {404, 405} if allowed else {403, 405}
            tried += 1
            if status not in expected:
                failures.append((role, url, status))
    # The other agency's address: nobody here is a member.
    url = fill(route, name, other.slug, theirs)
    for role, c in world["clients"].items():
        status = getattr(c, method)(url).status_code
        tried += 1
        if status not in {404, 405}:
            failures.append((role, url, status))
    response = getattr(client, method)(url)
    tried += 1
    to_login = response.status_code == 302 and response.url.startswith("/accounts/login/")
    if not to_login and response.status_code != 405:
        failures.append(("anonymous", url, response.status_code))
    record_property("isolation_requests", tried)
    record_property("isolation_failures", len(failures))
    assert failures == []
    with tenant_db.system_scope():
        assert _snapshot(theirs) == world["before"]


@pytest.mark.django_db
def test_another_agencys_call_out_link_is_refused_under_this_agencys_address(
    world, client, record_property
):
    link = f"/callouts/{world['agency'].slug}/{world['theirs']['callout_token']}/"
    statuses = {who: c.get(link).status_code for who, c in world["clients"].items()}
    statuses["anonymous"] = client.get(link).status_code
    record_property("isolation_requests", len(statuses))
    record_property("isolation_failures", sum(s not in {400, 404} for s in statuses.values()))
    assert {who: s for who, s in statuses.items() if s not in {400, 404}} == {}
    with tenant_db.system_scope():
        assert _snapshot(world["theirs"]) == world["before"]


@pytest.mark.django_db
def test_the_other_agencys_objects_are_the_ones_the_sweep_checks(world):
    """The snapshot each route's test compares is of what the sweep's requests could reach: the
    call-out still called, the activation open, one usage form and one partnership."""
    with tenant_db.system_scope():
        assert CallOut.objects.get().state == "called"
        assert Activation.objects.get().status == "open"
        assert UsageReport.objects.count() == 1 and Partnership.objects.count() == 1
        assert set(world["before"]) == {k for k in world["theirs"] if k != "callout_token"}
