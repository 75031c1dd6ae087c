"""Small-count suppression: a count below the agency's threshold is shown as "fewer than N",
and while the table's total would still give the hidden counts away (one hidden count, or
hidden counts whose sum only one set of values can make), the next smallest is hidden too,
shown as "hidden"."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Cell:
    label: str
    value: int | None  # None: suppressed
    share: float = 0.0  # of the largest shown value, for the bars
    small: bool = True  # a suppressed count below the threshold; else hidden to protect one

    @property
    def suppressed(self) -> bool:
        return self.value is None


def suppress(values: list[int], threshold: int) -> list[int | None]:
    shown: list[int | None] = [None if v < threshold else v for v in values]
    hidden = {i for i, v in enumerate(shown) if v is None}
    while hidden and _inferable([values[i] for i in hidden], threshold):
        rest = [i for i, v in enumerate(shown) if v is not None]
        if not rest:
            break
        smallest = min(rest, key=lambda i: values[i])
        shown[smallest] = None
        hidden.add(smallest)
    return shown


def _inferable(hidden: list[int], threshold: int) -> bool:
    """Whether the hidden counts follow from their sum (the total minus what is shown): small
    ones lie in 0..threshold-1 and the others are at least the threshold, so a sum at either
    end of what they could make, or a single hidden count, gives them all away."""
    if len(hidden) == 1:
        return True
    big = sum(1 for v in hidden if v >= threshold)
    total = sum(hidden)
    if total == big * threshold:
        return True
    return big == 0 and total == len(hidden) * (threshold - 1)


def cells(labelled: list[tuple[str, int]], *, threshold: int | None) -> list[Cell]:
    """Cells for a table; `threshold` None shows every count as it is."""
    values = [v for _, v in labelled]
    shown = suppress(values, threshold) if threshold else list(values)
    top = max([v for v in shown if v is not None] or [0])
    return [
        Cell(label, value, (value / top) if value and top else 0.0, original < (threshold or 0))
        for (label, original), value in zip(labelled, shown, strict=True)
    ]
