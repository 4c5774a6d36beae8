"""Figures with what is withheld in them, and which published columns are worked out from which count.

Until issue 14 small counts were hidden here ("<5") with whatever would let them be worked back; that was defeated
by differencing exports across periods, so exports now round every count instead (`metrics.disclosure`) and hide
nothing. What stays: the `Suppressed` value pages and tables pass around (a frame and any cells it withholds, none
today, so a view that must withhold a cell again has one place to say so), and `derived_columns`, read by the
Definitions page to say which published columns come from an indicator's count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

from metrics.definitions import INDICATORS

SMALL = "<5"
WITHHELD = "withheld"


@dataclass(frozen=True)
class Suppressed:
    """A frame with hidden cells set to null, and what each hidden cell shows instead."""

    frame: pl.DataFrame
    #: (row position, column) -> "<5" for a small count, "withheld" for anything hidden because of one
    labels: dict[tuple[int, str], str] = field(default_factory=dict)

    def label(self, row: int, column: str) -> str | None:
        return self.labels.get((row, column))

    def hidden_rows(self, column: str) -> set[int]:
        return {r for (r, c) in self.labels if c == column}

    def names_hiding(self, prefixes: tuple[str, ...]) -> list[str]:
        """Groups with any hidden cell in a column starting with one of `prefixes`, in row order: for a view that must
        leave such a group out whole, as a 100% bar of referral sources (its parts add up to its total) must."""
        rows = sorted({row for (row, column) in self.labels if column.startswith(prefixes)})
        return [self.frame["group_name"][row] for row in rows]

    def withheld_names(self, column: str, rows: list[int] | None = None) -> list[str]:
        """The groups (of `rows`, or all) whose `column` is hidden, by name, in row order: what a chart says it left out."""
        names = self.frame["group_name"].to_list()
        hidden = self.hidden_rows(column)
        return [names[r] for r in (range(len(names)) if rows is None else rows) if r in hidden]


#: last year's counts, joined beside this year's for the change on a year earlier
PREVIOUS = "_previous"


def _family(name: str, columns: Sequence[str]) -> list[str]:
    """A derived column and the columns built on it (`{name}_ci95_low`, `{name}_12m` …), but not last year's
    (`{name}_previous`), which derive from last year's count."""
    return [name, *(c for c in columns if c.startswith(f"{name}_") and not c.endswith(PREVIOUS))]


def derived_columns(count: str, columns: Sequence[str]) -> list[str]:
    """Every column of `columns` that would let someone work `count` back out.

    Read from the definitions: for each indicator with `count` on top, its figure and every `{figure}_*` column,
    its verdict and the columns it `derives`; for last year's count (`{numerator}_previous`), what it
    `derives_from_previous`. An agency's referrals also give back its share of referrals.
    """
    names: list[str] = []
    this_year = count.removesuffix(PREVIOUS)
    for ind in INDICATORS:
        if count == ind.numerator:
            names += [ind.value, *(c for c in columns if c.startswith(f"{ind.value}_"))]
            if ind.verdict:
                names.append(ind.verdict)
            names += [c for d in ind.derives for c in _family(d, columns)]
        elif count.endswith(PREVIOUS) and this_year == ind.numerator:
            names += [c for d in ind.derives_from_previous for c in _family(d, columns)]
    if count.startswith("referrals_"):
        share = "share_" + count
        names += [c for c in columns if c == share or c.startswith(f"{share}_")]
    present = set(columns)
    return list(dict.fromkeys(n for n in names if n in present and n != count))
