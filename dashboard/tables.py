"""Display tables: metric frames turned into what a page shows (words, symbols, percent).

Formatting lives here, not in metrics: shares stay fractions until this point. Verdict
columns carry a symbol and words as well as a fill colour, and numeric columns stay
numeric so a click on the header sorts them properly.
"""

from __future__ import annotations

import pandas as pd
import polars as pl

from dashboard.theme import NO_RANGE, VERDICT_STYLE, verdict_label
from metrics.indicators import INDICATORS, Indicator
from metrics.ranges import Ranges

_FILL_BY_LABEL = {verdict_label(v): s["fill"] for v, s in VERDICT_STYLE.items()}


def percent(value: float | None, decimals: int = 0) -> str:
    """A share as a percent for screen text; a dash where there is nothing to divide by."""
    return "–" if value is None else f"{value:.{decimals}%}"


def number(value: float | None, decimals: int = 0) -> str:
    return "–" if value is None else f"{value:,.{decimals}f}"


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def overview_frame(frame: pl.DataFrame, *, name_header: str = "MARAC") -> pd.DataFrame:
    """One row per group: cases, then each indicator as a percent beside its verdict in words."""
    columns: dict[str, list[object]] = {name_header: frame["group_name"].to_list()}
    if "bcu" in frame.columns:
        columns["BCU"] = frame["bcu"].to_list()
    columns["Cases"] = frame["cases"].to_list()
    columns["Per 10,000 adult females"] = [None if v is None else round(v, 1) for v in frame["cases_per_10k"].to_list()]
    for ind in INDICATORS:
        columns[_header(ind)] = [_pct(v) for v in frame[ind.value].to_list()]
        if ind.key == "racially_minoritised":
            columns["Local share not White British %"] = [_pct(v) for v in frame["local_share_not_white_british"].to_list()]
        if ind.verdict:
            columns[f"{_short(ind)} verdict"] = [verdict_label(v) for v in frame[ind.verdict].to_list()]
    columns["Quarters with returns %"] = [_pct(v) for v in frame["coverage"].to_list()]
    return pd.DataFrame(columns)


def fit_height(rows: int) -> int:
    """Pixel height that shows every row (Streamlit rows are 35 px, plus the header) up to a screenful."""
    return min(35 * rows + 38, 1200)


def pinned(column: str) -> dict[str, object]:
    """Keep the name column in view while the table scrolls sideways."""
    import streamlit as st  # display config only; the builders above stay free of Streamlit

    return {column: st.column_config.TextColumn(column, pinned=True, width="medium")}


def totals_frame(groups: pl.DataFrame, total: pl.DataFrame) -> pd.DataFrame:
    """BCU rows followed by the region's own row, in the overview's columns."""
    return pd.concat([overview_frame(groups.drop("bcu", strict=False), name_header="Area"),
                      overview_frame(total.drop("bcu", strict=False), name_header="Area")], ignore_index=True)


def _short(ind: Indicator) -> str:
    return {"volume": "Volume", "repeat_rate": "Repeat", "police_share": "Police", "racially_minoritised": "Racially minoritised",
            "lgbt": "LGBT+", "disabled": "Disabled", "male": "Male", "aged_16_17": "Aged 16–17"}[ind.key]


def _header(ind: Indicator) -> str:
    return "% of recommended volume" if ind.key == "volume" else f"{_short(ind)} %"


def styled(table: pd.DataFrame) -> pd.io.formats.style.Styler:
    """Fill verdict cells with their colour (the words stay in the cell) and show one decimal."""
    verdict_cols = [c for c in table.columns if c.endswith("verdict")]
    number_cols = [c for c in table.columns if c.endswith("%") or c == "% of recommended volume"]
    return (
        table.style.map(lambda v: f"background-color: {_FILL_BY_LABEL.get(v, '#ffffff')}", subset=verdict_cols)
        .format("{:.1f}%", subset=number_cols, na_rep="–")
        .format("{:,.0f}", subset=[c for c in ("Cases",) if c in table.columns], na_rep="–")
        .format("{:.1f}", subset=[c for c in ("Per 10,000 adult females",) if c in table.columns], na_rep="–")
    )


def profile_frame(rows: dict[str, pl.DataFrame], ranges: Ranges) -> pd.DataFrame:
    """Indicators down the side; the MARAC, its verdict and range, then each comparator across."""
    names = list(rows)
    own = rows[names[0]]
    out: dict[str, list[object]] = {"Indicator": [], "Value": [], "Verdict": [], "Expected range": []}
    for name in names[1:]:
        out[name] = []
    for ind in INDICATORS:
        item = ranges[ind.range_key] if ind.range_key else None
        value = own[ind.value][0] if own.height else None
        out["Indicator"].append(ind.label)
        out["Value"].append(_fmt_value(value))
        verdict = own[ind.verdict][0] if ind.verdict and own.height else None
        out["Verdict"].append(verdict_label(verdict) if ind.verdict else NO_RANGE["short"])
        if ind.key == "racially_minoritised" and own.height and own["local_share_not_white_british"][0] is not None:
            out["Expected range"].append(f"at least {own['local_share_not_white_british'][0]:.1%} (local share, {own['local_share_source'][0]})")
        else:
            out["Expected range"].append(item.describe() if item else "")
        for name in names[1:]:
            frame = rows[name]
            out[name].append(_fmt_value(frame[ind.value][0] if frame.height else None))
    return pd.DataFrame(out)


def _fmt_value(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def styled_profile(table: pd.DataFrame) -> pd.io.formats.style.Styler:
    return table.style.map(lambda v: f"background-color: {_FILL_BY_LABEL.get(v, '#ffffff')}", subset=["Verdict"])
