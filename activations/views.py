from django.contrib import messages
from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from agencies import tenant_db
from agencies.decorators import requires
from agencies.selectors import agency_by_slug, partner_agencies, role_title
from agencies.shortcuts import attempt, found_or_404
from notifications import twilio_api
from roster.selectors import person_by_number
from security import audit
from security.models import Outcome

from . import selectors, tokens
from .answer_words import told
from .forms import ActivationForm, AddPeersForm, AskPartnerForm, ExternalTeamForm, OutreachForm
from .services import activation as service
from .services import outreach as outreach_service
from .services import partners, sms_replies
from .services.answers import respond as respond_service


def _sees_all(request) -> bool:
    return request.can("activation.manage")


@requires("activation.use")
def activation_list(request, agency_slug):
    policy = request.policy
    can_open = service.may_open(policy, request.roles)
    can_request = service.may_request(policy, request.roles)
    form = ActivationForm(request.POST or None, agency=request.agency)
    if request.method == "POST":
        if not (can_open or can_request):
            messages.error(request, "Your role cannot activate the team or ask for it here.")
            audit.page_refused(request, outcome=Outcome.DENIED)
        elif audit.form_valid(request, form):
            data = form.cleaned_data
            ok, activation = attempt(
                lambda: service.create(
                    agency=request.agency,
                    actor=request.user,
                    roles=request.roles,
                    incident_type=data["incident_type"],
                    occurred_at=data["occurred_at"],
                    area=data["area"],
                    location=data["location"],
                    members_affected=data["members_affected"],
                    briefing=data["briefing"],
                    peers_needed=data["peers_needed"],
                    consent_confirmed=data["consent_confirmed"],
                    involved=list(data["involved"]),
                    override_reason=data["override_reason"],
                    trigger_reason=data["trigger_reason"],
                ),
                form=form,
            )
            if ok:
                messages.success(
                    request,
                    "The team is activated; peers are being called."
                    if activation.status == "open"
                    else f"Your request went to the {policy.lead_title}.",
                )
                return redirect("activations:detail", agency_slug=agency_slug, pk=activation.pk)
    rows = selectors.activations_for(
        agency=request.agency, user_id=request.user.pk, sees_all=_sees_all(request)
    )[:100]
    return render(
        request,
        "activations/list.html",
        {"form": form, "rows": rows, "can_open": can_open, "can_request": can_request},
    )


def _get(request, pk):
    return found_or_404(
        selectors.get_activation,
        agency=request.agency,
        pk=pk,
        user_id=request.user.pk,
        sees_all=_sees_all(request),
    )


def _context(request, activation):
    return {
        "activation": activation,
        "callouts": selectors.callouts_of(activation=activation) if _sees_all(request) else [],
        "sees_all": _sees_all(request),
        "can_open": service.may_open(request.policy, request.roles),
        "now": timezone.now(),
    }


@requires("activation.use")
def activation_detail(request, agency_slug, pk):
    activation = _get(request, pk)
    context = _context(request, activation)
    lends = request.policy.cross_agency_requests
    partners_ = partner_agencies(agency=request.agency) if lends else []
    context.update(
        add_form=AddPeersForm(),
        external_form=ExternalTeamForm(initial={"consulted": request.policy.external_team_consult}),
        ask_form=AskPartnerForm(agency=request.agency) if partners_ else None,
    )
    return render(request, "activations/detail.html", context)


@requires("activation.use")
def activation_status(request, agency_slug, pk):
    """The part of the page htmx refreshes every few seconds."""
    return render(request, "activations/_status.html", _context(request, _get(request, pk)))


def _act(request, pk, action, done: str):
    activation = _get(request, pk)
    ok, _ = attempt(lambda: action(activation), request=request)
    if ok:
        messages.success(request, done)
    return redirect("activations:detail", agency_slug=request.agency.slug, pk=pk)


@require_POST
@requires("activation.manage")
def activation_approve(request, agency_slug, pk):
    return _act(
        request,
        pk,
        lambda a: service.approve(activation=a, actor=request.user, roles=request.roles),
        "Approved: the team is activated.",
    )


@require_POST
@requires("activation.manage")
def activation_decline(request, agency_slug, pk):
    return _act(
        request,
        pk,
        lambda a: service.decline(activation=a, actor=request.user, roles=request.roles),
        "The request was declined.",
    )


@require_POST
@requires("activation.manage")
def activation_close(request, agency_slug, pk):
    return _act(
        request,
        pk,
        lambda a: service.close(activation=a, actor=request.user),
        "Closed. The location and the briefing have been erased.",
    )


@require_POST
@requires("activation.manage")
def activation_add(request, agency_slug, pk):
    _get(request, pk)  # another agency's activation is a 404 before anything else
    form = AddPeersForm(request.POST)
    if not audit.form_valid(request, form):
        messages.error(request, "Say how many more peers, from 1 to 10.")
        return redirect("activations:detail", agency_slug=agency_slug, pk=pk)
    return _act(
        request,
        pk,
        lambda a: service.add_peers(
            activation=a,
            actor=request.user,
            roles=request.roles,
            count=form.cleaned_data["count"],
            reason=form.cleaned_data["reason"],
        ),
        "More peers are being called.",
    )


@require_POST
@requires("activation.manage")
def activation_external(request, agency_slug, pk):
    form = ExternalTeamForm(request.POST)
    consulted = form.cleaned_data["consulted"] if form.is_valid() else ""
    return _act(
        request,
        pk,
        lambda a: service.record_external_team(
            activation=a, consulted=consulted, actor=request.user
        ),
        f"Recorded: {request.policy.external_team_name} activated.",
    )


@never_cache
def respond(request, slug, token):
    """The peer's page from the call-out link: no sign-in, and a GET changes nothing."""
    try:
        callout_id, agency_id = tokens.read(token)
    except signing.SignatureExpired:
        return _link_problem(request, "expired")
    except signing.BadSignature:
        return _link_problem(request, "invalid")
    agency = agency_by_slug(slug=slug)
    if agency is None or agency.pk != agency_id:
        return _link_problem(request, "wrong_agency")
    # No sign-in, so no middleware scope: the signed link names the agency.
    with tenant_db.agency_scope(agency.pk):
        return _respond(request, agency, callout_id)


def _respond(request, agency, callout_id):
    call = selectors.callout_for_link(agency=agency, pk=callout_id)
    if call is None:
        return _link_problem(request, "invalid")
    outcome = ""
    if request.method == "POST":
        choice = request.POST.get("answer")
        if choice not in {"accept", "decline"}:
            outcome = "bad_answer"
        else:
            outcome = respond_service(callout=call, accept=choice == "accept")
            call = selectors.callout_for_link(agency=agency, pk=callout_id)
    return render(
        request,
        "activations/respond.html",
        {
            "call": call,
            "details": selectors.call_details(call=call),
            "outcome": outcome,
            "told": outcome
            and told(
                outcome,
                activation_open=call.activation.status == "open",
                tells_supervisor=agency.policy.peer_notifies_supervisor,
            ),
            "agency": agency,
            "policy": agency.policy,
        },
    )


def _link_problem(request, reason: str):
    return render(request, "activations/respond.html", {"problem": reason}, status=400)


@twilio_api.webhook(failed=lambda: twilio_api.message_reply(sms_replies.TRY_AGAIN))
def sms_inbound(request):
    """A peer's reply to a call-out's text ("Y 4821"), from Twilio; the answer goes back as the
    reply. No sign-in: the sender's number and the call-out's code name the call-out."""
    text = sms_replies.answer(
        from_number=request.POST.get("From", ""), body=request.POST.get("Body", "")
    )
    return twilio_api.message_reply(text)


@require_POST
@requires("activation.manage")
def ask_partner(request, agency_slug, pk):
    _get(request, pk)  # another agency's activation is a 404 before anything else
    form = AskPartnerForm(request.POST, agency=request.agency)
    if not audit.form_valid(request, form):
        messages.error(request, "Choose a partner agency and a number of peers from 1 to 10.")
        return redirect("activations:detail", agency_slug=agency_slug, pk=pk)
    return _act(
        request,
        pk,
        lambda a: partners.request_help(
            activation=a,
            partner=form.cleaned_data["partner"],
            count=form.cleaned_data["count"],
            actor=request.user,
        ),
        "The request went to the partner agency.",
    )


@requires("activation.use")
def partner_requests(request, agency_slug):
    rows = list(selectors.partner_requests(agency=request.agency)[:100])
    policy = request.policy
    return render(
        request,
        "activations/partner_requests.html",
        {
            "rows": rows,
            "may_decide": request.can("partner.decide"),
            "approver": policy.cross_agency_approver_title
            or role_title(policy, policy.cross_agency_approver_role),
        },
    )


@require_POST
@requires("activation.use")
def partner_request_decide(request, agency_slug, pk):
    assistance = found_or_404(selectors.get_partner_request, agency=request.agency, pk=pk)
    choice = request.POST.get("decision")
    if choice not in {"approve", "decline"}:
        messages.error(request, "Choose approve or decline.")
        audit.page_refused(request)
    else:
        ok, _ = attempt(
            lambda: partners.decide(
                request=assistance,
                agency=request.agency,
                approve=choice == "approve",
                actor=request.user,
                roles=request.roles,
            ),
            request=request,
        )
        if ok:
            messages.success(request, "Decision recorded.")
    return redirect("activations:partner_requests", agency_slug=agency_slug)


@requires("outreach.send")
def outreach(request, agency_slug):
    reasons = outreach_service.reasons(request.agency)
    if not reasons:
        raise Http404("This agency's policy has no outreach.")
    form = OutreachForm(request.POST or None, reasons=reasons)
    if request.method == "POST" and audit.form_valid(request, form):
        person = person_by_number(
            agency=request.agency, employee_number=form.cleaned_data["employee_number"]
        )
        if person is None:
            form.add_error("employee_number", "Nobody in the directory has this number.")
            audit.page_refused(request)
        else:
            ok, _ = attempt(
                lambda: outreach_service.send_card(
                    agency=request.agency,
                    person=person,
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                ),
                form=form,
            )
            if ok:
                messages.success(request, "The contact card is on its way. Only the count is kept.")
                return redirect("activations:outreach", agency_slug=agency_slug)
    counts = selectors.outreach_counts(agency=request.agency)[:60]
    labels = dict(reasons)
    return render(
        request,
        "activations/outreach.html",
        {
            "form": form,
            "counts": [(c, labels.get(c.reason, c.reason)) for c in counts],
            "on_the_way": selectors.outreach_on_the_way(agency=request.agency),
        },
    )
