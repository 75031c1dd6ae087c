"""A command reader tries to work out the counts the statistics hide.

The reader collects every number the product gives someone who sees aggregates only: the
statistics page of every period offered, the quarterly report's page and CSV of every quarter,
and the year-over-year evaluation. Each number is a sum of unknown counts, so together they are
linear equations; "fewer than N" says the count is at most N - 1. For every count shown as
hidden or "fewer than N", linear programming finds the smallest and the largest value every
published number allows. The promise: each hidden count could still be any of at least N
values (its interval at least N - 1 wide), so the reader learns no more than the label says.

The unknowns are, per quarter, the count of each month and of each entry of every breakdown.
Given a quarter's total, its months and each breakdown are independent (a table of forms with
those margins always exists), so these unknowns lose the attacker nothing that the forms
themselves would give.
"""

import random
import re
import zoneinfo
from datetime import date, datetime, timedelta
from html.parser import HTMLParser

import numpy as np
import pytest
import time_machine
from scipy.optimize import linprog
from scipy.sparse import lil_matrix

from agencies.choices import Role
from agencies.models import IncidentType, InterventionType
from tests.factories import AgencyFactory, PeerFactory, member
from usage_reports import periods
from usage_reports.models import ContactMode, UsageReport

CENTRAL = zoneinfo.ZoneInfo("America/Chicago")
BREAKDOWNS = {
    "By incident type": "incident",
    "By intervention": "intervention",
    "By contact mode": "mode",
    "On or off duty": "duty",
}
FEWER = re.compile(r"fewer than (\d+)")


class _Tables(HTMLParser):
    """Rows of every table on a page: (the heading above it, the row's cells as text)."""

    def __init__(self):
        super().__init__()
        self.rows: list[tuple[str, list[str]]] = []
        self.heading = ""
        self._text: list[str] | None = None
        self._row: list[str] | None = None
        self._in_heading = False
        self.strong: list[str] = []
        self._in_strong = False

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "h3"):
            self._in_heading, self.heading = True, ""
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td") and self._row is not None:
            self._text = []
        elif tag == "strong":
            self._in_strong = True
            self.strong.append("")

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "h3"):
            self._in_heading = False
        elif tag in ("th", "td") and self._text is not None and self._row is not None:
            self._row.append(" ".join("".join(self._text).split()))
            self._text = None
        elif tag == "tr" and self._row is not None:
            self.rows.append((self.heading.strip(), self._row))
            self._row = None
        elif tag == "strong":
            self._in_strong = False

    def handle_data(self, data):
        if self._in_heading:
            self.heading += data
        if self._text is not None:
            self._text.append(data)
        if self._in_strong:
            self.strong[-1] += data


class Attacker:
    """Every published number as a linear expression over the unknown counts."""

    def __init__(self, agency, today: date):
        self.agency = agency
        self.threshold = agency.policy.stats_suppression_threshold
        self.today = today
        first = date(today.year - 2, 1, 1)
        self.months = [
            date(y, m, 1)
            for y in range(first.year, today.year + 1)
            for m in range(1, 13)
            if date(y, m, 1) <= today
        ]
        self.quarters = sorted({(m.year, (m.month - 1) // 3 + 1) for m in self.months})
        self.index: dict[tuple, int] = {}
        for m in self.months:
            self._var(("month", m))
        self.facts: dict[tuple, tuple[str, float, str]] = {}  # expression -> (kind, value, where)

    def _var(self, key) -> int:
        return self.index.setdefault(key, len(self.index))

    def _months_of(self, key: str) -> list[date]:
        period = periods.parse(key, self.agency)
        return [m for m in period.months if m <= self.today]

    def _quarters_of(self, key: str) -> list[tuple[int, int]]:
        return sorted({(m.year, (m.month - 1) // 3 + 1) for m in self._months_of(key)})

    def total(self, key: str) -> tuple:
        return tuple(sorted(self._var(("month", m)) for m in self._months_of(key)))

    def category(self, key: str, dim: str, label: str) -> tuple:
        return tuple(sorted(self._var((dim, q, label)) for q in self._quarters_of(key)))

    def month(self, label: str) -> tuple:
        when = datetime.strptime(label, "%B %Y").date()
        return (self._var(("month", when)),)

    def learn(self, expression: tuple, text: str, where: str, *, hidden_is_large=False):
        """`hidden_is_large`: the reader knows a count hidden beside small ones in a table
        whose total is shown is at least the threshold (it was hidden only to protect them)."""
        text = text.strip()
        if text.replace(",", "").isdigit():
            fact = ("=", float(text.replace(",", "")))
        elif match := FEWER.fullmatch(text):
            fact = ("<", float(int(match.group(1)) - 1))
        elif hidden_is_large:
            fact = (">", float(self.threshold))
        else:
            fact = ("?", 0.0)
        known = self.facts.get(expression)
        if known and known[0] == "=" and fact[0] == "=":
            assert known[1] == fact[1], f"{where} disagrees with {known[2]}"
        rank = {"=": 3, "<": 2, ">": 2, "?": 0}
        if known and rank[known[0]] == rank[fact[0]] == 2:
            assert known[0] == fact[0], f"{where}: {fact[0]} but {known[2]}: {known[0]}"
        if known is None or rank[fact[0]] > rank[known[0]]:
            self.facts[expression] = (*fact, where)

    # The pages, read as the reader reads them.

    def read_statistics(self, key: str, html: str):
        parser = _Tables()
        parser.feed(html)
        total, hours, *_ = parser.strong
        self.learn(self.total(key), total, f"statistics {key} total")
        # Hours ride on the contacts: "fewer than 3 contacts, 0.0 hours" would say 0.
        assert total.isdigit() or hours == "hidden", f"{key}: {total} contacts, {hours} hours"
        large = "Q" in key and total.isdigit()
        for heading, row in parser.rows:
            if len(row) < 2 or heading == "By peer" or row[1] == "Contacts":
                continue  # the header row
            self._read_row(key, heading, row[0], row[1], f"statistics {key}", large)

    def _read_row(self, key, heading, label, value, where, large):
        if heading == "By month":
            self.learn(self.month(label), value, f"{where} {label}", hidden_is_large=large)
        elif heading in BREAKDOWNS:
            expression = self.category(key, BREAKDOWNS[heading], label)
            self.learn(expression, value, f"{where} {label}", hidden_is_large=large)

    def read_quarterly_csv(self, key: str, text: str):
        import csv
        import io

        heading, large = "", False
        for row in csv.reader(io.StringIO(text)):
            if not row:
                heading = ""
                continue
            if row[0] == "Contacts" and len(row) > 1:
                self.learn(self.total(key), row[1], f"quarterly csv {key} total")
                large = row[1].isdigit()
            elif len(row) > 1 and row[1] == "Contacts":
                heading = row[0]
            elif heading and len(row) > 1:
                self._read_row(key, heading, row[0], row[1], f"quarterly csv {key}", large)
            if row[0] == "Activations":
                break

    def read_evaluation(self, html: str):
        parser = _Tables()
        parser.feed(html)
        years, contacts = [], []
        incident_labels = {i.label for i in IncidentType.objects.for_agency(self.agency)}
        for _, row in parser.rows:
            if row and row[0] == "" and all(c.isdigit() for c in row[1:]):
                years = row[1:]
                continue
            label, values = row[0], row[1:]
            if label == "Contacts":
                contacts = values
            if label in ("Hours of support", "Peers who filed forms"):
                for count, value in zip(contacts, values, strict=True):
                    assert count.isdigit() or value == "hidden", f"{label} {value}: {count}"
            for year, value in zip(years, values, strict=False):
                if label == "Contacts":
                    self.learn(self.total(year), value, f"evaluation {year} contacts")
                elif label in incident_labels:
                    self.learn(self.category(year, "incident", label), value, f"evaluation {year}")

    # The linear program.

    def constraints(self):
        n = len(self.index)
        eq_rows, eq_b, ub_rows, ub_b = [], [], [], []
        dims = {key[0] for key in self.index if key[0] != "month"}
        for q in self.quarters:
            months = [
                self.index[("month", m)]
                for m in self.months
                if (m.year, (m.month - 1) // 3 + 1) == q
            ]
            for dim in dims:
                cats = [i for key, i in self.index.items() if key[0] == dim and key[1] == q]
                eq_rows.append({**{i: 1.0 for i in cats}, **{i: -1.0 for i in months}})
                eq_b.append(0.0)
        for expression, (kind, value, _) in self.facts.items():
            if kind == "=":
                eq_rows.append(dict.fromkeys(expression, 1.0))
                eq_b.append(value)
            elif kind == "<":
                ub_rows.append(dict.fromkeys(expression, 1.0))
                ub_b.append(value)
            elif kind == ">":
                ub_rows.append(dict.fromkeys(expression, -1.0))
                ub_b.append(-value)

        def matrix(rows):
            m = lil_matrix((len(rows), n))
            for r, row in enumerate(rows):
                for i, v in row.items():
                    m[r, i] = v
            return m.tocsr()

        return matrix(eq_rows), np.array(eq_b), matrix(ub_rows), np.array(ub_b)

    def intervals(self) -> list[tuple[str, float, float]]:
        a_eq, b_eq, a_ub, b_ub = self.constraints()
        n = len(self.index)
        found = []
        for expression, (kind, _, where) in self.facts.items():
            if kind == "=":
                continue
            c = np.zeros(n)
            c[list(expression)] = 1.0
            bounds = []
            for sign in (1.0, -1.0):
                has_ub = a_ub.shape[0] > 0
                result = linprog(
                    sign * c, A_ub=a_ub if has_ub else None, b_ub=b_ub if has_ub else None,
                    A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs",
                )  # fmt: skip
                assert result.status in (0, 3), f"{where}: {result.message}"
                bounds.append(sign * result.fun if result.status == 0 else float("inf"))
            found.append((where, bounds[0], bounds[1]))
        return found


def fill(agency, rng: random.Random, today: date, *, rate: float, since: date | None = None):
    """Forms on random days up to today: per month a count around `rate`, with skewed types so
    that some counts are small and many are zero."""
    peers = [PeerFactory(agency=agency) for _ in range(4)]
    incidents = list(IncidentType.objects.for_agency(agency))
    interventions = list(InterventionType.objects.for_agency(agency))
    modes = [m for m, _ in ContactMode.choices]

    def skewed(items):
        return rng.choices(items, weights=[1 / (i + 1) ** 1.3 for i in range(len(items))])[0]

    rows = []
    month = since or date(today.year - 2, 1, 1)
    while month <= today:
        count = max(0, int(rng.gauss(rate, rate / 2)))
        if rng.random() < 0.15:
            count = rng.randrange(3)  # a quiet month now and then
        last = min(today, (month + timedelta(days=32)).replace(day=1) - timedelta(days=1))
        for _ in range(count):
            day = month + timedelta(days=rng.randrange((last - month).days + 1))
            rows.append(
                UsageReport(
                    agency=agency, peer=rng.choice(peers),
                    served_at=datetime.combine(day, datetime.min.time(), CENTRAL)
                    + timedelta(hours=rng.randrange(0, 10)),
                    duration_minutes=rng.choice([15, 30, 45, 60, 90]),
                    incident_type=skewed(incidents), intervention_type=skewed(interventions),
                    contact_mode=skewed(modes), on_duty=rng.random() < 0.8,
                )
            )  # fmt: skip
        month = (month + timedelta(days=32)).replace(day=1)
    UsageReport.objects.bulk_create(rows)
    return len(rows)


CASES = [
    # seed, forms per month, the policy's threshold, the reader's "now" in the agency's zone
    (1, 2.0, 3, datetime(2026, 11, 18, 15, 0)),
    (2, 6.0, 3, datetime(2026, 11, 18, 15, 0)),
    (3, 25.0, 3, datetime(2026, 11, 18, 15, 0)),
    (4, 4.0, 3, datetime(2026, 10, 2, 9, 0)),
    (5, 12.0, 3, datetime(2027, 1, 4, 8, 0)),
    (6, 15.0, 5, datetime(2026, 5, 20, 23, 30)),
    # A program that started in September: two empty years before it, a thin first quarter.
    (7, 8.0, 3, datetime(2026, 11, 18, 15, 0), date(2026, 9, 1)),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("seed", "rate", "threshold", "now", "since"),
                         [(*case, None)[:5] for case in CASES])  # fmt: skip
@pytest.mark.system_scope
def test_no_hidden_count_can_be_worked_out_from_everything_a_chief_can_read(
    login, seed, rate, threshold, now, since
):
    with time_machine.travel(now.replace(tzinfo=CENTRAL), tick=False):
        agency = AgencyFactory(slug=f"attacked{seed}", preset="kcpd")
        agency.policy.stats_suppression_threshold = threshold
        agency.policy.save()
        today = now.date()
        filed = fill(agency, random.Random(seed), today, rate=rate, since=since)
        client = login(member(agency, Role.COMMAND))
        attacker = Attacker(agency, today)
        for key, _ in periods.choices(agency):
            page = client.get(f"/{agency.slug}/statistics/", {"period": key})
            assert page.status_code == 200
            attacker.read_statistics(key, page.content.decode())
            if "Q" in key:
                csv_text = client.get(
                    f"/{agency.slug}/reports/quarterly/", {"period": key, "format": "csv"}
                ).content.decode()
                attacker.read_quarterly_csv(key, csv_text)
                page = client.get(f"/{agency.slug}/reports/quarterly/", {"period": key})
                attacker.read_statistics(key, page.content.decode())
        attacker.read_evaluation(client.get(f"/{agency.slug}/reports/evaluation/").content.decode())

    found = attacker.intervals()
    assert found, "nothing hidden: the test proves nothing with this data"
    narrowest = min(found, key=lambda f: f[2] - f[1])
    print(
        f"\nseed {seed}, {filed} forms: {len(attacker.facts)} published figures, "
        f"{len(found)} hidden counts checked, narrowest interval "
        f"[{narrowest[1]:g}, {narrowest[2]:g}] ({narrowest[0]})"
    )
    exposed = [f for f in found if f[2] - f[1] < threshold - 1 - 1e-6]
    assert not exposed, f"{len(exposed)} hidden counts narrowed below {threshold} values: " + (
        "; ".join(f"{w}: [{lo:g}, {hi:g}]" for w, lo, hi in exposed[:8])
    )
