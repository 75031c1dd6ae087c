"""CSV injection (issue 14): text typed into the program, a name like =HYPERLINK("http://...")
or +1+1, is kept as typed, and no CSV export hands it back as a formula to whoever opens the
file in a spreadsheet. Every CSV is found by asking every page of the product for one, as every
role of the agency, so a new export is checked without being listed here."""

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from agencies import csv_export
from agencies.choices import Role
from agencies.models import IncidentType, InterventionType
from checkins.models import Program
from checkins.services.due import ensure_due_dates
from roster.models import Person
from roster.services import directory_csv
from tests.factories import AgencyFactory, PeerFactory, PersonFactory
from tests.support.objects import one_of_everything
from tests.support.routes import fill, routes
from usage_reports import periods
from usage_reports.models import UsageReport

HOSTILE = ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(1+1)", "\t=1", "\r=1"]
SIGNS = "=+-@\uff1d\uff0b\uff0d\uff20"  # and the full-width forms
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
# The exports there are today: (url name, route). Finding fewer means the sweep is broken.
KNOWN = {
    ("export", "<slug:agency_slug>/checkins/export.csv"),
    ("people_export", "<slug:agency_slug>/roster/people/export.csv"),
    ("quarterly", "<slug:agency_slug>/reports/quarterly/"),
    ("compensation", "<slug:agency_slug>/reports/compensation/"),
}


def runs(cell: str) -> bool:
    """A spreadsheet could take the cell for a formula: it starts with a sign (after spaces),
    or with a tab, CR or LF. A plain number like -2.5 is a number."""
    if NUMBER.fullmatch(cell):
        return False
    return cell[:1] in ("\t", "\r", "\n") or cell.lstrip()[:1] in tuple(SIGNS)


def cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text)) for c in row]


# --- the writer ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [*HOSTILE, "\n=1", " =1", "\uff1dSUM(1)", "\uff20x", "-", "+"])
def test_text_that_could_run_as_a_formula_is_written_after_one_quote(text):
    [written] = cells(csv_export.line([text]))
    assert written == "'" + text


@pytest.mark.parametrize(
    ("value", "written"),
    [(Decimal("-2.5"), "-2.5"), (-3, "-3"), (-0.5, "-0.5"), (Decimal("0.0"), "0.0"),
     ("-2.5", "-2.5"), ("-7", "-7"), (None, ""), (date(2026, 1, 2), "2026-01-02")],
)  # fmt: skip
def test_numbers_negative_ones_too_are_written_as_numbers(value, written):
    assert csv_export.cell(value) == written


@pytest.mark.parametrize("text", ["Smith", "O'Brien", "'Brien", "a-b", "2026Q1", "fewer than 3"])
def test_ordinary_text_is_written_as_it_is(text):
    assert csv_export.cell(text) == text


def test_a_separator_inside_text_cannot_start_a_cell_of_its_own():
    # Opened where ; or tab separates cells, an unquoted "a;=1+1" would start a cell with =.
    assert csv_export.cell("a;=1+1") == '"a;=1+1"'
    assert csv_export.cell("a\t=1+1") == '"a\t=1+1"'
    assert cells(csv_export.line(["a,=1", 'say "=1"'])) == ["a,=1", 'say "=1"']


def test_text_already_starting_with_a_quote_before_a_sign_gets_one_more():
    assert csv_export.cell("'=1") == "''=1"
    assert csv_export.as_typed("''=1") == "'=1"


@given(st.text())
def test_any_text_comes_back_from_its_cell_as_it_was_and_never_runs(text):
    written = csv_export.safe_text(text)
    assert csv_export.as_typed(written) == text
    assert not runs(written)
    [[read]] = list(csv.reader(io.StringIO(csv_export.line([text])))) or [[""]]
    assert read == written


def test_no_module_but_the_shared_writer_writes_csv():
    root = Path(settings.BASE_DIR)
    shared = root / "agencies" / "csv_export.py"
    found = []
    for top in root.iterdir():
        if not top.is_dir() or top.name.startswith(".") or top.name in {"tests", "static"}:
            continue
        for path in top.rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            for needle in ("csv.writer", "DictWriter", "from csv import", "text/csv"):
                if needle in source and path != shared:
                    found.append(f"{path.relative_to(root)}: {needle}")
    assert found == []


# --- every export ----------------------------------------------------------------------------


def _label(text: str, i: int) -> str:
    return text if i < len(HOSTILE) else f"{text} {i}"


@pytest.fixture
def hostile(clayton, users, agency):
    """Hostile text in every field that reaches an export: the directory's people (who are
    peers with hours in this quarter and the last, and officers due a check-in), and the
    labels of the agency's incident and intervention types."""
    Program.objects.create(agency=agency, started_on=date(2020, 1, 1))
    people = [
        PersonFactory(
            agency=agency, employee_number=bad, first_name=bad, last_name=bad, rank=bad,
            unit=bad, email=f"=1+{i}@evil.example", phone=bad,
        )
        for i, bad in enumerate(HOSTILE)
    ]  # fmt: skip
    people[0].commanding_officer = people[1]
    people[0].save()
    for model in (IncidentType, InterventionType):
        for i, item in enumerate(model.objects.for_agency(agency)):
            item.label = _label(HOSTILE[i % len(HOSTILE)], i)
            item.save()
    incident = IncidentType.objects.for_agency(agency).first()
    intervention = InterventionType.objects.for_agency(agency).first()
    quarters = [periods.previous_quarter(agency), periods.current_quarter(agency)]
    for person in people:
        peer = PeerFactory(agency=agency, person=person)
        for quarter in quarters:
            UsageReport.objects.create(
                agency=agency, peer=peer, served_at=quarter.start + timedelta(hours=12),
                duration_minutes=90, incident_type=incident, intervention_type=intervention,
                contact_mode="phone", on_duty=False, compensation_approved=True,
            )  # fmt: skip
    ensure_due_dates(agency=agency)
    return people


@pytest.mark.django_db
def test_no_cell_of_any_csv_export_runs_as_a_formula(login, users, agency, hostile):
    objects = one_of_everything(agency, AgencyFactory(slug="partner", preset="slmpd"))
    clients = {role: login(users[role]) for role in Role.values}
    found = {}
    for route, name, _ in routes():
        url = fill(route, name, agency.slug, objects)
        for role, client in clients.items():
            response = client.get(url, {"format": "csv"})
            if response.get("Content-Type", "").startswith("text/csv"):
                found[(name, route, role)] = response.content.decode()
    assert {(name, route) for name, route, _ in found} >= KNOWN
    for (name, _, role), text in found.items():
        written = cells(text)
        assert [c for c in written if runs(c)] == [], (name, role)
        # The hostile text got there, behind its quote: the check above checked something.
        missing = [bad for bad in HOSTILE if not any(c.startswith("'" + bad) for c in written)]
        assert missing == [], (name, role)


# --- the directory import ---------------------------------------------------------------------


def _fields(person: Person) -> tuple:
    boss = person.commanding_officer
    return (
        person.employee_number, person.first_name, person.last_name, person.rank, person.unit,
        person.email, person.phone, boss.employee_number if boss else "",
    )  # fmt: skip


@pytest.mark.django_db
@pytest.mark.system_scope
def test_an_exported_directory_imports_as_the_text_it_was(login, users, agency, other_agency,
                                                         hostile):  # fmt: skip
    exported = login(users[Role.COORDINATOR]).get(
        reverse("roster:people_export", args=[agency.slug])
    )
    text = exported.content.decode()
    assert not any(runs(c) for c in cells(text))
    # Into the same directory: nothing to change.
    plan = directory_csv.plan_import(agency=agency, text=text)
    assert plan.clean and plan.creates == [] and plan.updates == []
    # Into another agency's empty directory: the same people, to the character.
    coordinator = users["outsider"]
    staged = directory_csv.stage_import(
        agency=other_agency, user=coordinator, filename="x.csv", text=text
    )
    assert directory_csv.apply_import(staged=staged, actor=coordinator).clean
    theirs = {_fields(p) for p in Person.objects.for_agency(other_agency)}
    assert theirs == {_fields(p) for p in Person.objects.for_agency(agency)}
    assert {p.first_name for p in Person.objects.for_agency(other_agency)} >= set(HOSTILE)


@pytest.mark.django_db
@pytest.mark.system_scope
def test_imported_text_that_looks_like_a_formula_is_kept_as_typed(login, users, agency):
    typed = ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(1+1)", "'Brien", "'-5"]
    out = io.StringIO()
    writer = csv.writer(out)  # the file as a person or another program writes it
    writer.writerow(["employee_number", "first_name", "last_name", "unit", "email"])
    for i, bad in enumerate(typed):
        writer.writerow([f"H{i}", bad, bad, bad, f"=1+{i}@evil.example"])
    client = login(users[Role.COORDINATOR])
    upload = SimpleUploadedFile("people.csv", out.getvalue().encode(), "text/csv")
    preview = client.post(reverse("roster:people_import", args=[agency.slug]), {"file": upload})
    staged = preview.context["staged"]
    assert staged is not None, preview.context["plan"].errors
    client.post(reverse("roster:people_import_confirm", args=[agency.slug, staged.pk]))
    people = Person.objects.for_agency(agency).filter(employee_number__startswith="H")
    kept = sorted((p.employee_number, p.first_name, p.last_name, p.unit, p.email) for p in people)
    assert kept == [(f"H{i}", bad, bad, bad, f"=1+{i}@evil.example") for i, bad in enumerate(typed)]
