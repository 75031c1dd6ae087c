"""The words of each activation notice, rendered when the outbox delivers it. No message carries
what is erased on close: a call-out says the incident type, the general area chosen from the
agency's list and the signed link; the time, the exact location and the briefing are on the page
behind the link, while the activation is open. A supervisor learns that the peer is on an
assignment and nothing about the incident."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from notifications.models import Channel, Message
from notifications.registry import Rendered, register
from roster.selectors import recipient_address

from . import tokens
from .models import Activation, CallOut, CallState, Status


def respond_url(call: CallOut) -> str:
    token = tokens.make(callout_id=call.pk, agency_id=call.agency_id)
    return settings.SITE_URL + reverse("activation_links:respond", args=[call.agency.slug, token])


@register("callout", label="Call-out to a peer")
def render_callout(message: Message) -> Rendered | None:
    # Only the columns the words use: an activation's fan-out renders one of these per peer and
    # channel, and the policy's whole row (its lists and texts) would be most of the cost.
    call = (
        CallOut.objects.select_related("activation__incident_type", "agency__policy")
        .only(
            "state",
            "reply_code",
            "agency__slug",
            "agency__policy__team_name",
            "activation__status",
            "activation__area",
            "activation__incident_type__label",
        )
        .filter(pk=message.subject_id)
        .first()
    )
    if call is None or call.state != CallState.CALLED or call.activation.status != Status.OPEN:
        return None
    a = call.activation
    url = respond_url(call)
    if message.channel == Channel.PUSH:
        # The link alone: a push is shown on a locked phone, and the page behind the link
        # says what, where and when while the activation is open (notifications/push.py).
        return Rendered(to="push", subject="", body=url)
    title = call.agency.policy.team_name
    # Never a.location nor a.briefing: a message outlives the erasure on close.
    what = a.incident_type.label + (f", {a.area}" if a.area else "")
    if message.channel == Channel.SMS:
        code = call.reply_code if settings.SMS_REPLIES else ""
        if code:
            body = (
                f"{title} call-out: {what}. Reply Y {code} to accept, N {code} to decline. "
                f"Details: {url}"
            )
        else:
            body = f"{title} call-out: {what}. Details and your answer: {url}"
        return Rendered(to=recipient_address(message), subject="", body=body)
    body = (
        f"The {title} is activated.\n\n"
        f"Incident: {a.incident_type.label}\n"
        + (f"General area: {a.area}\n" if a.area else "")
        + "\nWhen, where and the briefing are on the call-out page, until the activation closes. "
        f"Accept or decline there (no sign-in needed; the link works for 24 hours):\n{url}\n"
    )
    return Rendered(to=recipient_address(message), subject=f"{title} call-out", body=body)


@register("stood_down", label="Stood down (to a peer who had not answered)")
def render_stood_down(message: Message) -> Rendered | None:
    call = (
        CallOut.objects.select_related("activation", "agency__policy")
        .filter(pk=message.subject_id)
        .first()
    )
    if call is None or call.state != CallState.CANCELLED:
        return None
    title = call.agency.policy.team_name
    why = (
        "enough peers have accepted"
        if call.activation.status == Status.OPEN
        else "the activation is closed"
    )
    called = timezone.localtime(call.called_at).strftime("%a %b %-d %H:%M")
    # Nothing of the incident: only that the call-out of that time no longer needs an answer.
    body = f"{title}: you are stood down from the call-out of {called}; {why}. No need to answer."
    if message.channel == Channel.SMS:
        return Rendered(to=recipient_address(message), subject="", body=body)
    return Rendered(to=recipient_address(message), subject=f"{title}: stood down", body=body)


@register("supervisor_notice", label="Peer on assignment (to their supervisor)")
def render_supervisor(message: Message) -> Rendered | None:
    call = (
        CallOut.objects.select_related("peer__person", "agency__policy")
        .filter(pk=message.subject_id)
        .first()
    )
    if call is None:
        return None
    policy = call.agency.policy
    body = (
        f"{call.peer.person.full_name} is on a {policy.team_name} assignment as of "
        f"{timezone.localtime(call.responded_at):%H:%M on %b %-d}.\n\n"
        "No detail of the assignment is shared."
    )
    return Rendered(
        to=recipient_address(message), subject=f"{policy.team_name} assignment", body=body
    )


def _activation(message: Message) -> Activation | None:
    return (
        Activation.objects.select_related("incident_type", "agency__policy")
        .filter(pk=message.subject_id)
        .first()
    )


def _link(a: Activation) -> str:
    return settings.SITE_URL + reverse("activations:detail", args=[a.agency.slug, a.pk])


@register("activation_notice", label="Team activated (to coordinators and team leaders)")
def render_activation_notice(message: Message) -> Rendered | None:
    a = _activation(message)
    if a is None or a.status != Status.OPEN:
        return None
    text = f"The {a.agency.policy.team_name} is activated for: {a.incident_type.label}."
    return Rendered(to=recipient_address(message), subject="Team activated", body=text)


@register("activation_request", label="Activation requested (to the coordinator)")
def render_request(message: Message) -> Rendered | None:
    a = _activation(message)
    if a is None or a.status != Status.REQUESTED:
        return None
    text = f"Activation requested: {a.incident_type.label}. Approve or decline: {_link(a)}"
    return Rendered(to=recipient_address(message), subject="Activation requested", body=text)


@register("coordinator_alert", label="Not enough peers (to the coordinator)")
def render_alert(message: Message) -> Rendered | None:
    a = _activation(message)
    if a is None or a.status != Status.OPEN:
        return None
    text = (
        f"Not enough peers have accepted the activation for {a.incident_type.label}, and nobody "
        f"else is left to call. {_link(a)}"
    )
    return Rendered(to=recipient_address(message), subject="Activation short of peers", body=text)


@register("assistance_request", label="Request for peers from a partner agency")
def render_assistance(message: Message) -> Rendered | None:
    from .models import AssistanceRequest, AssistanceState

    request = (
        AssistanceRequest.objects.select_related(
            "from_agency", "to_agency", "activation__incident_type"
        )
        .filter(pk=message.subject_id)
        .first()
    )
    if request is None or request.state != AssistanceState.REQUESTED:
        return None
    url = settings.SITE_URL + reverse("activations:partner_requests", args=[request.to_agency.slug])
    text = (
        f"{request.from_agency.name} asks for {request.peers_requested} peer(s) for: "
        f"{request.activation.incident_type.label}. Approve or decline: {url}"
    )
    return Rendered(to=recipient_address(message), subject="Request for peers", body=text)


def _count_sent(message):
    from .services.outreach import count_sent

    count_sent(message)


@register("outreach", label="Team contact card", forget_after_send=True, on_sent=_count_sent)
def render_outreach(message: Message) -> Rendered | None:
    from .models import OutreachCount

    bucket = (
        OutreachCount.objects.select_related("agency__policy").filter(pk=message.subject_id).first()
    )
    if bucket is None:
        return None
    agency, policy = bucket.agency, bucket.agency.policy
    lookup = settings.SITE_URL + reverse("roster:lookup", args=[agency.slug])
    program = settings.SITE_URL + reverse("agencies:program", args=[agency.slug])
    body = (
        f"The {policy.team_name} of {agency.name} is here if you want to talk. It is always your "
        f"choice, and nobody is told that you received this card.\n\n"
        f"Who is on call now, and how to reach them: {lookup}\n"
        f"The limits of confidentiality, the EAP and hotlines: {program}\n"
        + (f"\n{policy.roster_distribution}\n" if policy.roster_distribution else "")
    )
    return Rendered(
        to=recipient_address(message), subject=f"{policy.team_name}: how to reach us", body=body
    )
