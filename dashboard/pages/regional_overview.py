"""Regional overview: every MARAC in a region or force area against the SafeLives ranges, with BCU and area totals."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, controls, data, tables
from dashboard.theme import verdict_label, verdict_words
from metrics.indicators import INDICATORS

dataset, version = data.current()
path, population = str(data.db_path()), dataset.population_key

st.title("Regional overview")
row = st.columns([1, 1, 1])
area = controls.area_control(dataset, row[0])
region = data.area_name(area)
end, window = controls.period_controls(dataset, row[1:])
chosen = data.chosen_period(end, window)
st.caption(controls.period_caption(chosen, dataset))

maracs = data.figures(path, version, population, end, window, "marac", area)
bcus = data.figures(path, version, population, end, window, "bcu", area)
total = data.figures(path, version, population, end, window, data.area_grouping(area), area)

headline = total.row(0, named=True) if total.height else None
if headline is None or headline["cases"] is None:
    st.info(f"No returns are held for {region} in this period.")
    st.stop()

tiles = st.columns(5)
tile_specs = [
    ("Cases discussed", tables.number(headline['cases']), f"{tables.number(headline['cases_per_10k'], 1)} per 10,000 adult females a year"),
    ("% of recommended volume", tables.percent(headline['pct_of_recommended']), verdict_words(headline["volume_verdict"])),
    ("Repeat cases", tables.percent(headline['repeat_rate']), verdict_words(headline["repeat_verdict"])),
    ("Referrals from the police", tables.percent(headline['police_share']), verdict_words(headline["police_verdict"])),
    ("Racially minoritised", tables.percent(headline['share_racially_minoritised']),
     f"of victims/survivors; {verdict_words(headline['racially_minoritised_verdict'])}"),
]
for column, (label, value, note) in zip(tiles, tile_specs, strict=True):
    column.metric(label, value)
    column.caption(note)
reporting = (f"{headline['maracs_reporting']} of the {headline['maracs_in_group']} {region} MARACs in the registry "
             "sent returns for this period")
if headline["coverage"] is not None and headline["coverage"] < 1:
    reporting += f"; {tables.percent(headline['coverage'])} of expected quarterly returns are held, so totals may be low"
st.caption(reporting + ".")

st.subheader(f"MARACs in {region}")
st.caption("Each indicator's value sits beside its verdict against the SafeLives expected range "
           f"({verdict_label('below')}, {verdict_label('within')}, {verdict_label('above')}). "
           "A higher volume is not a failure. Click a column header to sort.")
st.dataframe(tables.styled(tables.overview_frame(maracs)), hide_index=True, height=tables.fit_height(maracs.height),
             column_config=tables.pinned("MARAC"))

st.subheader(f"Borough Command Unit and {region} totals")
st.caption("Totals add up cases and populations across MARACs before dividing; they are not averages of MARAC rates.")
st.dataframe(tables.styled(tables.totals_frame(bcus, total)), hide_index=True, column_config=tables.pinned("Area"),
             height=tables.fit_height(bcus.height + total.height))

st.subheader("Compare MARACs on one indicator")
choice = st.selectbox("Indicator", [i for i in INDICATORS], format_func=lambda i: i.label, key="overview_indicator")
figure = charts.ranked_bars(
    maracs, choice, dataset.ranges[choice.range_key],
    subtitle=f"{region}, {chosen.label}", source=charts.source_line(dataset.ranges.edition, dataset.base_label),
    synthetic=dataset.synthetic,
)
st.plotly_chart(figure, theme=None, alt=f"Bar chart ranking MARACs in {region} by {choice.label.lower()}, "
                                       "with the SafeLives expected range shaded.")
