"""Small-count suppression, decided once per agency for every page, PDF and CSV.

Readers who see aggregates only (command) can read every period offered: the quarters, the
years, the evaluation. Each of those numbers is a sum of the finest counts any of them shows,
so the decision is made on those, not page by page: per quarter, its months and its count of
each entry of every breakdown; a year's figures are sums of its quarters'.

Per quarter, with its total shown, every table (its months, each breakdown) keeps each hidden
count free to be any of at least N values (N the policy's threshold): a count below N is shown
as "fewer than N", and while the other hidden counts of its table could not absorb it going to
0 or to N - 1, the smallest shown count is hidden too, as "hidden". A quarter no choice of
hidden counts can protect (its total is itself below N, or e.g. 2 + 2 on and off duty with the
total 4) is hidden whole, its total too. Given a quarter's total its tables are independent (a
set of forms with any such margins exists), so protecting each protects them together.

A year's figure is the sum of its quarters' and is shown only when every part is: then it tells
nothing the quarters did not; otherwise it is "hidden", and its year's total too when a quarter
is hidden whole. Hours of support ride on the contacts and are hidden with the total.
tests/test_statistics_attacker.py checks all this as a reader would, by linear programming.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from .counts import DIMENSIONS, Counts


@dataclass(frozen=True)
class Figure:
    value: int | None  # None: not shown
    small: bool = False  # not shown, and below the threshold: "fewer than N"; else "hidden"

    @property
    def suppressed(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class Cell(Figure):
    label: str = ""
    share: float = 0.0  # of the largest shown value in its table, for the bars


def protect(values: list[int], threshold: int) -> list[bool] | None:
    """Which counts of one table to hide, its total being shown; None when none will do.

    A reader knows the hidden counts sum to the total less the shown ones, that a count shown
    as "fewer than N" is 0 to N - 1, and may know a count hidden beside them is N or more.
    Each hidden count must still be free to take at least N values: a small one every value
    from 0 to N - 1, which needs the other hidden counts able to give up or take the
    difference. Counts below N are hidden; then shown ones, as few and as small as will do."""
    hide = [v < threshold for v in values]
    if not any(hide):
        return hide
    while not _free(values, hide, threshold):
        shown = sorted((i for i, h in enumerate(hide) if not h), key=lambda i: values[i])
        if not shown:
            return None
        enough = next((i for i in shown if _free(values, _with(hide, i), threshold)), None)
        # Failing one that does, the smallest that can give up N - 1, so fewer go.
        roomy = [i for i in shown if values[i] >= 2 * threshold - 1]
        hide = _with(hide, enough if enough is not None else (roomy or shown)[0])
    return hide


def _with(hide: list[bool], i: int) -> list[bool]:
    return [h or j == i for j, h in enumerate(hide)]


def _free(values: list[int], hide: list[bool], threshold: int) -> bool:
    """Whether each hidden count can take N values with their sum fixed: a small one ranges
    over 0..N-1, a larger one over N.. (the most a reader can know of either)."""
    inf = float("inf")
    hidden = [(v, 0, threshold - 1) if v < threshold else (v, threshold, inf)
              for v, h in zip(values, hide, strict=True) if h]  # fmt: skip
    for i, (v, low, high) in enumerate(hidden):
        others = hidden[:i] + hidden[i + 1 :]
        others_give = sum(w - lo for w, lo, _ in others)  # how far they can go down
        others_take = sum(hi - w for w, _, hi in others)  # how far up
        up, down = min(high - v, others_give), min(v - low, others_take)
        if up + down < threshold - 1:
            return False
    return True


def quarter_key(month: date) -> str:
    return f"{month.year}Q{(month.month - 1) // 3 + 1}"


@dataclass
class Disclosure:
    """What one reader is shown of every count: by month, and per period key ("2026Q4",
    "2026") its total and each breakdown's entries."""

    threshold: int | None  # None: everything is shown
    months: dict[date, Figure] = field(default_factory=dict)
    totals: dict[str, Figure] = field(default_factory=dict)
    cells: dict[tuple[str, str, object], Figure] = field(default_factory=dict)

    def cell(self, key: str, dimension: str, entry) -> Figure:
        return self.cells.get((key, dimension, entry), Figure(0))


def decide(
    *, counts: Counts, months: list[date], entries: dict[str, list], threshold: int | None
) -> Disclosure:
    """The decision over `months` (the finest cells: whole quarters of them, up to this month),
    for the entries each breakdown lists."""
    result = Disclosure(threshold)
    quarters: dict[str, list[date]] = defaultdict(list)
    for month in months:
        quarters[quarter_key(month)].append(month)
    for key, its_months in quarters.items():
        _decide_quarter(result, key, its_months, counts, entries, threshold)
    years: dict[str, list[date]] = defaultdict(list)
    for month in months:
        years[str(month.year)].append(month)
    for year, its_months in years.items():
        keys = sorted({quarter_key(m) for m in its_months})
        # A year of fewer than N forms in all says so: each of its quarters is hidden whole
        # with a total below N, which the year's "fewer than N" cannot narrow.
        small = (
            threshold is not None and sum(counts.forms.get(m, 0) for m in its_months) < threshold
        )
        result.totals[year] = _sum([result.totals[k] for k in keys], small)
        for dimension in DIMENSIONS:
            for entry in entries[dimension]:
                parts = [result.cell(k, dimension, entry) for k in keys]
                result.cells[(year, dimension, entry)] = _sum(parts, small)
    return result


def _sum(parts: list[Figure], small: bool) -> Figure:
    if any(p.suppressed for p in parts):
        return Figure(None, small)
    return Figure(sum(p.value for p in parts))


def _decide_quarter(result, key, months, counts, entries, threshold) -> None:
    total = sum(counts.forms.get(m, 0) for m in months)
    tables: dict[str, list[tuple[object, int]]] = {
        "month": [(m, counts.forms.get(m, 0)) for m in months]
    }
    for dimension in DIMENSIONS:
        tables[dimension] = [
            (e, sum(counts.by[dimension].get(m, {}).get(e, 0) for m in months))
            for e in entries[dimension]
        ]
    dark = False
    if threshold is None:
        hidden = {name: [False] * len(table) for name, table in tables.items()}
    else:
        hidden = {name: protect([v for _, v in t], threshold) for name, t in tables.items()}
        dark = total < threshold or any(h is None for h in hidden.values())
        if dark:
            hidden = {name: [True] * len(table) for name, table in tables.items()}
    result.totals[key] = Figure(None, total < threshold) if dark else Figure(total)
    for name, table in tables.items():
        for (entry, value), hide in zip(table, hidden[name], strict=True):
            figure = Figure(None if hide else value, hide and not dark and value < threshold)
            if name == "month":
                result.months[entry] = figure
            else:
                result.cells[(key, name, entry)] = figure
