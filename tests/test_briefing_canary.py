"""Issue 14, item 3: the briefing and the exact location never outlive the activation.

A canary briefing and location are typed into an activation that then goes through everything
that sends or stores something: a supervisor's request and the coordinator's approval, call-outs
by email and text, an escalation wave, an answer (and the supervisor's notice it brings), a
partner agency's request and approval, the stood-down notices and the close. Neither canary may
appear in any email or text sent (in memory or written to files), in any outbox row, in any log
line or Celery task argument, and after the close in no column of any table. Meanwhile the
called peers do see both on the call-out page, until the activation closes."""

import logging
from datetime import UTC, datetime, timedelta
from email import message_from_string

import pytest
import time_machine
from celery.signals import task_prerun
from django.core import mail
from django.db import connection
from django.urls import reverse

from activations import tokens
from activations.models import Activation, AssistanceRequest, CallOut, CallState, Status
from activations.services import activation as service
from activations.tasks import escalate_due_task
from agencies.choices import Role
from agencies.models import IncidentType, Partnership, Policy
from notifications.models import Message
from notifications.sms import LocmemSmsBackend
from tests.factories import AgencyFactory, PeerFactory, PersonFactory, ShiftFactory, member
from tests.support.scopes import no_scope

BRIEF = "CANARY-BRIEF-7f3a"
LOC = "CANARY-LOC-91c2"
CANARIES = (BRIEF, LOC)
BRIEFING = f"Member {BRIEF} (816-555-0142) was shot at; two officers at the scene."
LOCATION = f"Home of {LOC}, 12 Elm Street"
# A Wednesday afternoon in spring, away from any change of clocks.
START = datetime(2027, 4, 14, 15, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def joplin(db, clock):
    agency = AgencyFactory(slug="joplin", name="Joplin Police Department", preset="joplin")
    # The supervisor's notice is part of the flow too.
    Policy.objects.filter(agency=agency).update(peer_notifies_supervisor=True)
    return agency


@pytest.fixture
def slmpd(db, clock):
    return AgencyFactory(
        slug="slmpd", name="St. Louis Metropolitan Police Department", preset="slmpd"
    )


@pytest.fixture
def people(joplin, slmpd):
    Partnership.objects.create(proposer=joplin, partner=slmpd, accepted_at=START)
    boss = PersonFactory(agency=joplin, first_name="Sergeant", email="sgt@joplin.example.org")
    on_call = [
        ShiftFactory(
            peer__agency=joplin,
            peer__person__first_name=name,
            peer__person__last_name="Peer",
            peer__person__email=f"{name.lower()}@joplin.example.org",
            peer__person__phone=f"(417) 555-01{i}0",
            peer__person__commanding_officer=boss,
        ).peer
        for i, name in enumerate(["Ava", "Ben"])
    ]
    spare = PeerFactory(
        agency=joplin, person__first_name="Cal", person__email="cal@joplin.example.org"
    )
    lent = ShiftFactory(
        peer__agency=slmpd,
        peer__person__first_name="Dana",
        peer__person__email="dana@slmpd.example.org",
    ).peer
    return {
        "on_call": on_call,
        "spare": spare,
        "lent": lent,
        "officer": member(joplin, Role.OFFICER, username="officer.joplin"),
        "coordinator": member(joplin, Role.COORDINATOR, username="coordinator.joplin"),
        "deputy_chief": member(slmpd, Role.COMMAND, username="deputy.slmpd"),
    }


@pytest.fixture(params=["memory", "files"])
def backends(request, settings, tmp_path):
    """The in-memory backends, or the embedded default's files: every text that was sent."""
    LocmemSmsBackend.outbox.clear()
    if request.param == "files":
        settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
        settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
        settings.SMS_BACKEND = "notifications.sms.FileSmsBackend"
        settings.SMS_FILE_PATH = str(tmp_path / "sms")

        def sent() -> list[str]:
            # One message each: the mail backend appends to a file, with a line of dashes after
            # each message; the text backend writes a JSON line per text.
            raw = [
                text
                for path in sorted((tmp_path / "mail").iterdir())
                for text in path.read_text(encoding="utf-8").split("-" * 79 + "\n")
                if text.strip()
            ]
            # Each as written and as decoded (a quoted-printable body may cut a word in two).
            emails = [
                text + "\n" + message_from_string(text).get_payload(decode=True).decode()
                for text in raw
            ]
            texts = [
                line
                for path in sorted((tmp_path / "sms").iterdir())
                for line in path.read_text(encoding="utf-8").splitlines()
            ]
            return emails + texts

    else:

        def sent() -> list[str]:
            emails = [
                "\n".join([m.subject, m.body, *m.to, *(str(a) for a in m.attachments)])
                for m in mail.outbox
            ]
            return emails + [f"{s['to']}\n{s['body']}" for s in LocmemSmsBackend.outbox]

    return sent


@pytest.fixture
def task_arguments():
    """The arguments of every Celery task run (eagerly, in the test's process)."""
    seen: list[tuple[str, tuple, dict]] = []

    def record(sender=None, task=None, args=None, kwargs=None, **extra):
        seen.append((task.name, tuple(args or ()), dict(kwargs or {})))

    task_prerun.connect(record, weak=False)
    yield seen
    task_prerun.disconnect(record)


def table_values(*, exclude: set[str] = frozenset()) -> list[tuple[str, str]]:
    """(table, value) for every column of every row of every table in the database."""
    found = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table in exclude:
                continue
            cursor.execute(f"SELECT * FROM {quote(table)}")
            found.extend((table, str(value)) for row in cursor.fetchall() for value in row)
    return found


def where_canaries_are(values) -> set[str]:
    return {table for table, value in values if any(c in value for c in CANARIES)}


def link_for(call: CallOut) -> str:
    token = tokens.make(callout_id=call.pk, agency_id=call.agency_id)
    return reverse("activation_links:respond", args=[call.agency.slug, token])


def request_activation(client, joplin, callbacks):
    incident = IncidentType.objects.for_agency(joplin).get(code="deadly-force")
    form = {
        "incident_type": incident.pk,
        "occurred_at": "2027-04-14T09:40",
        "area": "Within the city",
        "location": LOCATION,
        "members_affected": 1,
        "peers_needed": 2,
        "briefing": BRIEFING,
    }
    with callbacks(execute=True):
        response = client.post("/joplin/activations/", form)
    assert response.status_code == 302, response.content.decode()[-3000:]
    return Activation.objects.get()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_canary_briefing_and_location_reach_no_message_log_or_task_and_no_table_after_close(
    login, client, joplin, slmpd, people, clock, backends, task_arguments, caplog,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    caplog.set_level(logging.DEBUG)
    callbacks = django_capture_on_commit_callbacks
    # A supervisor asks; the coordinator approves: Ava and Ben, on call, are called.
    activation = request_activation(login(people["officer"]), joplin, callbacks)
    assert activation.status == Status.REQUESTED
    with callbacks(execute=True):
        login(people["coordinator"]).post(
            reverse("activations:approve", args=["joplin", activation.pk])
        )
    assert set(CallOut.objects.values_list("peer__person__first_name", flat=True)) == {
        "Ava",
        "Ben",
    }
    # Nobody answers within the policy's minutes: the next wave calls Cal.
    clock.shift(timedelta(minutes=16))
    with callbacks(execute=True), no_scope():  # as a worker or the command line runs it
        escalate_due_task.delay()
    cal = CallOut.objects.get(peer=people["spare"])
    assert cal.wave == 2
    # Ava accepts from her link (her supervisor is told she is on an assignment).
    ava = CallOut.objects.get(peer=people["on_call"][0])
    with callbacks(execute=True):
        client.post(link_for(ava), {"answer": "accept"})
    assert CallOut.objects.get(pk=ava.pk).state == CallState.ACCEPTED
    # Joplin asks SLMPD for a peer; SLMPD's deputy chief approves and Dana is called.
    with callbacks(execute=True):
        login(people["coordinator"]).post(
            reverse("activations:ask_partner", args=["joplin", activation.pk]),
            {"partner": slmpd.pk, "count": 1},
        )
    request = AssistanceRequest.objects.get()
    partner_page = login(people["deputy_chief"]).get("/slmpd/activations/partner-requests/")
    assert "Within the city" in partner_page.content.decode()
    assert not any(c in partner_page.content.decode() for c in CANARIES)
    with callbacks(execute=True):
        login(people["deputy_chief"]).post(
            f"/slmpd/activations/partner-requests/{request.pk}/decide/", {"decision": "approve"}
        )
    dana = CallOut.objects.get(peer=people["lent"])
    # Before the close the canaries are where they belong, and the scan below finds them.
    assert where_canaries_are(table_values()) == {"activations_activation"}
    # The coordinator closes: Ben, Cal and Dana, who never answered, are stood down.
    clock.shift(timedelta(hours=2))
    with callbacks(execute=True):
        login(people["coordinator"]).post(
            reverse("activations:close", args=["joplin", activation.pk])
        )
    activation.refresh_from_db()
    assert activation.status == Status.CLOSED
    assert (activation.location, activation.briefing, activation.area) == (
        "",
        "",
        "Within the city",
    )

    sent = backends()
    purposes = set(Message.objects.values_list("purpose", flat=True))
    assert purposes == {
        "activation_request", "callout", "supervisor_notice", "assistance_request", "stood_down",
    }  # fmt: skip
    # Every notice went, but a text to the coordinator, who has no phone on file.
    unsent = Message.objects.exclude(state="sent")
    assert list(unsent.values_list("purpose", "channel", "state")) == [
        ("activation_request", "sms", "cancelled")
    ]
    for text in sent:
        assert not any(c in text for c in CANARIES), text
    # Every call-out (4 peers, email and text) went, with the type, the area and the link.
    callouts = [text for text in sent if "/callouts/joplin/" in text]
    assert len(callouts) == 8
    assert all("Within the city" in text for text in callouts)
    assert sum("stood down" in text for text in sent) == 6  # Ben, Cal, Dana; email and text
    for message in Message.objects.all():
        for field in Message._meta.concrete_fields:
            value = str(getattr(message, field.attname))
            assert not any(c in value for c in CANARIES), (field.name, value)
    lines = [r.getMessage() for r in caplog.records if not r.name.startswith("django.db")]
    assert not any(c in line for line in lines for c in CANARIES)
    assert {name for name, _, _ in task_arguments} >= {
        "notifications.deliver_messages",
        "activations.escalate_due",
    }
    for name, args, kwargs in task_arguments:
        # Ids only, one or a list of them (a delivery task's batch).
        ids = [
            a
            for value in [*args, *kwargs.values()]
            for a in (value if isinstance(value, list) else [value])
        ]
        assert all(isinstance(a, int) for a in ids), (name, args, kwargs)
    # After the close: in no table at all.
    assert where_canaries_are(table_values()) == set()
    # And the called peers' pages no longer show them.
    for call in (ava, cal, dana):
        page = client.get(link_for(call)).content.decode()
        assert not any(c in page for c in CANARIES)


@pytest.fixture
def opened(joplin, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return service.create(
            agency=joplin, actor=people["coordinator"], roles=frozenset({Role.COORDINATOR}),
            incident_type=IncidentType.objects.for_agency(joplin).get(code="deadly-force"),
            occurred_at=START - timedelta(hours=1), area="Within the city", location=LOCATION,
            members_affected=1, briefing=BRIEFING, peers_needed=2,
        )  # fmt: skip


def shows_canaries(response) -> bool:
    page = response.content.decode()
    return BRIEF in page and LOC in page


def shows_any(response) -> bool:
    return any(c in response.content.decode() for c in CANARIES)


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_called_peer_sees_the_briefing_and_location_on_the_page_until_the_close(
    client, login, opened, people, django_capture_on_commit_callbacks
):
    ava, ben = (CallOut.objects.get(peer=p) for p in people["on_call"])
    assert shows_canaries(client.get(link_for(ava)))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link_for(ava), {"answer": "accept"})
    assert "you are on this assignment" in response.content.decode()
    assert shows_canaries(response)  # an accepted peer still needs where to go
    coordinator_page = login(people["coordinator"]).get(f"/joplin/activations/{opened.pk}/")
    assert shows_canaries(coordinator_page)
    with django_capture_on_commit_callbacks(execute=True):
        login(people["coordinator"]).post(f"/joplin/activations/{opened.pk}/close/")
    for call in (ava, ben):
        page = client.get(link_for(call))
        assert page.status_code == 200 and not shows_any(page)
        assert "Within the city" in page.content.decode()
    coordinator_page = login(people["coordinator"]).get(f"/joplin/activations/{opened.pk}/")
    assert not shows_any(coordinator_page)
    assert "erased when the activation closed" in coordinator_page.content.decode()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_peer_who_declined_no_longer_sees_the_briefing_or_location(
    client, opened, people, django_capture_on_commit_callbacks
):
    ben = CallOut.objects.get(peer=people["on_call"][1])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link_for(ben), {"answer": "decline"})
    assert "You declined" in response.content.decode()
    assert not shows_any(response) and not shows_any(client.get(link_for(ben)))
    # The peer called in Ben's place sees them.
    assert shows_canaries(client.get(link_for(CallOut.objects.get(peer=people["spare"]))))


@pytest.mark.django_db
@pytest.mark.system_scope
def test_another_agencys_link_or_member_and_an_anonymous_visitor_see_neither(
    client, login, opened, people, slmpd
):
    ava = CallOut.objects.get(peer=people["on_call"][0])
    token = tokens.make(callout_id=ava.pk, agency_id=ava.agency_id)
    # This call-out's link under another agency's address, and another agency's link naming it.
    wrong_address = client.get(f"/callouts/slmpd/{token}/")
    theirs = tokens.make(callout_id=ava.pk, agency_id=slmpd.pk)
    their_link = client.get(f"/callouts/slmpd/{theirs}/")
    tampered = client.get(f"/callouts/joplin/{token[:-2]}xx/")
    for response in (wrong_address, their_link, tampered):
        assert response.status_code == 400 and not shows_any(response)
    detail = f"/joplin/activations/{opened.pk}/"
    anonymous = client.get(detail)
    assert anonymous.status_code == 302 and anonymous.url.startswith("/accounts/login/")
    outsider = member(slmpd, Role.COORDINATOR, username="coordinator.slmpd")
    assert login(outsider).get(detail).status_code == 404
    assert login(outsider).get(f"/slmpd/activations/{opened.pk}/").status_code == 404


@pytest.mark.django_db
@pytest.mark.system_scope
def test_declining_a_request_erases_its_location_and_briefing(
    login, joplin, people, django_capture_on_commit_callbacks
):
    activation = request_activation(
        login(people["officer"]), joplin, django_capture_on_commit_callbacks
    )
    assert (activation.location, activation.briefing) == (LOCATION, BRIEFING)
    login(people["coordinator"]).post(f"/joplin/activations/{activation.pk}/decline/")
    activation.refresh_from_db()
    assert activation.status == Status.DECLINED
    assert (activation.location, activation.briefing, activation.area) == (
        "",
        "",
        "Within the city",
    )
    assert where_canaries_are(table_values()) == set()
