"""Download buttons under every chart and table: files are made only when a button is clicked.

Whatever a button hands over is made from the rounded counts (the caller passes published
figures), carries the source line and, for the demo, the synthetic mark. Building happens in
the callable, so a page run costs nothing until someone downloads.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st

from reporting.images import PRINT_SCALE, shared_engine
from reporting.spreadsheet import TableFile, to_csv, to_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
IMAGE_TYPES = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}


def slug(*parts: object) -> str:
    """A file name anyone can type: lower case, hyphens, no spaces or punctuation."""
    text = "-".join(str(p) for p in parts if p)
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


#: what a download button says of a file made from the rounded counts (docs/disclosure-control.md)
TABLE_HELP = "The table as published: counts rounded to a multiple of 5 to protect the people counted"
CHART_HELP = "The chart for a board paper (counts rounded to a multiple of 5 to protect the people counted)"


def table_buttons(make: Callable[[], TableFile], *, key: str, stem: str, help: str = TABLE_HELP) -> None:
    """CSV and XLSX of a table, from the rounded counts; `help` says otherwise only for figures already public."""
    left, right, _ = st.columns([1, 1, 6])
    left.download_button(
        "CSV",
        data=lambda: to_csv(make()),
        file_name=f"{stem}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
        icon=":material/download:",
        help=help,
    )
    right.download_button(
        "XLSX",
        data=lambda: to_xlsx(make()),
        file_name=f"{stem}.xlsx",
        mime=XLSX,
        key=f"{key}_xlsx",
        on_click="ignore",
        icon=":material/download:",
        help=help,
    )


def chart_buttons(make: Callable[[], go.Figure], *, key: str, stem: str, help: str = CHART_HELP) -> None:
    """PNG (print resolution), SVG and PDF of a chart drawn by Plotly's own renderer, from the rounded counts."""
    columns = st.columns([1, 1, 1, 5])
    for column, fmt in zip(columns, IMAGE_TYPES, strict=False):
        scale = PRINT_SCALE if fmt == "png" else 1
        column.download_button(
            fmt.upper(),
            data=_image(make, fmt, scale),
            file_name=f"{stem}.{fmt}",
            mime=IMAGE_TYPES[fmt],
            key=f"{key}_{fmt}",
            on_click="ignore",
            icon=":material/image:",
            help=help,
        )


def _image(make: Callable[[], go.Figure], fmt: str, scale: int) -> Callable[[], bytes]:
    return lambda: shared_engine().render(make(), fmt, scale=scale)
