"""The "what changed since last quarter" tables: each MARAC's indicators against the previous quarter and a year
earlier, and the returns new, late or replaced in the period's round.

Built from `metrics.quarter_change` frames, with every word from `reporting.change_words`, so the page, a download
and a board-pack page ("changes") show the same cells. Figures of different units (cases per 10,000 and shares) share
a column, so the cells are words ("36.1", "30.0%"), kept in the order `metrics.quarter_change.ranked` gives: changes
beyond chance first, the clearest first.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import polars as pl

from metrics.definitions import INDICATORS
from metrics.periods import Period
from reporting import change_words, coverage_words

CHANGE_COLUMNS = [
    "MARAC",
    "Indicator",
    "Compared with",
    "Then",
    "Now",
    "Change",
    "95% interval",
    "Beyond chance?",
]
RETURN_COLUMNS = ["MARAC", "Quarter", "What", "Loaded", "Loads in the round"]


def _rests_on(figure: str, quarters: float | None, window: str | None) -> str:
    """A period's figure with what it rests on when that is less than its window ("25.0% · 2/4 qtrs"), so a change
    beyond chance is never read without a figure's gaps beside it; as it is when complete or not known."""
    if quarters is None or window is None:
        return figure
    return coverage_words.beside(figure, coverage_words.of({"quarters_with_data": quarters, "window": window}))


def change_frame(
    changes: pl.DataFrame,
    periods: Mapping[str, Period] | None = None,
    *,
    comparison: str | None = None,
    beyond_only: bool = False,
    compared_only: bool = True,
    compact: bool = False,
) -> pd.DataFrame:
    """One row per MARAC, indicator and comparison, in `changes`' order (`metrics.quarter_change.quarter_changes`).

    `periods` (by comparison, `metrics.quarter_change.comparison_periods`) names each comparison's period in
    "Compared with"; `comparison` keeps one comparison's rows (None: both); `beyond_only` keeps changes beyond
    chance; `compared_only` leaves out rows with no change to show (nothing to compare in either period).
    Volume reads in cases a year per 10,000 adult females, its change as a percent up or down; shares in percent,
    their change in percentage points. `compact` (a screen, where the table must fit 1280 px) names each indicator
    short ("Repeat") and each comparison without its period, which the page says above the table.
    """
    rows = changes.filter(pl.col("change").is_not_null()) if compared_only else changes
    if comparison is not None:
        rows = rows.filter(pl.col("comparison") == comparison)
    if beyond_only:
        rows = rows.filter(pl.col("beyond_chance").fill_null(False))
    out = [
        [
            r["group_name"],
            getattr(INDICATORS.by_key(r["indicator"]), "short" if compact else "label"),
            change_words.comparison_label(r["comparison"], None if compact else periods),
            _rests_on(change_words.figure(r["indicator"], r["then"]), r["quarters_then"], r["window"]),
            _rests_on(change_words.figure(r["indicator"], r["now"]), r["quarters_now"], r["window"]),
            change_words.change(r),
            change_words.interval(r),
            change_words.beyond(r),
        ]
        for r in rows.iter_rows(named=True)
    ]
    return pd.DataFrame(out, columns=CHANGE_COLUMNS)


def returns_frame(returns: pl.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """One row per MARAC-quarter new, late or replaced in the round (`metrics.quarter_change.returns_since`), MARACs
    by name (`names`: code to name). No counts: which quarters came in, and when, is all this table says."""
    out = [
        [
            names.get(r["marac_code"], r["marac_code"]),
            r["quarter"],
            change_words.STATUS_WORDS[r["status"]] + ("; no meetings that quarter" if r["nil"] else ""),
            r["loaded_at"].strftime("%d %b %Y"),
            r["loads"],
        ]
        for r in returns.iter_rows(named=True)
    ]
    return pd.DataFrame(out, columns=RETURN_COLUMNS)
