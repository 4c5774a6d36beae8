"""How Streamlit draws the reporting tables: column widths, header help and heights (display settings only)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

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
    LOCAL_HEADER: ("Local share %", f"{LOCAL_HEADER} (Census 2021): the level racially minoritised is judged against."),
    PER_10K: ("Per 10,000", "Cases a year per 10,000 adult females on the chosen population base."),
    coverage_words.HEADER: ("Quarters", coverage_words.NOTE),
}


def matrix_config(table: pd.DataFrame, header: str) -> dict[str, object]:
    """The name frozen; each indicator column explained on hover of its header; short headers (`SHORT_HEADERS`), and
    widths left to the cells' own, so half a matrix (`tables.matrix(part=...)`) fits a 1280 px screen."""
    config: dict[str, object] = {
        header: st.column_config.TextColumn(header, width=name_width(table[header]), pinned=True)
    }
    for column in table.columns:
        if column in SHORT_HEADERS:
            label, help_ = SHORT_HEADERS[column]
            config[column] = st.column_config.Column(label, help=help_)
        elif column.endswith("%"):
            config[column] = st.column_config.Column(column, help=MATRIX_HELP)
    return config


def name_width(names: pd.Series) -> int:
    """Pixels for the longest name (about 7.4 px a character of Streamlit's 14 px type, and the cell's padding): the
    grid sizes a column by its first rows only, which cut "Hammersmith and Fulham" further down."""
    longest = max((len(str(n)) for n in names.dropna()), default=0)
    return int(min(max(7.4 * longest + 24, 100), 260))


def fit_height(rows: int) -> int:
    """Pixel height that shows every row (Streamlit rows are 35 px, plus the header) up to a screenful."""
    return min(35 * rows + 38, 1200)
