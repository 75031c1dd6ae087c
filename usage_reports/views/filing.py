"""The peer's usage forms: file one, see one's own, correct or withdraw within 7 days; and the
coordinator's list of all of them."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.http import require_POST

from agencies.decorators import requires
from agencies.shortcuts import attempt, found_or_404
from roster.selectors import peer_of_user
from security import audit

from .. import selectors, services
from ..forms import FileUsageForm, UsageForm


def _peer(request):
    peer = peer_of_user(agency=request.agency, user_id=request.user.pk)
    if peer is None or peer.status not in {"active", "in_training"}:
        raise Http404("Usage forms are filed by the team's peers.")
    return peer


@requires("usage.file")
def file_report(request, agency_slug):
    peer = _peer(request)
    form = FileUsageForm(request.POST or None, agency=request.agency, peer=peer)
    if request.method == "POST" and audit.form_valid(request, form):
        days = form.cleaned_data.get("follow_up_days")
        ok, _ = attempt(
            lambda: services.file_report(
                agency=request.agency, peer=peer, follow_up_days=days, **form.values()
            ),
            form=form,
        )
        if ok:
            messages.success(
                request,
                "Usage form filed."
                + (f" You will be reminded in {days} day{pluralize(days)}." if days else ""),
            )
            return redirect("usage_reports:mine", agency_slug=agency_slug)
    return render(request, "usage_reports/file.html", {"form": form, "editing": None})


@requires("usage.file")
def my_reports(request, agency_slug):
    peer = _peer(request)
    page = Paginator(selectors.reports_of_peer(agency=request.agency, peer=peer), 25).get_page(
        request.GET.get("page")
    )
    rows = [(r, services.may_correct(r, peer)) for r in page]
    return render(request, "usage_reports/mine.html", {"page": page, "rows": rows})


def _own(request, pk):
    peer = _peer(request)
    report = found_or_404(selectors.get_report, agency=request.agency, pk=pk)
    if report.peer_id != peer.pk:
        raise Http404("Not one of your usage forms.")
    return peer, report


@requires("usage.file")
def edit_report(request, agency_slug, pk):
    peer, report = _own(request, pk)
    if not services.may_correct(report, peer):
        messages.error(request, "A usage form can be corrected for 7 days after filing.")
        if request.method == "POST":
            audit.page_refused(request)
        return redirect("usage_reports:mine", agency_slug=agency_slug)
    initial = {
        "served_at": timezone.localtime(report.served_at).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": report.duration_minutes,
        "incident_type": report.incident_type_id,
        "intervention_type": report.intervention_type_id,
        "contact_mode": report.contact_mode,
        "on_duty": {True: "yes", False: "no"}.get(report.on_duty),
        "activation": report.activation_id,
    }
    form = UsageForm(request.POST or None, initial=initial, agency=request.agency, peer=peer)
    if request.method == "POST" and audit.form_valid(request, form):
        ok, _ = attempt(
            lambda: services.correct_report(report=report, peer=peer, **form.values()), form=form
        )
        if ok:
            messages.success(request, "Usage form corrected.")
            return redirect("usage_reports:mine", agency_slug=agency_slug)
    return render(request, "usage_reports/file.html", {"form": form, "editing": report})


@require_POST
@requires("usage.file")
def withdraw_report(request, agency_slug, pk):
    peer, report = _own(request, pk)
    ok, _ = attempt(lambda: services.withdraw_report(report=report, peer=peer), request=request)
    if ok:
        messages.success(request, "Usage form withdrawn.")
    return redirect("usage_reports:mine", agency_slug=agency_slug)


@requires("usage.read")
def all_reports(request, agency_slug):
    page = Paginator(selectors.reports_for_agency(agency=request.agency), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "usage_reports/all.html", {"page": page})
