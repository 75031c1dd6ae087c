"""The team's lifecycle: applications, decisions, agreements, training, status changes."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q

from agencies import clock
from agencies.models import User
from agencies.permissions import can
from agencies.selectors import role_title
from roster import dates, eligibility
from roster.choices import Decision, PeerStatus
from roster.models import Application, Peer, PeerStatusChange, Person, TrainingMemo, TrainingRecord
from roster.versions import roster_changed
from security.audit import audited

from .people import sync_peer_role

S = PeerStatus


def _log(peer: Peer, *, event: str, actor: User | None, reason: str = "", before: str = "") -> None:
    PeerStatusChange.objects.create(
        agency=peer.agency,
        peer=peer,
        from_status=before or peer.status,
        to_status=peer.status,
        event=event,
        reason=reason,
        actor=actor,
    )


def _set_status(peer: Peer, status: str, *, event: str, actor: User | None, reason: str) -> Peer:
    before = peer.status
    peer.status = status
    if status == S.ACTIVE and not peer.active_since:
        peer.active_since = clock.today(peer.agency)
    peer.save()
    roster_changed(peer.agency_id)
    _log(peer, event=event, actor=actor, reason=reason, before=before)
    sync_peer_role(peer=peer)
    return peer


@audited("roster:application_new", agency="person.agency")
def submit_application(
    *,
    person: Person,
    submitted_on: date,
    actor: User,
    letter_received: bool = False,
    recommended_by: str = "",
) -> Application:
    dates.APPLICATION_DATE.check(submitted_on, field="submitted_on")
    peer = Peer.objects.filter(person=person).first()
    if peer and peer.status not in {S.DECLINED, S.WITHDRAWN}:
        raise ValidationError(
            f"{person.full_name} is already on the team's books ({peer.get_status_display()})."
        )
    if peer is None:
        peer = Peer.objects.create(agency=person.agency, person=person, status=S.APPLICANT)
        _log(peer, event="Applied", actor=actor, before="")
    else:
        _set_status(peer, S.APPLICANT, event="Applied again", actor=actor, reason="")
        Application.objects.filter(peer=peer).delete()
    return Application.objects.create(
        agency=person.agency,
        peer=peer,
        submitted_on=submitted_on,
        letter_received=letter_received,
        recommended_by=recommended_by,
    )


@audited("roster:application_interview", on="application")
def record_interview(
    *, application: Application, held_on: date, passed: bool, actor: User
) -> Application:
    dates.INTERVIEW_DATE.check(held_on, field="held_on")
    if held_on < application.submitted_on:
        raise ValidationError({"held_on": "The interview cannot come before the application."})
    application.interview_on = held_on
    application.interview_passed = passed
    application.save()
    _log(
        application.peer,
        event=f"Interview {'passed' if passed else 'not passed'} on {held_on:%b %d, %Y}",
        actor=actor,
    )
    return application


def blocking_reasons(application: Application) -> list[str]:
    """What still stands between this application and approval, in the policy's terms."""
    peer = application.peer
    policy = peer.agency.policy
    reasons = [
        f.text
        for f in eligibility.check(peer.person, policy, today=clock.today(peer.agency))
        if not f.ok
    ]
    if policy.interview_required and not application.interview_passed:
        reasons.append("The policy requires a passed oral interview first")
    if policy.application_method == "letter_of_request" and not application.letter_received:
        reasons.append("The policy requires a letter of request")
    if policy.application_method == "chain_of_command" and not application.recommended_by:
        reasons.append("The policy requires a recommendation through the chain of command")
    return reasons


@audited("roster:application_decide", on="application")
def decide_application(
    *, application: Application, approve: bool, actor: User, roles: frozenset[str], reason: str = ""
) -> Application:
    peer = application.peer
    policy = peer.agency.policy
    if not can(roles, "application.decide", policy):
        title = policy.application_decider_title or role_title(
            policy, policy.application_decided_by
        )
        raise PermissionDenied(f"The policy gives this decision to: {title}.")
    if application.decision != Decision.PENDING:
        raise ValidationError("This application has already been decided.")
    if approve:
        blockers = blocking_reasons(application)
        if blockers:
            raise ValidationError(blockers)
    application.decision = Decision.APPROVED if approve else Decision.DENIED
    application.decided_on = clock.today(application.peer.agency)
    application.decided_by = actor
    application.decided_as = ", ".join(sorted(role_title(policy, r) for r in roles))
    application.save()
    _set_status(
        peer,
        S.IN_TRAINING if approve else S.DECLINED,
        event="Application approved" if approve else "Application not approved",
        actor=actor,
        reason=reason,
    )
    return application


@audited("roster:peer_agreement", on="peer")
def record_agreement(*, peer: Peer, signed_on: date, kept_by: str, actor: User) -> Peer:
    dates.AGREEMENT_DATE.check(signed_on, field="signed_on")
    peer.agreement_signed_on = signed_on
    peer.agreement_kept_by = kept_by
    peer.save()
    _log(peer, event=f"Confidentiality agreement signed on {signed_on:%b %d, %Y}", actor=actor)
    return peer


@audited("roster:peer_training", on="peer")
def add_training(
    *, peer: Peer, held_on: date, topic: str, hours: Decimal, actor: User
) -> TrainingRecord:
    record = TrainingRecord(agency=peer.agency, peer=peer, date=held_on, topic=topic, hours=hours)
    record.full_clean()
    dates.TRAINING_DATE.check(held_on, field="held_on")
    if not Decimal("0") < hours <= Decimal("80"):
        raise ValidationError({"hours": "Hours must be more than 0 and at most 80."})
    record.save()
    return record


def reinstated_at(peer: Peer) -> PeerStatusChange | None:
    """The reinstatement that put the peer back in training, if that is how they came to be in
    training now; None for a peer still in their first training."""
    if peer.status != S.IN_TRAINING:
        return None
    entry = (
        PeerStatusChange.objects.for_agency(peer.agency)
        .filter(peer=peer, to_status=S.IN_TRAINING)
        .exclude(from_status=S.IN_TRAINING)
        .order_by("-at", "-id")
        .first()
    )
    return entry if entry and entry.from_status in {S.INACTIVE, S.WITHDRAWN} else None


def _trainings_since(peer: Peer, change: PeerStatusChange):
    """Training dated after the reinstatement: a later day, or that day and recorded after it."""
    day = clock.local_day(peer.agency, change.at)
    return TrainingRecord.objects.for_agency(peer.agency).filter(
        Q(date__gt=day) | Q(date=day, created_at__gte=change.at), peer=peer
    )


def activation_blockers(peer: Peer) -> list[str]:
    policy = peer.agency.policy
    reasons = []
    if policy.confidentiality_agreement_required and not peer.agreement_signed_on:
        reasons.append("The policy requires a signed confidentiality agreement")
    reinstatement = reinstated_at(peer) if policy.reinstatement_requires_training else None
    if reinstatement is not None:
        if not _trainings_since(peer, reinstatement).exists():
            source = policy.sources.get("reinstatement_requires_training", "")
            day = clock.local_day(peer.agency, reinstatement.at)
            reasons.append(
                f"Reinstated on {day:%b %d, %Y}: the policy requires training to complete for "
                f"reinstatement{f' ({source})' if source else ''}, and no training dated after "
                "the reinstatement is recorded"
            )
    elif not TrainingRecord.objects.for_agency(peer.agency).filter(peer=peer).exists():
        reasons.append("No training is recorded yet")
    if peer.callouts_suspended:
        reasons.append(f"Taken off call-outs: {peer.suspended_reason}")
    return reasons


# (from, to) -> the event it is recorded as.
TRANSITIONS = {
    (S.IN_TRAINING, S.ACTIVE): "Completed training; now active",
    (S.ACTIVE, S.INACTIVE): "Placed on inactive status at their request",
    (S.INACTIVE, S.IN_TRAINING): "Reinstated; training to complete",
    (S.WITHDRAWN, S.IN_TRAINING): "Reinstated; training to complete",
    (S.INACTIVE, S.ACTIVE): "Reinstated",
    (S.WITHDRAWN, S.ACTIVE): "Reinstated",
    **{
        (s, S.WITHDRAWN): "Withdrew from the team"
        for s in (S.APPLICANT, S.IN_TRAINING, S.ACTIVE, S.INACTIVE)
    },
    **{(s, S.REMOVED): "Removed from the team" for s in (S.IN_TRAINING, S.ACTIVE, S.INACTIVE)},
}


def allowed_moves(peer: Peer, roles: frozenset[str]) -> list[str]:
    """The statuses this user may move the peer to now, under the agency's policy."""
    return [to for (frm, to) in TRANSITIONS if frm == peer.status and not _refusal(peer, to, roles)]


def _refusal(peer: Peer, to: str, roles: frozenset[str]) -> str:
    policy = peer.agency.policy
    reinstating = peer.status in {S.INACTIVE, S.WITHDRAWN}
    if to == S.INACTIVE and not policy.inactive_status_allowed:
        return "The policy has no inactive status."
    if reinstating and to in {S.ACTIVE, S.IN_TRAINING}:
        if not policy.reinstatement_allowed:
            return "The policy does not provide for reinstatement."
        wanted = S.IN_TRAINING if policy.reinstatement_requires_training else S.ACTIVE
        if to != wanted:
            return (
                "The policy requires training before a reinstated peer is active."
                if wanted == S.IN_TRAINING
                else "The policy reinstates straight to active."
            )
    if to == S.REMOVED:
        if not can(roles, "peer.remove", policy):
            return f"The policy gives removal to: {role_title(policy, policy.removal_decided_by)}."
    elif not can(roles, "peer.status", policy):
        return "Only the coordinator changes a peer's status."
    return ""


@audited("roster:peer_status", on="peer")
def change_status(*, peer: Peer, to: str, actor: User, roles: frozenset[str], reason: str) -> Peer:
    event = TRANSITIONS.get((peer.status, to))
    if event is None:
        raise ValidationError(
            f"A peer who is {peer.get_status_display().lower()} cannot become "
            f"{S(to).label.lower()}."
        )
    refusal = _refusal(peer, to, roles)
    if refusal:
        raise PermissionDenied(refusal)
    policy = peer.agency.policy
    if to == S.ACTIVE and peer.status == S.IN_TRAINING:
        blockers = activation_blockers(peer)
        if blockers:
            raise ValidationError(blockers)
    if to in {S.WITHDRAWN, S.INACTIVE, S.REMOVED} and not reason.strip():
        raise ValidationError({"reason": "Say why, or note the written request."})
    if to == S.WITHDRAWN and policy.withdrawal_in_writing and "writ" not in reason.lower():
        raise ValidationError(
            {"reason": "The policy requires withdrawal in writing: note the written notice."}
        )
    return _set_status(peer, to, event=event, actor=actor, reason=reason.strip())


@audited("roster:peer_restore", on="peer")
def restore_callouts(*, peer: Peer, actor: User) -> Peer:
    policy = peer.agency.policy
    still = [f for f in peer.person.flags() if f in policy.callout_blocking_flags()]
    if still or not peer.person.employed:
        raise ValidationError(
            "The directory still disqualifies this person; clear the flag there first."
        )
    peer.callouts_suspended = False
    peer.suspended_reason = ""
    peer.save()
    roster_changed(peer.agency_id)
    _log(peer, event="Restored to call-outs by the coordinator", actor=actor)
    return peer


@audited("roster:peer_memo", on="peer")
def submit_memo(*, peer: Peer, missed_on: date, actor: User) -> TrainingMemo:
    dates.MISSED_TRAINING_DATE.check(missed_on, field="missed_on")
    memo = TrainingMemo.objects.create(
        agency=peer.agency, peer=peer, missed_on=missed_on, submitted_on=clock.today(peer.agency)
    )
    _log(peer, event=f"Memo for the training missed on {missed_on:%b %d, %Y}", actor=actor)
    return memo


@audited("roster:memo_decide", on="memo")
def decide_memo(*, memo: TrainingMemo, approve: bool, actor: User) -> TrainingMemo:
    if memo.decision != Decision.PENDING:
        raise ValidationError("This memo has already been decided.")
    memo.decision = Decision.APPROVED if approve else Decision.DENIED
    memo.decided_by = actor
    memo.decided_on = clock.today(memo.agency)
    memo.save()
    verdict = "approved" if approve else "not approved"
    _log(memo.peer, event=f"Training memo {verdict} by the committee", actor=actor)
    return memo


@audited("roster:peer_role", on="peer")
def set_team_role(*, peer: Peer, team_role, station: str, actor: User) -> Peer:
    if team_role is not None and team_role.agency_id != peer.agency_id:
        raise ValidationError("Unknown team role.")
    peer.team_role = team_role
    peer.station = station
    peer.save()
    roster_changed(peer.agency_id)
    label = team_role.label if team_role else "none"
    _log(peer, event=f"Team role: {label}{f' ({station})' if station else ''}", actor=actor)
    return peer
