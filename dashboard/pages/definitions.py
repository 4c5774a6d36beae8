"""Definitions: what each indicator counts, how it is judged and what to bear in mind, as Fingertips' metadata does.

It shows no figures, so every viewer is offered it. It needs only the ranges reference, which a database holds from
its first load, so it reads on a database with no returns; with no database it still gives the definitions.
"""

from __future__ import annotations

import streamlit as st

from dashboard import controls, data, downloads, table_display
from dashboard.table_display import fit_height
from metrics.definitions import INDICATORS
from metrics.indicators import value_columns
from metrics.ranges import Ranges
from reporting import definitions, numbers
from reporting.spreadsheet import TableFile

loaded = data.current()
dataset = loaded[0] if loaded else None
ranges = dataset.ranges if dataset else Ranges()
columns = value_columns(dataset) if dataset else None

st.title("Definitions")
st.caption(
    "What each indicator counts, how it is judged against the SafeLives expected range and what to bear in mind. "
    "Words follow SafeLives: below, within or above the expected range."
)
if dataset is None:
    st.info("No database yet: the expected ranges come with the reference data the first load copies into it.")

# a link names the indicator by its key (reporting.definitions.link); the chooser keeps it in the URL by its label,
# as the other pages' choosers do, so either opens the same entry
linked = st.query_params.get(definitions.PARAMETER)
wanted = definitions.chosen(linked)
if wanted is not None and linked == wanted.key:
    st.session_state["indicator"] = wanted
indicator = controls.indicator_control(st.columns([2, 3])[0], INDICATORS, key="indicator")
st.caption(f"Link to this definition: {definitions.link(indicator)}")

for heading, text in definitions.entries(indicator, ranges, columns):
    st.markdown(f"**{heading}**")
    if heading == definitions.HEADINGS[-1]:
        st.markdown(", ".join(f"`{c}`" for c in text.split(", ")))
    else:
        st.markdown(text.replace("$", "\\$"))

st.subheader("Every indicator")
st.caption(
    "Each indicator's range at a glance; choose one above for its whole entry. The download has every entry of "
    "every indicator."
)
glance = definitions.at_a_glance(ranges)
st.dataframe(
    glance,
    hide_index=True,
    width="stretch",
    height=fit_height(len(glance)),
    column_config=table_display.fitted_config(glance, "Name"),
    placeholder=numbers.DASH,
)
table = definitions.table(ranges, columns)
notes = [f"Ranges: {ranges.edition}." if ranges else "Ranges: none held yet."]
downloads.table_buttons(
    lambda: TableFile("Indicator definitions", table, notes, bool(dataset and dataset.synthetic)),
    key="definitions_table",
    stem="indicator-definitions",
)
