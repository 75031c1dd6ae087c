"""Statistics and reports. Coordinators see per-peer figures; the command role sees aggregates
only, with every small count hidden."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from agencies import csv_export
from agencies.decorators import requires

from .. import periods, reports, selectors
from ..forms import PeriodForm
from ..templatetags.usage_tags import or_hidden, shown


def _per_peer(request) -> bool:
    return request.can("stats.per_peer")


def _period(request, default, *, quarters_only: bool = False):
    """The period asked for, or the default with a message when the ask is not one offered.
    A report of a quarter offers quarters only."""
    choices = periods.choices(request.agency)
    if quarters_only:
        choices = [(key, label) for key, label in choices if "Q" in key]
    key = request.GET.get("period")
    if key and key not in dict(choices):
        messages.error(
            request, "Choose one of the quarters offered." if quarters_only else
            "Choose one of the periods offered.",
        )  # fmt: skip
        request.period_refused = True
        key = None
    period = periods.parse(key, request.agency) if key else default(request.agency)
    return period, PeriodForm(initial={"period": period.key}, choices=choices)


def _refused(request) -> bool:
    """Whether the period asked for was not one offered (and the request was told so)."""
    return getattr(request, "period_refused", False)


@requires("stats.view")
def statistics(request, agency_slug):
    period, form = _period(request, periods.current_quarter)
    per_peer = _per_peer(request)
    stats = selectors.statistics(
        agency=request.agency, period=period, per_peer=per_peer, suppress_everything=not per_peer
    )
    return render(
        request,
        "usage_reports/statistics.html",
        {"stats": stats, "form": form, "per_peer": per_peer},
    )


def _csv(filename: str, rows: list[list]) -> HttpResponse:
    return csv_export.response(filename, rows)


def _quarterly_rows(report: reports.Quarterly) -> list[list]:
    stats = report.stats
    rows = [["Quarterly program report", report.period.label], []]
    rows += [
        ["Contacts", shown(stats.total, stats.threshold)],
        *([["Hours of support", or_hidden(stats.hours)]] if stats.counts_hours else []),
        [],
    ]
    for title, table in stats.tables:
        rows.append([title, "Contacts"])
        rows += [[c.label, shown(c, stats.threshold)] for c in table]
        rows.append([])
    rows += [["Activations", report.activations], ["Peers who answered", report.peers_accepted]]
    rows += [[c.label, shown(c, stats.threshold)] for c in report.activations_by_type]
    rows += [[], ["Compensation hours", or_hidden(report.compensation_total)]]
    if report.compensation:
        rows.append(["Peer", "Activation hours", "Off-duty hours", "Total"])
        rows += [
            [r.peer, r.activation_hours, r.off_duty_hours, r.total]
            for r in report.compensation.rows
        ]
    return rows


def pdf_or_page(request, *, page: str, pdf: str, context: dict, filename: str) -> HttpResponse:
    """The PDF of a report (WeasyPrint), or its page with a message where Pango is missing."""
    try:
        from weasyprint import HTML
    except OSError:  # the Pango library is missing on this machine
        messages.error(request, "PDF needs the Pango library on the server; use Print.")
        return render(request, page, context)
    html = render_to_string(pdf, {**context, "agency": request.agency, "policy": request.policy})
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@requires("reports.view")
def quarterly(request, agency_slug):
    period, form = _period(request, periods.current_quarter, quarters_only=True)
    report = reports.quarterly(agency=request.agency, period=period, per_peer=_per_peer(request))
    context = {"report": report, "stats": report.stats, "form": form}
    fmt = request.GET.get("format")
    if _refused(request):
        # A download of a period not offered would be another quarter's file, silently: the
        # page says why instead, and the message is shown now, not on some later page.
        return render(request, "usage_reports/quarterly.html", context)
    if fmt == "csv":
        return _csv(f"{agency_slug}-{period.key}-report.csv", _quarterly_rows(report))
    if fmt == "pdf":
        return pdf_or_page(
            request,
            page="usage_reports/quarterly.html",
            pdf="usage_reports/quarterly_pdf.html",
            context=context,
            filename=f"{agency_slug}-{period.key}.pdf",
        )
    return render(request, "usage_reports/quarterly.html", context)


@requires("reports.view")
def evaluation(request, agency_slug):
    data = reports.evaluation(agency=request.agency, suppress_everything=not _per_peer(request))
    return render(request, "usage_reports/evaluation.html", {"data": data})
