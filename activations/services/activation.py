"""Opening, approving and closing an activation, under the agency's own chain and limits."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from activations.models import Activation, Status
from activations.selectors import areas_for
from agencies.choices import ChainStep, TeamRoleKind
from agencies.models import Agency, IncidentType, User
from agencies.permissions import can
from agencies.selectors import role_title
from notifications.models import Channel
from notifications.services import cancel_for, queue
from roster.models import Peer
from security.audit import audited

from .answers import settle_time, stand_down
from .callouts import alert_coordinators, fill, lock, outstanding

MAX_INCIDENT_AGE_DAYS = 30


def may_open(policy, roles: frozenset[str]) -> bool:
    return can(roles, "activation.open", policy)


def may_request(policy, roles: frozenset[str]) -> bool:
    """Asking is for those who may not open it themselves."""
    return can(roles, "activation.ask", policy) and not may_open(policy, roles)


def _check_limit(policy, needed: int, roles: frozenset[str], reason: str) -> bool:
    """True when the number is beyond the policy's limit and the override is taken."""
    limit = policy.max_peers_per_activation
    if limit is None or needed <= limit:
        return False
    if not can(roles, "activation.exceed_limit", policy):
        who = policy.limit_override_title or ", ".join(
            role_title(policy, r) for r in policy.limit_override_roles
        )
        raise PermissionDenied(
            f"The policy allows at most {limit} peers per incident"
            + (f"; only {who} may call more." if who else ".")
        )
    if not reason.strip():
        raise ValidationError({"reason": "Say why more peers than the policy's limit are needed."})
    return True


def _check_trigger(policy, incident_type: IncidentType, roles: frozenset[str], reason: str) -> bool:
    """True when the type does not trigger activation under the policy and the lead overrides
    it with a reason; refused otherwise."""
    if incident_type.triggers_activation:
        return False
    section = f" ({incident_type.source})" if incident_type.source else ""
    if not can(roles, "activation.override_trigger", policy):
        raise PermissionDenied(
            f"“{incident_type.label}” does not activate the team under the policy{section}; "
            f"only the {policy.lead_title} may activate for it, with a reason."
        )
    if not reason.strip():
        raise ValidationError(
            {
                "trigger_reason": f"“{incident_type.label}” does not activate the team under the "
                f"policy{section}: say why the team is activated anyway."
            }
        )
    return True


@audited("activations:list")
def create(
    *,
    agency: Agency,
    actor: User,
    roles: frozenset[str],
    incident_type: IncidentType,
    occurred_at: datetime,
    location: str,
    members_affected: int,
    briefing: str,
    peers_needed: int,
    area: str = "",
    consent_confirmed: bool = False,
    involved: list[Peer] | None = None,
    override_reason: str = "",
    trigger_reason: str = "",
) -> Activation:
    """Open the activation (a role the policy lets open) or record the request (a role the
    policy lets ask) for the coordinator to approve. `area` is one of the policy's general areas
    (what the messages say); the location and the briefing stay on the pages."""
    policy = agency.policy
    opening = may_open(policy, roles)
    if not opening and not may_request(policy, roles):
        raise PermissionDenied("Your role cannot activate the team or ask for it here.")
    if incident_type.agency_id != agency.pk or not incident_type.active:
        raise ValidationError({"incident_type": "Choose one of this agency's incident types."})
    if incident_type.requires_consent and not consent_confirmed:
        raise ValidationError(
            {"consent_confirmed": "This type of incident needs the member's express permission."}
        )
    if occurred_at > timezone.now() + timezone.timedelta(minutes=5):
        raise ValidationError({"occurred_at": "The incident cannot be in the future."})
    # Peers are called now: an incident from long ago is a typing mistake, not an activation.
    if occurred_at < timezone.now() - timezone.timedelta(days=MAX_INCIDENT_AGE_DAYS):
        raise ValidationError(
            {
                "occurred_at": f"The incident must be within the last {MAX_INCIDENT_AGE_DAYS} "
                "days: check the date."
            }
        )
    # The form asks for an area whenever the policy keeps a list; the service holds any other
    # caller (the API of a later day, a task) to the same rule, blank included.
    areas = areas_for(policy=policy)
    if (area or areas) and area not in areas:
        raise ValidationError({"area": "Choose one of this agency's general areas."})
    # Blank only once erased on close; to open, say where.
    if not location.strip():
        raise ValidationError({"location": "Say where it happened, in general terms."})
    overridden = _check_limit(policy, peers_needed, roles, override_reason)
    triggered = _check_trigger(policy, incident_type, roles, trigger_reason)
    activation = Activation(
        agency=agency,
        incident_type=incident_type,
        occurred_at=occurred_at,
        area=area,
        location=location.strip(),
        members_affected=members_affected,
        briefing=briefing.strip(),
        consent_confirmed=consent_confirmed,
        peers_needed=peers_needed,
        requested_by=actor,
        limit_override_reason=override_reason.strip() if overridden else "",
        limit_override_by=actor if overridden else None,
        trigger_override_reason=trigger_reason.strip() if triggered else "",
        trigger_override_by=actor if triggered else None,
    )
    activation.full_clean()
    activation.save()
    if involved:
        activation.involved_peers.set([p for p in involved if p.agency_id == agency.pk])
    if opening:
        _open(activation, actor)
    else:
        alert_coordinators(activation, purpose="activation_request")
    return activation


def _open(activation: Activation, actor: User) -> None:
    activation.status = Status.OPEN
    activation.opened_by = actor
    activation.opened_at = timezone.now()
    activation.save()
    chain = activation.agency.policy.activation_chain
    kinds = {
        ChainStep.COORDINATORS: TeamRoleKind.COORDINATOR,
        ChainStep.TEAM_LEADERS: TeamRoleKind.TEAM_LEADER,
    }
    # The chain's middle links (KCPD's coordinators, SLMPD's team leaders) hear of it first.
    for step, kind in kinds.items():
        if step in chain:
            leads = (
                Peer.objects.for_agency(activation.agency)
                .filter(status="active", team_role__kind=kind)
                .select_related("person")
            )
            recipients = [("person", p.person_id, p.person.full_name) for p in leads]
            if recipients:
                queue(
                    agency=activation.agency,
                    purpose="activation_notice",
                    subject=activation,
                    recipients=recipients,
                    channels=[Channel.EMAIL, Channel.SMS],
                )
    fill(activation)


def _taken(activation: Activation) -> ValidationError:
    """What the loser of a race is told: what the other decision was."""
    return ValidationError(
        {
            Status.OPEN: "This request was approved a moment ago: the team is activated.",
            Status.DECLINED: "This request was declined a moment ago.",
            Status.CLOSED: "This activation was closed a moment ago.",
        }.get(activation.status, "The activation changed a moment ago; look again.")
    )


def _lock_request(activation: Activation, roles: frozenset[str]) -> Activation:
    """A request is decided, either way, by a role that may open the team itself, and only
    while it is still a request: the decision re-read under the row's lock."""
    activation = lock(activation.pk)
    if activation.status != Status.REQUESTED:
        raise _taken(activation)
    if not may_open(activation.agency.policy, roles):
        raise PermissionDenied("Your role cannot decide activation requests.")
    return activation


@audited("activations:approve", on="activation")
def approve(*, activation: Activation, actor: User, roles: frozenset[str]) -> Activation:
    activation = _lock_request(activation, roles)
    _open(activation, actor)
    return activation


def _end(activation: Activation, *, status: str, actor: User) -> None:
    """Closed or declined: what could point at the people affected goes, the exact location, the
    briefing and who was involved. The incident type and the general area stay."""
    activation.status = status
    activation.closed_by = actor
    activation.closed_at = timezone.now()
    activation.location = ""
    activation.briefing = ""
    activation.save(update_fields=["status", "closed_by", "closed_at", "location", "briefing"])
    activation.involved_peers.clear()


@audited("activations:decline", on="activation")
def decline(*, activation: Activation, actor: User, roles: frozenset[str]) -> Activation:
    activation = _lock_request(activation, roles)
    _end(activation, status=Status.DECLINED, actor=actor)
    cancel_for(subject=activation)
    return activation


@audited("activations:add", on="activation")
def add_peers(
    *, activation: Activation, actor: User, roles: frozenset[str], count: int, reason: str
) -> Activation:
    """Call more peers than first asked for: past the policy's limit only for the role it names,
    with the reason kept."""
    activation = lock(activation.pk)
    if activation.status != Status.OPEN:
        raise ValidationError("The activation is not open: it was closed or declined.")
    if not 1 <= count <= 10:
        raise ValidationError({"count": "Add between 1 and 10 peers."})
    needed = activation.peers_needed + count
    ceiling = Activation._meta.get_field("peers_needed").validators[-1].limit_value
    if needed > ceiling:
        raise ValidationError({"count": f"An activation calls at most {ceiling} peers."})
    if _check_limit(activation.agency.policy, needed, roles, reason):
        activation.limit_override_reason = reason.strip()[:300]
        activation.limit_override_by = actor
    activation.peers_needed = needed
    activation.exhausted_at = None
    activation.save()
    fill(activation)
    return activation


@audited("activations:close", on="activation")
def close(*, activation: Activation, actor: User) -> Activation:
    """Close it: the location, the briefing and the list of involved peers are erased,
    unanswered call-outs are stood down (and told), and the accepted peers' time is settled."""
    activation = lock(activation.pk)
    if activation.status not in {Status.OPEN, Status.REQUESTED}:
        raise ValidationError(
            "This activation was already closed."
            if activation.status == Status.CLOSED
            else "This request was already declined."
        )
    _end(activation, status=Status.CLOSED, actor=actor)
    stand_down(activation)
    cancel_for(subject=activation)
    settle_time(activation)
    return activation


@audited("activations:external", on="activation")
def record_external_team(*, activation: Activation, consulted: str, actor: User) -> Activation:
    policy = activation.agency.policy
    if not policy.external_team_name:
        raise ValidationError("This agency's policy names no outside team.")
    if not consulted.strip():
        raise ValidationError({"consulted": "Say whom you consulted before calling it."})
    activation = lock(activation.pk)
    if activation.status != Status.OPEN:
        raise ValidationError("The activation is not open: it was closed or declined.")
    activation.external_team_activated_at = timezone.now()
    activation.external_team_consulted = consulted.strip()[:300]
    activation.save(update_fields=["external_team_activated_at", "external_team_consulted"])
    return activation


def summary(activation: Activation) -> dict:
    accepted, waiting = outstanding(activation)
    return {"accepted": accepted, "waiting": waiting, "needed": activation.peers_needed}
