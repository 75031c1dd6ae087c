"""Calling peers: who is called, in what order, and the waves that follow when too few answer."""

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from activations import reply_codes
from activations.models import Activation, CallOut, CallState, Status
from agencies import tenant_db
from agencies.selectors import members_who_may
from agencies.transient import retry_transient
from notifications.models import Channel
from notifications.services import queue, queue_each
from roster.models import Peer

log = logging.getLogger(__name__)

PEER_CHANNELS = [Channel.EMAIL, Channel.SMS]
# A call-out also goes by web push to the peer's subscribed devices (none: no row).
CALLOUT_CHANNELS = [*PEER_CHANNELS, Channel.PUSH]


def lock(activation_id: int) -> Activation:
    """Every change to an activation or its call-outs takes the activation's row first (and
    only then call-outs, by id): concurrent answers, closes and escalations queue behind each
    other instead of deadlocking, and each re-checks the state it finds."""
    return Activation.objects.select_for_update().get(pk=activation_id)


def outstanding(activation: Activation, *, called_since: datetime | None = None) -> tuple[int, int]:
    """(accepted, still waiting for an answer); with `called_since`, only those called since
    then count as waiting: the others have had the policy's wait time and not answered."""
    rows = list(activation.callouts.values_list("state", "called_at"))
    accepted = sum(1 for state, _ in rows if state == CallState.ACCEPTED)
    waiting = sum(
        1
        for state, called_at in rows
        if state == CallState.CALLED and (called_since is None or called_at > called_since)
    )
    return accepted, waiting


def candidates(activation: Activation, *, agency=None) -> list[Peer]:
    """Peers who may be called next: on call now first, then other available active peers;
    never one taken off call-outs, ineligible, already called, or involved in the incident.
    Each carries `busy`: already on another open activation's assignment."""
    agency = agency or activation.agency
    busy = Exists(
        CallOut.objects.filter(
            peer=OuterRef("pk"), state=CallState.ACCEPTED, activation__status=Status.OPEN
        ).exclude(activation=activation)
    )
    peers = (
        Peer.objects.for_agency(agency)
        .reachable(agency.policy)
        .exclude(callouts__activation=activation)
        .exclude(pk__in=activation.involved_peers.values("pk"))
        .with_on_call(timezone.now())
        .filter(away=False)
        .annotate(busy=busy)
        .select_related("person")
        .order_by("-on_call", "person__last_name", "person__first_name")
    )
    return list(peers)


def _choose(pool: list[Peer], count: int) -> list[Peer]:
    # A peer already on another assignment is called only when nobody else is left.
    free = [p for p in pool if not p.busy]
    return (free + [p for p in pool if p.busy])[:count]


def call_next(activation: Activation, *, count: int, agency=None, assistance=None) -> list[CallOut]:
    """Call up to `count` more peers; each gets email and SMS through the outbox."""
    if count <= 0 or activation.status != Status.OPEN:
        return []
    # A partner's peers are chosen in the partner's scope, and called in the activation's:
    # the call-outs, their notices and the wave are the asking agency's rows.
    with tenant_db.agency_scope((agency or activation.agency).pk):
        chosen = _choose(candidates(activation, agency=agency), count)
    with tenant_db.agency_scope(activation.agency_id):
        last = activation.callouts.order_by("-wave").values_list("wave", flat=True).first()
        calls = _create_with_codes(
            [
                CallOut(
                    agency=activation.agency,
                    activation=activation,
                    peer=peer,
                    wave=(last or 0) + 1,
                    on_call=peer.on_call,
                    busy_elsewhere=peer.busy,
                    assistance=assistance,
                )
                for peer in chosen
            ]
        )
        tell_peers(calls, purpose="callout")
        activation.last_wave_at = timezone.now()
        activation.save(update_fields=["last_wave_at"])
    return calls


CODE_ATTEMPTS = 5


def _create_with_codes(calls: list[CallOut]) -> list[CallOut]:
    """Save the call-outs, each with a reply code that none of its peer's open call-outs has.
    The codes this scope can see are avoided; a lent peer's open call-out in a third agency, or
    one made at the same moment for another activation (whose lock this does not hold), is met
    by the database's constraint instead, and the batch is tried again with new codes: with a
    peer's few open call-outs among 9,000 codes that is rare, and twice in a row rarer still."""
    if not calls:
        return []
    taken: dict[int, set[str]] = {}
    for peer_id, code in (
        CallOut.objects.filter(peer_id__in=[c.peer_id for c in calls], state=CallState.CALLED)
        .exclude(reply_code="")
        .values_list("peer_id", "reply_code")
    ):
        taken.setdefault(peer_id, set()).add(code)
    for attempt in range(1, CODE_ATTEMPTS + 1):
        for call in calls:
            call.reply_code = reply_codes.new_code(taken.get(call.peer_id, set()))
        try:
            with transaction.atomic():  # a savepoint: only this insert is undone on a clash
                return CallOut.objects.bulk_create(calls)
        except IntegrityError:
            if attempt == CODE_ATTEMPTS:
                raise
            log.warning("A reply code was taken meanwhile; new codes (try %d)", attempt + 1)
    raise AssertionError("unreachable")


def tell_peers(calls: list[CallOut], *, purpose: str) -> None:
    """A notice about each call-out (of one activation) to its peer, by email and text; rows in
    the activation's agency."""
    if not calls:
        return
    queue_each(
        agency=calls[0].activation.agency,
        purpose=purpose,
        notices=[
            (call, [("person", call.peer.person_id, call.peer.person.full_name)]) for call in calls
        ],
        channels=CALLOUT_CHANNELS if purpose == "callout" else PEER_CHANNELS,
    )


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
    members = members_who_may(
        agency=activation.agency, action="activation.coordinate"
    ).select_related("user")
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
    """The next wave of an activation still short of peers: only the shortfall (needed, less
    accepted, less those called within the wait time who may still answer). Safe to run twice
    at once: the second finds the wave just made and does nothing. Returns 1 when a wave ran."""
    locked = lock(activation_id)
    wait = timedelta(minutes=locked.agency.policy.escalation_minutes)
    now = timezone.now()
    if locked.status != Status.OPEN or (locked.last_wave_at and now - locked.last_wave_at < wait):
        return 0
    accepted, waiting = outstanding(locked, called_since=now - wait)
    shortfall = locked.peers_needed - accepted - waiting
    if shortfall <= 0:
        return 0
    calls = call_next(locked, count=shortfall)
    if not calls:
        # Nobody left: look again after another wait (a peer may come on call), alert once.
        locked.last_wave_at = now
        fields = ["last_wave_at"]
        if not locked.exhausted_at:
            locked.exhausted_at = now
            fields.append("exhausted_at")
            alert_coordinators(locked, purpose="coordinator_alert")
        locked.save(update_fields=fields)
    return 1


def escalate_due() -> int:
    """Every escalation that is due, each in its own transaction and in its activation's
    agency. One that fails is logged and left for the next minute's run; the others go on."""
    with tenant_db.system_scope():
        due = escalation_due()
    done = 0
    for activation_id, agency_id in due:
        try:
            with tenant_db.agency_scope(agency_id):
                done += retry_transient(escalate)(activation_id)
        except Exception:
            log.exception(
                "Escalating activation %s failed; the next run tries again", activation_id
            )
    return done
