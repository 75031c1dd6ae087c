"""The personnel directory as CSV: export, and an import that previews first and writes only a
clean file, all of it or nothing. The export writes through agencies.csv_export, so no cell runs
as a formula; the import takes off the one quote it put before such text, so an exported file
imports as it was, and any other text is kept as typed."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from agencies import csv_export
from agencies.choices import MemberClass
from agencies.models import Agency, User
from roster import dates
from roster.models import DirectoryImport, Person
from roster.models.people import FLAG_FIELDS
from roster.versions import roster_changed
from security.audit import audited

from .people import apply_flag_changes, due_dates_follow

COLUMNS = [
    "employee_number", "first_name", "last_name", "rank", "unit", "member_class", "hire_date",
    "email", "phone", "commanding_officer", *FLAG_FIELDS, "employed",
]  # fmt: skip
REQUIRED = ["employee_number", "first_name", "last_name"]
MAX_ROWS = 20_000
MAX_BYTES = 5 * 1024 * 1024
_TRUE = {"yes", "y", "true", "t", "1", "x"}
_FALSE = {"no", "n", "false", "f", "0", ""}
_LIMITS = {f.name: f.max_length for f in Person._meta.fields if getattr(f, "max_length", None)}
_YES_NO = "yes or no (also y/n, true/false, 1/0, x); empty means no"


def column_help() -> list[tuple[str, bool, str]]:
    """What each column takes, for the import page: (column, required, what it accepts)."""
    bounds = dates.HIRE_DATE
    accepts = {
        "employee_number": "Text; a row updates the person with the same number, or adds one",
        "member_class": f"One of {', '.join(MemberClass.values)} (or its name); empty means sworn",
        "hire_date": f"A date like 2019-06-30 or 06/30/2019, from {bounds.earliest.year}, not "
        "in the future; may be empty",
        "email": "An email address; may be empty",
        "commanding_officer": "Their employee number, or their name as First Last or Last, "
        "First when exactly one person in the directory or in this file has it; empty for none",
        "employed": "yes or no; empty means yes",
        **{flag: _YES_NO for flag in FLAG_FIELDS},
    }
    rows = []
    for column in COLUMNS:
        text = accepts.get(column, "Text; may be empty" if column not in REQUIRED else "Text")
        if column in _LIMITS:
            text += f"; at most {_LIMITS[column]} characters"
        rows.append((column, column in REQUIRED, text))
    return rows


@dataclass
class RowError:
    """One problem of one row: its line in the file (the header is line 1), the column it is
    in (empty for the row as a whole) and what is wrong, in a sentence."""

    line: int
    message: str
    column: str = ""


@dataclass
class ImportPlan:
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    creates: list[str] = field(default_factory=list)
    updates: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.errors


class ImportRefused(ValidationError):
    """A file with a row that cannot be imported: nothing is written, and `plan` says why."""

    def __init__(self, plan: ImportPlan) -> None:
        super().__init__(f"{len(plan.errors)} problem(s) in the file; nothing was imported.")
        self.plan = plan


def export_rows(*, agency: Agency) -> Iterator[list]:
    yield COLUMNS
    people = Person.objects.for_agency(agency).select_related("commanding_officer")
    for p in people.order_by("employee_number"):
        yield [
            p.employee_number, p.first_name, p.last_name, p.rank, p.unit, p.member_class,
            p.hire_date.isoformat() if p.hire_date else "", p.email, p.phone,
            p.commanding_officer.employee_number if p.commanding_officer else "",
            *("yes" if getattr(p, f) else "no" for f in FLAG_FIELDS),
            "yes" if p.employed else "no",
        ]  # fmt: skip


def decode(raw: bytes) -> str:
    if len(raw) > MAX_BYTES:
        raise ValidationError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("The file is not UTF-8 text; save it as CSV UTF-8.") from None


def plan_import(*, agency: Agency, text: str) -> ImportPlan:
    """Check every row and work out what would change; nothing is written."""
    plan = ImportPlan()
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    unknown = [h for h in header if h not in COLUMNS]
    missing = [c for c in REQUIRED if c not in header]
    if not header or unknown or missing:
        parts = []
        if unknown:
            parts.append(f"unknown column(s) {', '.join(unknown)}")
        if missing or not header:
            parts.append(f"missing column(s) {', '.join(missing or REQUIRED)}")
        plan.errors.append(RowError(1, "; ".join(parts) + f". Columns: {', '.join(COLUMNS)}."))
        return plan
    existing = {
        p.employee_number: p
        for p in Person.objects.for_agency(agency).select_related("commanding_officer")
    }
    seen: dict[str, int] = {}
    parsed: list[tuple[int, dict[str, Any], list[tuple[str, str]]]] = []
    for line, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(parsed) >= MAX_ROWS:
            plan.errors.append(RowError(line, f"More than {MAX_ROWS} rows; split the file."))
            break
        if len(values) != len(header):
            plan.errors.append(RowError(line, f"{len(values)} values for {len(header)} columns."))
            continue
        raw = {h: csv_export.as_typed(v.strip()) for h, v in zip(header, values, strict=True)}
        row, problems = _clean_row(raw)
        number = row.get("employee_number", "")
        if number in seen:
            problems.append(
                ("employee_number", f"employee number {number} is also on line {seen[number]}")
            )
        seen.setdefault(number, line)
        parsed.append((line, row, problems))
    bosses = _Bosses(existing, [row for _, row, _ in parsed])
    for line, row, problems in parsed:
        if boss := row.get("commanding_officer"):
            number, problem = bosses.resolve(boss, row.get("employee_number", ""))
            if problem:
                problems.append(("commanding_officer", problem))
            else:
                row["commanding_officer"] = number
        if problems:
            plan.errors.extend(RowError(line, message, column) for column, message in problems)
            continue
        row["_line"] = line
        plan.rows.append(row)
    plan.errors.sort(key=lambda e: e.line)
    if plan.clean:
        for row in plan.rows:
            person = existing.get(row["employee_number"])
            if person is None:
                plan.creates.append(row["employee_number"])
            else:
                changed = [k for k in row if not k.startswith("_") and _differs(person, k, row[k])]
                if changed:
                    plan.updates.append((row["employee_number"], changed))
    return plan


def _differs(person: Person, key: str, value: Any) -> bool:
    if key == "commanding_officer":
        current = person.commanding_officer.employee_number if person.commanding_officer else ""
        return current != value
    return getattr(person, key) != value


def _clean_row(raw: dict[str, str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    row: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for name in REQUIRED:
        if not raw.get(name):
            problems.append((name, f"{name.replace('_', ' ')} is empty"))
    for name, value in raw.items():
        limit = _LIMITS.get(name)
        if limit and len(value) > limit:
            problems.append((name, f"{name.replace('_', ' ')} is longer than {limit} characters"))
        elif name in FLAG_FIELDS or name == "employed":
            lowered = value.lower()
            if lowered in _TRUE:
                row[name] = True
            elif lowered in _FALSE:
                row[name] = name == "employed" and lowered == ""
            else:
                problems.append((name, f'{name.replace("_", " ")} "{value}" is not yes or no'))
        elif name == "member_class":
            code = _member_class(value)
            if code is None:
                problems.append(
                    (name, f'member class "{value}" is not one of {", ".join(MemberClass.values)}')
                )
            else:
                row[name] = code
        elif name == "hire_date":
            parsed = _date(value)
            if value and parsed is None:
                problems.append((name, f'hire date "{value}" is not a date like 2019-06-30'))
            elif parsed and (out_of_range := dates.HIRE_DATE.problem(parsed)):
                problems.append((name, f"hire date {value}: {out_of_range}"))
            else:
                row[name] = parsed
        elif name == "email":
            try:
                if value:
                    validate_email(value)
                row[name] = value.lower()
            except ValidationError:
                problems.append((name, f'email "{value}" is not an email address'))
        else:
            row[name] = value
    return row, problems


def _name_key(text: str) -> str:
    """A name compared without case or extra spaces: "Ann  Archer", "archer,ann" and so on."""
    return " ".join(text.replace(",", ", ").split()).replace(" ,", ",").casefold()


class _Bosses:
    """Who a commanding_officer cell means: an employee number of the directory or of the file,
    or else the name ("First Last" or "Last, First") of exactly one person, as the file leaves
    the directory (a row's names replace that person's names on record)."""

    def __init__(self, existing: dict[str, Person], rows: list[dict[str, Any]]) -> None:
        names = {n: (p.first_name, p.last_name) for n, p in existing.items()}
        for row in rows:
            number = row.get("employee_number")
            if number:
                first, last = names.get(number, ("", ""))
                names[number] = (row.get("first_name", first), row.get("last_name", last))
        self.numbers = set(names)
        self.by_name: dict[str, set[str]] = {}
        for number, (first, last) in names.items():
            for key in {_name_key(f"{first} {last}"), _name_key(f"{last}, {first}")}:
                self.by_name.setdefault(key, set()).add(number)

    def resolve(self, value: str, own_number: str) -> tuple[str, str]:
        """(employee number, "") or ("", the problem)."""
        matches = {value} if value in self.numbers else self.by_name.get(_name_key(value), set())
        if matches == {own_number}:
            return "", "a person cannot be their own commanding officer"
        if not matches:
            return "", (
                f'commanding officer "{value}" is not in the directory or the file, by employee '
                "number or by name"
            )
        if len(matches) > 1:
            return "", (
                f'commanding officer "{value}" matches {len(matches)} people (employee numbers '
                f"{', '.join(sorted(matches))}); give the employee number"
            )
        return next(iter(matches)), ""


def _member_class(value: str) -> str | None:
    if not value:
        return MemberClass.SWORN
    wanted = value.strip().lower().replace("-", "_").replace(" ", "_")
    for code, label in MemberClass.choices:
        if wanted in (code, label.lower().replace("-", "_").replace(" ", "_")):
            return code
    return None


def _date(value: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


@audited("roster:people_import")
def upload_import(
    *, agency: Agency, actor: User, filename: str, raw: bytes
) -> tuple[ImportPlan, DirectoryImport]:
    """An uploaded file, every row checked: staged to be confirmed when all are clean, refused
    (ImportRefused, with the plan) otherwise."""
    text = decode(raw)
    plan = plan_import(agency=agency, text=text)
    if not plan.clean:
        raise ImportRefused(plan)
    return plan, stage_import(agency=agency, user=actor, filename=filename, text=text)


def stage_import(*, agency: Agency, user: User, filename: str, text: str) -> DirectoryImport:
    # One waiting upload per coordinator: a new one replaces the last.
    DirectoryImport.objects.for_agency(agency).filter(uploaded_by=user).delete()
    return DirectoryImport.objects.create(
        agency=agency, uploaded_by=user, filename=filename[:200], content=text
    )


@audited("roster:people_import_confirm", on="staged")
def apply_import(*, staged: DirectoryImport, actor: User) -> ImportPlan:
    """Re-check the staged file and write it whole; refuse it whole (ImportRefused) if anything
    is wrong now."""
    agency = staged.agency
    plan = plan_import(agency=agency, text=staged.content)
    if not plan.clean:
        raise ImportRefused(plan)
    existing = {p.employee_number: p for p in Person.objects.for_agency(agency)}
    before = {number: set(p.flags()) for number, p in existing.items()}
    hired = {number: p.hire_date for number, p in existing.items()}
    fields = [c for c in COLUMNS if c not in {"commanding_officer", "employee_number"}]
    to_create, to_update = [], []
    for row in plan.rows:
        person = existing.get(row["employee_number"]) or Person(
            agency=agency, employee_number=row["employee_number"]
        )
        for key in fields:
            if key in row:
                setattr(person, key, row[key])
        (to_update if person.pk else to_create).append(person)
    Person.objects.bulk_create(to_create, batch_size=500)
    Person.objects.bulk_update(to_update, fields, batch_size=500)
    everyone = {p.employee_number: p for p in Person.objects.for_agency(agency)}
    bosses = []
    for row in plan.rows:
        if "commanding_officer" in row:
            person = everyone[row["employee_number"]]
            person.commanding_officer = (
                everyone.get(row["commanding_officer"]) if row["commanding_officer"] else None
            )
            bosses.append(person)
    Person.objects.bulk_update(bosses, ["commanding_officer"], batch_size=500)
    roster_changed(agency.pk)
    changes = [
        (everyone[number], flags)
        for number, flags in before.items()
        if set(everyone[number].flags()) != flags or not everyone[number].employed
    ]
    apply_flag_changes(agency=agency, changes=changes, actor=actor)
    rehired = [p.pk for number, p in existing.items() if hired[number] != p.hire_date]
    due_dates_follow(agency, new_hire_dates=rehired)
    staged.delete()
    return plan
