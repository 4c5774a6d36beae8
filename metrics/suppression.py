"""Figures with what is withheld in them.

Until issue 14 small counts were hidden here ("<5") with whatever would let them be worked back; that was defeated
by differencing exports across periods, so exports now round every count instead (`metrics.disclosure`) and hide
nothing. What stays: the `Suppressed` value pages and tables pass around (a frame and any cells it withholds, none
today).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

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
