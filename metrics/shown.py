"""Figures as shown: one value holding an area's frames and what is withheld in them, and why.

A page shows one set of figures and every download is made from another (computed from rounded counts, see
`metrics.disclosure`). Both are the same shape, a `Suppressed` per part, which today withholds no cell. So a page asks one value "what does this say, and what is hidden?",
never a frame and a separately threaded set of hidden cells, and a table builder takes that
value in place of five shapes of "what is hidden".

Pure: no Streamlit, no database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from metrics.suppression import Suppressed

#: what a table builder takes: figures with what suppression hides in them, or a bare frame when nothing is hidden
Figures = Suppressed | pl.DataFrame


def plain(frame: pl.DataFrame) -> Suppressed:
    """Figures shown as computed: nothing hidden (what an unrestricted viewer's page shows)."""
    return Suppressed(frame, {})


def as_suppressed(figures: Figures) -> Suppressed:
    """Either shape as a `Suppressed`: a bare frame hides nothing."""
    return figures if isinstance(figures, Suppressed) else plain(figures)


def take_rows(figures: Suppressed, rows: Sequence[int]) -> Suppressed:
    """Only `rows` (in that order), each hidden cell kept against its row's new position."""
    position = {old: new for new, old in enumerate(rows)}
    labels = {(position[r], c): label for (r, c), label in figures.labels.items() if r in position}
    return Suppressed(figures.frame[list(rows)] if rows else figures.frame.clear(), labels)


def where(figures: Suppressed, predicate: pl.Expr) -> Suppressed:
    """The rows `predicate` keeps, hidden cells renumbered to match (a filter that forgets them would mislabel rows)."""
    keep = figures.frame.with_row_index("_row").filter(predicate)["_row"].to_list()
    return take_rows(figures, keep)


def hidden_columns(figures: Suppressed, row: int = 0) -> set[str]:
    """The columns hidden in one row: for a one-row comparator, every figure that reads "withheld"."""
    return {column for (r, column) in figures.labels if r == row}


@dataclass(frozen=True)
class AreaFigures:
    """An area's MARACs, its Borough Command Units and its own total row, each with what is withheld in it."""

    maracs: Suppressed
    bcus: Suppressed
    total: Suppressed

    @classmethod
    def plain(cls, maracs: pl.DataFrame, bcus: pl.DataFrame, total: pl.DataFrame) -> AreaFigures:
        """The figures as computed, nothing withheld."""
        return cls(plain(maracs), plain(bcus), plain(total))

    def withheld(self, column: str) -> list[str]:
        """MARACs whose figure in `column` is withheld, in row order: what a chart names as left out."""
        return self.maracs.withheld_names(column)

    def total_row(self) -> dict[str, object] | None:
        """The area's own row (None when the area has none)."""
        return self.total.frame.row(0, named=True) if self.total.frame.height else None

    def row_of(self, code: str) -> Suppressed | None:
        """The one row of the MARAC, BCU or area with this code, with its hidden cells; None if none has it."""
        for part in (self.maracs, self.bcus, self.total):
            codes = part.frame["group_code"].to_list() if part.frame.height else []
            if code in codes:
                return take_rows(part, [codes.index(code)])
        return None


@dataclass(frozen=True)
class AreaSeries:
    """Quarterly rows of an area's MARACs and of the area itself (as `metrics.indicators.quarterly` gives them).

    A published series is computed from the rounded counts (`metrics.disclosure`), like every other export.
    """

    maracs: pl.DataFrame
    area: pl.DataFrame
