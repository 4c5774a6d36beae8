"""What changed since last quarter: an area's MARACs against the previous quarter and a year earlier, and the returns
new, late or replaced since."""

from __future__ import annotations

import streamlit as st

from dashboard import controls, data, downloads, table_display
from metrics.quarter_change import COMPARISONS, comparison_periods, returns_round
from reporting import change_tables, change_words, charts, numbers
from reporting.markup import escape_markdown
from reporting.spreadsheet import DISCLOSURE_NOTE, TableFile

dataset, version = data.current()
path, population = str(data.db_path()), dataset.population_key

st.title("What changed since last quarter")
row = st.columns([1, 1, 1, 1.2])
area = controls.area_control(dataset, row[0])
name = data.area_name(area)
end, window = controls.period_controls(dataset, row[1:3])
with row[3]:
    compared = st.selectbox(
        "Compared with",
        ["both", *COMPARISONS],
        format_func=lambda c: "Both" if c == "both" else change_words.COMPARED_WITH[c],
        key="changes_compared",
        bind="query-params",
    )
chosen = data.chosen_period(end, window)
periods = comparison_periods(chosen)
st.caption(controls.period_caption(chosen, dataset))
st.caption(change_words.periods_line(periods))
controls.registry_notes(dataset, data.scoped_codes(dataset, area))

# `screen` is what this viewer sees (from the rounded counts for a restricted viewer); downloads use `published`
screen = data.screen_changes(path, version, population, end, window, area)
st.markdown(f"**{escape_markdown(change_words.changes_sentence(screen, name))}**")

st.subheader(f"MARACs in {escape_markdown(name)}: each indicator then and now")
st.caption(change_words.TABLE_NOTE)
controls.definition_link()
beyond_only = st.toggle("Only changes beyond chance", key="changes_beyond_only", bind="query-params")

kept = {"comparison": None if compared == "both" else compared, "beyond_only": beyond_only}
table = change_tables.change_frame(screen, periods, compact=True, **kept)
if table.empty:
    st.info("No change to show for these choices.")
else:
    st.dataframe(
        table,
        hide_index=True,
        height=table_display.fit_height(len(table)),
        column_config=table_display.fitted_config(table, "MARAC"),
        placeholder=numbers.DASH,
    )
notes = [
    f"{name}, {chosen.label}.",
    change_words.periods_line(periods),
    change_words.TABLE_NOTE,
    charts.source_line(dataset.ranges.edition, dataset.base_label, dataset.missing_quarters_method),
    DISCLOSURE_NOTE,
]


def export() -> TableFile:
    published = data.changes(path, version, population, end, window, area, rounded=True)
    return TableFile(
        f"What changed since last quarter: MARACs in {name}",
        change_tables.change_frame(published, periods, **kept),
        notes,
        dataset.synthetic,
    )


downloads.table_buttons(export, key="changes", stem=downloads.slug(name, chosen.end, "changes"))

st.subheader("Returns new, late or replaced since last quarter")
held = returns_round(chosen)
st.caption(
    change_words.RETURNS_EXPLAINED.format(since=held.since.strftime("%d %b %Y"), until=held.until.strftime("%d %b %Y"))
    + " "
    + change_words.NOT_HELD
)
returns = data.returns_in_round(dataset, area, chosen)
st.markdown(escape_markdown(change_words.returns_sentence(returns)))
if returns.height:
    names = dict(dataset.maracs.select("marac_code", "marac_name").iter_rows())
    listed = change_tables.returns_frame(returns, names)
    st.dataframe(
        listed,
        hide_index=True,
        height=table_display.fit_height(len(listed)),
        column_config=table_display.fitted_config(listed, "MARAC"),
        placeholder=numbers.DASH,
    )
