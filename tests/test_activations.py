from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from activations import tokens
from activations.models import Activation, CallOut, CallState, TimeEntry
from activations.services import activation as service
from activations.services.callouts import escalate_due
from agencies.choices import Role
from agencies.models import IncidentType
from notifications.models import Message
from notifications.sms import LocmemSmsBackend
from roster.models import Person
from tests.factories import AgencyFactory, PeerFactory, PersonFactory, ShiftFactory, member
from tests.support.scopes import built, no_scope


@pytest.fixture(autouse=True)
def _clear_sms():
    LocmemSmsBackend.outbox.clear()


@pytest.fixture
def kcpd(db):
    return AgencyFactory(slug="kcpd", name="Kansas City Missouri Police Department", preset="kcpd")


@pytest.fixture
def team(kcpd):
    """Two peers on call now and one more active, each with a supervisor on file."""
    boss = PersonFactory(agency=kcpd, first_name="Sergeant", email="sgt@kcpd.example.org")
    on_call = [
        ShiftFactory(
            peer__agency=kcpd,
            peer__person__commanding_officer=boss,
            peer__person__first_name=name,
            peer__person__email=f"{name.lower()}@kcpd.example.org",
            peer__person__phone=f"(816) 555-01{i}0",
        ).peer
        for i, name in enumerate(["Ava", "Ben"])
    ]
    spare = PeerFactory(
        agency=kcpd,
        person__first_name="Cal",
        person__commanding_officer=boss,
        person__email="cal@kcpd.example.org",
    )
    return {"on_call": on_call, "spare": spare, "boss": boss}


@pytest.fixture
def coordinator(kcpd):
    return member(kcpd, Role.COORDINATOR, username="coordinator.kcpd")


@pytest.fixture
def chief(kcpd):
    return member(kcpd, Role.COMMAND, username="chief.kcpd")


@built
def pursuit(kcpd):
    return IncidentType.objects.for_agency(kcpd).get(code="pursuit-crash")


def activate(client, kcpd, callbacks, **extra):
    data = {
        "incident_type": pursuit(kcpd).pk,
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "area": "Within Kansas City",
        "location": "I-435 near Front Street",
        "members_affected": 2,
        "peers_needed": 2,
        "briefing": "Pursuit ended in a crash; two officers at the scene.",
        **extra,
    }
    with callbacks(execute=True):
        return client.post("/kcpd/activations/", data)


def link_for(call) -> str:
    return reverse(
        "activation_links:respond",
        args=[call.agency.slug, tokens.make(callout_id=call.pk, agency_id=call.agency_id)],
    )


@pytest.mark.django_db
@pytest.mark.system_scope
def test_coordinator_activates_for_a_pursuit_crash_and_the_on_call_peers_get_email_and_sms(
    login, kcpd, team, coordinator, django_capture_on_commit_callbacks
):
    response = activate(login(coordinator), kcpd, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    activation = Activation.objects.get()
    assert activation.status == "open"
    assert activation.area == "Within Kansas City"
    called = {c.peer for c in activation.callouts.all()}
    assert called == set(team["on_call"])
    assert sorted(m.to[0] for m in mail.outbox) == ["ava@kcpd.example.org", "ben@kcpd.example.org"]
    assert len(LocmemSmsBackend.outbox) == 2
    assert "/callouts/kcpd/" in LocmemSmsBackend.outbox[0]["body"]
    # The messages say the type, the general area and the link; never the location or briefing.
    for body in [m.body for m in mail.outbox] + [s["body"] for s in LocmemSmsBackend.outbox]:
        assert "Pursuit ending in death" in body and "Within Kansas City" in body
        assert "Front Street" not in body and "Pursuit ended in a crash" not in body
    assert set(Message.objects.values_list("state", flat=True)) == {"sent"}


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_decline_calls_the_next_peer_and_an_accept_tells_the_supervisor_only_that(
    client, login, kcpd, team, coordinator, django_capture_on_commit_callbacks
):
    activate(login(coordinator), kcpd, django_capture_on_commit_callbacks)
    ava, ben = (CallOut.objects.get(peer=p) for p in team["on_call"])
    mail.outbox.clear()
    assert client.get(link_for(ava)).status_code == 200
    assert CallOut.objects.get(pk=ava.pk).state == CallState.CALLED  # a GET answers nothing
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link_for(ava), {"answer": "decline"})
    assert CallOut.objects.get(pk=ava.pk).state == CallState.DECLINED
    cal = CallOut.objects.get(peer=team["spare"])
    assert cal.state == CallState.CALLED
    assert [m.to for m in mail.outbox] == [["cal@kcpd.example.org"]]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link_for(ben), {"answer": "accept"})
    assert "you are on this assignment" in response.content.decode()
    notice = mail.outbox[0]
    assert notice.to == ["sgt@kcpd.example.org"]
    assert "is on a Peer Support Team assignment" in notice.body
    assert "Pursuit" not in notice.body and "Front Street" not in notice.body
    assert TimeEntry.objects.get(callout=ben).kind == "overtime"


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_third_peer_needs_the_command_role_and_a_reason(
    kcpd, team, coordinator, chief, django_capture_on_commit_callbacks, open_activation
):
    from django.core.exceptions import PermissionDenied, ValidationError

    activation = open_activation(kcpd, actor=coordinator, incident="pursuit-crash", peers_needed=2)
    with pytest.raises(PermissionDenied, match="only Chief of Police or designee"):
        service.add_peers(
            activation=activation,
            actor=coordinator,
            roles=frozenset({Role.COORDINATOR}),
            count=1,
            reason="busy night",
        )
    with pytest.raises(ValidationError, match="Say why"):
        service.add_peers(
            activation=activation, actor=chief, roles=frozenset({Role.COMMAND}), count=1, reason=""
        )
    with django_capture_on_commit_callbacks(execute=True):
        service.add_peers(
            activation=activation,
            actor=chief,
            roles=frozenset({Role.COMMAND}),
            count=1,
            reason="Three families affected",
        )
    activation.refresh_from_db()
    assert activation.peers_needed == 3
    assert activation.limit_override_reason == "Three families affected"
    assert activation.limit_override_by == chief
    assert CallOut.objects.filter(peer=team["spare"]).exists()


@pytest.mark.django_db
def test_opening_with_more_than_the_limit_is_refused_for_the_coordinator(
    login, kcpd, team, coordinator, django_capture_on_commit_callbacks
):
    response = activate(
        login(coordinator), kcpd, django_capture_on_commit_callbacks, peers_needed=3
    )
    assert "at most 2 peers per incident" in response.content.decode()
    assert not Activation.objects.exists()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_delivering_the_same_activation_twice_gives_one_message_per_recipient(
    kcpd, team, coordinator, django_capture_on_commit_callbacks, open_activation
):
    from activations.services.callouts import fill
    from notifications.services import deliver, due_ids

    activation = open_activation(kcpd, actor=coordinator, incident="pursuit-crash", peers_needed=2)
    with django_capture_on_commit_callbacks(execute=True):
        fill(activation)  # a second run finds nothing missing
        for call in activation.callouts.all():
            from notifications.services import queue

            queue(
                agency=kcpd,
                purpose="callout",
                subject=call,
                recipients=[("person", call.peer.person_id, "")],
                channels=["email", "sms"],
            )
    for pk in Message.objects.values_list("pk", flat=True):
        deliver(pk)
    assert Message.objects.count() == 4
    assert len(mail.outbox) == 2 and len(LocmemSmsBackend.outbox) == 2
    assert due_ids() == []


@pytest.mark.django_db
@pytest.mark.parametrize("problem", ["tampered", "expired", "other_agency"])
@pytest.mark.system_scope
def test_a_bad_link_gets_a_clear_page_and_changes_nothing(
    client, kcpd, team, coordinator, problem, open_activation
):
    import time_machine

    open_activation(kcpd, actor=coordinator, incident="pursuit-crash", peers_needed=2)
    call = CallOut.objects.first()
    url = link_for(call)
    if problem == "tampered":
        url = url[:-6] + "abcde/"
        expected = "not a valid call-out link"
    elif problem == "other_agency":
        AgencyFactory(slug="clayton", preset="clayton")
        url = url.replace("/callouts/kcpd/", "/callouts/clayton/")
        expected = "does not belong to this agency"
    else:
        expected = "It has expired"
    with time_machine.travel(timezone.now() + timedelta(hours=25 if problem == "expired" else 0)):
        response = client.post(url, {"answer": "accept"})
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert CallOut.objects.get(pk=call.pk).state == CallState.CALLED


@pytest.mark.django_db
@pytest.mark.system_scope
def test_after_closing_the_location_and_briefing_are_gone_from_the_database(
    login, kcpd, team, coordinator, django_capture_on_commit_callbacks
):
    from django.db import connection

    client = login(coordinator)
    activate(
        client, kcpd, django_capture_on_commit_callbacks,
        briefing="UNIQUE-BRIEFING-7731", location="UNIQUE-LOCATION-7732",
    )  # fmt: skip
    activation = Activation.objects.get()
    activation.involved_peers.add(team["spare"])
    client.post(reverse("activations:close", args=["kcpd", activation.pk]))
    activation.refresh_from_db()
    assert activation.status == "closed"
    assert (activation.briefing, activation.location) == ("", "")
    assert activation.area == "Within Kansas City"  # the general area stays
    assert activation.involved_peers.count() == 0
    with connection.cursor() as cursor:
        for model in __import__("django.apps").apps.apps.get_models():
            cursor.execute(f'SELECT * FROM "{model._meta.db_table}"')
            rows = repr(cursor.fetchall())
            assert "UNIQUE-BRIEFING-7731" not in rows and "UNIQUE-LOCATION-7732" not in rows


@pytest.mark.django_db
@pytest.mark.system_scope
def test_escalation_calls_the_next_peer_then_alerts_the_coordinator(
    kcpd, team, coordinator, django_capture_on_commit_callbacks, open_activation
):
    import time_machine

    coordinator.email = "coordinator@kcpd.example.org"
    coordinator.save()
    activation = open_activation(kcpd, actor=coordinator, incident="pursuit-crash", peers_needed=2)
    with no_scope():  # as a worker or the command line runs it
        assert escalate_due() == 0  # not yet: the policy's minutes have not passed
    later = timezone.now() + timedelta(minutes=16)
    with (
        time_machine.travel(later),
        django_capture_on_commit_callbacks(execute=True),
        no_scope(),
    ):  # as a worker or the command line runs it
        escalate_due()
    assert CallOut.objects.filter(peer=team["spare"]).exists()
    mail.outbox.clear()
    with (
        time_machine.travel(later + timedelta(minutes=16)),
        django_capture_on_commit_callbacks(execute=True),
        no_scope(),
    ):  # as a worker or the command line runs it
        escalate_due()
    assert [m.to for m in mail.outbox] == [["coordinator@kcpd.example.org"]]
    assert "nobody else is left to call" in mail.outbox[0].body
    assert Activation.objects.get(pk=activation.pk).exhausted_at is not None


@pytest.mark.django_db
@pytest.mark.system_scope
def test_suspended_ineligible_and_involved_peers_are_never_called(
    kcpd, team, coordinator, open_activation
):
    ava, ben = team["on_call"]
    ava.callouts_suspended = True
    ava.save()
    Person.objects.filter(pk=team["spare"].person_id).update(criminal_investigation=True)
    activation = open_activation(
        kcpd, actor=coordinator, incident="pursuit-crash", peers_needed=2, involved=[ben]
    )
    assert activation.callouts.count() == 0
    assert activation.exhausted_at is not None


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_type_that_needs_consent_asks_for_it(
    login, kcpd, team, coordinator, django_capture_on_commit_callbacks
):
    illness = IncidentType.objects.for_agency(kcpd).get(code="member-illness-injury")
    response = activate(
        login(coordinator), kcpd, django_capture_on_commit_callbacks, incident_type=illness.pk
    )
    assert "express permission" in response.content.decode()
    assert not Activation.objects.exists()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_supervisor_request_waits_for_the_coordinator(
    login, kcpd, team, chief, coordinator, django_capture_on_commit_callbacks
):
    response = activate(login(chief), kcpd, django_capture_on_commit_callbacks)
    activation = Activation.objects.get()
    assert response.status_code == 302 and activation.status == "requested"
    assert activation.callouts.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        login(coordinator).post(reverse("activations:approve", args=["kcpd", activation.pk]))
    assert Activation.objects.get().status == "open"
    assert CallOut.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_peer_sees_accepted_assignments_on_their_page(
    client, login, kcpd, team, coordinator, django_capture_on_commit_callbacks
):
    activate(login(coordinator), kcpd, django_capture_on_commit_callbacks)
    ava = team["on_call"][0]
    call = CallOut.objects.get(peer=ava)
    client.post(link_for(call), {"answer": "accept"})
    user = member(kcpd, Role.PEER, username="peer.kcpd")
    Person.objects.filter(pk=ava.person_id).update(user=user)
    text = login(user).get("/kcpd/me/").content.decode()
    assert "My assignments" in text
    assert "Pursuit ending in death or serious bodily injury" in text
