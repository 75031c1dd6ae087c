"""Calling peers: who is called, in what order, and what happens when they answer."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from activations.models import Activation, CallOut, CallState, Status, TimeEntry
from agencies import tenant_db
from agencies.choices import Compensation, Role
from agencies.models import Membership
from notifications.models import Channel
from notifications.services import cancel_for, queue
from roster.models import OnCallShift, Peer

PEER_CHANNELS = [Channel.EMAIL, Channel.SMS]


def outstanding(activation: Activation) -> tuple[int, int]:
    """(accepted, still waiting for an answer)."""
    states = list(activation.callouts.values_list("state", flat=True))
    return states.count(CallState.ACCEPTED), states.count(CallState.CALLED)


def candidates(activation: Activation, *, agency=None) -> list[Peer]:
    """Peers who may be called next: on call now first, then other available active peers;
    never one taken off call-outs, ineligible, already called, or involved in the incident."""
    agency = agency or activation.agency
    now = timezone.now()
    on_call = Exists(
        OnCallShift.objects.filter(peer=OuterRef("pk"), starts_at__lte=now, ends_at__gt=now)
    )
    peers = (
        Peer.objects.for_agency(agency)
        .reachable(agency.policy)
        .exclude(callouts__activation=activation)
        .exclude(pk__in=activation.involved_peers.values("pk"))
        .exclude(unavailable_until__gt=now)
        .annotate(on_call=on_call)
        .select_related("person")
        .order_by("-on_call", "person__last_name", "person__first_name")
    )
    return list(peers)


def call_next(activation: Activation, *, count: int, agency=None, assistance=None) -> list[CallOut]:
    """Call up to `count` more peers; each gets email and SMS through the outbox."""
    if count <= 0 or activation.status != Status.OPEN:
        return []
    # A partner's peers are chosen in the partner's scope, and called in the activation's:
    # the call-outs, their notices and the wave are the asking agency's rows.
    with tenant_db.agency_scope((agency or activation.agency).pk):
        chosen = candidates(activation, agency=agency)[:count]
    with tenant_db.agency_scope(activation.agency_id):
        last = activation.callouts.order_by("-wave").values_list("wave", flat=True).first()
        calls = [
            CallOut.objects.create(
                agency=activation.agency,
                activation=activation,
                peer=peer,
                wave=(last or 0) + 1,
                on_call=peer.on_call,
                assistance=assistance,
            )
            for peer in chosen
        ]
        for call in calls:
            queue(
                agency=activation.agency,
                purpose="callout",
                subject=call,
                recipients=[("person", call.peer.person_id, call.peer.person.full_name)],
                channels=PEER_CHANNELS,
            )
        activation.last_wave_at = timezone.now()
        activation.save(update_fields=["last_wave_at"])
    return calls


def fill(activation: Activation) -> list[CallOut]:
    """Call as many peers as are still missing; when there is nobody left to call, alert the
    coordinators (once)."""
    accepted, waiting = outstanding(activation)
    missing = activation.peers_needed - accepted - waiting
    calls = call_next(activation, count=missing)
    if missing > 0 and len(calls) < missing and waiting == 0 and not activation.exhausted_at:
        activation.exhausted_at = timezone.now()
        activation.save(update_fields=["exhausted_at"])
        alert_coordinators(activation, purpose="coordinator_alert")
    return calls


def alert_coordinators(activation: Activation, *, purpose: str) -> None:
    members = (
        Membership.objects.for_agency(activation.agency)
        .filter(role=Role.COORDINATOR)
        .select_related("user")
    )
    recipients = [("user", m.user_id, m.user.get_full_name() or m.user.username) for m in members]
    if recipients:
        queue(
            agency=activation.agency,
            purpose=purpose,
            subject=activation,
            recipients=recipients,
            channels=[Channel.EMAIL, Channel.SMS],
        )


def escalation_due() -> list[tuple[int, int]]:
    """(activation id, agency id) of open activations a full escalation period past their last
    wave. Run every minute by beat, in every agency."""
    now = timezone.now()
    return [
        (activation.pk, activation.agency_id)
        for activation in Activation.objects.filter(status=Status.OPEN).select_related(
            "agency__policy"
        )
        if activation.last_wave_at
        and now - activation.last_wave_at
        >= timedelta(minutes=activation.agency.policy.escalation_minutes)
    ]


@transaction.atomic
def escalate(activation_id: int) -> int:
    """Call the next peers of an activation still short of them; safe to run twice."""
    locked = Activation.objects.select_for_update().get(pk=activation_id)
    accepted, _ = outstanding(locked)
    if accepted >= locked.peers_needed:
        return 0
    # Those who have not answered still may; the next peers are called beside them.
    missing = locked.peers_needed - accepted
    calls = call_next(locked, count=missing)
    if not calls and not locked.exhausted_at:
        locked.exhausted_at = timezone.now()
        locked.save(update_fields=["exhausted_at"])
        alert_coordinators(locked, purpose="coordinator_alert")
    return 1


def escalate_due() -> int:
    """Every escalation that is due, each in its own transaction."""
    return sum(escalate(activation_id) for activation_id, _ in escalation_due())


@transaction.atomic
def respond(*, callout: CallOut, accept: bool) -> str:
    """The peer's answer from the link. Returns what happened, in words for the page."""
    call = (
        CallOut.objects.select_for_update()
        .select_related("activation", "peer__person")
        .get(pk=callout.pk)
    )
    activation = call.activation
    if activation.status != Status.OPEN:
        return "closed"
    if call.state in {CallState.ACCEPTED, CallState.DECLINED}:
        return f"already_{call.state}"
    if call.state == CallState.CANCELLED:
        return "cancelled"
    if not accept:
        call.state = CallState.DECLINED
        call.responded_at = timezone.now()
        call.save()
        if call.assistance_id:
            # A partner's peer who declines is replaced from the same partner first.
            call_next(activation, count=1, agency=call.peer.agency, assistance=call.assistance)
        fill(activation)
        return "declined"
    accepted, _ = outstanding(activation)
    if accepted >= activation.peers_needed:
        return "full"
    call.state = CallState.ACCEPTED
    call.responded_at = timezone.now()
    call.save()
    _after_accept(call)
    if accepted + 1 >= activation.peers_needed:
        # Enough peers: the others still waiting are stood down.
        for other in activation.callouts.filter(state=CallState.CALLED):
            other.state = CallState.CANCELLED
            other.save(update_fields=["state"])
            cancel_for(subject=other)
    return "accepted"


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
