"""The isolation sweep: every URL pattern of the product, requested with another agency's ids
filled in, by every role of this agency and by an anonymous visitor.

Under this agency's address with the other agency's object ids, a role that may use the page
gets 404 (the object is not found here); a role that may not use the page gets 403 before any
object is looked up, so it learns nothing about the id either. Under the other agency's address,
everyone here gets 404. An anonymous visitor is sent to sign in."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from activations.models import Activation, CallOut
from agencies.choices import Role
from agencies.models import Partnership
from agencies.permissions import can
from tests.factories import AgencyFactory
from tests.support.objects import one_of_everything
from usage_reports.models import UsageReport


def routes(patterns=None, prefix=""):
    """(route, url name, view) for every pattern, included ones too; the Django admin aside
    (the platform admin's own site, behind staff status and two-step sign-in)."""
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern).startswith("admin/"):
                continue
            yield from routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.name, p.callback


# For each page taking an object id: which of the other agency's objects to put in it.
OBJECT_OF = {
    "resource_edit": "resource", "resource_delete": "resource", "partner_answer": "partnership",
    "peer": "peer", "peer_status": "peer", "peer_agreement": "peer", "peer_training": "peer",
    "peer_memo": "peer", "peer_role": "peer", "peer_restore": "peer", "memo_decide": "memo",
    "application": "application", "application_interview": "application",
    "application_decide": "application", "person": "person", "people_import_confirm": "upload",
    "shift_delete": "shift", "retry": "message", "detail": "activation", "status": "activation",
    "approve": "activation", "decline": "activation", "close": "activation", "add": "activation",
    "external": "activation", "ask_partner": "activation",
    "partner_request_decide": "assistance", "edit": "usage", "withdraw": "usage",
    "run": "run", "run_publish": "run", "run_discard": "run", "request_decide": "reschedule",
    "missed_decide": "missed", "reschedule": "appointment", "explain": "missed",
    "provider_completed": "appointment", "provider_missed": "appointment",
    "remove_day_off": "day_off",
}  # fmt: skip
# Compensation's "approve" has no id; the activation's does.
NO_ID = {"approve"}


@pytest.fixture
def theirs(other_agency):
    """One of everything in the other agency (KCPD)."""
    return one_of_everything(other_agency, AgencyFactory(slug="third", preset="slmpd"))


def fill(route: str, name: str, slug: str, objects: dict) -> str:
    url = "/" + route.replace("<slug:agency_slug>", slug)
    if "<int:pk>" in url:
        key = OBJECT_OF[name]
        url = url.replace("<int:pk>", str(objects[key].pk))
    return url.replace("<slug:key>", "incident_types")


@pytest.mark.django_db
def test_every_page_with_an_id_is_mapped_to_an_object():
    unmapped = [
        (route, name)
        for route, name, _ in routes()
        if "<int:pk>" in route and name not in OBJECT_OF
    ]
    assert unmapped == []


@pytest.mark.django_db
@pytest.mark.system_scope
def test_no_page_shows_or_changes_another_agencys_objects(login, users, agency, other_agency,
                                                         theirs, client, capsys):  # fmt: skip
    tried = 0
    failures = []
    clients = {role: login(users[role]) for role in Role.values}
    for route, name, view in routes():
        if "<slug:agency_slug>" not in route:
            continue
        action = getattr(view, "required_action", None)
        for method in ("get", "post"):
            # This agency's address, the other agency's ids.
            if "<int:pk>" in route:
                url = fill(route, name, agency.slug, theirs)
                for role, c in clients.items():
                    status = getattr(c, method)(url).status_code
                    allowed = action is None or can(frozenset({role}), action, agency.policy)
                    expected = {404, 405} if allowed else {403, 405}
                    tried += 1
                    if status not in expected:
                        failures.append((method, url, role, status))
            # The other agency's address: nobody here is a member.
            url = fill(route, name, other_agency.slug, theirs)
            for role, c in clients.items():
                status = getattr(c, method)(url).status_code
                tried += 1
                if status not in {404, 405}:
                    failures.append((method, url, role, status))
            response = getattr(client, method)(url)
            tried += 1
            to_login = response.status_code == 302 and response.url.startswith("/accounts/login/")
            if not to_login and response.status_code != 405:
                failures.append((method, url, "anonymous", response.status_code))
    # The public call-out link of the other agency, under this agency's address.
    for c in [client, *clients.values()]:
        response = c.get(f"/callouts/{agency.slug}/{theirs['callout_token']}/")
        tried += 1
        if response.status_code not in {400, 404}:
            failures.append(("get", "callout link", "any", response.status_code))
    with capsys.disabled():
        print(f"\nisolation sweep: {tried} requests, {len(failures)} failures")
    assert failures == []
    assert CallOut.objects.get().state == "called"
    assert Activation.objects.get().status == "open"
    assert UsageReport.objects.count() == 1 and Partnership.objects.count() == 1
