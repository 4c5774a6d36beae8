"""Regional comparison: one indicator across an area's MARACs, ranked against its range; every indicator in a matrix.

Built for the steering group's question "which boroughs are below the repeat range?": pick the
indicator and the picture is there, with the answer in words above it. A click on a bar (or a
row of the matrix) opens that MARAC's profile.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import controls, data, downloads, shared, table_display
from dashboard.area_view import area_view
from reporting import charts, numbers, tables
from reporting.verdicts import COMPACT_LEGEND, COMPACT_WORDS


def colour_choice(column, dataset, area) -> dict[str, str]:
    members = dataset.maracs.filter(pl.col("marac_code").is_in(data.scoped_codes(dataset, area)))
    offered = {"verdict": "Verdict"}
    if not members["sub_area"].drop_nulls().is_empty():  # only where the registry groups this area's MARACs
        # one label in every area, as the URL keeps the label: a link made on London's BCUs opens on Lancashire's
        # divisions too; the legend names the sub-areas in the partnership's word
        offered["sub_area"] = "Sub-area"
    # each MARAC's 95% interval against the area's own figure ("compared with benchmark", as Fingertips does)
    offered["significance"] = "Against the area (95%)"
    if st.session_state.get("colour_by") not in offered:
        st.session_state.pop("colour_by", None)
    with column:
        chosen = st.segmented_control(
            "Colour bars by",
            list(offered),
            format_func=offered.get,
            key="colour_by",
            default="verdict",
            required=True,
            bind="query-params",
        )
    return {"colour_by": chosen or "verdict"}


view = area_view("Regional comparison", more=colour_choice)
choice, ranges = view.indicator, view.dataset.ranges
item = ranges[choice.range_key]
view.require_returns()


def ranked(frame: pl.DataFrame):
    return shared.figure(
        charts.ranked_bars,
        frame,
        choice,
        item,
        subtitle=view.subtitle,
        source=view.source,
        synthetic=view.dataset.synthetic,
        colour_by=view.extra["colour_by"],
        benchmarks=view.benchmarks(frame),
    )


marac_tab, totals_tab = view.views(
    view.spread(),
    ranked,
    ["Ranked chart", "Matrix: every MARAC, every indicator", f"{view.grouped} subtotals"],
    tabs_key="comparison_view",
    key="ranked_pick",
    stem=f"{view.stem}-{downloads.slug(choice.key)}-ranked",
    caption="Bars: each MARAC's figure, with its 95% interval as a whisker; shaded: the SafeLives expected range. "
    "Click a bar to open that MARAC's profile.",
)
if marac_tab.open:
    with marac_tab:
        st.caption(
            "Each cell gives the figure and its verdict against the SafeLives expected range "
            f"({COMPACT_WORDS}; a higher volume is not a failure). {COMPACT_LEGEND}. Click a column header to sort by "
            "it; select a row to open that MARAC's profile. The download holds every indicator."
        )
        controls.definition_link()
        grid = tables.matrix(view.screen.maracs, ranges, part=controls.matrix_part("matrix_part"))
        picked_row = st.dataframe(
            tables.styled_matrix(grid),
            hide_index=True,
            height=table_display.fit_height(len(grid)),
            key="matrix_pick",
            on_select="rerun",
            selection_mode="single-row",
            column_config=table_display.matrix_config(grid, "MARAC"),
            placeholder=numbers.DASH,
        )
        rows = picked_row.selection.rows if picked_row else []
        if rows:
            controls.open_profile(view.dataset, view.screen.maracs["group_code"][rows[0]], choice)
        downloads.table_buttons(
            lambda: view.table_file(
                f"Every {view.name} MARAC on every indicator",
                tables.printed_matrix(tables.matrix(view.published.maracs, ranges)),
            ),
            key="comparison_matrix",
            stem=f"{view.stem}-matrix",
        )
if totals_tab.open:
    with totals_tab:
        st.caption(
            "Subtotals add up cases and populations across MARACs before dividing; they are not averages of MARAC "
            f"rates. The last row, in bold, is {view.name} as a whole."
        )
        totals = tables.matrix_totals(
            view.screen.sub_areas,
            view.screen.total,
            ranges,
            view.screen.maracs,
            part=controls.matrix_part("subtotals_part"),
        )
        st.dataframe(
            tables.styled_matrix(totals, bold_last=True),
            hide_index=True,
            height=table_display.fit_height(len(totals)),
            column_config=table_display.matrix_config(totals, "Area"),
            placeholder=numbers.DASH,
        )
        downloads.table_buttons(
            lambda: view.table_file(
                f"{view.grouped} subtotals on every indicator",
                tables.printed_matrix(
                    tables.matrix_totals(view.published.sub_areas, view.published.total, ranges, view.published.maracs)
                ),
            ),
            key="comparison_totals",
            stem=f"{view.stem}-subtotals",
        )
