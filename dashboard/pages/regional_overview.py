"""Regional overview: every MARAC in an area against the SafeLives ranges, with sub-area (e.g. BCU) and area totals."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import chart_display, controls, data, downloads, shared, table_display
from metrics.definitions import INDICATORS
from metrics.intervals import EXACT_BELOW
from metrics.shown import AreaFigures
from reporting import benchmarks, charts, coverage_words, numbers, sub_areas, tables, verdicts
from reporting.spreadsheet import DISCLOSURE_NOTE, TableFile
from reporting.verdicts import Verdict

dataset, version = data.current()
path, population = str(data.db_path()), dataset.population_key
ranges = dataset.ranges

st.title("Regional overview")
row = st.columns([1, 1, 1])
area = controls.area_control(dataset, row[0])
name = data.area_name(area)
end, window = controls.period_controls(dataset, row[1:])
chosen = data.chosen_period(end, window)
st.caption(controls.period_caption(chosen, dataset))
controls.registry_notes(dataset, data.scoped_codes(dataset, area))

# everything that leaves the page is built from `published`: worked out from the rounded counts (metrics.disclosure).
# `screen` is what this viewer sees: the same for a restricted viewer (`marac serve --restricted`), else every figure.
screen = data.screen_area(path, version, population, end, window, area)
published = data.published_area(path, version, population, end, window, area)
source = charts.source_line(ranges.edition, dataset.base_label, dataset.missing_quarters_method)
notes = [
    f"{name}, {chosen.label}.",
    source,
    DISCLOSURE_NOTE,
    verdicts.HELP,
]
stem = downloads.slug(name, chosen.end)


def table_file(title: str, table) -> TableFile:
    return TableFile(title, table, notes, dataset.synthetic, tables.decimals_of(table))


headline = screen.total_row()
if headline is None or headline["cases"] is None:
    st.info(f"No returns are held for {name} in this period.")
    st.stop()


def share(key: str) -> str:
    return numbers.figure(headline, INDICATORS.by_key(key), ranges, least=0)


def judged(key: str) -> str:
    """The area's verdict on one indicator with how sure it is, as a tile's note."""
    return Verdict.of(headline, INDICATORS.by_key(key)).phrase


minoritised, local = numbers.pair_beside_verdict(
    headline["share_racially_minoritised"],
    headline["racially_minoritised_verdict"],
    ranges["racially_minoritised"],
    headline["local_share_not_white_british"],
)
local_note = (
    f"against a local share of {local} ({headline['local_share_source']}): "
    if headline["local_share_not_white_british"] is not None
    else ""
)
# what the area's figures rest on, said on the tiles themselves (reporting.coverage_words)
covered = coverage_words.of(headline, members=screen.maracs)
on_coverage = f"; {covered.words}" if covered.words else ""
tiles = st.columns(5)
tile_specs = [
    (
        "Cases discussed",
        numbers.number(headline["cases"]),
        f"{numbers.number(headline['cases_per_10k'], 1)} a year per 10,000 adult females{on_coverage}",
    ),
    ("Volume (% of recommended)", share("volume"), judged("volume") + on_coverage),
    ("Repeat rate", share("repeat_rate"), judged("repeat_rate")),
    ("Police share of referrals", share("police_share"), judged("police_share")),
    (
        "Racially minoritised",
        minoritised,
        f"of victims/survivors, {local_note}{judged('racially_minoritised')}",
    ),
]
for column, (label, value, note) in zip(tiles, tile_specs, strict=True):
    column.metric(label, value)
    column.caption(note)
reporting = (
    f"{headline['maracs_reporting']} of the {headline['maracs_in_group']} {name} MARACs in the registry "
    "sent returns for this period"
)
if covered.words:
    reporting += f"; {covered.words}, and each MARAC's volume counts only the quarters it returned"
missing_population = headline["maracs_without_population"]
if missing_population:
    reporting += (
        f"; {missing_population} of them {'has' if missing_population == 1 else 'have'} no population on this "
        f"base and {'is' if missing_population == 1 else 'are'} left out of the volume figures"
    )
st.caption(reporting + ".")

st.subheader(f"MARACs in {name}")
st.caption(
    f"Each figure sits beside its verdict against the SafeLives expected range ({verdicts.COMPACT_WORDS}). "
    f"A higher volume is not a failure. {verdicts.COMPACT_LEGEND}. Click a column header to sort; hover over a "
    "header for more."
)
controls.definition_link()
volume_table, victim_table = (tables.matrix(screen.maracs, ranges, part=part) for part in tables.PARTS)
volume_tab, victims_tab = controls.view_tabs(list(tables.PARTS.values()), "overview_maracs")


def export_overview(part: int, title: str) -> TableFile:
    return table_file(title, tables.overview_frames(published.maracs, ranges)[part])


if volume_tab.open:
    with volume_tab:
        st.dataframe(
            tables.styled_matrix(volume_table),
            hide_index=True,
            height=table_display.fit_height(len(volume_table)),
            column_config=table_display.matrix_config(volume_table, "MARAC"),
            placeholder=numbers.DASH,
        )
        downloads.table_buttons(
            lambda: export_overview(0, f"MARACs in {name}: volume, repeats and referrals"),
            key="maracs_volume",
            stem=f"{stem}-maracs-volume",
        )
if victims_tab.open:
    with victims_tab:
        st.dataframe(
            tables.styled_matrix(victim_table),
            hide_index=True,
            height=table_display.fit_height(len(victim_table)),
            column_config=table_display.matrix_config(victim_table, "MARAC"),
            placeholder=numbers.DASH,
        )
        downloads.table_buttons(
            lambda: export_overview(1, f"MARACs in {name}: victims/survivors"),
            key="maracs_victims",
            stem=f"{stem}-maracs-victims",
        )

grouped = sub_areas.with_area(screen.maracs, name)
st.subheader(f"{grouped} totals")
st.caption(
    "Totals add up cases and populations across MARACs before dividing; they are not averages of MARAC rates. "
    f"The last row, in bold, is {name} as a whole."
)
# on request (kept in the URL): the area's own figures are in the tiles above, and each table costs a first view time
if st.toggle(f"Show the {grouped} totals", key="overview_show_totals", bind="query-params"):
    volume_totals, victim_totals = (
        tables.matrix_totals(screen.sub_areas, screen.total, ranges, screen.maracs, part=part) for part in tables.PARTS
    )
    volume_tab, victims_tab = controls.view_tabs(list(tables.PARTS.values()), "overview_totals")

    def export_totals(part: int, title: str) -> TableFile:
        return table_file(
            title, tables.totals_frames(published.sub_areas, published.total, ranges, published.maracs)[part]
        )

    if volume_tab.open:
        with volume_tab:
            st.dataframe(
                tables.styled_matrix(volume_totals, bold_last=True),
                hide_index=True,
                height=table_display.fit_height(len(volume_totals)),
                column_config=table_display.matrix_config(volume_totals, "Area"),
                placeholder=numbers.DASH,
            )
            downloads.table_buttons(
                lambda: export_totals(0, f"{grouped} totals: volume, repeats and referrals"),
                key="totals_volume",
                stem=f"{stem}-totals-volume",
            )
    if victims_tab.open:
        with victims_tab:
            st.dataframe(
                tables.styled_matrix(victim_totals, bold_last=True),
                hide_index=True,
                height=table_display.fit_height(len(victim_totals)),
                column_config=table_display.matrix_config(victim_totals, "Area"),
                placeholder=numbers.DASH,
            )
            downloads.table_buttons(
                lambda: export_totals(1, f"{grouped} totals: victims/survivors"),
                key="totals_victims",
                stem=f"{stem}-totals-victims",
            )

st.subheader("Compare MARACs on one indicator")
choice = st.selectbox(
    "Indicator", list(INDICATORS), format_func=lambda i: i.label, key="overview_indicator", bind="query-params"
)
controls.definition_link(choice)
subtitle = f"{name}, {chosen.label}"


def ranked(figures: AreaFigures) -> object:
    england = data.england(path, version, population, end)
    return shared.figure(
        charts.ranked_bars,
        figures.maracs,
        choice,
        ranges[choice.range_key],
        subtitle=subtitle,
        source=source,
        synthetic=dataset.synthetic,
        benchmarks=benchmarks.for_indicator(choice, (name, figures.total_row()), england),
    )


def funnel(figures: AreaFigures) -> object:
    return shared.figure(
        charts.funnel_plot,
        figures.maracs,
        choice,
        ranges[choice.range_key],
        subtitle=subtitle,
        source=source,
        synthetic=dataset.synthetic,
    )


def how_sure(figures: AreaFigures, compact: bool = False) -> object:
    """MARACs that sent returns (`compact` on screen, `tables.certainty_by_group`)."""
    reporting = figures.maracs.filter(pl.col("maracs_reporting") > 0)
    return tables.certainty_by_group(reporting, choice, ranges, compact=compact)


ranked_tab, funnel_tab, sure_tab = controls.view_tabs(
    ["Ranked, with 95% intervals", "Funnel plot", "How sure is each verdict?"], "overview_chart"
)
if ranked_tab.open:
    with ranked_tab:
        chart_display.chart(
            ranked(screen),
            screen=False,
            key="overview_ranked",
            alt=f"Bar chart ranking MARACs in {name} by {choice.in_sentence}, with 95% intervals as whiskers and "
            "the SafeLives expected range shaded.",
        )
        downloads.chart_buttons(
            lambda: ranked(published), key="ranked", stem=f"{stem}-{downloads.slug(choice.key)}-ranked"
        )
if funnel_tab.open:
    with funnel_tab:
        st.caption(
            f"Each MARAC against its size. Inside the dashed (95%) and dotted (99.8%) lines a MARAC differs from "
            f"{name} as a whole by no more than chance would make it; outside them the difference is real."
        )
        chart_display.chart(
            funnel(screen),
            screen=False,
            key="overview_funnel",
            alt=f"Funnel plot of {choice.in_sentence} for MARACs in {name} against their size, with 95% and "
            "99.8% control limits.",
        )
        downloads.chart_buttons(
            lambda: funnel(published), key="funnel", stem=f"{stem}-{downloads.slug(choice.key)}-funnel"
        )
if sure_tab.open:
    with sure_tab:
        st.caption(
            "A verdict is certain only when the whole 95% interval lies on one side of the range (Wilson intervals for "
            f"shares; Byar's, or exact below {EXACT_BELOW} cases, for volume). MARACs without returns for the period are left out."
        )
        sure = how_sure(screen, compact=True)
        st.dataframe(
            sure,
            hide_index=True,
            height=table_display.fit_height(len(sure)),
            column_config=table_display.fitted_config(sure, "MARAC"),
            placeholder=numbers.DASH,
        )
        downloads.table_buttons(
            lambda: table_file(f"How sure is each verdict? {choice.label}, MARACs in {name}", how_sure(published)),
            key="sure",
            stem=f"{stem}-{downloads.slug(choice.key)}-how-sure",
        )
