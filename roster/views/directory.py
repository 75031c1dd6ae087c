from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from agencies import csv_export
from agencies.decorators import requires
from agencies.shortcuts import attempt, found_or_404
from roster import selectors
from roster.forms import ImportForm, PersonForm
from roster.models import Person
from roster.services import directory_csv
from roster.services.people import save_person
from security import audit


@requires("directory.manage")
def people(request, agency_slug):
    query = request.GET.get("q", "")[:100]
    page = Paginator(selectors.search_people(agency=request.agency, query=query), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "roster/people.html", {"page": page, "query": query})


@requires("directory.manage")
def person_edit(request, agency_slug, pk=None):
    person = (
        found_or_404(selectors.get_person, agency=request.agency, pk=pk)
        if pk
        else Person(agency=request.agency)
    )
    previous = set(person.flags()) if pk else set()
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and audit.form_valid(request, form):
        form.instance.commanding_officer = form.commanding_officer
        ok, _ = attempt(
            lambda: save_person(person=form.instance, actor=request.user, previous_flags=previous),
            form=form,
        )
        if ok:
            messages.success(request, f"{person.full_name} saved.")
            return redirect("roster:people", agency_slug=agency_slug)
    return render(request, "roster/person_form.html", {"form": form, "person": person})


@requires("directory.manage")
def export_people(request, agency_slug):
    return csv_export.response(
        f"{agency_slug}-directory.csv", directory_csv.export_rows(agency=request.agency)
    )


@requires("directory.manage")
def import_people(request, agency_slug):
    """Upload: every row is checked and the preview shown; nothing is written until confirmed."""
    form = ImportForm(request.POST or None, request.FILES or None)
    plan = staged = None
    if request.method == "POST" and audit.form_valid(request, form):
        upload = form.cleaned_data["file"]
        try:
            plan, staged = directory_csv.upload_import(
                agency=request.agency,
                actor=request.user,
                filename=upload.name,
                raw=upload.read(directory_csv.MAX_BYTES + 1),
            )
        except directory_csv.ImportRefused as refused:
            plan = refused.plan
        except ValidationError as exc:
            form.add_error("file", exc)
    return render(
        request,
        "roster/import.html",
        {"form": form, "plan": plan, "staged": staged, "columns": directory_csv.column_help()},
    )


@require_POST
@requires("directory.manage")
def import_confirm(request, agency_slug, pk):
    staged = found_or_404(selectors.get_import, agency=request.agency, user=request.user, pk=pk)
    try:
        plan = directory_csv.apply_import(staged=staged, actor=request.user)
    except directory_csv.ImportRefused as refused:
        messages.error(request, "The directory changed since the preview; nothing was imported.")
        return render(
            request,
            "roster/import.html",
            {"form": ImportForm(), "plan": refused.plan, "columns": directory_csv.column_help()},
        )
    messages.success(
        request,
        f"Imported: {len(plan.creates)} added, {len(plan.updates)} updated.",
    )
    return redirect("roster:people", agency_slug=agency_slug)
