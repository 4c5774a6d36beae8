"""Check a return: drop files, see every problem on its cell and how the figures would move, then commit."""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime

import streamlit as st

from dashboard import access, data, table_display
from dashboard.table_display import fit_height
from loaders import roles
from loaders.problems import Severity
from loaders.raw_table import MAX_FILE_BYTES
from metrics.periods import quarter_label
from reporting import access_words, missing_quarters_words, numbers, registry_words, review
from reporting.markup import escape_markdown

#: the widest the problem and its fix are drawn, so both are in view beside the severity at 1280 px
TEXT_COLUMN = 360

# checked here as well as by the navigation, at every run: the page is reached only with a role that includes it
visitor = access.require(roles.CHECK_PAGE, "Check a return")
grant = visitor.grant
#: the MARACs this person may commit (None: any); the loader refuses any other MARAC's file at the check and the commit
allowed = grant.committable
path = data.db_path()
LOG = logging.getLogger("marac.check_return")
#: shown when checking or committing fails in a way nobody foresaw: the details go to the server's log, not the page
FAULT = (
    "The files could not be {} because of a fault in the dashboard; nothing was written. Try again, and if it "
    "happens again tell whoever runs the dashboard (the details are in its log)."
)

st.title("Check a return")
st.caption(
    "Drop your quarterly return here (CSV or XLSX, one or more files). Every problem is listed with its sheet, row "
    "and column and marked on the file below; you see how your MARAC's figures would move. **Nothing is written "
    "until you press Commit.** A blank return with instructions is in the sidebar."
)

own = access_words.own_maracs(grant, access.marac_names(), escape_markdown)
if own:
    st.info(own, icon=":material/badge:")

done = st.session_state.pop("committed", None)
if done:
    st.success(done, icon=":material/check_circle:")

uploads = st.file_uploader(
    "Quarterly returns",
    accept_multiple_files=True,
    key="uploads",
    max_upload_size=MAX_FILE_BYTES // 1_048_576,  # the uploader then says the loader's own limit, not Streamlit's
    help="Files are opened by their content, not their name: anything that is not a CSV or XLSX "
    "return is refused with a reason. At most 10 MB and 50,000 rows a file.",
)
if not uploads:
    st.info(
        "No file chosen yet. Name a file with its quarter (e.g. *Hackney 2025-26 Q2.xlsx*) and meetings dated "
        "outside that quarter are pointed out."
    )
    st.stop()

files = [(u.name, u.getvalue()) for u in uploads]
# ticked below: quarters that would lose most of their meetings are meant to (the check and the commit both say so);
# a tick is for this batch of files only, so a later batch never inherits it
batch = tuple((n, hashlib.sha256(c).hexdigest()) for n, c in files)
confirm_key = "confirm_replace:" + hashlib.sha256(repr(batch).encode()).hexdigest()[:16]
confirmed = bool(st.session_state.get(confirm_key, False))
key = (str(path), data.version(path), confirmed, batch, grant)
# the check whose report the coordinator last saw: a Commit must be for that one, not a silent re-check
shown_key = st.session_state.get("shown_key")
if st.session_state.get("check_key") != key:
    bar = st.progress(0.0, text="Checking…")
    try:
        checked = data.check_returns(
            files,
            progress=lambda n, total: bar.progress(n / total, text=f"Checked {n} of {total} file(s)"),
            replace=confirmed,
            allowed=allowed,
        )
    except data.StoreError as problem:  # the database itself cannot be used: say so, named without its folders
        bar.empty()
        st.error(escape_markdown(str(problem)))
        st.stop()
    except Exception:  # a bug: never a traceback (with the server's paths) on the page
        LOG.exception("checking %d uploaded file(s) failed", len(files))
        bar.empty()
        st.error(FAULT.format("checked"))
        st.stop()
    bar.empty()
    for f in checked.files:  # once a check, in the service's log: who checked a return for a MARAC not theirs
        if any(p.code == "not-your-marac" for p in f.report.errors):
            access.LOG.warning("refused check: %r checked %r, a return for another MARAC", visitor.identity, f.name)
    st.session_state["check_key"], st.session_state["checked"] = key, checked
checked: data.BatchCheck = st.session_state["checked"]
problems = [p for f in checked.files for p in f.report.problems]
synthetic = checked.before["meta"].filter(checked.before["meta"]["key"] == "synthetic")["value"].to_list() == ["true"]
errors = [p for p in problems if p.severity is Severity.ERROR]

cols = st.columns(4)
cols[0].metric("Files", len(checked.files))
cols[1].metric("Would load", len(checked.loadable))
cols[2].metric("Errors (block a file)", len(errors))
cols[3].metric("Warnings (worth a look)", len(problems) - len(errors))

#: MARACs by name, not code, wherever the check names one (a code the registry does not hold stays a code)
called = dict(checked.after["marac"].select("marac_code", "marac_name").iter_rows())
OUTCOME = {
    "would load": "✓ would load",
    "refused": "✗ refused: fix the errors",
    "unchanged": "= already loaded: nothing would change",
}
st.dataframe(
    {
        "File": [f.name for f in checked.files],
        "Outcome": [OUTCOME[f.outcome] for f in checked.files],
        "Quarters": [
            ", ".join(
                f"{called.get(m, m)} {quarter_label(q)}" + (" (nil return)" if (m, q) in f.nil_quarters else "")
                for m, q in f.quarters
            )
            for f in checked.files
        ],
        "Meeting rows": [f.report.rows for f in checked.files],
        "Errors": [len(f.report.errors) for f in checked.files],
        "Warnings": [len(f.report.warnings) for f in checked.files],
    },
    hide_index=True,
    width="stretch",
    placeholder=numbers.DASH,
)

for f in checked.files:  # a nil return has no meetings to preview: say what it says
    for code, quarter in f.nil_quarters if f.outcome != "refused" else []:
        st.info(
            f"{escape_markdown(f.name)}: nil return: no meetings in {quarter_label(quarter)} for {escape_markdown(called.get(code, code))}. "
            "It counts that quarter as returned, with 0 cases.",
            icon=":material/event_busy:",
        )

# ------------------------------------------------------------------ the report, linked to the preview
selected = None
if problems:
    st.subheader("Problems")
    st.caption(
        "Select a problem to read it whole and see its row in the file below. Errors stop that file loading; warnings "
        "load but ask you to check."
    )
    listed = review.ordered_problems(problems)
    report = review.report_frame(problems, compact=True)
    picked = st.dataframe(
        report,
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key="report",
        # what is wrong and how to fix it in view at 1280 px, where it came from scrolled across; each one whole below
        column_config=table_display.fitted_config(report, "Severity", widest=TEXT_COLUMN),
        placeholder=numbers.DASH,
    )
    rows = picked.selection.rows if picked else []
    selected = listed[rows[0]] if rows and rows[0] < len(listed) else None  # a selection can outlive its report
    if selected is not None:
        st.markdown(escape_markdown(review.in_full(selected)))
    if any(p.code == "unknown-marac" for p in problems):
        st.info(registry_words.ADD_A_MARAC, icon=":material/add_location_alt:")
else:
    st.success("No problems found.", icon=":material/check:")

st.subheader("The files as read")
readable = [f for f in checked.files if f.table is not None and f.table.rows]
if not readable:
    st.caption("No file could be read into rows, so there is nothing to preview.")
else:
    # files with errors first, then warnings, so the ones needing work are at the top of the list
    readable.sort(key=lambda f: (not f.report.errors, not f.report.warnings))
    names = [f.name for f in readable]
    if (
        selected is not None
        and selected.file in names
        and st.session_state.get("shown_problem") != selected.model_dump_json()
    ):
        st.session_state["preview_file"] = selected.file  # selecting a problem opens its file
        st.session_state["shown_problem"] = selected.model_dump_json()
    if st.session_state.get("preview_file") not in names:
        st.session_state["preview_file"] = names[0]
    name = st.selectbox(
        "File", names, key="preview_file", help="Files with errors are listed first, then those with warnings"
    )
    f = next(x for x in readable if x.name == name)
    frame, marks = review.preview_frame(f.table, f.report.problems)
    sheet = f' (sheet "{f.table.sheet}")' if f.table.sheet else ""
    picked_row = selected.row if selected is not None and selected.file == name else None
    # the chosen problem's column(s) beside "Problems" and the row number, so its cell is in view on any screen
    frame = review.faulty_first(frame, f.table, selected if selected is not None and selected.file == name else None)
    if picked_row is not None and picked_row in frame.index:
        st.caption(f"Row {picked_row} of {escape_markdown(name)}, as the file has it:")  # the problem is said above
        st.dataframe(
            review.styled_preview(frame.loc[[picked_row]], marks, picked_row), width="stretch", placeholder=numbers.DASH
        )
    st.caption(
        f"{len(frame)} meeting row(s){sheet}; header on row {f.table.header_row}. Cells with an error are red, "
        "with a warning amber; the Problems column says which."
    )
    st.dataframe(
        review.styled_preview(frame, marks, picked_row),
        width="stretch",
        height=min(fit_height(len(frame)), 420),
        placeholder=numbers.DASH,
        column_config={"Problems": st.column_config.TextColumn(pinned=True)},
    )

# ------------------------------------------------------------------ before and after
if checked.loadable:
    st.subheader("How the figures would move")
    touched = sorted({(m, q) for f in checked.loadable for m, q in f.quarters})
    method = data.chosen_method()  # the figures the pages will show once committed
    if st.session_state.get("moved_key") != (key, method):  # a region's batch is 64 metric runs: once per check
        st.session_state["moved_key"], st.session_state["moved"] = (
            (key, method),
            review.movements(checked.before, checked.after, touched, method),
        )
    moved = st.session_state["moved"]
    st.caption(missing_quarters_words.method_line(method))
    for heading, table in moved:
        # a batch for a whole region would be a long scroll: one folded section per MARAC
        place = st.expander(heading) if len(moved) > 3 else st.container()
        if len(moved) <= 3:
            place.markdown(heading)
        place.dataframe(table, hide_index=True, width="stretch")
    if synthetic:
        st.caption("Figures here are from the synthetic demo database.")

    with st.expander("Versions already held for these quarters"):
        if not path.exists():
            st.caption("No database yet: these would be the first returns.")
        held = {code: {q.quarter_start: q for q in data.return_history(code)} for code in {m for m, _ in touched}}
        for code, quarter in touched:
            label = escape_markdown(f"{called.get(code, code)} {quarter_label(quarter)}")
            found = held[code].get(quarter)
            if found is None:
                st.markdown(f"**{label}**: not held yet.")
                continue
            lines = [
                f"- load {v.load_id}, {v.loaded_at:%d %b %Y %H:%M} UTC, by {escape_markdown(v.loaded_by or 'unknown')}: "
                f"{escape_markdown(v.file_name)}, "
                f"{v.summary()} ({'current' if v.current else 'replaced'})"
                for v in found.versions
            ]
            st.markdown(f"**{label}**\n" + "\n".join(lines))

# ------------------------------------------------------------------ commit
st.subheader("Commit")
if visitor.signed_in:
    st.markdown(access_words.committing_as(visitor.identity, grant, access.marac_names(), escape_markdown))
    who = visitor.identity
else:
    who = st.text_input(
        "Your name",
        key="who",
        max_chars=80,
        help="Recorded in the load log with the time, so the region can see who sent each version.",
    ).strip()
refused = [f for f in checked.files if f.outcome == "refused"]
if synthetic:
    st.info(
        "This is the synthetic demo database: checking works, but committing is switched off so real returns are "
        "never mixed with made-up figures. Start the dashboard on your own database (`marac serve --db FILE`)."
    )
elif not checked.loadable:
    st.caption(
        "There is nothing to commit: "
        + (
            "fix the errors above and drop the corrected file"
            + (", or confirm below that it replaces its quarter." if checked.needs_replace else ".")
            if refused
            else "these files are already loaded."
        )
    )
elif refused:
    st.warning(
        f"{len(refused)} file(s) will not load until their errors are fixed; committing loads the other "
        f"{len(checked.loadable)} and records the refusal."
    )
if checked.needs_replace or confirmed:
    losing = checked.needs_replace
    if losing:
        st.warning(
            "These files are refused for now: each would leave a quarter with fewer than half the meetings held "
            "for it (often a return sent before all its meetings were in, or the wrong file).\n\n"
            + "\n".join(f"- {escape_markdown(p.file)}: {escape_markdown(p.message)}" for p in losing)
        )
    st.checkbox(
        "Replace quarters that would lose most of their meetings",
        key=confirm_key,
        help="Tick only if each of these files is the whole of its quarter's return: the meetings it leaves out "
        "stop counting (they are kept as history).",
    )
    if confirmed:
        st.caption("Confirmed: the files are checked, and will be committed, as the whole returns for their quarters.")
ready = bool(checked.loadable) and not synthetic and bool(who)
if st.button(
    f"Commit {len(checked.loadable)} file(s)",
    type="primary",
    disabled=not ready,
    key="commit",
    help=None if who or synthetic else "Enter your name first",
):
    if shown_key != key:
        st.session_state["shown_key"] = key
        st.error(
            "The database or the files changed after the report you read (another load went in, or a file was "
            "replaced). Nothing was written: read the report above again, then commit."
        )
        st.stop()
    try:
        results = data.commit_returns(files, checked, who=who, allowed=allowed)
    except data.StoreError as problem:
        st.error(escape_markdown(str(problem)))
        st.session_state.pop("check_key", None)
        st.stop()
    except Exception:  # a bug: never a traceback (with the server's paths) on the page
        LOG.exception("committing %d checked file(s) failed", len(files))
        st.error(FAULT.format("committed"))
        st.session_state.pop("check_key", None)
        st.stop()
    loaded = [r for r in results if r.outcome == "loaded"]
    for r in results:  # in the service's log beside the load_log row: who tried to commit another MARAC's return
        if any(p.code == "not-your-marac" for p in r.report.errors):
            access.LOG.warning("refused commit: %r tried to commit %r, a return for another MARAC", who, r.file)
    when = datetime.now(UTC).strftime("%d %b %Y %H:%M")
    st.session_state["committed"] = (
        f"Committed by {escape_markdown(who)} at {when} UTC: "
        + "; ".join(
            f"{escape_markdown(r.file)} as load {r.load_id}"
            + (f", replacing {r.rows_superseded} earlier row(s) kept as history" if r.rows_superseded else "")
            for r in loaded
        )
        + "."
        + (f" {len(results) - len(loaded)} file(s) not loaded." if len(results) > len(loaded) else "")
    )
    st.session_state.pop("check_key", None)
    st.rerun()
st.session_state["shown_key"] = key
