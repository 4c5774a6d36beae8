"""Borough profile: one MARAC's indicators against the ranges and its BCU, region and all MARACs, and its trend."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import chart_display, controls, data, downloads, shared, table_display
from metrics.coverage import INCOMPLETE
from metrics.definitions import INDICATORS
from metrics.intervals import EXACT_BELOW
from metrics.shown import AreaFigures, AreaSeries
from reporting import (
    benchmarks,
    charts,
    coverage_words,
    missing_quarters_words,
    national_marks,
    numbers,
    screen_tables,
    sub_areas,
    tables,
    verdicts,
)
from reporting.markup import escape_markdown
from reporting.spreadsheet import DISCLOSURE_NOTE, TableFile
from reporting.verdicts import COMPACT_LEGEND, COMPACT_WORDS, Verdict

dataset, version = data.current()
path, population = str(data.db_path()), dataset.population_key
names = dict(dataset.maracs.select("marac_code", "marac_name").iter_rows())
held = data.with_returns(dataset)
codes = sorted(names, key=lambda c: (c not in held, names[c]))  # MARACs with returns first, then by name

st.title("Borough profile")
row = st.columns([1, 1, 1])
asked = controls.asked_in_link("marac")
with row[0]:
    first = next((i for i, c in enumerate(codes) if c in held), 0)
    code = st.selectbox("MARAC", codes, index=first, format_func=lambda c: names[c], key="marac", bind="query-params")
controls.name_unknown("marac", asked, list(names.values()), names[code])
end, window = controls.period_controls(dataset, row[1:])
chosen = data.chosen_period(end, window)
info = dataset.maracs.filter(dataset.maracs["marac_code"] == code).row(0, named=True)
region = info["region"]
where = f" · {sub_areas.named(info['sub_area'], info['sub_area_word'])}" if info["sub_area"] else ""

# what leaves the page (and, for a restricted viewer, what the page shows) comes from the rounded counts
published = data.published_comparators(path, version, population, end, window, code)
screen = data.screen_comparators(path, version, population, end, window, code)
own, own_published = screen[names[code]], published[names[code]]
figures = own.row(0, named=True)
st.markdown(
    f"**{escape_markdown(names[code])}**{escape_markdown(where)} · {escape_markdown(region)} · "
    f"{escape_markdown(info['police_force_area'])} police force area"
)
st.caption(controls.period_caption(chosen, dataset))
controls.registry_notes(dataset, [code])
if figures["cases"] is None:
    if figures.get("maracs_left_out"):
        st.info(missing_quarters_words.left_out(escape_markdown(names[code]), "this period"))
    else:
        st.info(f"{escape_markdown(names[code])} has no returns for this period.")
    st.stop()

returned = figures["quarters_with_data"]
# what the MARAC's figures rest on, said on the tiles themselves (reporting.coverage_words)
covered = coverage_words.of(figures, window=len(chosen.quarters))
tiles = st.columns(4)
tiles[0].metric("Cases discussed", numbers.number(figures["cases"]))
meetings = figures["meetings"]
tiles[0].caption(f"{meetings} meeting{'' if meetings == 1 else 's'}; {covered.status}")
tiles[1].metric("Adult female population", numbers.number(figures["adult_female_population"]))
tiles[1].caption(dataset.base_label)
tiles[2].metric("Recommended cases", numbers.number(figures["recommended_cases"]))
per_10k, per_idva, per_admin = (
    dataset.ranges.value(k) for k in ("recommended_cases_per_10k", "idva_referrals_per_fte", "cases_per_admin_fte")
)
tiles[2].caption(
    f"{per_10k:g} a year per 10,000 adult females, for the {returned} quarter{'s' if returned != 1 else ''} returned"
)
tiles[3].metric(
    "Volume (% of recommended)", numbers.figure(figures, INDICATORS.by_key("volume"), dataset.ranges, least=0)
)
if figures["volume_verdict"] or figures["cases"] is None:
    judged = Verdict.of(figures, INDICATORS.by_key("volume"))
    # a withheld verdict's reason is its coverage: said once
    said_already = judged.verdict == INCOMPLETE or not covered.words
    tiles[3].caption(judged.phrase if said_already else f"{judged.phrase}; {covered.words}")
else:
    tiles[3].caption("no population figure for this MARAC on this base, so no volume verdict")

st.subheader("Change on the same period a year earlier")
change = st.columns(2)
volume_delta, volume_sentence = numbers.volume_change(figures)
change[0].metric(
    "Cases a year per 10,000 adult females",
    numbers.number(figures["cases_per_10k"], 1),
    delta=volume_delta,
    delta_color="off",
)
change[0].caption(volume_sentence)
repeat_delta, repeat_sentence = numbers.repeat_change(figures)
change[1].metric(
    "Repeat rate",
    numbers.percent(figures["repeat_rate"], 1),
    delta=repeat_delta,
    delta_color="off",
)
change[1].caption(repeat_sentence)

source = charts.source_line(dataset.ranges.edition, dataset.base_label, dataset.missing_quarters_method)
notes = [f"{names[code]}, {chosen.label}.", source, DISCLOSURE_NOTE, verdicts.NOTE]
stem = downloads.slug(names[code], chosen.end)


def table_file(title: str, table) -> TableFile:
    return TableFile(title, table, notes, dataset.synthetic)


st.subheader("Indicators against the SafeLives ranges")
controls.definition_link()
home = data.home_area(dataset, code)
peers = data.screen_area(path, version, population, end, window, home)
peers_published = data.published_area(path, version, population, end, window, home)


def spine_for(own_figures: pl.DataFrame, peer_figures: AreaFigures) -> object:
    return shared.figure(
        charts.spine_chart,
        own_figures.row(0, named=True),
        peer_figures.maracs,
        dataset.ranges,
        benchmarks=benchmarks.profiles(
            (data.area_name(home), peer_figures.total_row()),
            data.england(path, version, population, end),
        ),
        title=f"{names[code]} against the MARACs of {data.area_name(home)}",
        subtitle=f"{chosen.label}. Grey: their range and middle half; green: the SafeLives range; "
        "marker coloured by what the 95% interval supports (grey diamond: not distinguishable)",
        source=source,
        synthetic=dataset.synthetic,
    )


table_tab, spine_tab = controls.view_tabs(
    ["Against its comparators", "Spine chart: against the MARACs of its area"], "profile_view"
)
if table_tab.open:
    with table_tab:
        profile = tables.profile_frame(screen, dataset.ranges, compact=True)
        compare = controls.column_group("Compare with", screen_tables.PROFILE_COMPARISONS, "profile_compare")
        st.dataframe(
            tables.styled_profile(profile),
            hide_index=True,
            column_order=screen_tables.profile_columns(
                profile, data.comparator_kinds(screen), home.split(":")[0], compare
            ),
            column_config=table_display.profile_config(profile),
            placeholder=numbers.DASH,
        )
        downloads.table_buttons(
            lambda: table_file(
                f"{names[code]} against the SafeLives ranges and its comparators",
                tables.profile_frame(published, dataset.ranges),
            ),
            key="profile",
            stem=f"{stem}-indicators",
        )
        st.caption(
            f"Verdicts in short ({COMPACT_WORDS}); comparators carry their own verdict symbol, marked where the "
            f"verdict is unsure ({COMPACT_LEGEND}); the number in brackets is how many MARACs sent returns to each. "
            "Racially minoritised comparators read 'share of local share': each is judged against its own population"
            + (
                f" (local share: {escape_markdown(str(own['local_share_source'][0]))})"
                if own.height and "local_share_source" in own.columns and own["local_share_source"][0]
                else ""
            )
            + ". The download has every comparator and the verdicts in full. "
            + national_marks.profile_note(dataset.base_label)
        )
if spine_tab.open:
    with spine_tab:
        chart_display.chart(
            spine_for(own, peers),
            screen=False,
            key="profile_spine",
            alt=f"Spine chart of {names[code]}'s indicators against the spread of MARACs in {data.area_name(home)} "
            "and the SafeLives ranges.",
        )
        downloads.chart_buttons(lambda: spine_for(own_published, peers_published), key="spine", stem=f"{stem}-spine")

st.subheader("How sure are these verdicts?")
st.caption(
    "With small numbers a figure can sit below a range by chance. A verdict is certain only when the whole 95% "
    f"interval lies on one side of the range (Wilson intervals for shares; Byar's, or exact below {EXACT_BELOW} cases, for volume)."
)
# laid out on request (a table costs the browser a few tenths of a second on a first view); kept in the URL
if st.toggle("Show each verdict's intervals", key="profile_certainty", bind="query-params"):
    sure = tables.certainty_frame(own, dataset.ranges, compact=True)
    st.dataframe(
        sure,
        hide_index=True,
        column_config=table_display.fitted_config(sure, "Indicator"),
        placeholder=numbers.DASH,
    )
    downloads.table_buttons(
        lambda: table_file(
            f"{names[code]}: how sure are these verdicts?",
            tables.certainty_frame(own_published, dataset.ranges),
        ),
        key="certainty",
        stem=f"{stem}-how-sure",
    )
top = [
    dataset.agency_labels.get(a, a)
    for a in (figures["top_referrer_1"], figures["top_referrer_2"], figures["top_referrer_3"])
    if a
]
st.caption(
    (f"Top referrers: {', '.join(top)}. " if top else "No referring agencies recorded. ")
    + f"Partner-agency (non-police) referrals: {numbers.percent(figures['partner_agency_share'])}."
)

st.subheader("Capacity and cost")
capacity = st.columns(3)
capacity[0].metric("IDVAs (full-time)", numbers.number(figures["idva_fte_for_current_volume"], 1))
capacity[0].caption(
    f"for the current {numbers.number(figures['annualised_cases'])} cases a year; "
    f"{numbers.number(figures['idva_fte_for_recommended_volume'], 1)} at the recommended volume "
    f"(SafeLives: about {per_idva:g} referrals a year each)"
)
capacity[1].metric("MARAC administrators (full-time)", numbers.number(figures["admin_fte_for_current_volume"], 1))
capacity[1].caption(
    f"{numbers.number(figures['admin_fte_for_recommended_volume'], 1)} at the recommended volume "
    f"(SafeLives: one per {per_admin:g} cases)"
)
capacity[2].metric(
    "Cost of the MARAC process",
    "–" if figures["annual_cost_estimate"] is None else f"£{figures['annual_cost_estimate']:,.0f} a year",
)
capacity[2].caption(
    f"at £{figures['cost_per_case']:,.2f} per case ({dataset.cost_source}), an estimate published for one area "
    "and applied to every MARAC here"
    if figures["cost_per_case"] is not None
    else "no cost per case in the reference data"
)

st.subheader("One indicator in detail")
choice = st.selectbox(
    "Indicator", list(INDICATORS), format_func=lambda i: i.label, key="profile_indicator", bind="query-params"
)
controls.definition_link(choice)
trend_tab, funnel_tab = controls.view_tabs(["Quarterly trend", "Among its area's MARACs"], "profile_chart")


def trend_for(quarters: AreaSeries) -> object:
    marac_trend = quarters.maracs
    series = {names[code]: marac_trend.filter(marac_trend["group_code"] == code), data.area_label(home): quarters.area}
    return shared.figure(
        charts.trend_chart,
        series,
        choice,
        dataset.ranges[choice.range_key],
        title=f"{names[code]}: {choice.label}",
        subtitle=f"Quarter by quarter against {data.area_name(home)}; volume as a yearly rate. Shaded: {chosen.label}.",
        source=source,
        synthetic=dataset.synthetic,
        period=chosen.quarters,
        local_share=info["local_share_not_white_british"],
        national=data.national_series(path, version, population),
    )


def funnel_for(peer_figures: AreaFigures) -> object:
    return shared.figure(
        charts.funnel_plot,
        peer_figures.maracs,
        choice,
        dataset.ranges[choice.range_key],
        subtitle=f"{data.area_name(home)}, {chosen.label}",
        source=source,
        synthetic=dataset.synthetic,
        highlight=code,
    )


if trend_tab.open:
    with trend_tab:
        chart_display.chart(
            trend_for(data.screen_trend(path, version, population, home, end, window)),
            screen=False,
            key="profile_trend",
            alt=f"Line chart of {choice.in_sentence} for {names[code]} by quarter, "
            f"with {data.area_name(home)} for comparison and the expected range shaded.",
        )
        if choice.key in ("volume", "repeat_rate"):  # the two indicators whose change is tested
            st.caption(f"{chosen.label}: {volume_sentence if choice.key == 'volume' else repeat_sentence}")
        downloads.chart_buttons(
            lambda: trend_for(data.published_trend(path, version, population, home, end, window)),
            key="trend",
            stem=f"{stem}-{downloads.slug(choice.key)}-trend",
        )
if funnel_tab.open:
    with funnel_tab:
        st.caption(
            f"{escape_markdown(names[code])} (the large diamond) against every MARAC of {escape_markdown(data.area_name(home))} by size. Inside the dashed "
            "(95%) and dotted (99.8%) lines a MARAC differs from the area as a whole by no more than chance would make it."
        )
        chart_display.chart(
            funnel_for(peers),
            screen=False,
            key="profile_funnel",
            alt=f"Funnel plot of {choice.in_sentence} for the MARACs of {data.area_name(home)}, with {names[code]} highlighted.",
        )
        downloads.chart_buttons(
            lambda: funnel_for(peers_published),
            key="funnel",
            stem=f"{stem}-{downloads.slug(choice.key)}-funnel",
        )
