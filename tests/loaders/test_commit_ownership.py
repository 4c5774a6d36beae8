"""A coordinator commits only their own MARACs' returns: the loader refuses another MARAC's file at the check and again
at the commit, whatever the page did, and a file checked while allowed is refused if the grant is gone by the commit.

On the fixture database (tests/helpers/fixture_db.py): Hackney (E09000012) and Tower Hamlets (E09000030) hold one
meeting a quarter in 2020-21; Islington (E09000019) is in the registry with no returns.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from loaders import store
from loaders.demo import write_return
from loaders.upload import check_uploads, commit_uploads
from tests.helpers.fixture_db import meeting

TODAY = date(2021, 6, 30)
HACKNEY, ISLINGTON, TOWER_HAMLETS = "E09000012", "E09000019", "E09000030"


@pytest.fixture
def db(fixture_db: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "returns.duckdb"
    shutil.copyfile(fixture_db, copy)
    return copy


def a_return(tmp_path: Path, name: str, code: str, day: date = date(2021, 5, 11), cases: int = 20) -> tuple[str, bytes]:
    path = write_return(
        tmp_path / name, [meeting(code, day, cases_discussed=cases, referrals_police=cases, victims_male=1)]
    )
    return name, path.read_bytes()


def snapshot(db: Path) -> tuple[list[tuple], list[tuple]]:
    conn = duckdb.connect(str(db), read_only=True)
    try:
        meetings = conn.execute("SELECT marac_code, meeting_date, cases_discussed FROM meeting ORDER BY ALL").fetchall()
        held = conn.execute("SELECT * FROM held_quarter ORDER BY ALL").fetchall()
        return meetings, held
    finally:
        conn.close()


def last_log(db: Path) -> tuple:
    conn = duckdb.connect(str(db), read_only=True)
    try:
        return conn.execute(
            "SELECT file_name, outcome, loaded_by, message FROM load_log ORDER BY load_id DESC LIMIT 1"
        ).fetchone()
    finally:
        conn.close()


def test_a_coordinators_own_return_is_checked_and_committed_under_their_identity(db: Path, tmp_path: Path) -> None:
    files = [a_return(tmp_path, "hackney 2021-22 Q1.csv", HACKNEY)]
    checked = check_uploads(db, files, today=TODAY, allowed=frozenset({HACKNEY}))
    assert [f.outcome for f in checked.files] == ["would load"]
    results = commit_uploads(db, files, checked, who="hackney@example.org", today=TODAY, allowed=frozenset({HACKNEY}))
    assert [r.outcome for r in results] == ["loaded"]
    assert last_log(db)[:3] == ("hackney 2021-22 Q1.csv", "loaded", "hackney@example.org")


def test_another_maracs_return_is_refused_at_the_check_by_name(db: Path, tmp_path: Path) -> None:
    before = snapshot(db)
    checked = check_uploads(
        db, [a_return(tmp_path, "islington 2021-22 Q1.csv", ISLINGTON)], today=TODAY, allowed=frozenset({HACKNEY})
    )
    (found,) = checked.files
    assert found.outcome == "refused"
    (error,) = found.report.errors
    assert error.code == "not-your-marac"
    assert error.message == (
        "this return is for Islington (E09000019), and you send returns for Hackney (E09000012) only, so it cannot "
        "be committed from your sign-in"
    )
    assert (error.row, error.column, error.value) == (2, "marac_code", ISLINGTON)
    assert error.expected == "a return for Hackney (E09000012) (an admin can add Islington to your MARACs)"
    assert snapshot(db) == before


def test_the_commit_refuses_another_marac_even_when_the_check_was_run_without_the_limit(
    db: Path, tmp_path: Path
) -> None:
    """A crafted request that skipped the page's check (or a check made before the grant changed) still cannot load."""
    files = [a_return(tmp_path, "islington 2021-22 Q1.csv", ISLINGTON)]
    checked = check_uploads(db, files, today=TODAY)  # as an admin would check it
    assert [f.outcome for f in checked.files] == ["would load"]
    before = snapshot(db)
    results = commit_uploads(db, files, checked, who="hackney@example.org", today=TODAY, allowed=frozenset({HACKNEY}))
    assert [(r.outcome, [p.code for p in r.report.errors]) for r in results] == [("refused", ["not-your-marac"])]
    assert snapshot(db) == before
    name, outcome, who, message = last_log(db)
    assert (name, outcome, who) == ("islington 2021-22 Q1.csv", "refused", "hackney@example.org")
    assert message.startswith(
        'refused: 1 error(s); first: ERROR islington 2021-22 Q1.csv, row 2, column "marac_code": this return is for '
        "Islington (E09000019)"
    )


def test_a_file_already_loaded_for_another_marac_is_refused_not_reported_unchanged(db: Path, tmp_path: Path) -> None:
    """Re-sending bytes already held is "unchanged" for its own MARAC's people, and refused for anyone else's."""
    files = [a_return(tmp_path, "tower 2021-22 Q1.csv", TOWER_HAMLETS)]
    with store.writing(db) as conn:
        name, content = files[0]
        assert store.load_file(conn, name, content=content, today=TODAY).outcome == "loaded"
    assert [f.outcome for f in check_uploads(db, files, today=TODAY).files] == ["unchanged"]
    checked = check_uploads(db, files, today=TODAY, allowed=frozenset({HACKNEY}))
    assert [(f.outcome, [p.code for p in f.report.errors]) for f in checked.files] == [("refused", ["not-your-marac"])]


def test_a_coordinator_for_two_maracs_may_commit_either(db: Path, tmp_path: Path) -> None:
    files = [
        a_return(tmp_path, "hackney 2021-22 Q1.csv", HACKNEY),
        a_return(tmp_path, "islington 2021-22 Q1.csv", ISLINGTON),
        a_return(tmp_path, "tower 2021-22 Q1.csv", TOWER_HAMLETS),
    ]
    both = frozenset({HACKNEY, ISLINGTON})
    checked = check_uploads(db, files, today=TODAY, allowed=both)
    assert [f.outcome for f in checked.files] == ["would load", "would load", "refused"]
    assert checked.files[2].report.errors[0].message == (
        "this return is for Tower Hamlets (E09000030), and you send returns for Hackney (E09000012), "
        "Islington (E09000019) only, so it cannot be committed from your sign-in"
    )
    results = commit_uploads(db, files, checked, who="two@example.org", today=TODAY, allowed=both)
    assert [r.outcome for r in results] == ["loaded", "loaded", "refused"]
    meetings, _ = snapshot(db)
    assert (TOWER_HAMLETS, date(2021, 5, 11), 20) not in meetings
    assert (ISLINGTON, date(2021, 5, 11), 20) in meetings
