"""Equality: who the victims/survivors are, against SafeLives' expected ranges and the local population.

The Pan-London review found racially minoritised, LGBT+, disabled and male victims/survivors
under-represented at many MARACs; this page shows each characteristic against its range,
racially minoritised victims/survivors against each borough's own population, and how many
MARACs meet each range (the review's summary).
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import chart_display, controls, downloads, shared, table_display
from dashboard.area_view import area_view
from dashboard.table_display import fit_height
from metrics.definitions import INDICATORS
from metrics.summary import range_summary
from reporting import charts, findings, numbers, screen_tables, tables
from reporting.equality_charts import meeting_ranges, parity_scatter
from reporting.markup import escape_markdown

CHARACTERISTICS = INDICATORS.of_table("victims")  # who the victims/survivors are, as each definition says

# its own key: the characteristics are a shorter list than the other pages' indicators
view = area_view(
    "Equality", indicators=CHARACTERISTICS, indicator_key="characteristic", indicator_label="Characteristic"
)
choice, ranges = view.indicator, view.dataset.ranges
item = ranges[choice.range_key]
headline = view.require_returns()


def ranked(frame: pl.DataFrame):
    return shared.figure(
        charts.ranked_bars,
        frame,
        choice,
        item,
        subtitle=view.subtitle,
        source=view.source,
        synthetic=view.dataset.synthetic,
        benchmarks=view.benchmarks(frame),
    )


def scatter(frame: pl.DataFrame):
    return shared.figure(
        parity_scatter,
        frame,
        title="Racially minoritised victims/survivors against the local population",
        subtitle=view.subtitle,
        source=view.source,
        synthetic=view.dataset.synthetic,
    )


def summary_chart(frame: pl.DataFrame):
    return shared.figure(
        meeting_ranges,
        range_summary(frame),
        title="How many MARACs meet each SafeLives range",
        subtitle=view.subtitle,
        source=view.source,
        synthetic=view.dataset.synthetic,
    )


parity_tab, summary_tab = view.views(
    view.spread(),
    ranked,
    ["By characteristic", "Racially minoritised against the local population", "How many MARACs meet each range"],
    tabs_key="equality_view",
    key="equality_pick",
    stem=f"{view.stem}-{downloads.slug(choice.key)}-ranked",
    caption=f"Expected: {item.describe()}"
    + (" (each MARAC's own local share is marked |)" if choice.local_share else "")
    + ". Whiskers: 95% intervals. Click a bar to open that MARAC's profile. Step through the characteristics with the "
    "Characteristic choice above.",
)
if parity_tab.open:
    with parity_tab:
        st.markdown(
            escape_markdown(
                findings.parity(view.screen.maracs, ranges["racially_minoritised"], area=view.name, total=headline)
            )
        )
        event = chart_display.chart(
            scatter(view.screen.maracs),
            screen=False,
            on_select="rerun",
            selection_mode="points",
            key="parity_pick",
            alt=f"Scatter of each {view.name} MARAC's share of racially minoritised victims/survivors against "
            "its local population share not White British, with the line of parity.",
        )
        picked = controls.clicked_code(event)
        if picked:
            controls.open_profile(view.dataset, picked, INDICATORS.by_key("racially_minoritised"))
        st.caption(
            "Dashed: parity, where victims/survivors match the local population share not White British "
            f"(Census {view.dataset.ethnicity_year or ''}). At or above the line: within SafeLives' expectation; below "
            "it: below. Whiskers: 95% intervals."
        )
        downloads.chart_buttons(
            lambda: scatter(view.published.maracs),
            key="parity",
            stem=f"{view.stem}-racially-minoritised-parity",
        )
if summary_tab.open:
    with summary_tab:
        summary = range_summary(view.screen.maracs)
        met = findings.ranges_met(summary, area=view.name)
        st.markdown(escape_markdown(met))
        chart_display.chart(summary_chart(view.screen.maracs), screen=False, key="ranges_met", alt=met)
        table = tables.range_summary_table(summary, ranges, compact=True)
        st.dataframe(
            table.style.format({"Meeting the range %": "{:.0f}%"}, na_rep="–"),
            hide_index=True,
            height=fit_height(len(table)),
            column_config=table_display.fitted_config(table, "Indicator", screen_tables.RANGE_SUMMARY_SHORT),
            placeholder=numbers.DASH,
        )
        st.caption(
            "As in the Pan-London MARAC Review: of the MARACs with a figure, how many are below, within or above each "
            "range. The exported summary counts the published (rounded) figures, so a MARAC close to a range bound can "
            "fall on the other side of it there."
        )
        downloads.chart_buttons(
            lambda: summary_chart(view.published.maracs), key="ranges_met", stem=f"{view.stem}-ranges-met"
        )
        downloads.table_buttons(
            lambda: view.table_file(
                f"How many {view.name} MARACs meet each range",
                tables.range_summary_table(range_summary(view.published.maracs), ranges),
            ),
            key="ranges_met_table",
            stem=f"{view.stem}-ranges-met",
        )
