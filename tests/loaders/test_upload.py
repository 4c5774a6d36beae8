"""Checking returns before they count, committing them with who did it, and the history of versions.

Built on the fixture database (tests/helpers/fixture_db.py): Hackney (E09000012) one meeting a quarter in 2020-21,
100 cases each (12, 11, 10 May / Aug / Nov 2020 and 9 Feb 2021), loaded by "test".
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from loaders import store
from loaders.demo import write_return
from loaders.history import Change, changes, history
from loaders.return_checks import claimed_quarters, fy_quarter_in
from loaders.return_model import MeetingRow
from loaders.upload import check_uploads, commit_uploads, unique_names
from tests.helpers.fixture_db import meeting

TODAY = date(2021, 6, 30)


@pytest.fixture
def db(fixture_db: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "returns.duckdb"
    shutil.copyfile(fixture_db, copy)
    return copy


def hackney_return(tmp_path: Path, name: str, *days_and_cases: tuple[date, int]) -> tuple[str, bytes]:
    """A Hackney return: HACKNEY's other counts, scaled so referrals and victims fit the cases."""
    rows = []
    for day, cases in days_and_cases:
        rows.append(
            meeting(
                "E09000012",
                day,
                cases_discussed=cases,
                repeat_cases=0,
                referrals_police=cases,
                victims_male=1 if cases else 0,
            )
        )
    path = write_return(tmp_path / name, rows)
    return name, path.read_bytes()


def log_rows(db: Path) -> list[tuple]:
    conn = duckdb.connect(str(db), read_only=True)
    try:
        return conn.execute(
            "SELECT file_name, outcome, loaded_by, problems FROM load_log WHERE file_name NOT LIKE 'data/%' "
            "ORDER BY load_id"
        ).fetchall()
    finally:
        conn.close()


# ------------------------------------------------------------------ the quarter a return is for


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Hackney 2021-22 Q3.xlsx", date(2021, 10, 1)),
        ("E09000012_2020-21_Q4.csv", date(2021, 1, 1)),
        ("q1 2022-23 hackney.csv", date(2022, 4, 1)),
        ("hackney-2021q1.csv", None),  # a calendar quarter or a financial one? not guessed
        ("hackney 2021-23 Q1.csv", None),  # not a financial year
    ],
)
def test_financial_year_quarter_in_a_file_name(name: str, expected: date | None) -> None:
    assert fy_quarter_in(name) == expected


def _row(day: date) -> tuple[int, MeetingRow]:
    return 2, MeetingRow.model_validate(meeting("E09000012", day), context={"today": date(2030, 1, 1)})


def test_a_return_claims_the_quarter_holding_most_of_its_meetings() -> None:
    # two of three meetings in 2020-21 Q1: that is the return's quarter
    rows = [_row(date(2020, 4, 9)), _row(date(2020, 5, 14)), _row(date(2020, 7, 2))]
    assert claimed_quarters("hackney.csv", rows) == {"E09000012": date(2020, 4, 1)}
    # one in each of two quarters: no claim, so no meeting is called out of place
    assert claimed_quarters("hackney.csv", rows[1:]) == {}
    # the file name wins over the meetings
    assert claimed_quarters("hackney 2020-21 Q2.csv", rows) == {"E09000012": date(2020, 7, 1)}


# ------------------------------------------------------------------ checks beside held data


def test_a_years_returns_checked_together_compare_with_each_other(db: Path, tmp_path: Path) -> None:
    # 2021-22: Q1 10 cases, Q2 10, Q3 30 (+200% on Q2), Q4 10 (-67% on Q3). Q1 against 2020-21 Q4 (100): -90%;
    # each is also against the same quarter of 2020-21 (100 cases): -90%, -90%, -70%, -90%.
    files = [
        hackney_return(tmp_path, f"hackney 2021-22 Q{n}.csv", (day, cases))
        for n, (day, cases) in enumerate(
            [(date(2021, 5, 11), 10), (date(2021, 8, 10), 10), (date(2021, 11, 9), 30), (date(2022, 2, 8), 10)], start=1
        )
    ]
    checked = check_uploads(db, files, today=date(2022, 3, 31))
    sharp = [[p.message for p in f.report.problems if p.code == "cases-changed-sharply"] for f in checked.files]
    assert sharp == [
        [
            "E09000012 2021-22 Q1: 10 cases discussed against 100 in the previous quarter (2020-21 Q4), -90%",
            "E09000012 2021-22 Q1: 10 cases discussed against 100 in the same quarter a year earlier (2020-21 Q1), -90%",
        ],
        ["E09000012 2021-22 Q2: 10 cases discussed against 100 in the same quarter a year earlier (2020-21 Q2), -90%"],
        [
            "E09000012 2021-22 Q3: 30 cases discussed against 10 in the previous quarter (2021-22 Q2), +200%",
            "E09000012 2021-22 Q3: 30 cases discussed against 100 in the same quarter a year earlier (2020-21 Q3), -70%",
        ],
        [
            "E09000012 2021-22 Q4: 10 cases discussed against 30 in the previous quarter (2021-22 Q3), -67%",
            "E09000012 2021-22 Q4: 10 cases discussed against 100 in the same quarter a year earlier (2020-21 Q4), -90%",
        ],
    ]
    assert [f.outcome for f in checked.files] == ["would load"] * 4

    # before/after figures come from the copy: Hackney holds 2021-22 only once committed
    def quarters(tables: dict[str, pl.DataFrame]) -> list[date]:
        return sorted(tables["meeting"].filter(pl.col("marac_code") == "E09000012")["quarter_start"].to_list())

    assert quarters(checked.before)[-1] == date(2021, 1, 1)
    assert quarters(checked.after)[-1] == date(2022, 1, 1)


def test_a_change_of_exactly_half_is_not_flagged(db: Path, tmp_path: Path) -> None:
    # 50 + 100 = 150 against 100 in both 2020-21 Q4 and 2020-21 Q1 is +50%: within the limit
    files = [hackney_return(tmp_path, "hackney 2021-22 Q1.csv", (date(2021, 5, 11), 50), (date(2021, 6, 8), 100))]
    checked = check_uploads(db, files, today=TODAY)
    assert [p.code for p in checked.files[0].report.problems] == []


# ------------------------------------------------------------------ commit


def test_commit_loads_what_was_checked_and_records_who(db: Path, tmp_path: Path) -> None:
    files = [hackney_return(tmp_path, "hackney 2020-21 Q4.csv", (date(2021, 2, 9), 90))]
    checked = check_uploads(db, files, today=TODAY)
    assert [p.code for p in checked.files[0].notes] == ["quarter-already-held"]
    results = commit_uploads(db, files, checked, who="Alice Coordinator", today=TODAY)
    assert [(r.outcome, r.rows_superseded) for r in results] == [("loaded", 1)]
    name, outcome, who, problems = log_rows(db)[-1]
    assert (name, outcome, who) == ("hackney 2020-21 Q4.csv", "loaded", "Alice Coordinator")
    # the warning the coordinator saw is kept with the load
    assert [p["code"] for p in json.loads(problems)] == ["quarter-already-held"]
    held = history(db, "E09000012", date(2021, 1, 1))[0]
    assert [(v.loaded_by, v.cases, v.current) for v in held.versions] == [
        ("test", 100, False),
        ("Alice Coordinator", 90, True),
    ]
    assert held.versions[1].changes[0] == Change(date(2021, 2, 9), "Number of cases discussed", 100.0, 90.0)


def test_commit_refuses_if_the_database_changed_after_the_check(db: Path, tmp_path: Path) -> None:
    files = [hackney_return(tmp_path, "hackney 2021-22 Q1.csv", (date(2021, 5, 11), 100))]
    checked = check_uploads(db, files, today=TODAY)
    with store.writing(db) as conn:  # someone else loads in between
        name, content = hackney_return(tmp_path, "other.csv", (date(2021, 6, 8), 5))
        store.load_file(conn, name, content=content, today=TODAY)
    logged = log_rows(db)
    with pytest.raises(
        store.StoreError, match=r"changed after these files were checked .*nothing was written: check the files again"
    ):
        commit_uploads(db, files, checked, who="Alice", today=TODAY)
    assert log_rows(db) == logged


def test_commit_refuses_files_other_than_those_checked(db: Path, tmp_path: Path) -> None:
    checked = check_uploads(db, [hackney_return(tmp_path, "a.csv", (date(2021, 5, 11), 100))], today=TODAY)
    other = [hackney_return(tmp_path, "a.csv", (date(2021, 5, 11), 99))]
    with pytest.raises(store.StoreError, match="not the files that were checked"):
        commit_uploads(db, other, checked, who="Alice", today=TODAY)


def test_a_check_on_no_database_creates_none(tmp_path: Path) -> None:
    db = tmp_path / "new.duckdb"
    checked = check_uploads(db, [hackney_return(tmp_path, "a.csv", (date(2021, 5, 11), 10))], today=TODAY)
    assert checked.files[0].outcome == "would load" and not db.exists()
    commit_uploads(db, [hackney_return(tmp_path, "a.csv", (date(2021, 5, 11), 10))], checked, who="Bo", today=TODAY)
    assert [r[:3] for r in log_rows(db)] == [("a.csv", "loaded", "Bo")]


# ------------------------------------------------------------------ history


def _rows(*rows: tuple[date, int, int, int]) -> pl.DataFrame:
    """(meeting date, source row, cases, repeats) with every other count 0."""
    from loaders.return_layout import COUNT_FIELDS

    return pl.DataFrame(
        [
            {
                "meeting_date": d,
                "source_row": r,
                **dict.fromkeys(COUNT_FIELDS, 0),
                "cases_discussed": c,
                "repeat_cases": rep,
            }
            for d, r, c, rep in rows
        ]
    )


def test_versions_compare_meeting_by_meeting() -> None:
    jan, feb, mar = date(2021, 1, 14), date(2021, 2, 11), date(2021, 3, 11)
    old = _rows((jan, 2, 4, 1), (feb, 3, 3, 0), (feb, 4, 2, 0))
    # January's repeats corrected, the second February meeting dropped, March added
    new = _rows((jan, 2, 4, 2), (feb, 3, 3, 0), (mar, 4, 5, 1))
    assert [c.text() for c in changes(old, new)] == [
        "meeting of 14/01/2021, Number of repeat cases: 1 → 2",
        "meeting of 11/02/2021 removed",
        "meeting of 11/03/2021 added",
    ]


def test_marac_history_prints_every_version(db: Path, tmp_path: Path) -> None:
    files = [hackney_return(tmp_path, "hackney 2020-21 Q4.csv", (date(2021, 2, 9), 90))]
    commit_uploads(db, files, check_uploads(db, files, today=TODAY), who="Alice", today=TODAY)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "marac_cli.main",
            "history",
            "--db",
            str(db),
            "--marac",
            "e09000012",
            "--quarter",
            "2020-21 Q4",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = [line.strip() for line in done.stdout.splitlines()]
    assert lines[0] == "E09000012 2020-21 Q4: 2 version(s)"
    assert lines[1].startswith("load ") and lines[1].endswith(
        "by test  hackney_q4.csv  1 meeting(s), 100 cases  (replaced by load " + lines[2].split()[1] + ")"
    )
    assert lines[2].endswith("by Alice  hackney 2020-21 Q4.csv  1 meeting(s), 90 cases  (current)")
    # HACKNEY's counts against the new meeting's (90 cases, 90 police referrals, 1 male victim/survivor, the rest 0)
    assert lines[3:] == [
        f"meeting of 09/02/2021, {change}"
        for change in (
            "Number of cases discussed: 100 → 90",
            "Number of repeat cases: 30 → 0",
            "Number of children in household: 120 → 0",
            "Referrals: Police: 50 → 90",
            "Referrals: IDVA: 30 → 0",
            "Referrals: Children's Social Care: 19.5 → 0",
            "Referrals: Housing: 0.5 → 0",
            "Victims: Black, Asian or racially minoritised: 60 → 0",
            "Victims: LGBT+: 2 → 0",
            "Victims: disabled: 20 → 0",
            "Victims: male: 8 → 1",
            "Victims: aged 16-17: 1 → 0",
        )
    ]


def test_marac_check_writes_nothing_and_exits_1_on_a_refusal(db: Path, tmp_path: Path) -> None:
    bad = Path(__file__).resolve().parents[1] / "data" / "bad" / "unknown-marac.csv"
    before = db.read_bytes()
    done = subprocess.run(
        [sys.executable, "-m", "marac_cli.main", "check", str(bad), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert (
        'ERROR unknown-marac.csv, row 3, column "marac_code": this MARAC code is not in the registry (value "E09999999"); '
        "expected a MARAC code from the registry (e.g. E09000012 for Hackney), or the MARAC added to the registry "
        "first (marac registry export, add its row, marac registry load) [unknown-marac]"
    ) in done.stderr
    assert "0 would load, 0 unchanged, 1 would be refused" in done.stderr and "Nothing was written." in done.stderr
    assert db.read_bytes() == before


def test_same_named_uploads_get_names_no_other_upload_has() -> None:
    names = [
        n
        for n, _ in unique_names(
            [("return.csv", b"a"), ("return.csv", b"b"), ("return (2).csv", b"c"), ("notes", b"d"), ("notes", b"e")]
        )
    ]
    assert names == ["return.csv", "return (2).csv", "return (2) (2).csv", "notes", "notes (2)"]


def test_checking_against_a_file_that_is_not_a_database_says_so(tmp_path: Path) -> None:
    db = tmp_path / "notes.duckdb"
    db.write_text("not a database")
    with pytest.raises(store.StoreError, match=r"notes.duckdb is not a MARAC dashboard database \(IOException\)"):
        check_uploads(db, [hackney_return(tmp_path, "a.csv", (date(2021, 5, 11), 10))], today=TODAY)
    assert db.read_text() == "not a database"
