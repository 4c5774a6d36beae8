"""Check a return's report and preview read at a laptop's width (issue 19, wide tables): what is wrong and how to fix
it side by side, the chosen problem's cell beside the row's problems, and dates as a coordinator wrote them."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from loaders.return_file import read_table
from loaders.return_model import cell_text, validate_table
from reporting import review

BAD_DATE = Path(__file__).resolve().parents[1] / "data" / "bad" / "bad-date.csv"


def test_the_report_puts_how_to_fix_beside_the_problem() -> None:
    table, _ = read_table(BAD_DATE)
    problems = validate_table(table, {"E09000012"}, today=date(2021, 6, 1)).report.problems
    frame = review.report_frame(problems)
    assert list(frame.columns)[:3] == ["Severity", "Problem", "How to fix"]
    first = frame.iloc[0]
    assert (first["Column"], first["Value"], first["How to fix"]) == (
        "meeting_date",
        "11 Feb 2021",
        "Expected a date as dd/mm/yyyy or yyyy-mm-dd",
    )


def test_a_chosen_problem_brings_its_column_beside_the_row_s_problems() -> None:
    table, _ = read_table(BAD_DATE)
    problems = validate_table(table, {"E09000012"}, today=date(2021, 6, 1)).report.problems
    frame, _ = review.preview_frame(table, problems)
    assert list(frame.columns)[:3] == ["Problems", "marac_code", "meeting_date"]
    bad = next(p for p in problems if p.column == "meeting_date")
    moved = review.faulty_first(frame, table, bad)
    assert list(moved.columns)[:2] == ["Problems", "meeting_date"]
    assert sorted(moved.columns) == sorted(frame.columns)  # nothing lost, only moved
    assert moved.loc[3, "meeting_date"] == "11 Feb 2021"
    assert review.faulty_first(frame, table, None) is frame


def test_a_date_cell_reads_as_a_uk_date_not_a_timestamp() -> None:
    assert cell_text(datetime(2025, 10, 2)) == "02/10/2025"  # was "2025-10-02 00:00:00"
    assert cell_text(datetime(2025, 10, 2, 14, 30)) == "02/10/2025 14:30"


def test_a_selected_problem_is_said_whole_where_the_table_cuts_it() -> None:
    table, _ = read_table(BAD_DATE)
    problems = validate_table(table, {"E09000012"}, today=date(2021, 6, 1)).report.problems
    bad = next(p for p in problems if p.column == "meeting_date")
    assert review.in_full(bad) == (
        f'✗ Error (blocks the file) in bad-date.csv, row 3, column "meeting_date", value "11 Feb 2021": {bad.message}. '
        "How to fix: expected a date as dd/mm/yyyy or yyyy-mm-dd."
    )
    assert review.report_frame(problems, compact=True)["Severity"].iloc[0] == "✗ Error"
