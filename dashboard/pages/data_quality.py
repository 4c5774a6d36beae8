"""Data quality for an area: who has sent which returns, where recording is weak, quarters worth checking, and history."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import controls, data, downloads
from dashboard.table_display import fit_height
from metrics.periods import add_quarters, quarter_label
from metrics.quality import MISSING, outliers, recording_completeness, submission_grid
from reporting import national, numbers, quality_tables, registry_words
from reporting.markup import escape_markdown
from reporting.missing_quarters_words import method_line
from reporting.spreadsheet import TableFile

dataset, version = data.current()
st.title("Data quality")
row = st.columns([1, 1, 1])
area = controls.area_control(dataset, row[0])
name = data.area_name(area)
end, window = controls.period_controls(dataset, row[1:])
chosen = data.chosen_period(end, window)
codes = data.scoped_codes(dataset, area)
st.caption(f"{name}, {chosen.label} ({chosen.start:%d %b %Y} to {chosen.end:%d %b %Y}).")
for note in (
    registry_words.registry_line(dataset.registry_versions),
    registry_words.unregistered_note(dataset.unregistered),
):
    if note:
        st.caption(escape_markdown(note))
controls.registry_notes(dataset, codes)
notes = [f"{name}, {chosen.label}."]
stem = downloads.slug(name, "data-quality", chosen.end)


def table_file(title: str, table) -> TableFile:
    return TableFile(title, table, notes, dataset.synthetic)


submissions, recording, checking, versions = controls.view_tabs(
    ["Submissions", "Recording", "Quarters to check", "History"], "quality_view"
)  # the open tab kept in the URL (`?quality_view=History`); only it is laid out

if submissions.open:
    with submissions:
        # the period's quarters and the four before them: a late return shows up as a gap beside sent ones
        quarters = [add_quarters(chosen.quarters[0], -n) for n in range(4, 0, -1)] + list(chosen.quarters)
        grid = submission_grid(dataset, quarters, codes)
        counts = quality_tables.submission_counts(grid)
        tiles = {
            "Returns held": counts["submitted"] + counts["replaced"] + counts["nil"],
            "Replaced by a later version": counts["replaced"],
            # a nil return is held (no meetings, 0 cases): its own tile where there is one, never counted as missing
            **({"Nil returns (no meetings)": counts["nil"]} if counts["nil"] else {}),
            "Missing": counts["missing"],
        }
        for place, (label, value) in zip(st.columns(len(tiles)), tiles.items(), strict=True):
            place.metric(label, value)
        table = quality_tables.submission_table(grid)

        def fill(value: object) -> str:
            for status, colour in quality_tables.STATUS_FILL.items():
                if isinstance(value, str) and value.startswith(quality_tables.STATUS_WORDS[status]):
                    return f"background-color: {colour}; color: #0b0c0c"
            return ""

        st.dataframe(
            table.style.map(fill),
            hide_index=True,
            width="stretch",
            height=fit_height(len(table)),
            column_config={"MARAC": st.column_config.TextColumn(width="medium", pinned=True)},
            placeholder=numbers.DASH,
        )
        st.caption(f"{quarter_label(quarters[0])} to {quarter_label(quarters[-1])}. {quality_tables.STATUS_LEGEND}")
        downloads.table_buttons(
            lambda: TableFile(
                f"Returns submitted, {name}", table, [*notes, quality_tables.STATUS_LEGEND], dataset.synthetic
            ),
            key="dq_grid",
            stem=f"{stem}-submissions",
        )
        missing = grid.filter(pl.col("status") == MISSING)
        if missing.height:
            st.markdown(
                "**Missing returns:** "
                + "; ".join(escape_markdown(f"{r['marac_name']} {r['quarter']}") for r in missing.iter_rows(named=True))
            )

if recording.open:
    with recording:
        if data.restricted():  # shares of a small MARAC's meetings can give back exact counts other pages round
            st.info(
                "Recording completeness is worked out from the exact counts, so it is for analysts, coordinators and "
                "admins and is not shown in this view."
            )
        else:
            frame = recording_completeness(dataset, chosen, codes)
            st.markdown(
                "For each MARAC, the share of its meetings in the period at which each characteristic of victims/survivors "
                "was recorded for anyone. A field that is **always 0** across many cases is more likely not being recorded "
                "than truly absent: the Pan-London review found disability and sexual orientation the worst recorded."
            )
            st.dataframe(
                quality_tables.completeness_summary(frame), hide_index=True, width="stretch", placeholder=numbers.DASH
            )
            table = quality_tables.completeness_table(frame)

            def flag(value: object) -> str:
                return (
                    "background-color: #fde9b5; color: #0b0c0c"
                    if isinstance(value, str) and value.startswith("⚠")
                    else ""
                )

            st.dataframe(
                table.style.map(flag),
                hide_index=True,
                width="stretch",
                height=fit_height(len(table)),
                column_config={"MARAC": st.column_config.TextColumn(width="medium", pinned=True)},
                placeholder=numbers.DASH,
            )
            # no download: how many of a MARAC's meetings recorded anyone can bound a count that exports round
            st.caption("Shown here only, not as a download: meeting by meeting, it can narrow down small counts.")

if checking.open:
    with checking:
        # the download, and a restricted viewer's page, are worked out from the rounded counts like every other export:
        # a quarter's held count, or a z-score from it, would give back what rounding protects
        # whether there is a download at all is decided from them too: a button only when held counts had an outlier
        # would say so
        published = data.published_dataset(str(data.db_path()), version, dataset.population_key)
        exported = outliers(published, chosen, codes)
        found = exported if data.restricted() else outliers(dataset, chosen, codes)
        if found.is_empty():
            st.success(f"No quarter in {chosen.label} is far from its MARAC's own history.", icon=":material/check:")
        else:
            st.dataframe(
                quality_tables.outlier_table(found), hide_index=True, width="stretch", placeholder=numbers.DASH
            )
        if not exported.is_empty():
            downloads.table_buttons(
                lambda: table_file(
                    f"Quarters to check, {name} (from rounded counts)", quality_tables.outlier_table(exported)
                ),
                key="dq_outliers",
                stem=f"{stem}-outliers",
            )
        st.caption(quality_tables.OUTLIER_NOTE)

# ------------------------------------------------------------------------------------------------ SafeLives' figures
# Below the tabs, for the area's police force areas: SafeLives' published MARAC counts and cases beside the registry's
# and the returns held. Laid out before the History tab, whose st.stop ends the page for a restricted viewer, who sees
# the held cases from the rounded returns like every other figure. SafeLives' own figures are public as they are.
st.subheader("Against SafeLives' published figures")
forces = dataset.maracs.filter(pl.col("marac_code").is_in(codes))["pfa_code"].drop_nulls().unique().to_list()
registry_vs_safelives, returns_vs_safelives = data.published_reconciliation(
    str(data.db_path()), version, data.restricted()
)
registry_vs_safelives = registry_vs_safelives.filter(pl.col("pfa_code").is_in(forces))
returns_vs_safelives = returns_vs_safelives.filter(pl.col("pfa_code").is_in(forces))
if dataset.synthetic:
    st.warning(national.RECONCILIATION_NOTE, icon="⚠️")
if registry_vs_safelives.is_empty():
    st.info(
        f"No MARAC of {escape_markdown(name)} in the registry lies in a police force area SafeLives publishes "
        "figures for."
    )
else:
    st.markdown("\n".join(f"- {escape_markdown(s)}" for s in national.registry_sentences(registry_vs_safelives)))
    reconciled = national.reconciliation_table(returns_vs_safelives)
    # a static table (few rows), below the tabs: the tabs' own tables keep their places
    st.table(
        reconciled.style.format(
            {
                **dict.fromkeys(
                    ["Cases in returns held", "SafeLives' published cases", "Difference", "SafeLives MARACs"], "{:,.0f}"
                ),
                "Held as % of published": "{:.1f}%",
            },
            na_rep="–",
        ).hide(axis="index")
    )
    st.caption(
        "Each financial year SafeLives publishes: the cases in the returns held here for the force's MARACs in the "
        "registry, beside SafeLives' published cases for the force (SafeLives Marac data, by police force area). "
        "⚠ marks a year in which not every MARAC of the force in the registry sent all four quarters, so the held "
        "cases undercount; SafeLives' own status says where its figure is partial or missing. SafeLives fills a "
        "missed quarter from the one before, so the two need not agree even when every return is held."
        + (" Held cases are from the rounded counts, as this view shows every figure." if data.restricted() else "")
        + f" {method_line(data.chosen_method())}"
    )

if versions.open:
    with versions:
        if data.restricted():
            st.info(
                "Return history shows the exact counts, so it is for analysts, coordinators and admins and is not shown "
                "in this view."
            )
            st.stop()
        set_up = data.set_up_changes(str(data.db_path()), version)
        if set_up:
            with st.expander(f"Changes to the registry, layouts and boundaries ({len(set_up)})"):
                st.dataframe(
                    quality_tables.set_up_change_table(set_up),
                    hide_index=True,
                    width="stretch",
                    placeholder=numbers.DASH,
                )
        names = dict(
            dataset.maracs.filter(pl.col("marac_code").is_in(codes)).select("marac_code", "marac_name").iter_rows()
        )
        held = sorted((c for c in names if c in data.with_returns(dataset)), key=names.get)
        left, right = st.columns(2)
        code = left.selectbox("MARAC", held, format_func=names.get, key="history_marac") if held else None
        if code is None:
            st.info("No returns held in this area.")
            st.stop()
        found = data.return_history(code)
        choices = [q.quarter_start for q in reversed(found)]
        replaced = {q.quarter_start for q in found if len(q.versions) > 1}
        quarter = right.selectbox(
            "Quarter",
            choices,
            key="history_quarter",
            format_func=lambda q: quarter_label(q) + ("  ↻ replaced" if q in replaced else ""),
        )
        chosen_history = next(q for q in found if q.quarter_start == quarter)
        for v in reversed(chosen_history.versions):
            state = "held now" if v.current else f"replaced by load {v.replaced_by}"
            st.markdown(
                f"**Load {v.load_id}** ({state}) — {v.loaded_at:%d %b %Y %H:%M} UTC by "
                f"{escape_markdown(v.loaded_by or 'unknown')}: {escape_markdown(v.file_name)}, {v.summary()}"
            )
            if v.changes:
                st.dataframe(
                    {
                        "Meeting": [c.meeting_date.strftime("%d/%m/%Y") for c in v.changes],
                        "Column": [c.column or "whole meeting" for c in v.changes],
                        "Before": ["" if c.before is None else f"{c.before:g}" for c in v.changes],
                        "After": ["" if c.after is None else f"{c.after:g}" for c in v.changes],
                    },
                    hide_index=True,
                    width="stretch",
                    placeholder=numbers.DASH,
                )
            elif v is not chosen_history.versions[0]:
                st.caption("No cell changed against the version before.")
        st.caption("`marac history` prints the same in a terminal (see the README).")
