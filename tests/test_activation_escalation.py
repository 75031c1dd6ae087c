"""Escalation calls the shortfall only (needed, less accepted, less those called within the wait
time who may still answer), after the wait; spares a peer on another assignment unless nobody
else is left; and whoever is no longer needed is told they are stood down."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from activations import tokens
from activations.models import Activation, CallOut, CallState, Status
from activations.services import activation as service
from activations.services.answers import respond
from activations.services.callouts import escalate_due
from agencies.choices import Role
from notifications.sms import LocmemSmsBackend
from tests.factories import AgencyFactory, PeerFactory, ShiftFactory, member
from tests.support.scopes import no_scope

pytestmark = pytest.mark.django_db
START = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def kcpd():
    agency = AgencyFactory(slug="kcpd", preset="kcpd")
    LocmemSmsBackend.outbox.clear()
    return agency


def peers(agency, names: list[str], *, on_call: bool = False):
    made = []
    for name in names:
        kwargs = {"person__last_name": name, "person__email": f"{name.lower()}@kcpd.example.org"}
        if on_call:
            made.append(
                ShiftFactory(
                    peer__agency=agency, **{f"peer__{k}": v for k, v in kwargs.items()}
                ).peer
            )
        else:
            made.append(PeerFactory(agency=agency, **kwargs))
    return made


def called_names(activation) -> list[str]:
    return list(
        CallOut.objects.filter(activation=activation)
        .order_by("id")
        .values_list("peer__person__last_name", flat=True)
    )


@pytest.mark.system_scope
def test_one_accepted_and_one_unanswered_after_the_wait_calls_one_more_not_two(
    kcpd, _clock, django_capture_on_commit_callbacks, open_activation
):
    peers(kcpd, ["Adams", "Baker"], on_call=True)
    peers(kcpd, ["Clark", "Davis", "Evans"])
    activation = open_activation(kcpd, incident="pursuit-crash", peers_needed=2)
    adams = CallOut.objects.get(activation=activation, peer__person__last_name="Adams")
    respond(callout=adams, accept=True)
    _clock.shift(timedelta(minutes=16))
    with (
        django_capture_on_commit_callbacks(execute=True),
        no_scope(),
    ):  # as a worker or the command line runs it
        assert escalate_due() == 1
    assert called_names(activation) == ["Adams", "Baker", "Clark"]


@pytest.mark.system_scope
def test_a_peer_called_within_the_wait_time_counts_as_still_coming(
    kcpd, _clock, django_capture_on_commit_callbacks, open_activation
):
    peers(kcpd, ["Adams", "Baker"], on_call=True)
    peers(kcpd, ["Clark", "Davis"])
    activation = open_activation(kcpd, incident="pursuit-crash", peers_needed=2)
    _clock.shift(timedelta(minutes=10))
    baker = CallOut.objects.get(activation=activation, peer__person__last_name="Baker")
    with django_capture_on_commit_callbacks(execute=True):
        respond(callout=baker, accept=False)  # Clark is called at once in Baker's place
    assert called_names(activation) == ["Adams", "Baker", "Clark"]
    _clock.shift(timedelta(minutes=6))  # the first wave's wait is over, Clark's is not
    with no_scope():  # as a worker or the command line runs it
        assert escalate_due() == 0
    assert called_names(activation) == ["Adams", "Baker", "Clark"]
    _clock.shift(timedelta(minutes=10))  # Adams and Clark have had their wait: two short
    with (
        django_capture_on_commit_callbacks(execute=True),
        no_scope(),
    ):  # as a worker or the command line runs it
        assert escalate_due() == 1
    assert called_names(activation) == ["Adams", "Baker", "Clark", "Davis"]


@pytest.mark.system_scope
def test_no_new_wave_before_the_policy_wait_time(kcpd, _clock, open_activation):
    peers(kcpd, ["Adams", "Baker"], on_call=True)
    peers(kcpd, ["Clark"])
    activation = open_activation(kcpd, incident="pursuit-crash", peers_needed=2)
    assert kcpd.policy.escalation_minutes == 15
    _clock.shift(timedelta(minutes=14, seconds=59))
    with no_scope():  # as a worker or the command line runs it
        assert escalate_due() == 0
    _clock.shift(timedelta(seconds=1))
    with no_scope():  # as a worker or the command line runs it
        assert escalate_due() == 1
    assert called_names(activation) == ["Adams", "Baker", "Clark"]


@pytest.mark.system_scope
def test_a_peer_on_another_open_assignment_is_called_only_when_nobody_else_is_left(
    kcpd, _clock, open_activation, login
):
    adams, _baker = peers(kcpd, ["Adams", "Baker"], on_call=True)
    (clark,) = peers(kcpd, ["Clark"])
    first = open_activation(kcpd, incident="pursuit-crash", peers_needed=1)
    respond(callout=CallOut.objects.get(activation=first, peer=adams), accept=True)
    second = open_activation(kcpd, incident="pursuit-crash", peers_needed=2)
    # Adams is on call but busy with the first: Baker and Clark are called before him.
    assert called_names(second) == ["Baker", "Clark"]
    respond(callout=CallOut.objects.get(activation=second, peer=clark), accept=False)
    busy = CallOut.objects.get(activation=second, peer=adams)
    assert busy.busy_elsewhere is True
    coordinator = member(kcpd, Role.COORDINATOR)
    page = login(coordinator).get(f"/kcpd/activations/{second.pk}/status/")
    assert "also on another activation: nobody else was left" in page.content.decode()


@pytest.mark.system_scope
def test_peers_who_never_answered_are_told_they_are_stood_down(
    kcpd, _clock, django_capture_on_commit_callbacks, open_activation, client
):
    adams, baker = peers(kcpd, ["Adams", "Baker"], on_call=True)
    peers(kcpd, ["Clark"])
    activation = open_activation(kcpd, incident="pursuit-crash", peers_needed=1)
    assert called_names(activation) == ["Adams"]
    _clock.shift(timedelta(minutes=16))
    with (
        django_capture_on_commit_callbacks(execute=True),
        no_scope(),
    ):  # as a worker or the command line runs it
        escalate_due()  # Baker called beside Adams
    mail.outbox.clear()
    LocmemSmsBackend.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        respond(callout=CallOut.objects.get(peer=baker), accept=True)
    adams_call = CallOut.objects.get(peer=adams)
    assert adams_call.state == CallState.CANCELLED
    stood_down = [m for m in mail.outbox if m.to == ["adams@kcpd.example.org"]]
    assert len(stood_down) == 1
    assert "stood down" in stood_down[0].body and "enough peers have accepted" in stood_down[0].body
    assert "Downtown" not in stood_down[0].body  # nothing of the incident
    assert any("stood down" in sms["body"] for sms in LocmemSmsBackend.outbox)
    link = f"/callouts/kcpd/{tokens.make(callout_id=adams_call.pk, agency_id=kcpd.pk)}/"
    page = client.get(link).content.decode()
    assert "You were stood down: enough peers accepted" in page
    assert "Your answer: Cancelled" not in page


@pytest.mark.system_scope
def test_closing_stands_down_and_tells_those_still_waiting(
    kcpd, _clock, django_capture_on_commit_callbacks, open_activation
):
    peers(kcpd, ["Adams", "Baker"], on_call=True)
    activation = open_activation(kcpd, incident="pursuit-crash", peers_needed=2)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        service.close(activation=activation, actor=member(kcpd, Role.COORDINATOR))
    assert Activation.objects.get(pk=activation.pk).status == Status.CLOSED
    bodies = sorted((m.to[0], m.body) for m in mail.outbox)
    assert [to for to, _ in bodies] == ["adams@kcpd.example.org", "baker@kcpd.example.org"]
    assert all("the activation is closed" in body for _, body in bodies)


@pytest.mark.system_scope
def test_adding_peers_past_fifty_is_refused_and_changes_nothing(kcpd, open_activation):
    from django.core.exceptions import ValidationError

    chief = member(kcpd, Role.COMMAND)
    activation = open_activation(kcpd, incident="pursuit-crash", peers_needed=2)
    Activation.objects.filter(pk=activation.pk).update(peers_needed=45)
    with pytest.raises(ValidationError, match="at most 50 peers"):
        service.add_peers(
            activation=activation, actor=chief, roles=frozenset({Role.COMMAND}), count=6,
            reason="Line-of-duty death",
        )  # fmt: skip
    assert Activation.objects.get(pk=activation.pk).peers_needed == 45
