"""A batch is safe whatever one file holds: a reader that raises, a stray MARAC, a quarter cut short, a symlinked --db.

Islington (E09000019) holds 2021-22 Q1 here as 6 meetings and 118 cases (20 x 5 + 18), the
figures of the Hackney file that once cut it to 1 meeting and 10 cases with one warning.
"""

from __future__ import annotations

import csv
import threading
import time
import xml.etree.ElementTree as ET
import zipfile
from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from loaders import store
from loaders.upload import check_uploads, commit_uploads
from marac_cli.main import app
from tests.helpers.returns import HACKNEY, TODAY, meeting, write_csv

ISLINGTON = "E09000019"
Q1 = date(2021, 4, 1)  # 2021-22 Q1; TODAY is its last day
ISLINGTON_CASES = [20, 20, 20, 20, 20, 18]
ISLINGTON_DAYS = ["08/04/2021", "22/04/2021", "06/05/2021", "20/05/2021", "03/06/2021", "17/06/2021"]

UNREADABLE_LINE = (
    "ERROR damaged.xlsx: the file could not be read: it may be damaged or encrypted; expected the return saved "
    "again from Excel or LibreOffice as .xlsx or .csv, without a password [unreadable-file]"
)


def islington_row(day: str, cases: int) -> list[object]:
    """One Islington meeting, every case referred by the police (so no referral warning)."""
    return meeting(
        marac_code=ISLINGTON,
        meeting_date=day,
        cases_discussed=cases,
        referrals_police=cases,
        referrals_idva=0,
        referrals_childrens_social_care=0,
    )


def hackney_row(day: str) -> list[object]:
    return meeting(meeting_date=day)


def held_islington(tmp_path: Path) -> Path:
    db = tmp_path / "marac.duckdb"
    path = write_csv(
        tmp_path / "islington-2021-22-q1.csv",
        [islington_row(d, c) for d, c in zip(ISLINGTON_DAYS, ISLINGTON_CASES, strict=True)],
    )
    with store.writing(db) as conn:
        assert store.load_file(conn, path, today=TODAY).outcome == "loaded"
    return db


def quarters(db: Path) -> list[tuple]:
    """Each MARAC-quarter held now: meetings and cases."""
    conn = duckdb.connect(str(db), read_only=True)
    try:
        return conn.execute(
            "SELECT marac_code, quarter_start, count(*), sum(cases_discussed) FROM meeting_current "
            "GROUP BY ALL ORDER BY ALL"
        ).fetchall()
    finally:
        conn.close()


def logged(db: Path) -> list[tuple]:
    conn = duckdb.connect(str(db), read_only=True)
    try:
        return conn.execute(
            "SELECT file_name, outcome, message, problems FROM load_log WHERE outcome != 'reference' ORDER BY load_id"
        ).fetchall()
    finally:
        conn.close()


def load(db: Path, *paths: Path, **options: object) -> list[store.LoadResult]:
    with store.writing(db) as conn:
        return [store.load_file(conn, p, today=TODAY, **options) for p in paths]


# --------------------------------------------------------------------------- a reader that raises


FAILURES = [
    UnicodeDecodeError("utf-16-le", b"\x00", 0, 1, "truncated data"),
    zipfile.BadZipFile("Bad CRC-32 for file 'xl/worksheets/sheet1.xml'"),
    RuntimeError("File <ZipInfo filename='/srv/marac/uploads/xl/workbook.xml'> is encrypted, password required"),
    NotImplementedError("That compression method is not supported"),
    ET.ParseError("no element found: line 1, column 4087"),
    ValueError("could not convert string to float: 'twelve'"),
    csv.Error("field larger than field limit (131072)"),
    MemoryError(),
]


def raising_reader(monkeypatch: pytest.MonkeyPatch, failure: BaseException, name: str = "damaged.xlsx") -> None:
    """The file called `name` makes the reader raise `failure`; every other file reads as usual."""
    real = store.read_table

    def read_table(path, content=None):
        if Path(path).name == name:
            raise failure
        return real(path, content)

    monkeypatch.setattr(store, "read_table", read_table)


@pytest.mark.parametrize("failure", FAILURES, ids=lambda f: type(f).__name__)
def test_a_file_the_reader_raises_on_is_refused_in_plain_words_and_the_batch_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    db = held_islington(tmp_path)
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(b"PK\x03\x04 not really a workbook")
    hackney = write_csv(tmp_path / "hackney.csv", [hackney_row("14/04/2021")])
    raising_reader(monkeypatch, failure)

    first, second = load(db, damaged, hackney)

    assert (first.outcome, second.outcome) == ("refused", "loaded")
    expected = store.TOO_BIG_TO_READ if isinstance(failure, MemoryError) else store.UNREADABLE
    assert [(p.code, p.message) for p in first.report.problems] == [("unreadable-file", expected)]
    assert first.report.rows == 0 and first.table is None
    assert quarters(db) == [(HACKNEY, Q1, 1, 4), (ISLINGTON, Q1, 6, 118)]
    (_, _, _, _), refused, loaded = logged(db)
    assert refused[:2] == ("damaged.xlsx", "refused") and loaded[:2] == ("hackney.csv", "loaded")
    if not isinstance(failure, MemoryError):
        assert refused[2] == f"refused: 1 error(s); first: {UNREADABLE_LINE}"
    # nothing of the exception reaches the log: no traceback, no server path, no library's words
    for text in refused[2:]:
        assert "Traceback" not in text and "/srv" not in text and type(failure).__name__ not in text


def test_marac_load_refuses_a_file_the_reader_raises_on_and_loads_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = held_islington(tmp_path)
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(b"PK\x03\x04")
    hackney = write_csv(tmp_path / "hackney.csv", [hackney_row("14/04/2021")])
    raising_reader(monkeypatch, zipfile.BadZipFile("File is not a zip file: /srv/marac/damaged.xlsx"))

    done = CliRunner().invoke(app, ["load", str(damaged), str(hackney), "--db", str(db)])

    assert done.exit_code == 1, done.output
    assert done.exception is None or isinstance(done.exception, SystemExit)
    assert UNREADABLE_LINE in done.output.splitlines()
    assert "1 loaded (0 replacing earlier returns, kept as history), 0 unchanged, 1 refused" in done.output
    assert "Traceback" not in done.output and "/srv" not in done.output
    assert (HACKNEY, Q1, 1, 4) in quarters(db)


def test_checking_a_file_the_reader_raises_on_refuses_it_and_checks_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = held_islington(tmp_path)
    before = db.read_bytes()
    raising_reader(monkeypatch, UnicodeDecodeError("utf-16-le", b"\x00", 0, 1, "truncated data"))
    hackney = write_csv(tmp_path / "hackney.csv", [hackney_row("14/04/2021")]).read_bytes()

    checked = check_uploads(db, [("damaged.xlsx", b"\xff\xfe\x00"), ("hackney.csv", hackney)], today=TODAY)

    assert [(f.name, f.outcome) for f in checked.files] == [("damaged.xlsx", "refused"), ("hackney.csv", "would load")]
    assert [p.line() for p in checked.files[0].report.problems] == [UNREADABLE_LINE]
    assert db.read_bytes() == before


def test_an_uploaded_file_name_is_kept_whole(tmp_path: Path) -> None:
    """A name with a slash (a Mac allows one) is the user's name, not a path to cut at its last part."""
    db = tmp_path / "marac.duckdb"
    content = write_csv(tmp_path / "any.csv", [hackney_row("14/04/2021"), hackney_row("31/13/2021")]).read_bytes()
    name = "Hackney 2021/22 Q1 [final].csv"

    checked = check_uploads(db, [(name, content)], today=TODAY)
    assert checked.files[0].name == name
    assert {p.file for p in checked.files[0].report.problems} == {name}
    assert checked.files[0].report.problems[0].line().startswith(f"ERROR {name}, row 3, ")

    with store.writing(db) as conn:
        result = store.load_file(conn, name, name=name, content=content, today=TODAY)
    assert result.file == name and logged(db)[0][:2] == (name, "refused")


def test_a_storage_failure_names_no_server_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "marac.duckdb"
    hackney = write_csv(tmp_path / "hackney.csv", [hackney_row("14/04/2021")])

    def full(*args: object, **kwargs: object) -> None:
        raise OSError('IO Error: could not write "/srv/marac/data/.marac.duckdb.123.loading": No space left')

    monkeypatch.setattr(store.pa, "table", full)
    (result,) = load(db, hackney)
    assert result.refused
    assert result.report.problems[-1].message == (
        'the file passed every check but could not be stored (OSError: IO Error: could not write ".marac.duckdb.123'
        '.loading": No space left); nothing from it was loaded'
    )


# --------------------------------------------------------------------------- a file changes only what it is for


def test_a_row_for_another_marac_refuses_the_file_and_names_it(tmp_path: Path) -> None:
    db = held_islington(tmp_path)
    stray = write_csv(
        tmp_path / "hackney.csv",
        [
            hackney_row("14/04/2021"),
            hackney_row("12/05/2021"),
            hackney_row("09/06/2021"),
            islington_row("10/06/2021", 10),
        ],
    )

    (result,) = load(db, stray)

    assert result.refused
    assert [p.line() for p in result.report.errors] == [
        'ERROR hackney.csv, row 5, column "marac_code": row 5 is for E09000019, but this return is for E09000012 '
        '(3 of its 4 rows); loading it would replace E09000019\'s quarter with these rows (value "E09000019"); '
        "expected one MARAC's meetings in each return (send each MARAC's meetings in a return of its own) "
        "[several-maracs]"
    ]
    assert quarters(db) == [(ISLINGTON, Q1, 6, 118)]  # Islington's quarter as it was: 6 meetings, 118 cases
    assert logged(db)[-1][:2] == ("hackney.csv", "refused")
    assert load(db, stray, replace=True)[0].refused  # --replace never lets a second MARAC in


def test_a_file_split_evenly_between_two_maracs_names_both(tmp_path: Path) -> None:
    db = tmp_path / "marac.duckdb"
    mixed = write_csv(tmp_path / "mixed.csv", [islington_row("08/04/2021", 4), hackney_row("14/04/2021")])
    (result,) = load(db, mixed)
    assert [p.message for p in result.report.errors] == [
        "the rows are for 2 MARACs (E09000012 on row 3; E09000019 on row 2), so it is not clear which MARAC this "
        "return is for"
    ]
    assert not (db.exists() and quarters(db))


def test_a_return_removing_most_of_a_held_quarter_needs_replace(tmp_path: Path) -> None:
    db = held_islington(tmp_path)
    short = write_csv(
        tmp_path / "islington-short.csv", [islington_row("08/04/2021", 6), islington_row("22/04/2021", 4)]
    )

    (refused,) = load(db, short)
    assert refused.refused
    assert [p.line() for p in refused.report.errors] == [
        "ERROR islington-short.csv: E09000019 2021-22 Q1 holds 6 meeting(s), 118 cases; this file would leave it "
        "2 meeting(s), 10 cases, removing more than half its meetings. If this file really is the whole of that "
        "quarter's return, confirm it: load it with `marac load --replace`, or tick \"Replace quarters that would "
        'lose most of their meetings" on the Check a return page (value "2"); expected a complete return for every '
        "quarter the file touches [replaces-most-of-quarter]"
    ]
    assert quarters(db) == [(ISLINGTON, Q1, 6, 118)]  # nothing changed but the refusal's row in the log
    assert logged(db)[-1][:2] == ("islington-short.csv", "refused")

    (confirmed,) = load(db, short, replace=True)
    assert confirmed.outcome == "loaded"
    assert [p.message for p in confirmed.report.warnings] == [
        "replaces the 6 meeting(s) held for E09000019 in the quarter starting 2021-04-01 with 2 "
        "(confirmed as the whole return)"
    ]
    assert quarters(db) == [(ISLINGTON, Q1, 2, 10)]


def test_a_return_keeping_half_a_held_quarter_loads_with_a_warning(tmp_path: Path) -> None:
    db = held_islington(tmp_path)
    half = write_csv(tmp_path / "islington-half.csv", [islington_row(d, 5) for d in ISLINGTON_DAYS[:3]])
    (result,) = load(db, half)
    assert result.outcome == "loaded"
    assert [p.code for p in result.report.warnings] == ["fewer-meetings-than-held"]
    assert quarters(db) == [(ISLINGTON, Q1, 3, 15)]


def test_marac_load_replace_confirms_a_shrinking_quarter(tmp_path: Path) -> None:
    db = held_islington(tmp_path)
    short = write_csv(tmp_path / "islington-short.csv", [islington_row("08/04/2021", 6)])
    runner = CliRunner()
    refused = runner.invoke(app, ["load", str(short), "--db", str(db)])
    assert refused.exit_code == 1 and "[replaces-most-of-quarter]" in refused.output
    assert quarters(db) == [(ISLINGTON, Q1, 6, 118)]
    done = runner.invoke(app, ["load", str(short), "--db", str(db), "--replace"])
    assert done.exit_code == 0, done.output
    assert quarters(db) == [(ISLINGTON, Q1, 1, 6)]


def test_a_file_named_for_a_quarter_may_not_replace_another_held_quarter(tmp_path: Path) -> None:
    db = held_islington(tmp_path)
    named = write_csv(
        tmp_path / "islington 2020-21 Q4.csv", [islington_row("11/03/2021", 8), islington_row("10/06/2021", 10)]
    )
    (result,) = load(db, named)
    assert [p.message for p in result.report.errors] == [
        "the file is named for 2020-21 Q4, but row 3 is in E09000019 2021-22 Q1, which is held (6 meeting(s), "
        "118 cases): loading it would replace that quarter with 1 meeting(s), 10 cases"
    ]
    assert quarters(db) == [(ISLINGTON, Q1, 6, 118)]


def test_the_check_page_confirmation_is_what_the_commit_loads(tmp_path: Path) -> None:
    db = held_islington(tmp_path)
    short = write_csv(tmp_path / "x.csv", [islington_row("08/04/2021", 6)]).read_bytes()
    files = [("islington.csv", short)]
    plain = check_uploads(db, files, today=TODAY)
    assert plain.files[0].outcome == "refused" and [p.code for p in plain.needs_replace] == ["replaces-most-of-quarter"]
    confirmed = check_uploads(db, files, today=TODAY, replace=True)
    assert confirmed.files[0].outcome == "would load" and not confirmed.needs_replace
    assert [r.outcome for r in commit_uploads(db, files, confirmed, who="Alice", today=TODAY)] == ["loaded"]
    assert quarters(db) == [(ISLINGTON, Q1, 1, 6)]


# --------------------------------------------------------------------------- one database, one lock


def test_a_symlinked_db_stays_a_link_and_shares_the_real_files_lock(tmp_path: Path) -> None:
    real = held_islington(tmp_path)
    (tmp_path / "links").mkdir()
    link = tmp_path / "links" / "current.duckdb"
    link.symlink_to(real)
    assert store.lock_path(link) == store.lock_path(real) == real.with_name("marac.duckdb.lock")

    load(link, write_csv(tmp_path / "hackney.csv", [hackney_row("14/04/2021")]))

    assert link.is_symlink() and link.resolve() == real
    assert quarters(real) == [(HACKNEY, Q1, 1, 4), (ISLINGTON, Q1, 6, 118)]
    assert not list((tmp_path / "links").glob("*.lock"))


def test_two_loads_at_once_through_two_paths_both_apply(tmp_path: Path) -> None:
    real = held_islington(tmp_path)
    link = tmp_path / "link.duckdb"
    link.symlink_to(real)
    hackney = write_csv(tmp_path / "hackney.csv", [hackney_row("14/04/2021")])
    tower = write_csv(tmp_path / "th.csv", [meeting(marac_code="E09000030", meeting_date="15/04/2021")])
    outcomes: list[str] = []

    def through_link() -> None:
        outcomes.extend(r.outcome for r in load(link, tower))

    with store.writing(real) as conn:  # the first load holds the lock while the second starts
        other = threading.Thread(target=through_link)
        other.start()
        time.sleep(0.5)
        assert other.is_alive()  # waiting for the same lock, not copying the old state beside it
        assert store.load_file(conn, hackney, today=TODAY).outcome == "loaded"
    other.join(timeout=60)

    assert outcomes == ["loaded"] and link.is_symlink()
    assert quarters(real) == [(HACKNEY, Q1, 1, 4), (ISLINGTON, Q1, 6, 118), ("E09000030", Q1, 1, 4)]
