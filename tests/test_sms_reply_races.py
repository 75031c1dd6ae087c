"""Replies by text racing for the last place, as two phones would send them: threads released
together, each with its own PostgreSQL connection, under row-level security. The answer goes
through the same service as the link, so the activation's lock makes them queue: one is on the
assignment, the other is told it was filled, and no retry was needed."""

import logging

import pytest
from django.db import connection
from django.utils import timezone

from activations.models import Activation, CallOut, CallState, Status
from activations.services import sms_replies
from agencies.models import IncidentType
from tests.factories import AgencyFactory, PeerFactory
from tests.support.races import run_together
from tests.support.scopes import built

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks and deadlocks are PostgreSQL's"
    ),
]
ROUNDS = 4
FILLED = {
    "Peer Support Team: You were stood down: enough peers accepted. Your answer is not needed.",
    "Peer Support Team: Enough peers have already accepted. Thank you.",
}


@pytest.fixture
def retries(caplog):
    caplog.set_level(logging.WARNING, logger="agencies.transient")
    return lambda: sum("Transient database error" in r.getMessage() for r in caplog.records)


@built
def last_place_between_two(agency, peers) -> tuple[Activation, list[CallOut]]:
    """An activation needing one more peer, and two called for it, each with their code."""
    activation = Activation.objects.create(
        agency=agency, incident_type=IncidentType.objects.filter(agency=agency).first(),
        occurred_at=timezone.now(), location="Downtown", members_affected=1, peers_needed=1,
        status=Status.OPEN, opened_at=timezone.now(), last_wave_at=timezone.now(),
    )  # fmt: skip
    calls = [
        CallOut.objects.create(
            agency=agency, activation=activation, peer=peer, reply_code=f"{4821 + i}"
        )
        for i, peer in enumerate(peers)
    ]
    return activation, calls


@built
def states_of(activation: Activation) -> list[str]:
    return sorted(CallOut.objects.filter(activation=activation).values_list("state", flat=True))


def test_two_peers_replying_y_at_once_for_the_last_place_give_it_to_one(retries):
    agency = AgencyFactory(slug="kcpd", preset="kcpd")
    numbers = ["+18165550142", "+18165550143"]
    peers = [PeerFactory(agency=agency, person__phone=n) for n in numbers]
    outcomes: dict[str, int] = {}
    for _ in range(ROUNDS):
        activation, calls = last_place_between_two(agency, peers)
        results = run_together(
            agency.pk,
            *(
                lambda n=n, c=c: sms_replies.answer(from_number=n, body=f"Y {c.reply_code}")
                for n, c in zip(numbers, calls, strict=True)
            ),
        )
        assert all(kind == "ok" for kind, _ in results), results
        texts = [text for _, text in results]
        won = [t for t in texts if "you are on this assignment" in t]
        lost = [t for t in texts if t in FILLED]
        assert len(won) == 1 and len(lost) == 1, texts
        assert states_of(activation) == [CallState.ACCEPTED, CallState.CANCELLED]
        outcomes[lost[0]] = outcomes.get(lost[0], 0) + 1
    print(f"Y || Y for the last place x{ROUNDS}: the other told {outcomes}, retries={retries()}")
    assert retries() == 0
