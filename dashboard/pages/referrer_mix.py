"""Referrer mix: who refers cases to each MARAC, against SafeLives' expectation that the police make 60–75% of referrals.

A MARAC that hears almost only from the police misses victims/survivors known to health,
housing or children's services. Sectors group SafeLives' 14 agencies for the chart
(`data/reference/referral_sectors.csv`); every agency has its own column in the last tab.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import chart_display, data, downloads, shared, table_display
from dashboard.area_view import area_view
from metrics.definitions import INDICATORS
from metrics.periods import year_earlier
from metrics.referrals import referral_change, sector_mapping, sector_shares
from metrics.shown import AreaFigures
from reporting import findings, numbers, referral_gaps, screen_tables, tables
from reporting.referral_charts import police_change, sector_bars
from reporting.verdicts import Verdict

POLICE = INDICATORS.by_key("police_share")

view = area_view("Referrer mix", indicators=None)
dataset = view.dataset
police = dataset.ranges["police_share"]
labels = dataset.agency_labels
# sectors from the reference data; a database written before that file existed shows every agency on its own
sectors = sector_mapping(dataset.sectors, dataset.agencies) or {labels.get(a, a): (a,) for a in dataset.agencies}
earlier = year_earlier(view.chosen)


def previous(published: bool) -> AreaFigures:
    """The area's figures a year earlier, as published or as this viewer's page shows them."""
    figures = data.published_area if published else data.screen_area
    return figures(view.path, view.version, view.population, earlier.end, view.window, view.area)


screen = view.screen.maracs
exported = view.published.maracs
if screen.filter(pl.col("referrals_total") > 0).is_empty():
    st.info(f"No referrals are recorded for {view.name}'s MARACs in this period.")
    st.stop()


def bars(frame: pl.DataFrame):
    return shared.figure(
        sector_bars,
        sector_shares(frame, sectors),
        police,
        title="Who refers cases to each MARAC",
        subtitle=view.subtitle,
        source=view.source,
        synthetic=dataset.synthetic,
        verdicts=referral_gaps.by_group(frame),
    )


top_tab, change_tab, every_tab = view.views(
    findings.referrals(screen, police, labels, area=view.name, period=view.period_words, total=view.screen.total_row()),
    bars,
    ["Chart", "Top three referrers", "Change on a year earlier", "Every agency"],
    tabs_key="referrer_tab",
    key="referrals_pick",
    open_as=POLICE,
    stem=f"{view.stem}-referrer-mix",
    caption="Each bar is one MARAC's recorded referrals, 100% in all, the police first; the dashed lines mark SafeLives' "
    f"expected police share ({police.describe()}), so a bar whose first segment ends between them is within it, unless "
    "its name says its police share is not judged. Highest police share at the top. Where a MARAC recorded a source "
    "for fewer referrals than cases, its name and hover say how many cases have none."
    + referral_gaps.caption(referral_gaps.by_group(screen))
    + " Click a bar to open that MARAC's profile.",
)
if top_tab.open:
    with top_tab:
        st.caption(
            "Each MARAC's three largest referring agencies and their share of its referrals (a case referred by two "
            "agencies counts half to each). SafeLives expects the police to be the top referrer."
            + referral_gaps.caption(referral_gaps.by_group(screen.filter(pl.col("referrals_total") > 0)))
        )
        table = tables.top_three_table(screen.filter(pl.col("referrals_total") > 0), dataset.agencies, labels)
        st.dataframe(table, hide_index=True, height=table_display.fit_height(len(table)), placeholder=numbers.DASH)
        downloads.table_buttons(
            lambda: view.table_file(
                f"Top three referrers, {view.name}",
                tables.top_three_table(exported.filter(pl.col("referrals_total") > 0), dataset.agencies, labels),
            ),
            key="referrals_top",
            stem=f"{view.stem}-top-referrers",
        )


def changes(published: bool) -> pl.DataFrame:
    """Each MARAC's police share now against a year earlier, from the published figures or this viewer's."""
    return referral_change(exported if published else screen, previous(published).maracs)


def change_chart(published: bool):
    change = changes(published)
    shown = exported if published else screen
    verdicts = {row["group_code"]: Verdict.of(row, POLICE) for row in shown.iter_rows(named=True)}
    return shared.figure(
        police_change,
        change,
        verdicts,
        police,
        title="Police share of referrals: a year earlier and now",
        subtitle=f"{view.subtitle}, against {earlier.label}",
        source=view.source,
        synthetic=dataset.synthetic,
    )


if change_tab.open:
    with change_tab:
        change = changes(published=False)
        sure = change["police_share_change_significant"].to_list()
        st.caption(
            f"The police share now against {earlier.label}: {sure.count(True)} of {len(sure)} MARACs changed by more than "
            "chance explains (95% interval of the difference, Newcombe's method, leaving out no change). Solid lines and bold "
            "figures: changes beyond chance; dotted: changes chance could explain."
        )
        chart_display.chart(
            change_chart(published=False),
            screen=False,
            key="referrals_change",
            alt=f"Police share of referrals a year earlier and now for each MARAC in {view.name}.",
        )
        downloads.chart_buttons(
            lambda: change_chart(published=True), key="referrals_change", stem=f"{view.stem}-police-share-change"
        )
        table = tables.referral_change_table(change, labels)
        st.dataframe(
            tables.styled(table),
            hide_index=True,
            height=table_display.fit_height(len(table)),
            column_config=table_display.fitted_config(table, "MARAC", screen_tables.REFERRAL_CHANGE_SHORT),
            placeholder=numbers.DASH,
        )
        downloads.table_buttons(
            lambda: view.table_file(
                f"Police share of referrals a year earlier and now, {view.name}",
                tables.referral_change_table(changes(published=True), labels),
            ),
            key="referrals_change_table",
            stem=f"{view.stem}-police-share-change",
        )

if every_tab.open:
    with every_tab:
        st.caption(
            "Each agency's share of the MARAC's recorded referrals (SafeLives' 14 referring agencies): the area's largest "
            "four to begin with; add or remove agencies above the table. The download has every agency."
            + referral_gaps.caption(referral_gaps.by_group(view.screen.maracs))
        )
        table = tables.agency_share_table(view.screen.maracs, dataset.agencies, labels)
        # sixteen agencies do not fit 1280 px: the area's largest four, and any others the reader adds (in the URL)
        ordered = [labels.get(a, a) for a in tables.agencies_by_share(view.screen.total, dataset.agencies)]
        shown = st.multiselect(
            "Agencies shown", ordered, default=ordered[:4], key="referrer_agencies", bind="query-params"
        )
        st.dataframe(
            tables.styled(table),
            hide_index=True,
            height=table_display.fit_height(len(table)),
            column_order=[c for c in table.columns if not c.endswith(" %")] + [f"{a} %" for a in shown],
            column_config=table_display.fitted_config(table, "MARAC", {referral_gaps.HEADER: "No source"}),
            placeholder=numbers.DASH,
        )
        downloads.table_buttons(
            lambda: view.table_file(
                f"Referrals by agency, {view.name}",
                tables.agency_share_table(view.published.maracs, dataset.agencies, labels),
            ),
            key="referrals_agencies",
            stem=f"{view.stem}-referrals-by-agency",
        )
