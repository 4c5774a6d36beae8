"""Figures as shown: an area's MARACs, its sub-areas (a Met BCU, a police division) and its own row as one value, and its series.

A page shows one set of figures and every download is made from another (computed from the rounded counts, see
`metrics.disclosure`). Both are the same shape, so a page passes one value rather than three frames.

Pure: no Streamlit, no database.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class AreaFigures:
    """An area's MARACs, its sub-areas and its own total row (as `metrics.indicators.compute` gives them)."""

    maracs: pl.DataFrame
    sub_areas: pl.DataFrame
    total: pl.DataFrame

    def total_row(self) -> dict[str, object] | None:
        """The area's own row (None when the area has none)."""
        return self.total.row(0, named=True) if self.total.height else None

    def row_of(self, code: str) -> pl.DataFrame | None:
        """The one row of the MARAC, sub-area or area with this code, as a frame; None if none has it."""
        for part in (self.maracs, self.sub_areas, self.total):
            found = part.filter(pl.col("group_code") == code).head(1) if part.height else part
            if found.height:
                return found
        return None


@dataclass(frozen=True)
class AreaSeries:
    """Quarterly rows of an area's MARACs and of the area itself (as `metrics.indicators.quarterly` gives them).

    A published series is computed from the rounded counts (`metrics.disclosure`), like every other export.
    """

    maracs: pl.DataFrame
    area: pl.DataFrame
