"""The compensation report (page, CSV, PDF) and the lead's decisions on it: off-duty consults
approved or declined (KCPD III.D.2), days off taken under a yearly allowance (SLMPD Team
Activities 8)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from agencies.decorators import requires
from security import audit

from .. import compensation as selectors
from .. import periods, services
from ..forms import DayOffForm
from ..models import DayOff
from .stats import _csv, _period, _refused, pdf_or_page

CSV_HEADER = ["Peer", "Activation hours", "Open assignments", "Off-duty hours",
              "Awaiting approval (hours)", "Total hours"]  # fmt: skip


def _rows(data: selectors.Compensation) -> list[list]:
    rows: list[list] = []
    if data.in_hours:
        rows.append(CSV_HEADER)
        rows += [
            [r.peer, r.activation_hours, r.open_assignments, r.off_duty_hours,
             r.awaiting_approval_hours, r.total]
            for r in data.rows
        ]  # fmt: skip
    if data.days_off_per_year:
        rows += [[], [f"Days off in {data.year}", f"{data.days_off_per_year} allowed each"]]
        rows.append(["Peer", "Taken this quarter", f"Taken in {data.year}", "Left"])
        rows += [[r.peer, r.this_quarter, r.this_year, r.left] for r in data.days_off]
    return rows


@requires("compensation.view")
def compensation(request, agency_slug):
    period, form = _period(request, periods.current_quarter, quarters_only=True)
    data = selectors.compensation(agency=request.agency, period=period)
    fmt = None if _refused(request) else request.GET.get("format")
    if fmt == "csv":
        return _csv(f"{agency_slug}-{period.key}-compensation.csv", _rows(data))
    pending = (
        list(selectors.pending_approvals(agency=request.agency, period=period)[:200])
        if "approved_off_duty_consult" in request.policy.compensation_basis
        else []
    )
    context = {"data": data, "form": form, "period": period, "pending": pending}
    if fmt == "pdf":
        return pdf_or_page(
            request,
            page="usage_reports/compensation.html",
            pdf="usage_reports/compensation_pdf.html",
            context=context,
            filename=f"{agency_slug}-{period.key}-compensation.pdf",
        )
    if data.days_off_per_year:
        context["day_off_form"] = DayOffForm(agency=request.agency, period=period)
    return render(request, "usage_reports/compensation.html", context)


def _back(request, agency_slug):
    target = redirect("usage_reports:compensation", agency_slug=agency_slug)
    period = request.POST.get("period", "")
    if period in dict(periods.choices(request.agency)):
        target["Location"] += f"?period={period}"
    return target


@require_POST
@requires("compensation.view")
def approve(request, agency_slug):
    ids = [int(i) for i in request.POST.getlist("report") if i.isdigit()][:500]
    decline = request.POST.get("decision") == "decline"
    if not ids:
        messages.error(request, f"Tick the consults to {'decline' if decline else 'approve'}.")
        audit.page_refused(request)
    else:
        done = services.approve_compensation(
            agency=request.agency, report_ids=ids, approve=not decline, actor=request.user
        )
        word = "declined" if decline else "approved"
        messages.success(request, f"{done} off-duty consult(s) {word} for compensation.")
    return _back(request, agency_slug)


@require_POST
@requires("compensation.view")
def record_day_off(request, agency_slug):
    period = periods.parse(request.POST.get("period"), request.agency)
    form = DayOffForm(request.POST, agency=request.agency, period=period)
    if not audit.form_valid(request, form):
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(request, agency_slug)
    try:
        day = services.record_day_off(
            agency=request.agency,
            peer_id=form.cleaned_data["peer"].pk,
            taken_on=form.cleaned_data["taken_on"],
            by=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Day off recorded: {day.taken_on:%B %-d, %Y}.")
    return _back(request, agency_slug)


@require_POST
@requires("compensation.view")
def remove_day_off(request, agency_slug, pk):
    try:
        taken_on = services.remove_day_off(agency=request.agency, day_off_id=pk, actor=request.user)
    except DayOff.DoesNotExist:
        raise Http404("No such day off in this agency.") from None
    messages.success(request, f"Day off of {taken_on:%B %-d, %Y} removed.")
    return _back(request, agency_slug)
