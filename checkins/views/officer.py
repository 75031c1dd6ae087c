"""The officer's own check-in page: the next appointment, a new-date request, a missed
appointment's explanation."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from agencies.decorators import requires
from agencies.shortcuts import attempt, found_or_404
from security import audit

from .. import selectors
from ..forms import ExplanationForm, ReasonForm
from ..services import appointments
from ..services.due import today_in, zone


def _page(request, *, reason_form=None, explanation_form=None):
    agency = request.agency
    person = selectors.own_person(agency=agency, user=request.user)
    context = {"person": person, "tz": zone(agency)}
    if person is not None:
        today = today_in(agency)
        upcoming = selectors.own_upcoming(agency=agency, person=person)
        context.update(
            due=selectors.own_due(agency=agency, person=person, today=today),
            upcoming=upcoming,
            pending=selectors.pending_request_of(appointment=upcoming) if upcoming else None,
            days_left=appointments.days_until(upcoming) if upcoming else None,
            to_explain=selectors.own_unexplained(agency=agency, person=person),
            history=selectors.own_history(agency=agency, person=person)[:10],
            reason_form=reason_form or ReasonForm(),
            explanation_form=explanation_form or ExplanationForm(),
        )
    return render(request, "checkins/mine.html", context)


@requires("checkins.mine")
def mine(request, agency_slug):
    return _page(request)


def _send(request, form, act, field: str, done: str, **page_forms):
    """The officer's To/From: a refusal (too late, already sent) shows on the form."""
    if audit.form_valid(request, form):
        ok, _ = attempt(lambda: act(form.cleaned_data[field]), form=form, field=field)
        if ok:
            messages.success(request, done)
            return redirect("checkins:mine", agency_slug=request.agency.slug)
    return _page(request, **page_forms)


@require_POST
@requires("checkins.mine")
def reschedule(request, agency_slug, pk):
    appointment = found_or_404(
        selectors.own_appointment, agency=request.agency, user=request.user, pk=pk
    )
    form = ReasonForm(request.POST)
    return _send(
        request,
        form,
        lambda reason: appointments.request_reschedule(
            appointment=appointment, user=request.user, reason=reason
        ),
        "reason",
        "Your request went to the coordinator.",
        reason_form=form,
    )


@require_POST
@requires("checkins.mine")
def explain(request, agency_slug, pk):
    missed = found_or_404(selectors.own_missed, agency=request.agency, user=request.user, pk=pk)
    form = ExplanationForm(request.POST)
    return _send(
        request,
        form,
        lambda text: appointments.explain_missed(
            missed=missed, user=request.user, explanation=text
        ),
        "explanation",
        "Your explanation went to the coordinator.",
        explanation_form=form,
    )
