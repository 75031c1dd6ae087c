"""A peer's answer to a call-out, standing down those no longer needed, and the time an accepted
call-out earns."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from activations.models import Activation, CallOut, CallState, Status, TimeEntry
from agencies import tenant_db
from agencies.choices import Compensation
from notifications.models import Channel
from notifications.services import cancel_for, queue

from .callouts import call_next, fill, lock, outstanding, tell_peers


@transaction.atomic
def respond(*, callout: CallOut, accept: bool) -> str:
    """The peer's answer, from the link or a text reply (sms_replies). Returns what happened,
    a key of `answer_words.told`. Concurrent answers to one activation queue on its row (see
    `lock`), so the limit holds and each answer sees the ones before it."""
    activation = lock(callout.activation_id)
    call = CallOut.objects.select_for_update().get(pk=callout.pk)
    if call.state in {CallState.ACCEPTED, CallState.DECLINED}:
        return f"already_{call.state}"
    if activation.status != Status.OPEN:
        return "closed"
    if call.state == CallState.CANCELLED:
        return "cancelled"
    call.responded_at = timezone.now()
    if not accept:
        call.state = CallState.DECLINED
        call.save(update_fields=["state", "responded_at"])
        cancel_for(subject=call, purposes=["callout"])
        if call.assistance_id:
            # A partner's peer who declines is replaced from the same partner first.
            call_next(activation, count=1, agency=call.peer.agency, assistance=call.assistance)
        fill(activation)
        return "declined"
    accepted, _ = outstanding(activation)
    if accepted >= activation.peers_needed:
        return "full"
    call.state = CallState.ACCEPTED
    call.save(update_fields=["state", "responded_at"])
    cancel_for(subject=call, purposes=["callout"])
    _after_accept(call)
    if accepted + 1 >= activation.peers_needed:
        stand_down(activation)
    return "accepted"


def stand_down(activation: Activation) -> int:
    """Those still waiting are no longer needed (enough accepted, or the activation closed):
    their call-outs end, unsent call-out messages are dropped, and each is told so, so that
    nobody sets out for an assignment that is filled. The caller holds the activation's lock."""
    # Only the call-outs are locked (`of`): a lent peer's row is the partner's, which this
    # agency may read but not lock, and locking it would leave that call-out out of the list.
    waiting = list(
        activation.callouts.filter(state=CallState.CALLED)
        .order_by("id")
        .select_for_update(of=("self",))
        .select_related("peer__person")
    )
    if not waiting:
        return 0
    CallOut.objects.filter(pk__in=[c.pk for c in waiting]).update(state=CallState.CANCELLED)
    for call in waiting:
        cancel_for(subject=call, purposes=["callout"])
    tell_peers(waiting, purpose="stood_down")
    return len(waiting)


def _after_accept(call: CallOut) -> None:
    # The peer's time and supervisor are the peer's agency's, a partner's for a lent peer.
    with tenant_db.agency_scope(call.peer.agency_id):
        _credit_peer(call)


def _credit_peer(call: CallOut) -> None:
    peer = call.peer
    policy = peer.agency.policy
    if policy.compensation != Compensation.NONE:
        TimeEntry.objects.create(
            agency=peer.agency,
            peer=peer,
            callout=call,
            kind=policy.compensation,
            started_at=call.responded_at,
        )
    boss = peer.person.commanding_officer
    if policy.peer_notifies_supervisor and boss is not None:
        queue(
            agency=peer.agency,
            purpose="supervisor_notice",
            subject=call,
            recipients=[("person", boss.pk, boss.full_name)],
            channels=[Channel.EMAIL],
        )


def settle_time(activation: Activation) -> None:
    """On close: each accepted peer's time runs from acceptance to close (at least half an hour,
    at most 24), rounded to the half hour; the coordinator may correct it."""
    for entry in TimeEntry.objects.filter(callout__activation=activation, hours__isnull=True):
        hours = (activation.closed_at - entry.started_at).total_seconds() / 3600
        halves = max(1, min(48, round(hours * 2)))
        entry.hours = Decimal(halves) / 2
        entry.save(update_fields=["hours"])
