"""National picture: SafeLives' published MARAC figures for every police force area of England and Wales.

Real, public figures (SafeLives Marac data, by force and financial year), not the returns held here: every force
ranked and mapped on cases per 10,000 adult females or the repeat rate, on SafeLives' own base and on the chosen one
side by side, and each force's years. Missing years are gaps, partial years are marked, and neither is drawn as a
zero or a fall. Layout only: figures from `dashboard.data`, words and charts from `reporting.national`.
"""

from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import chart_display, controls, data, downloads, presentation, table_display
from metrics.dataset import POPULATION_MEASURES
from metrics.published import BASES, SAFELIVES_BASE, financial_years
from reporting import national, numbers
from reporting.markup import escape_markdown
from reporting.spreadsheet import TableFile

dataset, version = data.current()
path = str(data.db_path())
st.title("National picture")
# said first and plainly: on the demo, the banner every other page carries does not apply here
st.info(
    f"**{national.REAL_DATA_NOTE}.** SafeLives' published MARAC figures for each police force area of England and "
    "Wales, by financial year: the same for every partnership, whatever returns this dashboard holds.",
    icon=":material/public:",
)

tables = data.national_tables(path, version)
years = financial_years(tables["safelives_published"])
bases = data.national_bases(path, version)
measure_key = st.session_state.get("population_measure", "females_16plus")
row = st.columns([1, 1.2, 2.2])
year = row[0].selectbox("Financial year", years, key="national_year", bind="query-params")
chosen = row[1].segmented_control(
    "Indicator",
    list(national.MEASURES),
    format_func=lambda k: national.MEASURES[k].short,
    key="national_indicator",
    default="cases_per_10k",
    required=True,
    bind="query-params",
)
sidebar_base = st.session_state.get("population_base", "census2021")
base = row[2].segmented_control(
    "Population base",
    bases,
    format_func=BASES.get,
    key="national_base",
    default=sidebar_base if sidebar_base in bases else bases[0],
    required=True,
    bind="query-params",
    help="The base a rate is recomputed on, shown beside SafeLives' own published rate. SafeLives' own base is "
    "older and, for some forces, smaller, so its rates can run higher.",
)
measure = national.MEASURES[chosen or "cases_per_10k"]
base = base or bases[0]
base_label = BASES[base] + ("" if base == SAFELIVES_BASE else f", {POPULATION_MEASURES[measure_key]}")
ranges = data.national_ranges(path, version)
figures = data.national_figures(path, version, base, measure_key)

st.markdown(f"**{national.headline(figures, year, ranges, base=base, base_label=base_label)}**")
notes = national.year_notes(figures, year, base=base, base_label=base_label)
source_note = f"{national.SOURCE}. SafeLives' rates on its own adult female base; recomputed rates on {base_label}."
stem = downloads.slug("national-picture", measure.key, year, base)


def chart(make: Callable[[], go.Figure], *, key: str, alt: str, caption: str, file: str) -> None:
    """A chart, its caption, and PNG / SVG / PDF of it. SafeLives' figures are public already, so, unlike every other
    page's downloads, nothing here is rounded for disclosure, and the buttons say so."""
    chart_display.chart(make(), key=key, alt=alt)
    if presentation.presenting():
        st.stop()
    st.caption(caption)
    downloads.chart_buttons(make, key=key, stem=file, help=national.CHART_HELP)


ranked_tab, map_tab, trend_tab, table_tab = controls.view_tabs(["Ranked", "Map", "Each year", "Table"], "national_view")
if ranked_tab.open:
    with ranked_tab:
        chart(
            lambda: national.ranked_forces(figures, measure, ranges, year=year, base=base, base_label=base_label),
            key="national_ranked",
            alt=national.headline(figures, year, ranges, base=base, base_label=base_label),
            caption=(
                "Each force's bar on the chosen base, with SafeLives' own base beside it (grey) where they differ; "
                "shaded: the expected range. Hatched ◐: a partial year (an undercount). A force with no figures is "
                "listed at the foot, with no bar: it is missing, not zero."
            ),
            file=f"{stem}-ranked",
        )
if map_tab.open:
    with map_tab:
        # SafeLives' own base beside the chosen one, where the two differ (the repeat rate needs no population)
        sides = [True, False] if measure.own_value and base != SAFELIVES_BASE else [False]
        tiles, problem = data.force_tiles()
        if problem:
            st.error(problem)
        else:
            columns = st.columns(len(sides))
            for column, own in zip(columns, sides, strict=True):
                with column:
                    chart(
                        lambda own=own: national.force_tile_map(
                            figures, tiles, measure, ranges, year=year, own=own, base_label=base_label
                        ),
                        key=f"national_map_{'own' if own else 'chosen'}",
                        alt=f"{measure.label} by police force area, {year}",
                        caption=(
                            "Each square is one police force area, roughly in its place (made from Open "
                            "Innovations' local authority hexes), so small forces are as visible as large ones."
                        ),
                        file=f"{stem}-map-{'safelives-base' if own else base}",
                    )
if trend_tab.open:
    with trend_tab:
        names = dict(figures.select("pfa_code", "force").unique().sort("force").iter_rows())
        covered = [c for c in dataset.maracs["pfa_code"].drop_nulls().unique().sort().to_list() if c in names]
        first = covered[0] if covered else "E23000001"
        force = st.selectbox(
            "Police force area",
            list(names),
            index=list(names).index(first) if first in names else 0,
            format_func=names.get,
            key="national_force",
            bind="query-params",
        )
        chart(
            lambda: national.force_trend(figures, force, measure, ranges, base=base, base_label=base_label),
            key="national_trend",
            alt=f"{names[force]}: {measure.label} by financial year",
            caption=(
                "Complete years are joined by a line. A partial year is a hollow marker, not joined to the line (an "
                "undercount is not a fall); a year with no figures is a gap, never a zero. Hover for each year's caveat."
            ),
            file=downloads.slug("national-picture", names[force], measure.key, base),
        )
if table_tab.open:
    with table_tab:
        every = st.toggle("Every year", key="national_every_year", help="Every financial year, not only the chosen one")
        shown = figures if every else figures.filter(pl.col("financial_year") == year)
        table = national.national_table(shown.sort("force", "financial_year"), ranges, base=base, base_label=base_label)
        part = controls.column_group("Columns", national.TABLE_PARTS, "national_columns")
        st.caption(f"Volume on {base_label} unless it says SafeLives' own base. The download has every column.")
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            height=table_display.fit_height(len(table)),
            column_order=national.table_part(table, part),
            column_config=table_display.national_config(table, national.short_header),
            placeholder=numbers.DASH,
        )
        for said in national.caveats_said(table):
            st.caption(escape_markdown(said))

        def table_file() -> TableFile:
            # SafeLives' figures are public already: they need no disclosure rounding, so none is applied or claimed
            return TableFile(
                f"SafeLives' published MARAC figures by police force area{'' if every else ', ' + year}",
                table,
                [national.REAL_DATA_NOTE + ".", source_note, *notes],
            )

        downloads.table_buttons(table_file, key="national_table", stem=f"{stem}-table", help=national.TABLE_HELP)
for note in notes:
    st.caption(escape_markdown(note))
st.caption(
    escape_markdown(source_note)
    + " SafeLives says its data should not be used as an official measure of high-risk domestic abuse prevalence."
)
