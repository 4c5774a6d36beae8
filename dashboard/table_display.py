"""How Streamlit draws the reporting tables: column widths, header help and heights (display settings only)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import streamlit
import streamlit as st
from PIL import ImageFont

from metrics.definitions import INDICATORS
from metrics.national import AS_PUBLISHED, RECOMPUTED
from reporting import coverage_words
from reporting.tables import LOCAL_HEADER, MATRIX_HELP, PER_10K, VERDICT_HELP


def column_config(table: pd.DataFrame, header: str) -> dict[str, object]:
    """The name column wide enough for 'Kingston upon Thames' and frozen, so a row is still named when a narrow screen
    scrolls the table across; each verdict column explained on hover of its header."""
    config: dict[str, object] = {header: st.column_config.TextColumn(header, width=190, pinned=True)}
    for column in table.columns:
        if column.endswith("verdict"):
            config[column] = st.column_config.TextColumn(column, help=VERDICT_HELP, width=170)
    return config


#: headers a 1280 px screen has room for, each with its full name on hover (the data and its downloads keep the full)
SHORT_HEADERS = {
    INDICATORS.by_key("racially_minoritised").header: (
        "Minoritised %",
        f"Victims/survivors racially minoritised, against the local share not White British. {MATRIX_HELP}",
    ),
    LOCAL_HEADER: ("Local share %", f"{LOCAL_HEADER} (Census 2021): the level racially minoritised is judged against."),
    PER_10K: ("Per 10,000", "Cases a year per 10,000 adult females on the chosen population base."),
    coverage_words.HEADER: ("Quarters", coverage_words.NOTE),
}


#: the referral change table's headers a 1280 px screen has room for (the full ones on hover)
REFERRAL_CHANGE_SHORT = {
    "A year earlier %": "Then %",
    "Change (points)": "Change",
    "95% interval (points)": "95% interval",
}


#: the range summary's headers a 1280 px screen has room for (the full ones on hover)
RANGE_SUMMARY_SHORT = {
    "MARACs with figures": "MARACs",
    "Meeting the range %": "Meeting %",
    "Within, and the 95% interval agrees": "Within, clearly",
    "Not judged (incomplete)": "Not judged",
}


def fitted_config(table: pd.DataFrame, header: str, short: dict[str, str] | None = None) -> dict[str, object]:
    """A table's name column frozen and every column as wide as its longest cell (the grid's own sizing reads the
    first rows only), so a table that fits 1280 px shows every cell whole; `short` headers for some columns, each
    column's full header on hover (the data and its downloads keep the full)."""
    short = short or {}
    config: dict[str, object] = {
        header: st.column_config.TextColumn(header, width=name_width(table[header]), pinned=True)
    }
    for column in table.columns:
        if column != header:
            label = short.get(column, column)
            shown = [_cell_text(c, column) for c in table[column]]
            config[column] = st.column_config.Column(
                label, help=column if label != column else None, width=text_width([label, *shown], header=True)
            )
    return config


def national_config(table: pd.DataFrame, short: Callable[[str], str]) -> dict[str, object]:
    """SafeLives' force figures: the force frozen, counts whole, rates and percents to one decimal, headers `short`
    (in full on hover) and every column as wide as its longest cell."""
    config: dict[str, object] = {"Force": st.column_config.TextColumn(width=name_width(table["Force"]), pinned=True)}
    for column in table.columns[1:]:
        label = short(column)
        rate = "rate per" in column.lower()
        counts = column in ("MARACs", "Cases", "Repeat cases")
        numeric = counts or rate or "%" in column
        shown = [
            "–" if v is None or pd.isna(v) else (f"{v:,.0f}" if counts else f"{v:.1f}%") if numeric else str(v)
            for v in table[column]
        ]
        width = text_width([label, *shown], header=True)
        help_ = column if label != column else None
        if counts:
            config[column] = st.column_config.NumberColumn(label, help=help_, width=width, format="localized")
        elif numeric:
            fmt = "%.1f" if rate else "%.1f%%"
            config[column] = st.column_config.NumberColumn(label, help=help_, width=width, format=fmt)
        else:
            config[column] = st.column_config.TextColumn(label, help=help_, width=width)
    return config


def matrix_config(table: pd.DataFrame, header: str) -> dict[str, object]:
    """The name frozen; each indicator column explained on hover of its header; short headers (`SHORT_HEADERS`) and
    each column as wide as its longest cell, so half a matrix (`tables.matrix(part=...)`) fits a 1280 px screen."""
    config: dict[str, object] = {
        header: st.column_config.TextColumn(header, width=name_width(table[header]), pinned=True)
    }
    for column in table.columns[1:]:
        label, help_ = SHORT_HEADERS.get(column, (column, MATRIX_HELP if column.endswith("%") else None))
        shown = [_cell_text(c, column) for c in table[column]]
        config[column] = st.column_config.Column(label, help=help_, width=text_width([label, *shown], header=True))
    return config


def _cell_text(cell: object, column: str) -> str:
    """About what a matrix cell prints, for its width: a figure's words, or a number as its longest form."""
    if isinstance(cell, str) or hasattr(cell, "label"):
        return str(getattr(cell, "label", cell))
    if cell is None or pd.isna(cell):
        return "–"
    return f"{cell:,.1f}%"


#: the profile's comparators, shown a group at a time: all seven beside the MARAC's own do not fit 1280 px
PROFILE_COMPARISONS = {
    "area": "Its sub-area and area",
    "wider": "Force area and all MARACs",
    "national": "England and UK",
}


def profile_columns(profile: pd.DataFrame, national: list[str], compare: str) -> list[str]:
    """The MARAC's own columns, then one group of comparators (`PROFILE_COMPARISONS`): its sub-area and area (the first
    two local ones), the wider local ones, or the national ones (`national` names them)."""
    own, comparators = list(profile.columns[:4]), list(profile.columns[4:])
    local = [c for c in comparators if c not in national]
    chosen = {"area": local[:2], "wider": local[2:], "national": [c for c in comparators if c in national]}
    return own + chosen.get(compare, local[:2])


def profile_config(profile: pd.DataFrame) -> dict[str, object]:
    """The indicator frozen, so a narrow screen scrolling across keeps it in view; each column as wide as its longest
    cell; a national comparator's long name (it says its base and period) shortened, in full on hover."""
    config: dict[str, object] = {}
    for i, column in enumerate(profile.columns):
        short = _national_short(column)
        config[column] = st.column_config.TextColumn(
            short,
            help=column if short != column else None,
            width=text_width([short, *profile[column].astype(str)], header=True),
            pinned=i == 0 or None,
        )
    return config


def _national_short(name: str) -> str:
    """ "England, SafeLives' own base (as published), 12 months to Mar 2025" -> "England (SafeLives)"; England recomputed
    on the MARACs' base -> "England (same base)"; any other name as it is."""
    if AS_PUBLISHED in name:
        return f"{name.split(',')[0]} (SafeLives)"
    if RECOMPUTED in name:
        return f"{name.split(',')[0]} (same base)"
    return name


@functools.cache
def _font() -> ImageFont.FreeTypeFont | None:
    """Streamlit's own table type (Source Sans, 14 px), from the files it serves; None if a release moves them."""
    media = Path(streamlit.__file__).parent / "static" / "static" / "media"
    try:
        return ImageFont.truetype(str(next(media.glob("SourceSansVF-Upright*.woff2"))), 14)
    except (StopIteration, OSError):
        return None


def _pixels(text: str) -> float:
    """How wide `text` is drawn: 5% over Pillow's measure, as Chromium drew "Hammersmith and Fulham" and "121.0% ▲ above*"
    (157 and 98 px against 150 and 94), the symbols (▲ ● ▼) the browser takes from another font."""
    font = _font()
    return font.getlength(text) * 1.05 if font else len(text) * 7.4


def text_width(texts: list[str], header: bool = False) -> int:
    """Pixels for the longest of `texts` and the cell's padding; with `header`, the first is the column's header,
    with room for its sort arrow and help mark. The grid sizes a column by its first rows only, so a longer cell
    further down would otherwise be cut."""
    cells = [_pixels(t) + 18 for t in texts[1:]] if header else [_pixels(t) + 18 for t in texts]
    heading = [_pixels(texts[0]) + 24] if header and texts else []
    return int(min(max(cells + heading, default=100), 320))


def name_width(names: pd.Series) -> int:
    """Pixels for the longest name, at least 100 (a name column frozen beside the figures)."""
    return max(text_width([str(n) for n in names.dropna()]), 100)


def fit_height(rows: int) -> int:
    """Pixel height that shows every row (Streamlit rows are 35 px, plus the header) up to a screenful."""
    return min(35 * rows + 38, 1200)
