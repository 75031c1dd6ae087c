"""Where the audit log learns an outcome (issue 16, item 6): the service that makes a write
records it, "done" in the write's own transaction and a refusal or failure after its rollback;
a page that sends a form back says so itself; the middleware records only a denied page and an
export, and never reads Django's message queue to guess."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import RequestFactory
from django.urls import get_resolver

from agencies import services, tenant_db
from agencies.choices import Role
from agencies.models import Resource
from security import audit
from security.models import AuditEvent
from tests.factories import ResourceFactory
from tests.support.audit import (
    ROOT,
    agency_url_names,
    audited_codes,
    call,
    code_base_files,
    entries,
    outcomes,
)

# The agency's pages that only show something (an export of one is the middleware's to record).
READ_ONLY = {
    "activations:detail", "activations:partner_requests", "activations:status", "agencies:home",
    "agencies:policy", "agencies:program", "agencies:resource_list", "checkins:compliance",
    "checkins:export", "checkins:mine", "checkins:provider", "checkins:requests", "checkins:run",
    "notifications:outbox", "roster:application", "roster:applications", "roster:lookup",
    "roster:peer", "roster:people", "roster:people_export", "roster:print", "roster:team",
    "security:audit", "security:lockouts", "usage_reports:all", "usage_reports:compensation",
    "usage_reports:evaluation", "usage_reports:mine", "usage_reports:privacy",
    "usage_reports:quarterly", "usage_reports:stats",
}  # fmt: skip


class Boom(Exception):
    pass


def _new_resource(agency, **fields) -> Resource:
    return Resource(agency=agency, kind="hotline", phone="(800) 555-0100", **fields)


@pytest.mark.django_db
def test_a_write_rolled_back_after_the_service_leaves_no_done(agency, users):
    with pytest.raises(Boom), tenant_db.agency_scope(agency.pk), transaction.atomic():
        services.save_resource(
            resource=_new_resource(agency, name="Helpline"), actor=users["admin"]
        )
        assert outcomes("agencies:resource_new") == ["done"]  # in the write's transaction
        raise Boom
    assert outcomes("agencies:resource_new") == []
    assert not Resource.objects.filter(name="Helpline").exists()


@pytest.mark.django_db
def test_a_refusal_is_recorded_though_the_write_is_rolled_back(agency, users):
    refused = call(
        agency,
        services.save_resource,
        resource=_new_resource(agency, name=""),
        actor=users["admin"],
    )
    assert isinstance(refused, ValidationError)
    assert entries("agencies:resource_new") == [("refused", "", users["admin"].pk)]
    assert not Resource.objects.filter(name="").exists()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_service_that_fails_midway_records_a_failure_and_keeps_none_of_its_write(
    agency, users, monkeypatch
):
    def broken(policy):
        raise RuntimeError("the due dates could not be computed")

    monkeypatch.setattr(services, "_due_dates_follow", broken)
    policy = agency.policy
    policy.program_name = "Renamed"
    with pytest.raises(RuntimeError), tenant_db.agency_scope(agency.pk):
        services.save_policy(policy=policy, changed_fields=["program_name"], actor=users["admin"])
    assert outcomes("agencies:settings") == ["failed"]
    agency.policy.refresh_from_db()
    assert agency.policy.program_name != "Renamed"


@pytest.mark.django_db
def test_a_service_records_the_address_of_the_request_it_runs_in_and_none_in_a_task(agency, users):
    request = RequestFactory().post("/", REMOTE_ADDR="10.9.8.7")
    with audit.in_request(request):
        call(agency, services.save_resource, resource=_new_resource(agency, name="One"),
             actor=users["admin"])  # fmt: skip
    call(agency, services.save_resource, resource=_new_resource(agency, name="Two"),
         actor=users["admin"])  # fmt: skip
    with tenant_db.system_scope():
        addresses = AuditEvent.objects.filter(action="agencies:resource_new").order_by("id")
        assert list(addresses.values_list("address", flat=True)) == ["10.9.8.7", None]


@pytest.mark.django_db
def test_a_deleted_row_keeps_its_id_in_the_entry_and_a_new_row_gets_its_own(agency, users):
    made = call(agency, services.save_resource, resource=_new_resource(agency, name="New"),
                actor=users["admin"])  # fmt: skip
    pk = made.pk
    call(agency, services.delete_resource, resource=made, actor=users["admin"])
    assert entries("agencies:resource_new") == [("done", str(pk), users["admin"].pk)]
    assert entries("agencies:resource_delete") == [("done", str(pk), users["admin"].pk)]


# Through the pages: one entry for each thing done, whoever knows its outcome.


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_change_made_on_a_page_is_recorded_once_by_its_service(login, users, agency):
    admin = login(users[Role.ADMIN])
    data = {"kind": "hotline", "name": "Crisis line", "phone": "(800) 555-0100"}
    response = admin.post("/clayton/program/resources/new/", data, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    made = Resource.objects.get(name="Crisis line")
    assert entries("agencies:resource_new") == [("done", str(made.pk), users[Role.ADMIN].pk)]
    with tenant_db.system_scope():
        assert AuditEvent.objects.get(action="agencies:resource_new").address == "10.1.2.3"


@pytest.mark.django_db
def test_a_refusal_the_service_makes_on_a_page_is_recorded_once(login, users, agency):
    login(users[Role.ADMIN]).post("/clayton/partners/", {"partner": "clayton"})
    assert outcomes("agencies:partners") == ["refused"]


@pytest.mark.django_db
def test_a_form_the_page_sends_back_is_recorded_as_refused_by_the_page(login, users, agency):
    response = login(users[Role.ADMIN]).post("/clayton/program/resources/new/", {"name": ""})
    assert response.status_code == 200
    assert outcomes("agencies:resource_new") == ["refused"]


@pytest.mark.django_db
def test_a_page_the_role_may_not_use_is_recorded_denied_once(login, users, agency):
    login(users[Role.OFFICER]).post("/clayton/settings/", {"checkin_interval_years": "4"})
    assert outcomes("agencies:settings") == ["denied"]


@pytest.mark.django_db
@pytest.mark.system_scope
def test_another_agencys_object_is_recorded_denied_once(login, users, agency, other_agency):
    theirs = ResourceFactory(agency=other_agency)
    login(users[Role.ADMIN]).post(f"/clayton/program/resources/{theirs.pk}/delete/")
    assert entries("agencies:resource_delete") == [("denied", str(theirs.pk), users["admin"].pk)]
    assert Resource.objects.filter(pk=theirs.pk).exists()


@pytest.mark.django_db
def test_a_denial_the_service_makes_is_not_recorded_again_by_the_middleware(login, users):
    response = login(users[Role.COORDINATOR]).post(
        "/clayton/reports/compensation/days-off/999/remove/"
    )
    assert response.status_code == 404
    assert entries("usage_reports:remove_day_off") == [("denied", "999", users["coordinator"].pk)]


@pytest.mark.django_db
def test_reading_a_page_records_nothing(login, users):
    admin = login(users[Role.ADMIN])
    before = AuditEvent.objects.count()
    for page in ["/clayton/settings/", "/clayton/program/resources/", "/clayton/partners/"]:
        assert admin.get(page).status_code == 200
    assert AuditEvent.objects.count() == before


def test_the_middleware_never_reads_djangos_message_queue():
    source = (ROOT / "security" / "middleware.py").read_text()
    assert not re.search(r"_messages|_queued_messages", source)
    # Nor does any view leave it a guess to read: the outcome is recorded where it is known.
    for path in code_base_files():
        text = path.read_text()
        assert "_queued_messages" not in text and "audit_outcome" not in text, path


def test_every_page_that_changes_something_has_a_service_audited_under_its_name():
    pages = set(agency_url_names(get_resolver().url_patterns))
    changes = pages - READ_ONLY
    assert len(changes) > 40
    assert sorted(changes - audited_codes()) == [], "audit the service these pages call"
    assert sorted(audited_codes() - pages) == []  # a code is the name of the page it is done on
