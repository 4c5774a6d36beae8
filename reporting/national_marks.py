"""National comparators drawn on a quarter axis: England on the MARACs' own base as the series to read, SafeLives'
published figures beside it, every trace named with its base.

A MARAC's rate on Census 2021 set beside SafeLives' England figure on SafeLives' own (older, smaller) base looks 5-10
points further below England than it is, so the like-with-like series (`metrics.national`, `same_base`) is drawn
solid and the published one open and dotted. A share (the repeat rate, the police share) is the same on any base: for
it, England is drawn once, from the same-base row, and SafeLives' own England row (equal to 4 decimals) is left off.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from metrics.definitions import Indicator
from metrics.national import BASED_COLUMNS
from metrics.periods import quarter_label, quarter_of
from reporting.theme import MUTED

INK = "#0b0c0c"
#: marker, line dash and colour per kind of comparator: (same base?, scope)
STYLES: dict[tuple[bool, str], tuple[str, str | None, str]] = {
    (True, "England"): ("square", "solid", INK),
    (False, "England"): ("square-open", "dot", MUTED),
    (False, "UK"): ("diamond", None, INK),
}


def drawn_comparators(national: pl.DataFrame | None, indicator: Indicator) -> pl.DataFrame:
    """The national rows to draw for `indicator`: those with a value, less SafeLives' own England row for a share
    where England on the same base is held (the two agree, so drawing both only doubles a line)."""
    if national is None or national.is_empty() or indicator.value not in national.columns:
        return pl.DataFrame()
    rows = national.filter(pl.col(indicator.value).is_not_null())
    if "scope" not in rows.columns:  # a bare series of snapshots is SafeLives' UK one
        rows = rows.with_columns(pl.lit("UK").alias("scope"))
    if "same_base" not in rows.columns or indicator.value in BASED_COLUMNS:
        return rows
    same = set(rows.filter(pl.col("same_base"))["scope"].to_list())
    return rows.filter(pl.col("same_base") | ~pl.col("scope").is_in(list(same)))


def add_national(fig: go.Figure, national: pl.DataFrame | None, indicator: Indicator, labels: list[str]) -> None:
    """Each comparator (`metrics.national.national_series` rows) as its own trace at the quarter each 12-month figure
    ends, for the quarters the chart shows, named with its base ("England, SafeLives' own base (as published)")."""
    rows = drawn_comparators(national, indicator)
    if rows.is_empty():
        return
    key = "comparator" if "comparator" in rows.columns else "scope"
    for (name, *_), frame in rows.partition_by(key, maintain_order=True, as_dict=True).items():
        points = [
            (quarter_label(quarter_of(end)), value)
            for end, value in zip(frame["period_end"], frame[indicator.value], strict=True)
            if quarter_label(quarter_of(end)) in labels
        ]
        if not points:
            continue
        same = bool(frame["same_base"][0]) if "same_base" in frame.columns else False
        scope = frame["scope"][0]
        symbol, dash, colour = STYLES.get((same, scope), ("circle", None, MUTED))
        shown = name if key == "comparator" else f"{name}, SafeLives' own base (as published)"
        share = "" if indicator.value in BASED_COLUMNS else " (a share: the same on any population base)"
        fig.add_trace(
            go.Scatter(
                x=[p[0] for p in points],
                y=[p[1] for p in points],
                mode="lines+markers" if dash else "markers",
                name=shown,
                line=dict(color=colour, width=1.5, dash=dash) if dash else None,
                marker=dict(symbol=symbol, size=11 if same else 10, color=colour),
                hovertemplate=f"{shown}, 12 months to the end of %{{x}}: %{{y:.1%}}{share}<extra></extra>",
            )
        )


def profile_note(base_label: str) -> str:
    """What the profile table's national columns are, each with its base (under the table)."""
    return (
        "The England and UK columns are SafeLives' latest figures at or before the period's end, each headed with its "
        f"population base. England first on this page's base ({base_label}): SafeLives' published cases for the English "
        "police force areas that reported that financial year, over those forces' adult females, so it compares like "
        "with like (a force SafeLives marks partial counts as published; a force with no figures is left out). Then "
        "England as SafeLives published it, on SafeLives' own (older, smaller) base, which puts its volume higher; the "
        "UK is SafeLives' rolling 12 months on that base. England's figures are by financial year, volume and repeat "
        "rate only; shares such as the repeat rate are the same on any base."
    )


def trend_note(base_label: str) -> str:
    """What the trend chart's national marks are, each with its base (under the chart)."""
    return (
        f"■ England on this page's base ({base_label}), recomputed from SafeLives' figures for the police force areas "
        "that reported each financial year: the like-with-like comparison. □ dotted: England as SafeLives published it, "
        "on its own (older, smaller) base. ◆ UK rolling 12 months, on SafeLives' own base. A share (the repeat rate, "
        "the police share) is the same on any base, so England is drawn once for it."
    )
