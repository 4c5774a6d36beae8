"""Nil returns: a quarter without meetings sent as one row with NIL under cases discussed, held like a quarter of
meetings (replaced, confirmed and kept as history the same way), and refused with an exact message when it
contradicts itself.

Fixtures (tests/data/good/, Hackney = E09000012, "today" 30 June 2021):
  hackney-2021q1.csv          2 meetings, 14/01 (4 cases) and 11/02 (3 cases): 2020-21 Q4 (from 2021-01-01), 7 cases
  hackney-2021q1-revised.csv  1 meeting,  14/01 (5 cases)
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from loaders import store
from loaders.history import history
from loaders.nil_return import is_nil
from loaders.upload import check_uploads
from metrics.dataset import Dataset
from tests.helpers.returns import COLUMNS, GOOD, HACKNEY, HUMAN_HEADERS, TODAY, meeting, write_csv, write_xlsx

Q4 = date(2021, 1, 1)  # 2020-21 Q4, January to March 2021
NEXT = date(2021, 4, 1)  # 2021-22 Q1
V1 = GOOD / "hackney-2021q1.csv"
V2 = GOOD / "hackney-2021q1-revised.csv"
NIL_HEADERS = ["MARAC code", "Date of MARAC", "Number of cases discussed"]


def load(db: Path, path: Path, **kwargs: object) -> store.LoadResult:
    with store.writing(db) as conn:
        return store.load_file(conn, path, today=TODAY, **kwargs)


def nil_csv(path: Path, day: str = "15/02/2021", word: str = "NIL") -> Path:
    """The shortest nil return: the three columns a nil row fills in."""
    return write_csv(path, [[HACKNEY, day, word]], headers=NIL_HEADERS)


def everything(db: Path) -> tuple[list[tuple], ...]:
    """Every meeting, nil return and held quarter in the file, superseded ones included."""
    conn = duckdb.connect(str(db), read_only=True)
    try:
        return tuple(
            conn.execute(sql).fetchall()
            for sql in (
                "SELECT load_id, marac_code, meeting_date, cases_discussed, superseded_by FROM meeting ORDER BY ALL",
                "SELECT load_id, marac_code, quarter_start, return_date, superseded_by FROM nil_quarter ORDER BY ALL",
                "SELECT * FROM held_quarter ORDER BY ALL",
            )
        )
    finally:
        conn.close()


def test_the_words_that_make_a_nil_return() -> None:
    assert [is_nil(v) for v in ("NIL", " nil ", "Nil.", "No meetings", "no  MEETINGS")] == [True] * 5
    # a count, a blank, and words that are not the form stay what they are (a count, or a non-numeric count)
    assert [is_nil(v) for v in (0, "0", "", None, "none", "nil return", "nill")] == [False] * 7


def test_a_three_column_csv_nil_return_loads_and_counts_the_quarter(tmp_path: Path) -> None:
    db = tmp_path / "marac.duckdb"
    result = load(db, nil_csv(tmp_path / "hackney nil.csv", day="12/05/2021"))
    assert result.outcome == "loaded", result.report.text()
    assert result.report.problems == []
    assert result.nil_quarters == [(HACKNEY, NEXT)]
    meetings, nil, held = everything(db)
    assert meetings == []
    assert nil == [(result.load_id, HACKNEY, NEXT, date(2021, 5, 12), None)]
    assert held == [(HACKNEY, NEXT, result.load_id)]
    tables = store.read_tables(db)
    message = tables["load_log"].filter(pl.col("load_id") == result.load_id)["message"].item()
    assert message == "loaded a nil return (no meetings) for E09000012 2021-04-01"
    assert tables["nil_quarter"].rows() == [(HACKNEY, NEXT)]
    versions = tables["quarter_version"].select("marac_code", "quarter_start", "meetings", "cases", "current", "nil")
    assert versions.rows() == [(HACKNEY, NEXT, 0, 0, True, True)]
    assert Dataset.from_tables(tables).nil_quarters.rows() == [(HACKNEY, NEXT)]


def test_an_xlsx_nil_return_in_the_full_template_loads(tmp_path: Path) -> None:
    # every column of the template, human headers, "No meetings" typed in the cases cell, the other counts 0 or blank
    row: list[object] = [HACKNEY, date(2021, 2, 15), "No meetings", *([0, None] * 11)]
    assert len(row) == len(HUMAN_HEADERS)
    path = write_xlsx(tmp_path / "hackney 2020-21 Q4.xlsx", {"Return": [HUMAN_HEADERS, row]})
    db = tmp_path / "marac.duckdb"
    result = load(db, path)
    assert result.outcome == "loaded", result.report.text()
    assert result.nil_quarters == [(HACKNEY, Q4)] and result.quarters == [(HACKNEY, Q4)]
    assert everything(db)[1] == [(result.load_id, HACKNEY, Q4, date(2021, 2, 15), None)]


def test_a_nil_return_with_a_count_is_refused_naming_the_cell(tmp_path: Path) -> None:
    db = tmp_path / "marac.duckdb"
    load(db, V1)
    before = everything(db)
    zeros = {name: 0 for name in COLUMNS[3:]}
    path = write_csv(
        tmp_path / "nil.csv", [meeting(**zeros | {"repeat_cases": 2}, meeting_date="12/05/2021", cases_discussed="NIL")]
    )
    result = load(db, path)
    assert result.outcome == "refused"
    assert [p.line() for p in result.report.problems] == [
        'ERROR nil.csv, row 2, column "repeat_cases": this row is a nil return ("NIL" under "cases_discussed": no '
        'meetings this quarter), but it holds a count (value "2"); expected blank or 0 on a nil return (or the '
        "quarter's meetings, one a row, without NIL) [nil-return-has-counts]"
    ]
    assert everything(db) == before


def test_a_nil_return_beside_meetings_of_its_quarter_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "marac.duckdb"
    load(db, V1)
    before = everything(db)
    zeros = {name: 0 for name in COLUMNS[3:]}
    path = write_csv(
        tmp_path / "both.csv",
        [
            meeting(meeting_date="14/01/2021"),
            meeting(**zeros, meeting_date="20/02/2021", cases_discussed="nil"),
            meeting(meeting_date="11/03/2021"),
        ],
    )
    result = load(db, path)
    assert result.outcome == "refused"
    assert [p.line() for p in result.report.problems] == [
        'ERROR both.csv, row 3, column "cases_discussed": this row says E09000012 had no meetings in 2020-21 Q4 '
        '(a nil return), but rows 2 and 4 are meetings of E09000012 in 2020-21 Q4 (value "nil"); expected either '
        "the quarter's meetings, one a row, or one nil-return row, not both [nil-return-with-meetings]"
    ]
    assert everything(db) == before


def test_a_nil_return_is_checked_like_a_meeting_row(tmp_path: Path) -> None:
    # the code must be in the registry and the date not after today; a short file with a meeting in it is no nil return
    bad = write_csv(tmp_path / "bad.csv", [["E09999999", "15/02/2021", "NIL"], [HACKNEY, "15/07/2021", "NIL"]],
                    headers=NIL_HEADERS)  # fmt: skip
    result = load(tmp_path / "marac.duckdb", bad)
    assert [(p.row, p.column, p.code) for p in result.report.problems] == [
        (2, "MARAC code", "unknown-marac"),
        (3, "Date of MARAC", "future-date"),
    ]
    undated = write_csv(tmp_path / "undated.csv", [[HACKNEY, "", "NIL"]], headers=NIL_HEADERS)
    assert [p.line() for p in load(tmp_path / "marac.duckdb", undated).report.problems] == [
        'ERROR undated.csv, row 2, column "Date of MARAC": the cell is empty (value ""); expected a date as dd/mm/yyyy '
        "or yyyy-mm-dd: on a nil return, any day of the quarter it is for [missing-value]"
    ]
    short = write_csv(tmp_path / "short.csv", [[HACKNEY, "15/02/2021", "NIL"], [HACKNEY, "15/05/2021", "3"]],
                      headers=NIL_HEADERS)  # fmt: skip
    codes = {p.code for p in load(tmp_path / "marac.duckdb", short).report.errors}
    assert codes == {"missing-column"}


def test_a_nil_return_outside_the_quarter_its_name_names_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "marac.duckdb"
    result = load(db, nil_csv(tmp_path / "hackney 2021-22 Q1.csv", day="15/02/2021"))
    assert [p.line() for p in result.report.errors] == [
        'ERROR hackney 2021-22 Q1.csv, row 2, column "Date of MARAC": the file is named for 2021-22 Q1, but row 2 is '
        "in 2020-21 Q4: loading it would start E09000012 2020-21 Q4 with this file's nil return (value "
        "\"15/02/2021\"); expected only 2021-22 Q1's meetings (send E09000012 2020-21 Q4's in a return named for it) "
        "[outside-named-quarter]"
    ]
    assert everything(db) == ([], [], [])


def test_replacing_meetings_with_a_nil_return_needs_confirming_and_keeps_history(tmp_path: Path) -> None:
    db = tmp_path / "marac.duckdb"
    first = load(db, V1)
    before = everything(db)
    nil = nil_csv(tmp_path / "hackney nil.csv")

    # a nil return would remove both of the quarter's meetings: refused until confirmed, and nothing changes
    refused = load(db, nil)
    assert [p.line() for p in refused.report.errors] == [
        "ERROR hackney nil.csv: E09000012 2020-21 Q4 holds 2 meeting(s), 7 cases; this file would leave it a nil "
        "return (no meetings), removing every one of its meetings. If this file really is the whole of that quarter's "
        'return, confirm it: load it with `marac load --replace`, or tick "Replace quarters that would lose most of '
        'their meetings" on the Check a return page (value "0"); expected a complete return for every quarter the '
        "file touches [replaces-most-of-quarter]"
    ]
    assert everything(db) == before

    confirmed = load(db, nil, replace=True)
    assert confirmed.outcome == "loaded" and confirmed.rows_superseded == 2
    assert [p.line() for p in confirmed.report.problems] == [
        "WARNING hackney nil.csv: replaces the 2 meeting(s) held for E09000012 in the quarter starting 2021-01-01 "
        "with a nil return (no meetings) (confirmed as the whole return); expected a complete return for every "
        "quarter the file touches [fewer-meetings-than-held]"
    ]
    meetings, nils, held = everything(db)
    assert [(m[0], m[3], m[4]) for m in meetings] == [
        (first.load_id, 4, confirmed.load_id),  # 14/01, 4 cases
        (first.load_id, 3, confirmed.load_id),  # 11/02, 3 cases
    ]
    assert nils == [(confirmed.load_id, HACKNEY, Q4, date(2021, 2, 15), None)]
    assert held == [(HACKNEY, Q4, confirmed.load_id)]
    assert store.read_tables(db)["meeting"].is_empty()

    # the revised return of meetings replaces the nil return like any correction: no confirmation needed
    revised = load(db, V2)
    assert revised.outcome == "loaded" and revised.report.problems == []
    assert revised.rows_superseded == 1  # the nil return's one row, kept as history
    assert everything(db)[1] == [(confirmed.load_id, HACKNEY, Q4, date(2021, 2, 15), revised.load_id)]
    tables = store.read_tables(db)
    assert tables["nil_quarter"].is_empty() and tables["meeting"]["cases_discussed"].to_list() == [5]
    assert tables["quarter_version"].select("load_id", "meetings", "cases", "current", "nil").rows() == [
        (first.load_id, 2, 7, False, False),
        (confirmed.load_id, 0, 0, False, True),
        (revised.load_id, 1, 5, True, False),
    ]
    (quarter,) = history(db, HACKNEY)
    assert [(v.load_id, v.summary(), v.current, v.replaced_by) for v in quarter.versions] == [
        (first.load_id, "2 meeting(s), 7 cases", False, confirmed.load_id),
        (confirmed.load_id, "nil return (no meetings)", False, revised.load_id),
        (revised.load_id, "1 meeting(s), 5 cases", True, None),
    ]
    assert [c.text() for c in quarter.versions[1].changes] == [
        "meeting of 14/01/2021 removed",
        "meeting of 11/02/2021 removed",
    ]
    assert [c.text() for c in quarter.versions[2].changes] == ["meeting of 14/01/2021 added"]

    # the nil return sent again by mistake cannot undo the correction, as for any older version
    again = load(db, nil, replace=True)
    assert again.outcome == "unchanged"
    assert [p.code for p in again.report.problems] == ["already-replaced"]
    assert everything(db)[1][0][4] == revised.load_id


def test_the_same_nil_return_twice_is_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "marac.duckdb"
    nil = nil_csv(tmp_path / "hackney nil.csv")
    first = load(db, nil)
    again = load(db, nil)
    assert (first.outcome, again.outcome) == ("loaded", "unchanged")
    assert again.quarters == [(HACKNEY, Q4)]
    assert everything(db)[1] == [(first.load_id, HACKNEY, Q4, date(2021, 2, 15), None)]


def test_a_database_written_before_nil_returns_still_opens(tmp_path: Path) -> None:
    db = tmp_path / "marac.duckdb"
    first = load(db, V1)
    conn = duckdb.connect(str(db))
    conn.execute("DROP TABLE nil_quarter")  # as a database written before the table existed
    conn.close()
    tables = store.read_tables(db)
    assert tables["nil_quarter"].is_empty() and tables["nil_quarter"].columns == ["marac_code", "quarter_start"]
    assert tables["quarter_version"].select("load_id", "meetings", "nil").rows() == [(first.load_id, 2, False)]
    assert Dataset.from_tables(tables).nil_quarters.is_empty()
    assert [v.summary() for v in history(db, HACKNEY)[0].versions] == ["2 meeting(s), 7 cases"]
    # its next write adds the table, and a nil return loads into it
    later = load(db, nil_csv(tmp_path / "hackney nil.csv", day="12/05/2021"))
    assert later.outcome == "loaded", later.report.text()
    assert store.read_tables(db)["nil_quarter"].rows() == [(HACKNEY, NEXT)]


def test_checking_a_return_over_a_nil_quarter_says_what_it_replaces(tmp_path: Path) -> None:
    db = tmp_path / "marac.duckdb"
    nil = load(db, nil_csv(tmp_path / "hackney nil.csv"), who="coordinator")
    loaded_at = store.read_tables(db)["load_log"].filter(pl.col("load_id") == nil.load_id)["finished_at"].item()
    checked = check_uploads(db, [("revised.csv", V2.read_bytes())], today=TODAY)
    (file,) = checked.files
    assert file.outcome == "would load" and file.nil_quarters == []
    assert [p.message for p in file.notes] == [
        f"E09000012 2020-21 Q4 is already held: a nil return (no meetings), from hackney nil.csv (load {nil.load_id} "
        f"on {loaded_at:%d %b %Y %H:%M} UTC by coordinator). Once loaded, this file replaces it with 1 meeting(s), "
        "5 cases; the earlier version is kept as history"
    ]
    # and a nil return checked against the meetings held is refused until confirmed, then says what it replaces
    copy = tmp_path / "meetings.duckdb"
    load(copy, V1)
    held = everything(copy)
    content = (tmp_path / "hackney nil.csv").read_bytes()
    refused = check_uploads(copy, [("nil.csv", content)], today=TODAY).files[0]
    assert refused.outcome == "refused" and [p.code for p in refused.report.errors] == ["replaces-most-of-quarter"]
    assert [p.code for p in refused.notes] == ["quarter-already-held"]
    confirmed = check_uploads(copy, [("nil.csv", content)], today=TODAY, replace=True).files[0]
    assert confirmed.outcome == "would load" and confirmed.nil_quarters == [(HACKNEY, Q4)]
    assert "Once loaded, this file replaces it with a nil return (no meetings)" in confirmed.notes[0].message
    assert everything(copy) == held  # the checks ran on copies: nothing was written
