"""Every usage-report page with an insider of each role, a member of another agency and an
anonymous visitor; the privacy page; and the canary: a name typed anywhere is kept nowhere."""

import logging
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from agencies.choices import Role
from agencies.models import IncidentType, InterventionType
from notifications.tasks import sweep_outbox
from tests.factories import PeerFactory, member
from tests.support.canary import database_mentions
from tests.support.grid import Page, role_grid
from tests.support.scopes import no_scope
from usage_reports import privacy
from usage_reports.models import UsageReport

PAGES = [
    Page("usage_reports:all", "usage.read"),
    Page("usage_reports:file", "usage.file"),
    Page("usage_reports:mine", "usage.file"),
    Page("usage_reports:stats", "stats.view"),
    Page("usage_reports:quarterly", "reports.view"),
    Page("usage_reports:evaluation", "reports.view"),
    Page("usage_reports:compensation", "compensation.view"),
    Page("usage_reports:privacy", "privacy.view"),
    Page("usage_reports:edit", "usage.file", obj="report"),
    Page("usage_reports:withdraw", "usage.file", obj="report", method="post", ok=302),
]


@pytest.fixture
def peer_record(agency, users):
    return PeerFactory(agency=agency, person__user=users[Role.PEER])


@pytest.fixture
def report(agency, peer_record):
    return UsageReport.objects.create(
        agency=agency, peer=peer_record, served_at=timezone.now(), duration_minutes=30,
        incident_type=IncidentType.objects.for_agency(agency).first(),
        intervention_type=InterventionType.objects.for_agency(agency).first(),
        contact_mode="phone", on_duty=True,
    )  # fmt: skip


@pytest.fixture
def objects(report):
    """The peer's own form: the pages without an id need the peer's record only."""
    return {"report": report}


class TestRoles(role_grid(PAGES, objects="objects")):
    pass


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["edit", "withdraw"])
@pytest.mark.system_scope
def test_another_agencys_peer_gets_404_for_a_form(login, other_agency, report, action):
    outsider = member(other_agency, Role.PEER)
    PeerFactory(agency=other_agency, person__user=outsider)
    url = reverse(f"usage_reports:{action}", args=[other_agency.slug, report.pk])
    assert login(outsider).post(url).status_code == 404
    assert UsageReport.objects.filter(pk=report.pk).exists()


@pytest.mark.django_db
def test_every_model_says_whom_it_is_about_on_the_privacy_page():
    assert privacy.unclassified() == []


@pytest.mark.django_db
def test_the_privacy_page_is_read_from_the_models(login, users, agency):
    page = login(users[Role.OFFICER]).get("/clayton/privacy/").content.decode()
    for field in privacy.usage_form_fields():
        assert field in page
    assert "employee number" in page  # the directory line, from roster.Person
    assert "Who a peer helped." in page


CANARY = "Zebulon Quixote-Canary"


@pytest.mark.django_db(transaction=True)
@pytest.mark.system_scope
def test_a_name_typed_into_every_usage_input_is_kept_nowhere(
    login, agency, users, peer_record, report, caplog, monkeypatch
):
    """Every input of every form of the usage reports, and extra fields, carry a unique name;
    afterwards it is in no table, no log line and no task sent to Celery."""
    from celery.app.task import Task

    sent = []
    real = Task.apply_async
    monkeypatch.setattr(
        Task,
        "apply_async",
        lambda self, *a, **kw: sent.append(repr((a, kw))) or real(self, *a, **kw),
    )
    caplog.set_level(logging.DEBUG)
    peer = login(users[Role.PEER])
    coordinator = login(users[Role.COORDINATOR])
    fields = ["served_at", "duration_minutes", "incident_type", "intervention_type",
              "contact_mode", "on_duty", "activation", "follow_up_days", "name", "notes",
              "member", "badge", "unit", "location", "comment"]  # fmt: skip
    everything = {f: CANARY for f in fields}
    valid = {
        "served_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "duration_minutes": "30",
        "incident_type": report.incident_type_id, "intervention_type": report.intervention_type_id,
        "contact_mode": "phone", "on_duty": "yes", "follow_up_days": "3",
    }  # fmt: skip
    for field in fields:
        # One bad field at a time (the rest valid), and every field bad at once.
        peer.post("/clayton/usage/new/", {**valid, field: CANARY, "extra": CANARY})
        peer.post(f"/clayton/usage/{report.pk}/edit/", {**valid, field: CANARY})
    peer.post("/clayton/usage/new/", everything)
    peer.post("/clayton/usage/new/", {**valid, "name": CANARY, "notes": CANARY})
    peer.post(f"/clayton/usage/{report.pk}/withdraw/", {"reason": CANARY})
    for url in ["/clayton/statistics/", "/clayton/reports/quarterly/", "/clayton/usage/",
                "/clayton/reports/compensation/", "/clayton/reports/evaluation/"]:  # fmt: skip
        coordinator.get(url, {"period": CANARY, "format": CANARY, "page": CANARY})
    coordinator.post("/clayton/reports/compensation/approve/", {"report": CANARY, "period": CANARY})
    assert UsageReport.objects.count() >= 2  # the valid forms went in
    with (
        time_machine.travel(timezone.now() + timedelta(days=3, minutes=5)),
        no_scope(),
    ):  # as a worker or the command line runs it
        sweep_outbox()  # the reminders come due and go through Celery
    assert sent
    assert database_mentions("Quixote") == []
    assert "Quixote" not in caplog.text
    assert not [s for s in sent if "Quixote" in s]
