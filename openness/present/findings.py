"""A notebook's findings as sentences that carry their numbers: every number is formatted,
with its interval, from the tables the notebook has just computed, never typed into prose,
so the sentences follow the data. A code cell tagged `findings` ends with `show(...)`;
`openness report` puts its Markdown output on the report page."""
from __future__ import annotations

import math
from collections.abc import Iterable

PERCENT = "{:.1%}"


def estimate(value: float, lo: float | None = None, hi: float | None = None, fmt: str = PERCENT) -> str:
    """`value [lo, hi]` in `fmt` ("32.0% [27.8%, 36.4%]"); without an interval the value
    alone, and "n/a" for a missing value."""
    if _missing(value):
        return "n/a"
    if _missing(lo) or _missing(hi):
        return fmt.format(value)
    return f"{fmt.format(value)} [{fmt.format(lo)}, {fmt.format(hi)}]"


def compare(first: tuple[float, float], second: tuple[float, float]) -> str:
    """How the interval `first` (lo, hi) lies against `second`: "above", "below", or
    "overlapping" (the data do not order the two)."""
    if first[0] > second[1]:
        return "above"
    if first[1] < second[0]:
        return "below"
    return "overlapping"


def listing(items: Iterable[str], empty: str = "none") -> str:
    """Items joined by commas, or `empty` when there are none."""
    items = list(items)
    return ", ".join(items) if items else empty


def show(*findings: str):
    """The findings as a Markdown bullet list, for the last line of a `findings` cell."""
    from IPython.display import Markdown

    return Markdown("\n".join(f"- {finding}" for finding in findings))


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
