"""Small-count suppression: a count below the agency's threshold is shown as "fewer than N",
and when a total would give a lone suppressed count away, the next smallest is hidden too."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Cell:
    label: str
    value: int | None  # None: suppressed
    share: float = 0.0  # of the largest shown value, for the bars

    @property
    def suppressed(self) -> bool:
        return self.value is None


def suppress(values: list[int], threshold: int) -> list[int | None]:
    shown: list[int | None] = [None if v < threshold else v for v in values]
    hidden = [i for i, v in enumerate(shown) if v is None]
    if len(hidden) == 1 and len(values) > 1:
        # The table's total is shown elsewhere: one hidden cell could be worked out from it.
        rest = [i for i, v in enumerate(shown) if v is not None]
        if rest:
            shown[min(rest, key=lambda i: values[i])] = None
    return shown


def cells(labelled: list[tuple[str, int]], *, threshold: int | None) -> list[Cell]:
    """Cells for a table; `threshold` None shows every count as it is."""
    values = [v for _, v in labelled]
    shown = suppress(values, threshold) if threshold else list(values)
    top = max([v for v in shown if v is not None] or [0])
    return [
        Cell(label, value, (value / top) if value and top else 0.0)
        for (label, _), value in zip(labelled, shown, strict=True)
    ]
