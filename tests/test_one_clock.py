"""One agency clock (issue 16): product code reads "today", "now" and local wall times through
agencies/clock.py, in the agency's zone, never the server's or the process's.

Reads every .py of the product (the app folders, demo, bench, config; not tests/ nor
migrations/) as a syntax tree, so comments and docstrings that name the calls do not count."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOT_PRODUCT = {"tests", "docs", "static", "templates", "var", "node_modules"}
CLOCK = "agencies/clock.py"

# (path, what) pairs allowed on purpose, each with its reason. Keep this short.
EXCEPTIONS: dict[tuple[str, str], str] = {}


def product_files() -> list[Path]:
    files = []
    for folder in sorted(ROOT.iterdir()):
        if not folder.is_dir() or folder.name.startswith(".") or folder.name in NOT_PRODUCT:
            continue
        if folder.name.endswith(".egg-info"):
            continue
        for path in sorted(folder.rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "migrations" in parts or any(p.startswith(".") for p in parts):
                continue
            files.append(path)
    return files


def _name(node: ast.expr) -> str:
    """`a.b.c` for a chain of attributes on a name, else ''."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _name(node.value)
        return f"{inner}.{node.attr}" if inner else node.attr
    return ""


def offences(source: str, relative: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        last = name.rsplit(".", 1)[-1]
        bare = not node.args and not node.keywords
        what = ""
        if name == "date.today" or name.endswith(".date.today"):
            what = "date.today()"
        elif last in {"localdate", "localtime"} and bare:
            what = f"timezone.{last}() without a moment or zone"
        elif (name == "datetime.now" or name.endswith(".datetime.now")) and bare:
            what = "datetime.now() without a zone"
        elif name == "datetime.utcnow" or name.endswith(".datetime.utcnow"):
            what = "datetime.utcnow()"
        elif last == "ZoneInfo" and relative != CLOCK:
            what = "ZoneInfo(...) outside agencies/clock.py"
        if what and (relative, what) not in EXCEPTIONS:
            found.append((node.lineno, what))
    return found


def test_the_scan_reads_the_product():
    names = {p.relative_to(ROOT).as_posix() for p in product_files()}
    assert CLOCK in names
    assert "checkins/services/due.py" in names
    assert "usage_reports/periods.py" in names
    assert not any(n.startswith("tests/") or "/migrations/" in n for n in names)


@pytest.mark.parametrize(
    "line",
    [
        "date.today()",
        "datetime.date.today()",
        "timezone.localdate()",
        "timezone.localtime()",
        "datetime.now()",
        "datetime.datetime.utcnow()",
        "zoneinfo.ZoneInfo('America/Chicago')",
        "ZoneInfo(agency.time_zone)",
    ],
)
def test_the_scan_catches(line):
    assert offences(line, "roster/x.py")


@pytest.mark.parametrize(
    "line",
    [
        "clock.today(agency)",
        "timezone.localtime(moment)",
        "timezone.localdate(moment)",
        "datetime.now(UTC)",
        "datetime.now(tz=UTC)",
        "'date.today() in a string'",
        "# timezone.localdate()",
    ],
)
def test_the_scan_lets_through(line):
    assert not offences(line, "roster/x.py")


def test_product_code_reads_one_agency_clock():
    found = []
    for path in product_files():
        relative = path.relative_to(ROOT).as_posix()
        for line, what in offences(path.read_text(encoding="utf-8"), relative):
            found.append(f"{relative}:{line}: {what}")
    assert not found, "Use agencies/clock.py instead:\n" + "\n".join(found)


# The clock itself, and agency_scope activating the agency's zone for a task's duration.


def test_local_time_keeps_the_wall_clock_across_the_spring_change(agency):
    from datetime import UTC, date, time

    from agencies import clock

    agency.time_zone = "America/Chicago"
    skipped = clock.local_time(agency, date(2027, 3, 14), "02:30")  # no 02:30 that night
    assert skipped == clock.local_time(agency, date(2027, 3, 14), time(3, 30))
    assert skipped.tzinfo is UTC
    assert clock.start_of_day(agency, date(2027, 3, 14)).hour == 0


def test_agency_scope_activates_the_agencys_zone_and_restores_the_last(
    agency, other_agency, django_assert_num_queries
):
    from django.utils import timezone

    from agencies import clock, tenant_db

    agency.time_zone = "Pacific/Honolulu"
    agency.save(update_fields=["time_zone"])
    other_agency.time_zone = "Asia/Tokyo"
    other_agency.save(update_fields=["time_zone"])
    before = timezone.get_current_timezone_name()
    # The zone's name costs one query; a nested scope for the same agency none.
    with django_assert_num_queries(1), tenant_db.agency_scope(agency.pk):
        assert timezone.get_current_timezone_name() == "Pacific/Honolulu"
        assert timezone.localdate(timezone.now()) == clock.today(agency)
        with tenant_db.agency_scope(agency.pk):
            assert timezone.get_current_timezone_name() == "Pacific/Honolulu"
    with tenant_db.agency_scope(agency.pk), tenant_db.agency_scope(other_agency.pk):
        assert timezone.get_current_timezone_name() == "Asia/Tokyo"
    with django_assert_num_queries(0), tenant_db.agency_scope(agency.pk, time_zone="UTC"):
        assert timezone.get_current_timezone_name() == "UTC"
    assert timezone.get_current_timezone_name() == before


def test_a_request_shows_its_agency_zone_to_scopes_inside_it(agency):
    from agencies import tenant_db

    agency.time_zone = "America/Denver"
    with tenant_db.user_scope(None):
        tenant_db.enter_agency(agency.pk, time_zone=agency.time_zone)
        assert tenant_db.current().time_zone == "America/Denver"


@pytest.mark.system_scope
def test_the_platform_rates_count_each_agency_against_its_own_today(agency, other_agency):
    from datetime import timedelta

    from agencies import clock
    from checkins import selectors
    from checkins.models import DueDate
    from roster.models import Person

    from .factories import PersonFactory

    agency.time_zone, other_agency.time_zone = "Pacific/Kiritimati", "Pacific/Pago_Pago"
    for a in (agency, other_agency):
        a.save(update_fields=["time_zone"])
        person = PersonFactory(agency=a, member_class="sworn", employed=True)
        # Due on the agency's own today: compliant there, whatever the day elsewhere (these two
        # zones are a day and more apart).
        DueDate.objects.update_or_create(
            agency=a, person=person, defaults={"due_on": clock.today(a)}
        )
        DueDate.objects.update_or_create(
            agency=a,
            person=PersonFactory(agency=a, member_class="sworn", employed=True),
            defaults={"due_on": clock.today(a) - timedelta(days=1)},
        )
    assert Person.objects.count() >= 4
    rows = {r["agency__slug"]: r for r in selectors.platform_rates()}
    for a in (agency, other_agency):
        assert (rows[a.slug]["compliant"], rows[a.slug]["overdue"]) == (1, 1)
