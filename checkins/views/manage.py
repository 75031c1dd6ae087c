"""The coordinator's pages: compliance, scheduler runs, requests and misses to decide."""

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_POST

from agencies import csv_export
from agencies.decorators import requires
from agencies.shortcuts import attempt, found_or_404
from security import audit

from .. import selectors
from ..forms import DecideMissedForm, DecideRequestForm, ProgramForm, RunForm
from ..models import DUE_SOON_DAYS, RunState
from ..services import appointments, runs
from ..services.due import current_program, save_program, today_in, zone


@requires("checkins.view")
def compliance(request, agency_slug):
    agency = request.agency
    today = today_in(agency)
    status = request.GET.get("status", "")
    page = Paginator(selectors.officers(agency=agency, today=today, status=status), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "checkins/compliance.html",
        {
            "summary": selectors.compliance(agency=agency, today=today),
            "page": page,
            "status": status if status in selectors.STATUSES else "",
            "statuses": selectors.STATUSES,
            "due_soon_days": DUE_SOON_DAYS,
            "today": today,
            "tz": zone(agency),
        },
    )


@requires("checkins.view")
def export(request, agency_slug):
    agency = request.agency
    today = today_in(agency)
    tz = zone(agency)
    header = [
        "employee_number", "last_name", "first_name", "unit", "due_on", "last_completed_on",
        "status", "appointment", "next_appointment",
    ]  # fmt: skip

    def rows():
        yield header
        for row in selectors.officers(agency=agency, today=today).iterator(chunk_size=2000):
            yield [
                row.person.employee_number,
                row.person.last_name,
                row.person.first_name,
                row.person.unit,
                row.due_on,
                row.last_completed_on or "",
                "overdue" if row.overdue else "compliant",
                "missed" if row.missed else "scheduled" if row.scheduled else "",
                row.next_start.astimezone(tz).strftime("%Y-%m-%d %H:%M") if row.next_start else "",
            ]

    return csv_export.response(f"{agency_slug}-checkins.csv", rows())


@requires("checkins.manage")
def run_list(request, agency_slug):
    form = RunForm(request.POST or None)
    if request.method == "POST" and audit.form_valid(request, form):
        ok, run = attempt(
            lambda: runs.run_scheduler(
                agency=request.agency,
                actor=request.user,
                horizon_days=form.cleaned_data["horizon_days"],
            ),
            form=form,
        )
        if ok:
            proposed = selectors.proposal_count(run=run)
            if proposed:
                messages.success(
                    request,
                    f"The scheduler proposed {proposed} appointment{pluralize(proposed)}. "
                    "Review them, then publish.",
                )
            else:
                messages.info(
                    request,
                    "Nobody due within the horizon is without an appointment"
                    + (f", and {run.unplaced} could not be placed" if run.unplaced else "")
                    + ": there is nothing to publish.",
                )
            return redirect("checkins:run", agency_slug=agency_slug, pk=run.pk)
    return render(
        request, "checkins/runs.html", {"form": form, "runs": selectors.runs(agency=request.agency)}
    )


@requires("checkins.manage")
def run_detail(request, agency_slug, pk):
    run = found_or_404(selectors.get_run, agency=request.agency, pk=pk)
    proposals = Paginator(selectors.proposals_of(run=run), 50).get_page(request.GET.get("page"))
    weeks = selectors.run_weeks(run=run)
    return render(
        request,
        "checkins/run.html",
        {
            "run": run,
            "page": proposals,
            "weeks": weeks,
            "most": max([w["count"] for w in weeks], default=0),
            "unplaced": selectors.run_unplaced(run=run)[:100],
            "draft": run.state == RunState.DRAFT,
            "tz": zone(request.agency),
        },
    )


@require_POST
@requires("checkins.manage")
def run_publish(request, agency_slug, pk):
    run = found_or_404(selectors.get_run, agency=request.agency, pk=pk)
    ok, count = attempt(lambda: runs.publish_run(run=run, actor=request.user), request=request)
    if ok:
        messages.success(
            request,
            f"{count} appointments published. Each officer's notice goes out "
            f"{request.policy.checkin_notice_days} days before the appointment.",
        )
    return redirect("checkins:run", agency_slug=agency_slug, pk=pk)


@require_POST
@requires("checkins.manage")
def run_discard(request, agency_slug, pk):
    run = found_or_404(selectors.get_run, agency=request.agency, pk=pk)
    ok, _ = attempt(lambda: runs.discard_run(run=run, actor=request.user), request=request)
    if ok:
        messages.success(request, "The run was discarded; its slots are free again.")
    return redirect("checkins:runs", agency_slug=agency_slug)


def _slot_choices(request):
    first = today_in(request.agency) + timedelta(days=request.policy.checkin_notice_days)
    return selectors.slot_choices(agency=request.agency, first_day=first)


@requires("checkins.manage")
def requests(request, agency_slug):
    agency = request.agency
    choices = _slot_choices(request)
    return render(
        request,
        "checkins/requests.html",
        {
            "pending": [
                (r, DecideRequestForm(choices=choices, prefix=f"r{r.pk}"))
                for r in selectors.pending_requests(agency=agency)
            ],
            "missed": [
                (m, DecideMissedForm(choices=choices, prefix=f"m{m.pk}"))
                for m in selectors.missed_to_decide(agency=agency)
            ],
            "tz": zone(agency),
            "no_slots": not choices,
        },
    )


def _decide(request, form, act, done: str):
    """A decision form of the requests page: the service's refusal or the form's errors
    become messages on that page, and nothing changes."""
    if audit.form_valid(request, form):
        ok, _ = attempt(lambda: act(form.cleaned_data), request=request)
        if ok:
            messages.success(request, done)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("checkins:requests", agency_slug=request.agency.slug)


@require_POST
@requires("checkins.manage")
def request_decide(request, agency_slug, pk):
    item = found_or_404(selectors.get_request, agency=request.agency, pk=pk)
    form = DecideRequestForm(request.POST, choices=_slot_choices(request), prefix=f"r{pk}")
    approve = request.POST.get(f"r{pk}-decision") == "approve"

    def act(data):
        location_id, starts_at = data["slot"] if approve else (None, None)
        return appointments.decide_reschedule(
            request=item,
            actor=request.user,
            approve=approve,
            location_id=location_id,
            starts_at=starts_at,
        )

    done = (
        "Approved: the new notice is on its way."
        if approve
        else "Declined; the officer is told the date stands."
    )
    return _decide(request, form, act, done)


@require_POST
@requires("checkins.manage")
def missed_decide(request, agency_slug, pk):
    item = found_or_404(selectors.get_missed, agency=request.agency, pk=pk)
    form = DecideMissedForm(request.POST, choices=_slot_choices(request), prefix=f"m{pk}")

    def act(data):
        location_id, starts_at = data["slot"]
        return appointments.decide_missed(
            missed=item,
            actor=request.user,
            just_cause=data["just_cause"],
            location_id=location_id,
            starts_at=starts_at,
        )

    return _decide(request, form, act, "Recorded; the new appointment's notice is on its way.")


@requires("checkins.manage")
def program(request, agency_slug):
    agency = request.agency
    current = current_program(agency=agency)
    form = ProgramForm(request.POST or None, instance=current)
    if request.method == "POST" and audit.form_valid(request, form):
        ok, _ = attempt(lambda: save_program(program=form.instance, actor=request.user), form=form)
        if ok:
            messages.success(request, "Saved; due dates were recomputed.")
            return redirect("checkins:program", agency_slug=agency_slug)
    contracts = selectors.active_contracts(agency=agency)
    return render(request, "checkins/program.html", {"form": form, "contracts": contracts})
