"""Filter widgets shared by pages, with keys bound to the URL so a view can be shared as a link."""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard import data as store_data
from metrics.dataset import Dataset
from metrics.periods import WINDOWS, Period


def period_controls(dataset: Dataset, columns: list) -> tuple[date, str]:
    """Window and period end; a financial year can only end on 31 March."""
    ends = store_data.period_ends(dataset)
    with columns[0]:
        window = st.selectbox("Period", list(WINDOWS), format_func=lambda w: WINDOWS[w].capitalize(), key="window",
                              bind="query-params")
    if window == "fy":
        ends = [e for e in ends if e.month == 3]
    if not ends:
        st.info("No complete financial year (ending 31 March) is held yet: choose another period.")
        st.stop()
    with columns[1]:
        end = st.selectbox("Ending", ends, format_func=lambda d: d.strftime("%d %b %Y"), key="period_end",
                           bind="query-params")
    return end, window


def area_control(dataset: Dataset, column) -> str:
    """A region or police force area, as 'kind:name'."""
    options = store_data.areas(dataset)
    held = store_data.with_returns(dataset)
    members = {a: set(store_data.scoped_codes(dataset, a)) for a in options}
    first = next((i for i, a in enumerate(options) if members[a] & held), 0)
    with column:
        return st.selectbox("Area", options, index=first, format_func=store_data.area_label, key="area",
                            bind="query-params")


def period_caption(chosen: Period, dataset: Dataset) -> str:
    local = f" Local share not White British: Census {dataset.ethnicity_year}." if dataset.ethnicity_year else ""
    label = chosen.label[0].upper() + chosen.label[1:]
    return (f"{label}: {chosen.start.strftime('%d %b %Y')} to {chosen.end.strftime('%d %b %Y')}. "
            f"Population base for rates: {dataset.base_label}. "
            f"Ranges: {dataset.ranges.edition}.{local}")
