"""Races on one activation, run as they happen: threads released together, each with its own
PostgreSQL connection, under row-level security. Every change takes the activation's row first,
so they queue instead of deadlocking; the loser is told what won, and nothing is half-written.

No retry may hide a deadlock here: each test also asserts that no transient-error retry was
logged."""

import logging
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone

from activations import tokens
from activations.models import Activation, CallOut, CallState, Status
from activations.services import activation as service
from activations.services.answers import respond
from activations.services.callouts import escalate
from agencies.choices import Role
from agencies.models import IncidentType
from notifications.models import Message, State
from tests.factories import AgencyFactory, PeerFactory, member
from tests.support.races import run_together
from tests.support.scopes import built

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks and deadlocks are PostgreSQL's"
    ),
]
ROUNDS = 4


@pytest.fixture
def retries(caplog):
    """Transient-error retries logged while the test ran: none may be needed."""
    caplog.set_level(logging.WARNING, logger="agencies.transient")

    def count() -> int:
        return sum("Transient database error" in r.getMessage() for r in caplog.records)

    return count


@pytest.fixture
def kcpd(db):
    agency = AgencyFactory(slug="kcpd", preset="kcpd")
    return {
        "agency": agency,
        "coordinator": member(agency, Role.COORDINATOR),
        "type": IncidentType.objects.get(agency=agency, code="pursuit-crash"),
    }


@built
def new_activation(kcpd, *, status: str = Status.OPEN, needed: int = 2) -> Activation:
    return Activation.objects.create(
        agency=kcpd["agency"], incident_type=kcpd["type"], occurred_at=timezone.now(),
        location="Downtown", members_affected=1, briefing="Brief", peers_needed=needed,
        status=status, opened_at=timezone.now() if status == Status.OPEN else None,
        last_wave_at=timezone.now() if status == Status.OPEN else None,
    )  # fmt: skip


@built
def called(activation: Activation, n: int) -> list[CallOut]:
    """n peers already called for it, as successive waves would have."""
    agency = activation.agency
    return [
        CallOut.objects.create(
            agency=agency, activation=activation, peer=PeerFactory(agency=agency)
        )
        for _ in range(n)
    ]


def answer(call: CallOut, choice: str) -> Callable[[], int]:
    """The peer's POST from the call-out link, through the view, as the phone sends it."""
    link = (
        f"/callouts/{call.agency.slug}/{tokens.make(callout_id=call.pk, agency_id=call.agency_id)}/"
    )

    def post() -> int:
        return Client().post(link, {"answer": choice}).status_code

    return post


@pytest.mark.system_scope
def test_twenty_peers_accepting_at_once_give_exactly_the_limit_and_stand_the_rest_down(
    kcpd, retries
):
    activation = new_activation(kcpd, needed=2)
    calls = called(activation, 20)
    results = run_together(kcpd["agency"].pk, *(answer(c, "accept") for c in calls))
    errors = [r for r in results if r != ("ok", 200)]
    states = list(CallOut.objects.filter(activation=activation).values_list("state", flat=True))
    stood_down = Message.objects.filter(purpose="stood_down").count()
    print(
        f"20 concurrent accepts: errors={len(errors)} accepted={states.count('accepted')} "
        f"stood_down={states.count('cancelled')} still_called={states.count('called')} "
        f"stood_down_notices={stood_down} retries={retries()}"
    )
    assert errors == []
    assert states.count(CallState.ACCEPTED) == 2
    assert states.count(CallState.CANCELLED) == 18
    assert stood_down == 18 * 2  # each stood-down peer told by email and text, once
    assert retries() == 0


@pytest.mark.system_scope
def test_approve_and_decline_at_once_one_wins_and_the_other_is_told(kcpd, retries):
    PeerFactory.create_batch(3, agency=kcpd["agency"])
    outcomes = {"approved": 0, "declined": 0}
    who, roles = kcpd["coordinator"], frozenset({Role.COORDINATOR})
    for _ in range(ROUNDS):
        activation = new_activation(kcpd, status=Status.REQUESTED)
        approve, decline = run_together(
            kcpd["agency"].pk,
            lambda a=activation: service.approve(activation=a, actor=who, roles=roles),
            lambda a=activation: service.decline(activation=a, actor=who, roles=roles),
        )
        [(winner, _)] = [
            (name, r) for name, r in (("approved", approve), ("declined", decline)) if r[0] == "ok"
        ]
        loser = decline if winner == "approved" else approve
        assert loser[0] == "error" and isinstance(loser[1], ValidationError)
        assert "a moment ago" in loser[1].messages[0]
        outcomes[winner] += 1
        activation.refresh_from_db()
        calls = CallOut.objects.filter(activation=activation).count()
        if winner == "approved":
            assert activation.status == Status.OPEN and activation.opened_at is not None
            assert calls == 2 and activation.closed_at is None
        else:
            assert activation.status == Status.DECLINED and activation.opened_at is None
            assert calls == 0 and activation.briefing == ""
            assert not Message.objects.filter(
                subject_type="activations.callout", state=State.PENDING
            ).exists()
        CallOut.objects.filter(activation=activation).delete()
    print(f"approve || decline x{ROUNDS}: {outcomes}, both won=0, retries={retries()}")
    assert retries() == 0


@pytest.mark.system_scope
def test_close_and_accept_at_once_leave_a_closed_activation_with_nobody_waiting(kcpd, retries):
    outcomes: dict[str, int] = {}
    for _ in range(ROUNDS):
        activation = new_activation(kcpd, needed=2)
        first, _second = called(activation, 2)
        closed, accepted = run_together(
            kcpd["agency"].pk,
            lambda a=activation: service.close(activation=a, actor=kcpd["coordinator"]),
            lambda c=first: respond(callout=c, accept=True),
        )
        assert closed[0] == "ok" and accepted in {("ok", "accepted"), ("ok", "closed")}
        first.refresh_from_db()
        outcomes[first.state] = outcomes.get(first.state, 0) + 1
        activation.refresh_from_db()
        assert activation.status == Status.CLOSED and activation.briefing == ""
        states = set(CallOut.objects.filter(activation=activation).values_list("state", flat=True))
        assert CallState.CALLED not in states
        if first.state == CallState.ACCEPTED:
            assert first.time_entry.hours is not None  # settled by the close that came after
    print(f"close || accept x{ROUNDS}: peer's call ended {outcomes}, retries={retries()}")
    assert retries() == 0


@pytest.mark.system_scope
def test_two_closes_at_once_close_it_once_and_tell_the_other_it_was_closed(kcpd, retries):
    activation = new_activation(kcpd, needed=2)
    called(activation, 2)
    who = kcpd["coordinator"]
    results = run_together(
        kcpd["agency"].pk,
        lambda: service.close(activation=activation, actor=who),
        lambda: service.close(activation=activation, actor=who),
    )
    oks = [r for r in results if r[0] == "ok"]
    errors = [r[1] for r in results if r[0] == "error"]
    notices = Message.objects.filter(purpose="stood_down").count()
    print(f"close || close: ok={len(oks)} told={len(errors)} stood_down_notices={notices}")
    assert len(oks) == 1
    assert [e.messages for e in errors] == [["This activation was already closed."]]
    assert notices == 2 * 2
    assert retries() == 0


@pytest.mark.system_scope
def test_two_escalation_sweeps_at_once_call_one_wave(kcpd, retries):
    activation = new_activation(kcpd, needed=2)
    PeerFactory.create_batch(6, agency=kcpd["agency"])
    Activation.objects.filter(pk=activation.pk).update(
        last_wave_at=timezone.now() - timedelta(hours=1)
    )
    results = run_together(
        kcpd["agency"].pk, lambda: escalate(activation.pk), lambda: escalate(activation.pk)
    )
    calls = CallOut.objects.filter(activation=activation).count()
    print(f"escalate || escalate: results={[r[1] for r in results]} called={calls}")
    assert sorted(r[1] for r in results) == [0, 1]
    assert calls == 2  # the shortfall, once
    assert retries() == 0
