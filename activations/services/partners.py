"""Asking a partner agency for peers. The request is a record both agencies see; the partner's
own approver decides, and only then are the partner's peers called."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from activations.models import Activation, AssistanceRequest, AssistanceState, Status
from agencies import tenant_db
from agencies.models import Agency, User
from agencies.permissions import can
from agencies.selectors import members_who_may, partner_agencies, role_title
from notifications.models import Channel
from notifications.services import queue
from security.audit import audited

from .callouts import call_next, lock


@audited("activations:ask_partner", on="activation")
def request_help(
    *, activation: Activation, partner: Agency, count: int, actor: User
) -> AssistanceRequest:
    activation = lock(activation.pk)
    agency = activation.agency
    if activation.status != Status.OPEN:
        raise ValidationError("The activation is not open: it was closed or declined.")
    if not agency.policy.cross_agency_requests:
        raise ValidationError("This agency's policy does not ask other agencies for peers.")
    if partner not in partner_agencies(agency=agency):
        raise ValidationError({"partner": "Choose one of your partner agencies."})
    if not partner.policy.cross_agency_requests:
        raise ValidationError({"partner": f"{partner.name} does not lend peers to other agencies."})
    if not 1 <= count <= 10:
        raise ValidationError({"count": "Ask for between 1 and 10 peers."})
    request = AssistanceRequest.objects.create(
        activation=activation,
        from_agency=agency,
        to_agency=partner,
        peers_requested=count,
        requested_by=actor,
    )
    # Telling the partner's approvers is the partner's business: its members, its outbox.
    with tenant_db.agency_scope(partner.pk):
        approvers = members_who_may(agency=partner, action="partner.decide").select_related("user")
        recipients = [
            ("user", m.user_id, m.user.get_full_name() or m.user.username) for m in approvers
        ]
        if recipients:
            queue(
                agency=partner,
                purpose="assistance_request",
                subject=request,
                recipients=recipients,
                channels=[Channel.EMAIL],
            )
    return request


@audited("activations:partner_request_decide", on="request")
def decide(
    *,
    request: AssistanceRequest,
    agency: Agency,
    approve: bool,
    actor: User,
    roles: frozenset[str],
) -> AssistanceRequest:
    # The activation (the asking agency's row) is locked before its request, as everywhere.
    with tenant_db.agency_scope(request.from_agency_id):
        activation = lock(request.activation_id)
    request = AssistanceRequest.objects.select_for_update().get(pk=request.pk)
    if request.to_agency_id != agency.pk:
        raise PermissionDenied("Only the agency asked can decide.")
    policy = agency.policy
    if not can(roles, "partner.decide", policy):
        title = policy.cross_agency_approver_title or role_title(
            policy, policy.cross_agency_approver_role
        )
        raise PermissionDenied(f"The policy gives this decision to: {title}.")
    if request.state != AssistanceState.REQUESTED:
        raise ValidationError("This request has already been decided.")
    request.state = AssistanceState.APPROVED if approve else AssistanceState.DECLINED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decided_as = ", ".join(sorted(role_title(policy, r) for r in roles))
    request.save()
    if approve and activation.status == Status.OPEN:
        # The activation is the asking agency's row: it grows in that agency's scope.
        with tenant_db.agency_scope(activation.agency_id):
            activation.peers_needed += request.peers_requested
            activation.save(update_fields=["peers_needed"])
        call_next(activation, count=request.peers_requested, agency=agency, assistance=request)
    return request
