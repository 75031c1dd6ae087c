"""Coordinator pages for the team: the roster, a peer's page and the forms on it."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from agencies import clock
from agencies.decorators import requires
from agencies.models import TeamRole
from agencies.shortcuts import attempt, found_or_404
from roster import selectors
from roster.forms import (
    AgreementForm,
    MemoForm,
    RosterFilterForm,
    StatusForm,
    TeamRoleForm,
    TrainingForm,
)
from roster.services import team as team_services
from roster.services.team import activation_blockers, allowed_moves
from security import audit


@requires("roster.manage")
def team(request, agency_slug):
    policy = request.policy
    form = RosterFilterForm(request.GET or None, auto_id="f-%s")
    filters = form.cleaned_data if form.is_valid() else {}
    peers = selectors.roster(
        agency=request.agency,
        policy=policy,
        now=timezone.now(),
        today=clock.today(request.agency),
        filters=filters,
    )
    size = selectors.team_size(agency=request.agency)
    size_warning = ""
    if policy.team_size_min and size < policy.team_size_min:
        size_warning = f"{size} active; the policy calls for at least {policy.team_size_min}."
    elif policy.team_size_max and size > policy.team_size_max:
        size_warning = f"{size} active; the policy calls for at most {policy.team_size_max}."
    return render(
        request,
        "roster/team.html",
        {
            "peers": peers,
            "form": form,
            "stations": selectors.stations(agency=request.agency),
            "suspended": [p for p in peers if p.callouts_suspended],
            "size": size,
            "size_warning": size_warning,
        },
    )


def _peer_page(request, peer, **forms):
    since_words, since = selectors.status_since(peer=peer)
    context = {
        "peer": peer,
        "since_words": since_words,
        "since": since,
        "history": selectors.status_history(peer=peer)[:100],
        "trainings": selectors.trainings_of(peer=peer)[:50],
        "memos": selectors.memos_of(peer=peer)[:20],
        "shifts": selectors.shifts_ahead(peer=peer, now=timezone.now())[:20],
        "blockers": activation_blockers(peer) if peer.status == "in_training" else [],
        "status_form": forms.get("status_form")
        or StatusForm(moves=allowed_moves(peer, request.roles)),
        "agreement_form": forms.get("agreement_form")
        or AgreementForm(initial={"kept_by": request.policy.lead_title}),
        "training_form": forms.get("training_form") or TrainingForm(),
        "memo_form": forms.get("memo_form") or MemoForm(),
        "role_form": forms.get("role_form")
        or TeamRoleForm(
            agency=request.agency,
            initial={"team_role": peer.team_role_id, "station": peer.station},
        ),
    }
    return render(request, "roster/peer.html", context)


@requires("roster.manage")
def peer_detail(request, agency_slug, pk):
    peer = found_or_404(selectors.get_peer, agency=request.agency, pk=pk)
    return _peer_page(request, peer)


def _peer_action(request, pk, form_name, form, apply):
    """Validate a form of the peer page, run the service, and report in plain words."""
    peer = found_or_404(selectors.get_peer, agency=request.agency, pk=pk)
    if not audit.form_valid(request, form):
        messages.error(request, "Nothing was changed: please correct the form below.")
        return _peer_page(request, peer, **{form_name: form})
    ok, done = attempt(lambda: apply(peer, form.cleaned_data), request=request)
    if not ok:
        return _peer_page(request, peer, **{form_name: form})
    messages.success(request, done)
    return redirect("roster:peer", agency_slug=request.agency.slug, pk=peer.pk)


@require_POST
@requires("roster.manage")
def peer_status(request, agency_slug, pk):
    peer = found_or_404(selectors.get_peer, agency=request.agency, pk=pk)
    form = StatusForm(request.POST, moves=allowed_moves(peer, request.roles))

    def apply(peer, data):
        team_services.change_status(
            peer=peer, to=data["to"], actor=request.user, roles=request.roles,
            reason=data["reason"],
        )  # fmt: skip
        return f"{peer.person.full_name} is now {peer.get_status_display().lower()}."

    return _peer_action(request, pk, "status_form", form, apply)


@require_POST
@requires("roster.manage")
def peer_agreement(request, agency_slug, pk):
    def apply(peer, data):
        team_services.record_agreement(peer=peer, actor=request.user, **data)
        return "Confidentiality agreement recorded."

    return _peer_action(request, pk, "agreement_form", AgreementForm(request.POST), apply)


@require_POST
@requires("roster.manage")
def peer_training(request, agency_slug, pk):
    def apply(peer, data):
        team_services.add_training(peer=peer, actor=request.user, **data)
        return "Training recorded."

    return _peer_action(request, pk, "training_form", TrainingForm(request.POST), apply)


@require_POST
@requires("roster.manage")
def peer_memo(request, agency_slug, pk):
    def apply(peer, data):
        team_services.submit_memo(peer=peer, actor=request.user, **data)
        return "Memo recorded; it awaits the committee's decision."

    return _peer_action(request, pk, "memo_form", MemoForm(request.POST), apply)


@require_POST
@requires("roster.manage")
def peer_role(request, agency_slug, pk):
    form = TeamRoleForm(request.POST, agency=request.agency)

    def apply(peer, data):
        role: TeamRole | None = data["team_role"]
        team_services.set_team_role(
            peer=peer, team_role=role, station=data["station"], actor=request.user
        )
        return "Team role saved."

    return _peer_action(request, pk, "role_form", form, apply)


@require_POST
@requires("roster.manage")
def peer_restore(request, agency_slug, pk):
    peer = found_or_404(selectors.get_peer, agency=request.agency, pk=pk)
    ok, _ = attempt(
        lambda: team_services.restore_callouts(peer=peer, actor=request.user), request=request
    )
    if ok:
        messages.success(request, f"{peer.person.full_name} is back on call-outs.")
    return redirect("roster:peer", agency_slug=agency_slug, pk=peer.pk)


@require_POST
@requires("roster.manage")
def memo_decide(request, agency_slug, pk):
    memo = found_or_404(selectors.get_memo, agency=request.agency, pk=pk)
    approve = request.POST.get("decision") == "approve"
    if request.POST.get("decision") not in {"approve", "deny"}:
        messages.error(request, "Choose approve or deny.")
        audit.page_refused(request)
    else:
        ok, _ = attempt(
            lambda: team_services.decide_memo(memo=memo, approve=approve, actor=request.user),
            request=request,
        )
        if ok:
            messages.success(request, "Memo decided.")
    return redirect("roster:peer", agency_slug=agency_slug, pk=memo.peer_id)
