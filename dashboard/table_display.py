"""How Streamlit draws the reporting tables: column widths, header help and heights (display settings only; the
short headers and column groups a 1280 px screen has room for are words, in `reporting.screen_tables`)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import streamlit
import streamlit as st
from PIL import ImageFont

from reporting import screen_tables
from reporting.tables import MATRIX_HELP

#: no column wider than this, unless it is told otherwise (a chart's figures, whose sentences must be read whole)
WIDEST = 320


def fitted_config(
    table: pd.DataFrame, header: str, short: dict[str, str] | None = None, widest: int | None = WIDEST
) -> dict[str, object]:
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
                label, help=column if label != column else None, width=text_width([label, *shown], True, widest)
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
    """The name frozen; each indicator column explained on hover of its header; short headers (`reporting.screen_tables.MATRIX_SHORT`) and
    each column as wide as its longest cell, so half a matrix (`tables.matrix(part=...)`) fits a 1280 px screen."""
    config: dict[str, object] = {
        header: st.column_config.TextColumn(header, width=name_width(table[header]), pinned=True)
    }
    for column in table.columns[1:]:
        label, help_ = screen_tables.MATRIX_SHORT.get(column, (column, MATRIX_HELP if column.endswith("%") else None))
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


def profile_config(profile: pd.DataFrame) -> dict[str, object]:
    """The indicator frozen, so a narrow screen scrolling across keeps it in view; each column as wide as its longest
    cell; a national comparator's long name (it says its base and period) shortened, in full on hover."""
    config: dict[str, object] = {}
    for i, column in enumerate(profile.columns):
        short = screen_tables.comparator_header(column)
        config[column] = st.column_config.TextColumn(
            short,
            help=column if short != column else None,
            width=text_width([short, *profile[column].astype(str)], header=True),
            pinned=i == 0 or None,
        )
    return config


@functools.cache
def _font() -> ImageFont.FreeTypeFont | None:
    """Streamlit's own table type (Source Sans, 14 px), from the files it serves; None if a release moves them."""
    media = Path(streamlit.__file__).parent / "static" / "static" / "media"
    try:
        font = ImageFont.truetype(str(next(media.glob("SourceSansVF-Upright*.woff2"))), 14)
        font.set_variation_by_axes([400])  # a variable font: its default is the lightest weight, 200
        return font
    except (StopIteration, OSError, ValueError):  # no file, unreadable, or no longer a variable font
        return None


def _pixels(text: str) -> float:
    """How wide `text` is drawn, 2% to spare: Pillow at weight 400 gives "Hammersmith and Fulham" and "121.0% ▲ above*"
    156.6 and 98.0 px, as Chromium drew them (157 and 98). Without the font file (a Streamlit release that moves it),
    7.4 px a character, which errs wide."""
    font = _font()
    return font.getlength(text) * 1.02 if font else len(text) * 7.4


def text_width(texts: list[str], header: bool = False, widest: int | None = WIDEST) -> int:
    """Pixels for the longest of `texts` and the cell's padding; with `header`, the first is the column's header,
    with room for its sort arrow and help mark. The grid sizes a column by its first rows only, so a longer cell
    further down would otherwise be cut. At most `widest` (None: no limit)."""
    cells = [_pixels(t) + 16 for t in texts[1:]] if header else [_pixels(t) + 16 for t in texts]
    heading = [_pixels(texts[0]) + 24] if header and texts else []
    width = max(cells + heading, default=100)
    return int(width if widest is None else min(width, widest))


def name_width(names: pd.Series) -> int:
    """Pixels for the longest name, at least 100 (a name column frozen beside the figures)."""
    return max(text_width([str(n) for n in names.dropna()]), 100)


def fit_height(rows: int) -> int:
    """Pixel height that shows every row (Streamlit rows are 35 px, plus the header) up to a screenful."""
    return min(35 * rows + 38, 1200)
