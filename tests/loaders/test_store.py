"""The DuckDB store: refusals, unchanged reloads, supersession, atomic swap, readers, load log, CLI.

Fixtures (tests/data/good/, Hackney = E09000012, Tower Hamlets = E09000030, all 2021):
  hackney-2021q1.csv          2 meetings: 14/01 (4 cases), 11/02 (3 cases)   -> 7 cases
  hackney-2021q1-revised.csv  1 meeting:  14/01 (5 cases)                    -> 5 cases
  tower-hamlets-2021q1.csv    1 meeting:  04/02 (2 cases)
  hackney-2021q2.csv          1 meeting:  08/04 (3 cases)
"""

from __future__ import annotations

import getpass
import hashlib
import os
import subprocess
import sys
from datetime import date

import duckdb
import polars as pl
import pytest

from loaders import store
from tests.helpers.returns import BAD, GOOD, HACKNEY, TODAY, TOWER_HAMLETS

Q1 = date(2021, 1, 1)
Q2 = date(2021, 4, 1)
V1 = GOOD / "hackney-2021q1.csv"
V2 = GOOD / "hackney-2021q1-revised.csv"
TH = GOOD / "tower-hamlets-2021q1.csv"
HQ2 = GOOD / "hackney-2021q2.csv"


def load(db, path, **kwargs) -> store.LoadResult:
    with store.writing(db) as conn:
        return store.load_file(conn, path, today=TODAY, **kwargs)


def current(db) -> pl.DataFrame:
    """meeting_current as the dashboard reads it, in a stable order."""
    return store.read_tables(db)["meeting"].sort("load_id", "source_row")


def current_summary(db) -> list[tuple]:
    return [
        (r["marac_code"], r["quarter_start"], r["meeting_date"], r["cases_discussed"])
        for r in current(db).iter_rows(named=True)
    ]


def history(db) -> list[tuple]:
    """Every row of `meeting`, superseded ones included, read straight from the file."""
    conn = duckdb.connect(str(db), read_only=True)
    try:
        return conn.execute(
            "SELECT load_id, marac_code, meeting_date, cases_discussed, superseded_by FROM meeting "
            "ORDER BY load_id, source_row"
        ).fetchall()
    finally:
        conn.close()


def log(db) -> list[dict]:
    return [r for r in store.read_tables(db)["load_log"].iter_rows(named=True) if r["outcome"] != "reference"]


def leftovers(tmp_path) -> list[str]:
    return sorted(p.name for p in tmp_path.iterdir() if ".loading" in p.name)


# --------------------------------------------------------------------------- refusal


def test_refused_file_changes_no_figures_and_logs_one_row(tmp_path):
    db = tmp_path / "marac.duckdb"
    load(db, V1)
    before = current(db)
    log_before = log(db)

    result = load(db, BAD / "several-errors-in-one-row.csv")

    assert result.outcome == "refused" and result.refused
    assert current(db).equals(before)  # same rows, same values, same dtypes
    assert current(db).height == 2
    after = log(db)
    assert after[:-1] == log_before and len(after) == len(log_before) + 1
    refused = after[-1]
    assert (refused["file_name"], refused["outcome"], refused["rows"], refused["load_id"]) == (
        "several-errors-in-one-row.csv",
        "refused",
        2,
        result.load_id,
    )
    # 6 errors in row 2 (see test_loader_validation); the first in column order is the MARAC code
    assert refused["message"] == (
        'refused: 6 error(s); first: ERROR several-errors-in-one-row.csv, row 2, column "marac_code": this MARAC '
        'code is not in the registry (value "HACKNEY"); expected a MARAC code from the registry '
        "(e.g. E09000012 for Hackney), or the MARAC added to the registry first (marac registry export, add its row, "
        "marac registry load) [unknown-marac]"
    )
    assert (refused["maracs"], refused["quarters"], refused["rows_superseded"]) == ("", "", 0)


def test_refused_file_keeps_its_problems_in_the_log(tmp_path):
    db = tmp_path / "marac.duckdb"
    result = load(db, BAD / "repeat-exceeds-cases.csv")
    conn = duckdb.connect(str(db), read_only=True)
    try:
        (text,) = conn.execute("SELECT problems FROM load_log WHERE load_id = ?", [result.load_id]).fetchone()
        (rows,) = conn.execute("SELECT count(*) FROM meeting").fetchone()
    finally:
        conn.close()
    problems = store.problems_from_json(text)
    assert [(p.row, p.column, p.code, p.value) for p in problems] == [(2, "repeat_cases", "repeat-exceeds-cases", "5")]
    assert rows == 0


# --------------------------------------------------------------------------- unchanged


def test_same_file_twice_is_unchanged(tmp_path):
    db = tmp_path / "marac.duckdb"
    first = load(db, V1)
    after_first = current(db)
    second = load(db, V1)

    assert (first.outcome, second.outcome) == ("loaded", "unchanged")
    assert second.rows_superseded == 0
    assert current(db).equals(after_first)
    # both meeting rows still belong to the first load: 4 + 3 = 7 cases
    assert current(db)["load_id"].to_list() == [first.load_id, first.load_id]
    assert current(db)["cases_discussed"].sum() == 7
    entries = log(db)
    assert [(e["file_name"], e["outcome"]) for e in entries] == [
        ("hackney-2021q1.csv", "loaded"),
        ("hackney-2021q1.csv", "unchanged"),
    ]
    assert entries[1]["message"] == f"identical to load {first.load_id}, whose rows are still current; nothing changed"
    assert entries[1]["rows"] == 2 and entries[1]["sha256"] == entries[0]["sha256"]
    assert history(db) == [
        (first.load_id, HACKNEY, date(2021, 1, 14), 4, None),
        (first.load_id, HACKNEY, date(2021, 2, 11), 3, None),
    ]


# --------------------------------------------------------------------------- supersession


def test_new_file_for_same_quarter_supersedes_and_keeps_history(tmp_path):
    db = tmp_path / "marac.duckdb"
    v1 = load(db, V1)
    th = load(db, TH)
    q2 = load(db, HQ2)
    v2 = load(db, V2)

    assert v2.outcome == "loaded"
    assert v2.rows_superseded == 2  # both Hackney Q1 meetings of v1
    assert v2.quarters == [(HACKNEY, Q1)]
    # the old rows stay in `meeting`, marked with the load that replaced them
    assert history(db) == [
        (v1.load_id, HACKNEY, date(2021, 1, 14), 4, v2.load_id),
        (v1.load_id, HACKNEY, date(2021, 2, 11), 3, v2.load_id),
        (th.load_id, TOWER_HAMLETS, date(2021, 2, 4), 2, None),
        (q2.load_id, HACKNEY, date(2021, 4, 8), 3, None),
        (v2.load_id, HACKNEY, date(2021, 1, 14), 5, None),
    ]
    # meeting_current: Tower Hamlets Q1 and Hackney Q2 untouched, Hackney Q1 is v2 only
    assert current_summary(db) == [
        (TOWER_HAMLETS, Q1, date(2021, 2, 4), 2),
        (HACKNEY, Q2, date(2021, 4, 8), 3),
        (HACKNEY, Q1, date(2021, 1, 14), 5),
    ]
    entry = log(db)[-1]
    assert (entry["file_name"], entry["outcome"], entry["rows"], entry["rows_superseded"]) == (
        "hackney-2021q1-revised.csv",
        "loaded",
        1,
        2,
    )
    assert (entry["maracs"], entry["quarters"]) == (HACKNEY, "2021-01-01")
    assert entry["message"] == (
        "loaded 1 meeting row(s) for E09000012 2021-01-01; replaced 2 earlier row(s), kept as history; 1 warning(s)"
    )
    # v1 held 2 meetings for the quarter and v2 has 1: loaded, but the coordinator is told
    assert v2.report.flatten(["code"]) == [["fewer-meetings-than-held"]]
    assert (
        v2.report.problems[0].message
        == "replaces the 2 meeting(s) held for E09000012 in the quarter starting 2021-01-01 with 1"
    )


def test_file_for_another_quarter_leaves_the_first_alone(tmp_path):
    db = tmp_path / "marac.duckdb"
    v1 = load(db, V1)
    q2 = load(db, HQ2)
    assert (q2.outcome, q2.rows_superseded) == ("loaded", 0)
    assert history(db) == [
        (v1.load_id, HACKNEY, date(2021, 1, 14), 4, None),
        (v1.load_id, HACKNEY, date(2021, 2, 11), 3, None),
        (q2.load_id, HACKNEY, date(2021, 4, 8), 3, None),
    ]
    # Q1 = 4 + 3 = 7 cases, Q2 = 3 cases
    totals = current(db).group_by("quarter_start").agg(pl.col("cases_discussed").sum()).sort("quarter_start")
    assert totals.rows() == [(Q1, 7), (Q2, 3)]


def test_resending_a_replaced_version_changes_nothing_and_warns(tmp_path):
    # a coordinator corrects Q1 (v2), then sends the old v1 again by mistake: the correction must stand
    db = tmp_path / "marac.duckdb"
    v1 = load(db, V1)
    v2 = load(db, V2)
    before = history(db)
    again = load(db, V1)

    assert again.outcome == "unchanged"
    assert history(db) == before
    assert current_summary(db) == [(HACKNEY, Q1, date(2021, 1, 14), 5)]  # v2's single row
    assert again.report.flatten(["code", "severity"]) == [["already-replaced", "warning"]]
    assert again.report.problems[0].message == (
        f"identical to load {v1.load_id}, which later returns have replaced; nothing changed "
        "(to make this older version current again, load it with --reinstate)"
    )
    assert log(db)[-1]["outcome"] == "unchanged"
    assert v2.rows_superseded == 2


def test_reinstating_the_first_version_makes_it_current_again(tmp_path):
    db = tmp_path / "marac.duckdb"
    v1 = load(db, V1)
    v2 = load(db, V2)
    again = load(db, V1, reinstate=True)

    assert again.outcome == "loaded"
    assert again.rows_superseded == 1  # v2's single row
    assert history(db) == [
        (v1.load_id, HACKNEY, date(2021, 1, 14), 4, v2.load_id),
        (v1.load_id, HACKNEY, date(2021, 2, 11), 3, v2.load_id),
        (v2.load_id, HACKNEY, date(2021, 1, 14), 5, again.load_id),
        (again.load_id, HACKNEY, date(2021, 1, 14), 4, None),
        (again.load_id, HACKNEY, date(2021, 2, 11), 3, None),
    ]
    assert current_summary(db) == [(HACKNEY, Q1, date(2021, 1, 14), 4), (HACKNEY, Q1, date(2021, 2, 11), 3)]
    # and a further reload of the same file is now unchanged, with no warning
    last = load(db, V1)
    assert last.outcome == "unchanged" and last.report.problems == []


# --------------------------------------------------------------------------- atomic swap


def test_exception_inside_writing_block_leaves_database_file_unchanged(tmp_path):
    db = tmp_path / "marac.duckdb"
    load(db, V1)
    before = db.read_bytes()
    log_before = log(db)

    with pytest.raises(RuntimeError, match=r"^interrupted after loading$"), store.writing(db) as conn:
        assert store.load_file(conn, TH, today=TODAY).outcome == "loaded"
        # the load is visible inside the private copy ...
        assert conn.execute("SELECT count(*) FROM meeting_current").fetchone() == (3,)
        raise RuntimeError("interrupted after loading")

    # ... but never reaches the live file
    assert db.read_bytes() == before
    assert current(db)["marac_code"].to_list() == [HACKNEY, HACKNEY]
    assert log(db) == log_before
    assert leftovers(tmp_path) == []


def test_exception_on_first_ever_load_creates_no_database(tmp_path):
    db = tmp_path / "new.duckdb"
    with pytest.raises(KeyboardInterrupt), store.writing(db) as conn:
        store.load_file(conn, V1, today=TODAY)
        raise KeyboardInterrupt
    assert not db.exists()
    assert leftovers(tmp_path) == []


def test_successful_block_leaves_no_temp_files(tmp_path):
    db = tmp_path / "marac.duckdb"
    load(db, V1)
    load(db, V2)
    assert leftovers(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["marac.duckdb", "marac.duckdb.lock"]


# --------------------------------------------------------------------------- readers during a load


def test_reader_works_while_a_writer_is_loading(tmp_path):
    db = tmp_path / "marac.duckdb"
    load(db, V1)
    with store.writing(db) as conn:
        assert store.load_file(conn, TH, today=TODAY).outcome == "loaded"
        reader = duckdb.connect(str(db), read_only=True)
        try:
            # the reader sees the figures as they were: Hackney's 2 meetings, 4 + 3 = 7 cases
            assert reader.execute("SELECT count(*), sum(cases_discussed) FROM meeting_current").fetchone() == (2, 7)
            assert reader.execute(
                "SELECT count(*) FROM meeting_current WHERE marac_code = ?", [TOWER_HAMLETS]
            ).fetchone() == (0,)
        finally:
            reader.close()
    # a fresh read after the swap sees Tower Hamlets too: 3 meetings, 7 + 2 = 9 cases
    fresh = current(db)
    assert fresh.height == 3 and fresh["cases_discussed"].sum() == 9
    assert fresh.filter(pl.col("marac_code") == TOWER_HAMLETS)["meeting_date"].to_list() == [date(2021, 2, 4)]


# --------------------------------------------------------------------------- load log


def test_load_log_records_file_hash_rows_outcome_and_who(tmp_path):
    db = tmp_path / "marac.duckdb"
    load(db, V1, who="a.coordinator")
    load(db, TH)  # default: the login name
    load(db, BAD / "unknown-marac.csv", who="a.coordinator")
    entries = log(db)
    assert [(e["file_name"], e["sha256"], e["rows"], e["outcome"], e["loaded_by"]) for e in entries] == [
        ("hackney-2021q1.csv", hashlib.sha256(V1.read_bytes()).hexdigest(), 2, "loaded", "a.coordinator"),
        ("tower-hamlets-2021q1.csv", hashlib.sha256(TH.read_bytes()).hexdigest(), 1, "loaded", getpass.getuser()),
        (
            "unknown-marac.csv",
            hashlib.sha256((BAD / "unknown-marac.csv").read_bytes()).hexdigest(),
            2,
            "refused",
            "a.coordinator",
        ),
    ]
    assert entries[0]["message"] == "loaded 2 meeting row(s) for E09000012 2021-01-01"
    assert entries[1]["maracs"] == TOWER_HAMLETS and entries[1]["quarters"] == "2021-01-01"
    assert all(e["started_at"] <= e["finished_at"] for e in entries)
    assert [e["load_id"] for e in entries] == sorted(e["load_id"] for e in entries)


def test_warnings_are_counted_in_the_log_message(tmp_path):
    db = tmp_path / "marac.duckdb"
    result = load(db, BAD / "duplicate-meeting-date.csv")
    assert result.outcome == "loaded"
    assert log(db)[-1]["message"] == "loaded 2 meeting row(s) for E09000012 2021-01-01; 1 warning(s)"


# --------------------------------------------------------------------------- the CLI


def _cli(tmp_path, *args):
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "MARAC_PROGRESS")}
    return subprocess.run(
        [sys.executable, "-m", "marac_cli.main", "load", *map(str, args)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _squash(text):
    return " ".join(text.split())


def _expected_lines(path):
    conn = duckdb.connect()
    store.initialise(conn)
    try:
        return [p.line() for p in store.load_file(conn, path).report.problems]
    finally:
        conn.close()


def test_cli_loads_good_file_refuses_bad_one_and_exits_1(tmp_path):
    db = tmp_path / "marac.duckdb"
    bad = BAD / "unknown-marac.csv"
    done = _cli(tmp_path, V1, bad, "--db", db)
    assert done.returncode == 1, done.stderr
    lines = _expected_lines(bad)
    assert lines == [
        'ERROR unknown-marac.csv, row 3, column "marac_code": this MARAC code is not in the registry (value '
        '"E09999999"); expected a MARAC code from the registry (e.g. E09000012 for Hackney), or the MARAC added to '
        "the registry first (marac registry export, add its row, marac registry load) [unknown-marac]"
    ]
    for line in lines:  # whole lines are checked in test_cli_prints_each_problem_as_one_line
        assert _squash(line) in _squash(done.stderr)
    assert "1 loaded (0 replacing earlier returns, kept as history), 0 unchanged, 1 refused, 0 warning(s)." in _squash(
        done.stderr
    )
    # the good file went in despite the bad one
    assert current_summary(db) == [(HACKNEY, Q1, date(2021, 1, 14), 4), (HACKNEY, Q1, date(2021, 2, 11), 3)]
    assert [(e["file_name"], e["outcome"]) for e in log(db)] == [
        ("hackney-2021q1.csv", "loaded"),
        ("unknown-marac.csv", "refused"),
    ]


def test_cli_with_only_good_files_exits_0(tmp_path):
    db = tmp_path / "marac.duckdb"
    done = _cli(tmp_path, V1, TH, "--db", db, "--who", "cli.test")
    assert done.returncode == 0, done.stderr
    assert "ERROR" not in done.stderr
    assert "2 loaded (0 replacing earlier returns, kept as history), 0 unchanged, 0 refused, 0 warning(s)." in _squash(
        done.stderr
    )
    # 2 Hackney meetings (4 + 3) and 1 Tower Hamlets meeting (2): 9 cases
    assert current(db)["cases_discussed"].sum() == 9
    assert {e["loaded_by"] for e in log(db)} == {"cli.test"}


def test_cli_prints_each_problem_as_one_line(tmp_path):
    db = tmp_path / "marac.duckdb"
    bad = BAD / "unknown-marac.csv"
    done = _cli(tmp_path, bad, "--db", db)
    assert done.returncode == 1
    assert set(_expected_lines(bad)) <= set(done.stderr.splitlines())


def test_cli_loads_every_return_in_a_folder(tmp_path):
    folder = tmp_path / "returns"
    folder.mkdir()
    for source in (V1, TH):
        (folder / source.name).write_bytes(source.read_bytes())
    (folder / "notes.txt").write_text("not a return")  # only .csv and .xlsx are picked up
    db = tmp_path / "marac.duckdb"
    done = _cli(tmp_path, folder, "--db", db)
    assert done.returncode == 0, done.stderr
    assert [e["file_name"] for e in log(db)] == sorted([V1.name, TH.name])
    assert current(db)["cases_discussed"].sum() == 9


def test_cli_empty_folder_is_an_error(tmp_path):
    (tmp_path / "empty").mkdir()
    done = _cli(tmp_path, tmp_path / "empty", "--db", tmp_path / "marac.duckdb")
    assert done.returncode == 2
    assert "No CSV or XLSX files to load." in done.stderr
    assert not (tmp_path / "marac.duckdb").exists()


def test_a_storage_failure_is_recorded_and_the_other_files_still_load(tmp_path, monkeypatch):
    db = tmp_path / "marac.duckdb"
    real_frame = store.pa.table
    calls = {"n": 0}

    def fail_once(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("disk full (simulated)")
        return real_frame(*args, **kwargs)

    monkeypatch.setattr(store.pa, "table", fail_once)
    with store.writing(db) as conn:
        first = store.load_file(conn, V1, today=TODAY)
        second = store.load_file(conn, TH, today=TODAY)
    assert (first.outcome, second.outcome) == ("refused", "loaded")
    assert first.report.flatten(["code"]) == [["load-failed"]]
    assert first.report.problems[0].message == (
        "the file passed every check but could not be stored (OSError: disk full (simulated)); nothing from it was loaded"
    )
    # nothing of the failed file is held, not even its held-quarter bookkeeping
    assert current_summary(db) == [(TOWER_HAMLETS, Q1, date(2021, 2, 4), 2)]
    assert [(e["file_name"], e["outcome"]) for e in log(db)] == [(V1.name, "refused"), (TH.name, "loaded")]
