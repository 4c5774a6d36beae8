"""Frames for the check-a-return page: the problem report, the highlighted preview, before and after.

A coordinator fixes a file by finding each bad cell, so every report line carries the
spreadsheet row and column, and the preview marks the same cells, by colour and in words
(the "Problems" column), so nobody needs to tell red from amber.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import polars as pl

from loaders.problems import Problem, Severity
from loaders.raw_table import RawTable
from loaders.return_layout import FIELD_NAMES, REFERRAL_FIELDS, VICTIM_FIELDS
from loaders.return_model import cell_text
from metrics import missing_quarters
from metrics.dataset import Dataset
from metrics.definitions import INDICATORS
from metrics.indicators import scoped
from metrics.periods import is_quarter_end, period, quarter_end, quarter_label
from reporting import coverage_words, missing_quarters_words, numbers
from reporting.coverage_words import Coverage
from reporting.markup import escape_markdown
from reporting.numbers import number, pair_beside_verdict
from reporting.verdicts import Verdict

#: plain symbols, not emoji: they print in every font (a projector's browser may have no emoji font)
SYMBOL = {Severity.ERROR: "✗", Severity.WARNING: "⚠"}
SEVERITY_WORDS = {Severity.ERROR: "✗ Error (blocks the file)", Severity.WARNING: "⚠ Warning"}
#: cell fills: errors red, warnings amber; the selected problem's row darker
FILL = {Severity.ERROR: "#f6d3d3", Severity.WARNING: "#fde9b5"}
FILL_SELECTED = {Severity.ERROR: "#e8a0a0", Severity.WARNING: "#f5c957"}
ROW = "Row"


#: the severity where a screen's column is narrow (the page says errors block their file beside the table)
SEVERITY_SHORT = {Severity.ERROR: "✗ Error", Severity.WARNING: "⚠ Warning"}


def report_frame(problems: list[Problem], *, compact: bool = False) -> pd.DataFrame:
    """Every problem of every file, errors first, as the table a coordinator works down (`compact`: the severity in a
    word, for a 1280 px screen; each problem is also said whole once selected, `in_full`)."""
    ordered = ordered_problems(problems)
    severity = SEVERITY_SHORT if compact else SEVERITY_WORDS
    # what is wrong and how to fix it first, side by side, so neither is cut off at a laptop's width; where next
    return pd.DataFrame(
        {
            "Severity": [severity[p.severity] for p in ordered],
            "Problem": [p.message for p in ordered],
            "How to fix": [f"Expected {p.expected}" if p.expected else "" for p in ordered],
            "File": [p.file for p in ordered],
            "Sheet": [p.sheet or "" for p in ordered],
            # a quarter's total points at a column on every row; a whole-file problem at none
            ROW: [str(p.row) if p.row is not None else "all rows" if p.column else "" for p in ordered],
            "Column": [p.column or "" for p in ordered],
            "Value": [p.value or "" for p in ordered],
            "Check": [p.title for p in ordered],
        }
    )


def in_full(problem: Problem) -> str:
    """One problem whole, for under the table where a long sentence is cut: "✗ Error (blocks the file) in broken.csv,
    row 2, column "Referrals: Police", value "-3": a count cannot be negative. How to fix: expected a whole number 0
    or more." Plain text: the page escapes it (file names and values are the uploader's)."""
    value = f', value "{problem.value}"' if problem.value else ""
    fix = f" How to fix: expected {problem.expected}." if problem.expected else ""
    return f"{SEVERITY_WORDS[problem.severity]} in {problem.location()}{value}: {problem.message}.{fix}"


def ordered_problems(problems: list[Problem]) -> list[Problem]:
    """The order `report_frame` lists them in, so a selected table row maps back to its problem."""
    return sorted(problems, key=lambda p: (p.severity is not Severity.ERROR, p.file, p.row or 0))


def _fields_of(table: RawTable, problem: Problem) -> list[str]:
    """The canonical fields a problem points at: its own column, or the columns a total or a group stands for."""
    if problem.column is None:
        return []
    for name, header in table.headers.items():
        if header == problem.column:
            return [name]
    if problem.column.startswith("referrals"):
        return [f for f in REFERRAL_FIELDS if f in table.headers]
    if problem.code == "demographics-not-recorded":
        return [f for f in VICTIM_FIELDS if f in table.headers]
    return []


def preview_frame(table: RawTable, problems: list[Problem]) -> tuple[pd.DataFrame, dict[tuple[int, str], Severity]]:
    """The file's cells as read (headers as written, indexed by spreadsheet row) and which cells carry a problem.

    A problem with no row (a quarter's total) marks its column on every row. The "Problems"
    column says in words what the colours say.
    """
    fields = [f for f in FIELD_NAMES if f in table.headers]
    frame = pd.DataFrame(
        [[cell_text(cells.get(f)) or "" for f in fields] for _, cells in table.rows],
        columns=[table.headers[f] for f in fields],
        index=pd.Index([n for n, _ in table.rows], name=ROW),
    )
    marks: dict[tuple[int, str], Severity] = {}
    words: dict[int, list[str]] = {}
    for p in problems:
        rows = [p.row] if p.row is not None else list(frame.index)
        for row in rows:
            if row not in frame.index:
                continue
            for f in _fields_of(table, p):
                key = (row, table.headers[f])
                if marks.get(key) is not Severity.ERROR:
                    marks[key] = p.severity
            if p.row is not None:
                words.setdefault(row, []).append(f"{SYMBOL[p.severity]} {p.title}")
    frame.insert(0, "Problems", ["; ".join(words.get(r, [])) for r in frame.index])
    return frame, marks


def faulty_first(frame: pd.DataFrame, table: RawTable, problem: Problem | None) -> pd.DataFrame:
    """`frame` (a `preview_frame`) with the columns `problem` points at moved next to "Problems", so the faulty cell
    is in view without scrolling across a wide return; as it is when no problem is chosen."""
    if problem is None:
        return frame
    faulty = [table.headers[f] for f in _fields_of(table, problem) if table.headers[f] in frame.columns]
    rest = [c for c in frame.columns if c not in faulty and c != "Problems"]
    return frame[["Problems", *dict.fromkeys(faulty), *rest]]


def styled_preview(frame: pd.DataFrame, marks: dict[tuple[int, str], Severity], selected_row: int | None = None):
    """Marked cells filled red (error) or amber (warning); the selected problem's row in the darker shade."""

    def colours(data: pd.DataFrame) -> pd.DataFrame:
        out = pd.DataFrame("", index=data.index, columns=data.columns)
        for (row, column), severity in marks.items():
            if row in out.index and column in out.columns:
                fill = FILL_SELECTED[severity] if row == selected_row else FILL[severity]
                out.loc[row, column] = f"background-color: {fill}; color: #0b0c0c"
        return out

    return frame.style.apply(colours, axis=None)


def latest_period_end(quarters: list[tuple[str, date]], code: str) -> date | None:
    """The 12 months the before/after compares: those to the end of the newest quarter the file sends for `code`."""
    ends = [quarter_end(q) for m, q in quarters if m == code]
    ends = [e for e in ends if is_quarter_end(e)]
    return max(ends) if ends else None


def before_after(before: Dataset, after: Dataset, code: str, end: date, method: str | None = None) -> pd.DataFrame:
    """One MARAC's indicators for the 12 months to `end`, as held now and as they would be once committed.

    Worked out under the missing-quarters `method` the pages use (default: the dataset's own), so the figures here
    are the ones the MARAC's profile will show; `attrs["method"]` names it for the table's caption, since under
    SafeLives' rule committing a missing quarter also stops it being filled from the quarter before."""
    window = period(end, "12m")
    method = missing_quarters.check_method(method or before.missing_quarters_method)
    region = before.maracs.filter(pl.col("marac_code") == code)["region"].to_list()

    def row(data: Dataset) -> dict[str, object] | None:
        scope = scoped(data, region=region[0]) if region and region[0] else data
        frame = missing_quarters.compute(scope, window, "marac", method).filter(pl.col("group_code") == code)
        return frame.row(0, named=True) if frame.height else None

    now, then = row(before), row(after)
    header_now, header_then = "Held now", "If committed"
    out: dict[str, list[str]] = {
        "Indicator": ["Cases discussed"],
        header_now: [],
        "Verdict now": [""],
        header_then: [],
        "Verdict if committed": [""],
        "Expected range": [""],
    }
    out[header_now].append(number(now["cases"]) if now else "–")
    out[header_then].append(number(then["cases"]) if then else "–")
    # what each column rests on: committing a missing quarter's return changes the coverage as well as the figures
    out["Indicator"].append(coverage_words.HEADER)
    out[header_now].append(Coverage.of(now).status if now else "–")
    out[header_then].append(Coverage.of(then).status if then else "–")
    for column in ("Verdict now", "Verdict if committed", "Expected range"):
        out[column].append("")
    for ind in INDICATORS:
        item = before.ranges[ind.range_key] if ind.range_key else None
        out["Indicator"].append(ind.label)
        out["Expected range"].append(item.describe() if item else "")
        for source, value_header, verdict_header in (
            (now, header_now, "Verdict now"),
            (then, header_then, "Verdict if committed"),
        ):
            value = source.get(ind.value) if source else None
            verdict = source.get(ind.verdict) if source and ind.verdict else None
            local = numbers.local_of(source, ind) if source else None
            shown, _ = pair_beside_verdict(value, verdict, item, local, least=1)
            if ind.key == "volume" and source and value is not None:  # the rate from fewer quarters says so
                shown = coverage_words.beside(shown, Coverage.of(source))
            out[value_header].append(shown)
            out[verdict_header].append(Verdict.of(source or {}, ind).label if ind.verdict else "")
    frame = pd.DataFrame(out)
    frame.insert(
        5, "Moved", ["yes" if a != b else "" for a, b in zip(frame[header_now], frame[header_then], strict=True)]
    )
    frame.attrs["title"] = (
        f"12 months to {end.strftime('%d %b %Y')} ({quarter_label(window.quarters[0])} to {quarter_label(window.quarters[-1])})"
    )
    frame.attrs["method"] = missing_quarters_words.method_line(method)
    return frame


def movements(
    before_tables: dict[str, pl.DataFrame],
    after_tables: dict[str, pl.DataFrame],
    touched: list[tuple[str, date]],
    method: str | None = None,
) -> list[tuple[str, pd.DataFrame]]:
    """(heading, before/after table) for each MARAC a batch touches, by name: worked out once per check, under the
    missing-quarters `method` chosen. The heading is Markdown, so the registry's name is escaped in it."""
    before, after = Dataset.from_tables(before_tables), Dataset.from_tables(after_tables)
    names = dict(after.maracs.select("marac_code", "marac_name").iter_rows())
    out = []
    for code in sorted({m for m, _ in touched}, key=lambda c: names.get(c, c)):
        end = latest_period_end(touched, code)
        if end is not None:
            table = before_after(before, after, code, end, method)
            out.append((f"**{escape_markdown(names.get(code, code))}**: {table.attrs['title']}", table))
    return out
