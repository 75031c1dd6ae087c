"""Thin views and forms (issue 16): reads live in each app's `selectors`, writes in `services`; a
view, a form or a panel of a page asks a selector for its querysets and never builds one.

Reads every views, forms and panels module of the product as a syntax tree and refuses a model
manager reached directly (`Model.objects`), a queryset method called (`.filter(...)`,
`.select_related(...)`, the project's own such as `.for_agency(...)`), an argument-less
`.count()`, `.exists()`, `.first()`, `.last()`, `.all()` or `.none()` (nothing else in these
modules is called so), and `refresh_from_db()`. A view may still slice, page and stream
(`.iterator()`) what a selector gives it: that is how much to show, not what to read."""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.db.models import QuerySet

from tests.test_one_clock import ROOT, _name, product_files

LAYER_NAMES = {"views.py", "forms.py", "panels.py"}
LAYER_FOLDERS = {"views", "forms"}

# Names a QuerySet shares with dicts, lists, sets and the services (`service.create(...)`,
# `request.POST.get(...)`, `form.errors.values()`): refused only where they cannot be those.
SHARED = {
    "get", "values", "update", "delete", "create", "iterator", "count", "exists", "first", "last",
    "all", "none", "contains", "reverse", "union", "intersection", "difference", "as_manager",
    "resolve_expression", "explain",
}  # fmt: skip
BARE = {"count", "exists", "first", "last", "all", "none"}

# (path, what) pairs allowed on purpose, each with its reason. Keep this short.
EXCEPTIONS: dict[tuple[str, str], str] = {}


def layer_files() -> list[Path]:
    return [
        path
        for path in product_files()
        if path.name in LAYER_NAMES or path.parent.name in LAYER_FOLDERS
    ]


def query_methods() -> set[str]:
    """Django's QuerySet API and the project's own queryset methods (for_agency, reachable,
    not_over, usable_by, ...), read from every model's manager."""
    classes = {QuerySet}
    for model in apps.get_models():
        for cls in type(model._default_manager.get_queryset()).__mro__:
            if issubclass(cls, QuerySet):
                classes.add(cls)
    return {
        name
        for cls in classes
        for name, value in vars(cls).items()
        if not name.startswith("_") and callable(value)
    }


def offences(source: str, methods: set[str]) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            found.append((node.lineno, f"{_name(node) or '….objects'} (a model manager)"))
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        method = node.func.attr
        bare = not node.args and not node.keywords
        if method == "refresh_from_db" or (
            (method in methods and method not in SHARED) or (method in BARE and bare)
        ):
            found.append((node.lineno, f".{method}(...)"))
    return sorted(found)


@pytest.fixture(scope="module")
def methods():
    return query_methods()


def test_the_scan_reads_every_view_form_and_panel():
    names = {p.relative_to(ROOT).as_posix() for p in layer_files()}
    assert {
        "activations/views.py", "activations/forms.py", "activations/panels.py",
        "agencies/views.py", "roster/views/team.py", "checkins/views/officer.py",
        "usage_reports/views/compensation.py", "usage_reports/forms.py", "notifications/views.py",
        "security/views.py",
    } <= names  # fmt: skip
    assert not any("selectors" in n or "services" in n for n in names)


def test_the_project_queryset_methods_are_known(methods):
    assert {"filter", "select_related", "for_agency", "not_over", "usable_by"} <= methods


@pytest.mark.parametrize(
    "line",
    [
        "Person.objects.for_agency(agency)",
        "Agency.objects.none()",
        "model.objects",
        "selectors.search_people(agency=a).filter(unit='x')",
        "peer.history.select_related('actor')",
        "peer.shifts.not_over(now)",
        "Thing.for_agency(agency)",
        "run.appointments.count()",
        "upcoming.reschedule_requests.exists()",
        "qs.first()",
        "peer.trainings.all()",
        "call.refresh_from_db()",
    ],
)
def test_the_scan_catches(line, methods):
    assert offences(line, methods)


@pytest.mark.parametrize(
    "line",
    [
        "request.POST.get('answer')",
        "names.get(code, code)",
        "form.errors.values()",
        "context.update(due=1)",
        "service.create(agency=agency)",
        "services.delete_resource(resource=r, actor=u)",
        "selectors.applications_for(agency=agency)[:200]",
        "selectors.officers(agency=a, today=t).iterator(chunk_size=2000)",
        "words.count('x')",
        "rows.reverse()",
        "class Meta:\n    model = Person",
        "forms.ModelChoiceField(queryset=None)",
        "'Person.objects.filter() in a string'",
    ],
)
def test_the_scan_lets_through(line, methods):
    assert not offences(line, methods)


def test_views_forms_and_panels_ask_selectors_for_what_they_read(methods):
    found = []
    for path in layer_files():
        relative = path.relative_to(ROOT).as_posix()
        for line, what in offences(path.read_text(encoding="utf-8"), methods):
            if (relative, what) not in EXCEPTIONS:
                found.append(f"{relative}:{line}: {what}")
    assert not found, "Read through the app's selectors instead:\n" + "\n".join(found)
