"""Trends: chosen MARACs and groups quarter by quarter, as rolling 12 months, against England on the same population
base (recomputed from SafeLives' force figures) and SafeLives' national figures as published, each named with its base.

The lockdowns of 2020–21 are shaded: they moved referrals everywhere, so a dip or rise then
is not a local story. Every series is built from summed counts, never averaged rates.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import chart_display, controls, data, downloads, presentation, shared, table_display
from dashboard.area_view import area_view
from metrics.dataset import SUB_AREA_WORD
from metrics.periods import quarter_of
from reporting import findings, national_marks, numbers, sub_areas, tables
from reporting.markup import escape_markdown
from reporting.theme import SCREEN_CONFIG
from reporting.trend_charts import LINES_SAID, SHOW, shaded_events, trend_lines

MAX_SERIES = 8


def series_options(dataset, area: str) -> dict[str, str]:
    """What can be drawn, as option -> label: the area, its sub-areas (e.g. BCUs), its MARACs, and every MARAC held (each, when
    published, from the same rounded quarters, so any of them may leave the dashboard)."""
    name = data.area_name(area)
    members = dataset.maracs.filter(pl.col("marac_code").is_in(data.scoped_codes(dataset, area))).sort("marac_name")
    options = {"area": f"{name} (all its MARACs)"}
    words = dict(members.select("sub_area", "sub_area_word").drop_nulls("sub_area").iter_rows())
    options |= {f"sub_area:{b}": sub_areas.named(b, words[b] or SUB_AREA_WORD) for b in sorted(words)}
    options |= {f"marac:{c}": n for c, n in members.select("marac_code", "marac_name").iter_rows()}
    options["all"] = "All MARACs held"
    return options


def series_choice(column, dataset, area) -> dict[str, object]:
    options = series_options(dataset, area)
    kept = [o for o in st.session_state.get("series", []) if o in options]  # choices from another area fall away
    if "series" in st.session_state and kept != st.session_state["series"]:
        st.session_state["series"] = kept
    with column:
        left, right = st.columns([3, 1.4])
        chosen = left.multiselect(
            "Series",
            list(options),
            format_func=options.get,
            key="series",
            bind="query-params",
            max_selections=MAX_SERIES,
            **({} if "series" in st.session_state else {"default": ["area"]}),
            help="The area as a whole, its Borough Command Units, single MARACs, or every MARAC held",
        )
        show = right.segmented_control(
            "Lines",
            list(SHOW),
            format_func=SHOW.get,
            key="lines",
            default="rolling",  # one line per series; each quarter on its own (dotted) on request
            required=True,
            bind="query-params",
            help="12 months: the 12 months to the end of each quarter (thick); quarters: each "
            "quarter on its own (dotted)",
        )
    return {"series": chosen, "labels": options, "show": show or "rolling"}


view = area_view("Trends", more=series_choice)
choice, chosen, labels = view.indicator, view.extra["series"], view.extra["labels"]
item = view.dataset.ranges[choice.range_key]
if not chosen:
    st.info("Choose at least one series to draw.")
    st.stop()


def frames(published: bool) -> dict[str, pl.DataFrame]:
    """Each chosen series' quarterly rows with their rolling 12 months; published ones are what leaves the dashboard."""
    path, version, population, area = view.path, view.version, view.population, view.area
    rolling = data.published_rolling if published else data.screen_rolling
    series = rolling(path, version, population, area, view.end, view.window)
    maracs = series.maracs
    out: dict[str, pl.DataFrame] = {}
    for option in chosen:
        kind, _, key = option.partition(":")
        if kind == "area":
            out[labels[option]] = series.area
        elif kind == "marac":  # (an area with no returns has an empty frame, without even its columns)
            out[labels[option]] = maracs.filter(pl.col("group_code") == key) if maracs.width else maracs
        else:  # a sub-area, or all MARACs: rounded like everything else when published, or for a restricted viewer
            grouping, scope = ("sub_area", area) if kind == "sub_area" else ("all", None)
            rounded = published or data.restricted()
            frame = data.rolling_trend(path, version, population, grouping, scope, rounded)
            out[labels[option]] = (
                frame.filter(pl.col("group_code") == key) if kind == "sub_area" and frame.width else frame
            )
    return out


national = data.national_series(view.path, view.version, view.population)
subtitle = (
    f"{view.name}, quarters to {view.chosen.end:%B %Y}; 12 months to the end of each quarter, summed before dividing"
)


def drawn(series: dict[str, pl.DataFrame]):
    return shared.figure(
        trend_lines,
        series,
        choice,
        item,
        title=f"{choice.label}: trend",
        subtitle=subtitle,
        source=view.source,
        show=view.extra["show"],
        synthetic=view.dataset.synthetic,
        national=national,
        events=view.dataset.events,
        last=view.chosen.end,
    )


screen = frames(published=False)
if all(frame.is_empty() for frame in screen.values()):
    st.info(f"No returns are held for {view.name}'s MARACs yet, so there is no trend to draw.")
    st.stop()
finding = findings.trend(screen, choice, item, last_quarter=quarter_of(view.chosen.end), national=national)
st.markdown(f"**{escape_markdown(finding)}**")
if presentation.presenting():
    chart_display.chart(drawn(screen), key="trend_chart", alt=finding)
    st.stop()
chart_tab, table_tab = controls.view_tabs(["Chart", "The figures behind it"], "trends_view")
if chart_tab.open:
    with chart_tab:
        st.plotly_chart(drawn(screen), theme=None, config=SCREEN_CONFIG, key="trend_chart", alt=finding)
        outer, inner = shaded_events(view.dataset.events)
        shaded = (f"; shaded down: {', '.join(str(e['label']) for e in outer)}" if outer else "") + (
            f", with each of {', '.join(str(e['label']).lower() for e in inner)} a dark strip along the foot"
            if inner
            else ""
        )
        st.caption(
            LINES_SAID[view.extra["show"]] + f" Shaded across: the expected range{shaded}. "
            "A figure resting on fewer quarters than its window says so in its hover, "
            "the sentence above and the table ('2 of 4 quarters returned'; for a group, its MARAC-quarters). "
            + national_marks.trend_note(view.dataset.base_label)
        )
        downloads.chart_buttons(
            lambda: drawn(frames(published=True)), key="trend", stem=f"{view.stem}-{downloads.slug(choice.key)}-trend"
        )
if table_tab.open:
    with table_tab:
        table = tables.trend_table(screen, choice, last=view.chosen.end)
        st.dataframe(
            tables.styled(table),
            hide_index=True,
            height=table_display.fit_height(min(len(table), 16)),
            placeholder=numbers.DASH,
        )
        downloads.table_buttons(
            lambda: view.table_file(
                f"{choice.label}: trend, {view.name}",
                tables.trend_table(frames(published=True), choice, last=view.chosen.end),
            ),
            key="trend_table",
            stem=f"{view.stem}-{downloads.slug(choice.key)}-trend",
        )
