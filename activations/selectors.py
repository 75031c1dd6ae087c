from datetime import datetime

from django.db.models import Count, Q, QuerySet

from agencies.models import Agency, Policy
from roster.models import Peer

from .models import Activation, CallOut, CallState, OutreachCount, Status


def areas_for(*, policy: Policy) -> list[str]:
    """The general areas this agency's activations may name: the form's choices and the
    service's check both read this list, so the two cannot drift apart. Empty when the agency
    keeps no list (its messages then say no area)."""
    return [a for a in policy.activation_areas or [] if isinstance(a, str)]


def activations_for(*, agency: Agency, user_id: int, sees_all: bool) -> QuerySet[Activation]:
    """Coordinators and command see every activation; anyone else only what they asked for."""
    qs = Activation.objects.for_agency(agency).select_related("incident_type")
    if not sees_all:
        qs = qs.filter(requested_by_id=user_id)
    return qs.annotate(
        accepted=Count("callouts", filter=Q(callouts__state=CallState.ACCEPTED)),
        waiting=Count("callouts", filter=Q(callouts__state=CallState.CALLED)),
    )


def get_activation(*, agency: Agency, pk: int, user_id: int, sees_all: bool) -> Activation:
    return activations_for(agency=agency, user_id=user_id, sees_all=sees_all).get(pk=pk)


def callouts_of(*, activation: Activation) -> QuerySet[CallOut]:
    return activation.callouts.select_related("peer__person", "peer__agency")


def call_details(*, call: CallOut) -> dict | None:
    """What the call-out page shows a called peer beyond the incident type and the general area:
    when, the exact location and the briefing. Never in a message; only while the activation is
    open and the peer is still called or has accepted (not once declined or stood down)."""
    activation = call.activation
    if activation.status != Status.OPEN or call.state not in {
        CallState.CALLED,
        CallState.ACCEPTED,
    }:
        return None
    return {
        "occurred_at": activation.occurred_at,
        "location": activation.location,
        "briefing": activation.briefing,
    }


def callout_for_link(*, agency: Agency, pk: int) -> CallOut | None:
    """The call-out a peer's signed link names, with what its page shows."""
    return (
        CallOut.objects.for_agency(agency)
        .select_related("activation__incident_type", "peer__person")
        .filter(pk=pk)
        .first()
    )


def accepted_calls(*, peer: Peer) -> QuerySet[CallOut]:
    """The call-outs a peer accepted, newest answer first: a partner agency's among them."""
    return (
        CallOut.objects.filter(peer=peer, state=CallState.ACCEPTED)
        .select_related("activation__incident_type", "activation__agency")
        .order_by("-responded_at")
    )


def activations_accepted_by(*, agency: Agency, peer: Peer, since: datetime) -> QuerySet[Activation]:
    """This agency's activations opened since then in which the peer accepted a call-out."""
    return (
        Activation.objects.for_agency(agency)
        .filter(callouts__peer=peer, callouts__state=CallState.ACCEPTED, opened_at__gte=since)
        .select_related("incident_type")
        .distinct()
    )


def partner_requests(*, agency: Agency):
    """Requests this agency made or received: the one record both sides see."""
    from django.db.models import Q

    from .models import AssistanceRequest

    return (
        AssistanceRequest.objects.filter(Q(from_agency=agency) | Q(to_agency=agency))
        .select_related("from_agency", "to_agency", "activation__incident_type")
        .prefetch_related("callout_set__peer__person")
        .order_by("-created_at")
    )


def get_partner_request(*, agency: Agency, pk: int):
    return partner_requests(agency=agency).get(pk=pk)


def outreach_counts(*, agency: Agency) -> QuerySet[OutreachCount]:
    """The monthly counts of contact cards sent, newest month first."""
    return OutreachCount.objects.for_agency(agency).order_by("-month", "reason")


def outreach_on_the_way(*, agency: Agency) -> int:
    """Contact cards queued but not yet sent: the monthly count takes them in once they go."""
    from notifications.models import Message, State

    return (
        Message.objects.for_agency(agency)
        .filter(purpose="outreach", state__in=[State.PENDING, State.SENDING])
        .count()
    )
