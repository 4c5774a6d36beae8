"""The store never loses or half-shows data when the file on disk is odd: a stale log, a foreign file, a killed writer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from loaders import store
from tests.helpers.fixture_db import write_fixture_returns


def _load_two(db: Path, tmp_path: Path) -> list[Path]:
    paths = write_fixture_returns(tmp_path / "returns")
    with store.writing(db) as conn:
        for path in paths[:2]:
            store.load_file(conn, path)
    return paths


def test_stale_wal_from_another_program_is_applied_before_copying(tmp_path: Path) -> None:
    db = tmp_path / "marac.duckdb"
    paths = _load_two(db, tmp_path)
    # another program changes the file and dies before checkpointing, leaving marac.duckdb.wal
    script = (
        "import duckdb, os\n"
        f"c = duckdb.connect({str(db)!r})\n"
        "c.execute(\"SET checkpoint_threshold = '1GB'\")\n"
        "c.execute(\"INSERT INTO meta VALUES ('note', 'written by another program')\")\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)
    assert db.with_name(db.name + ".wal").exists()

    with store.writing(db) as conn:
        assert store.load_file(conn, paths[2]).outcome == "loaded"
    tables = store.read_tables(db)  # opens: the log was folded in, not left beside a newer file
    assert dict(tables["meta"].iter_rows())["note"] == "written by another program"
    assert tables["meeting"].height == 3
    assert not db.with_name(db.name + ".wal").exists()


def test_a_file_that_is_not_a_database_is_refused_clearly_and_left_alone(tmp_path: Path) -> None:
    db = tmp_path / "returns.duckdb"
    db.write_text("these are my notes, not a database")
    with (
        pytest.raises(store.StoreError, match=r"returns\.duckdb is not a MARAC dashboard database \(IOException"),
        store.writing(db),
    ):
        pass
    assert db.read_text() == "these are my notes, not a database"
    assert list(tmp_path.glob(".*.loading*")) == []
    with pytest.raises(store.StoreError, match="could not be opened"):
        store.read_tables(db)


def test_a_duckdb_file_of_another_kind_is_named_as_such(tmp_path: Path) -> None:
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()
    with pytest.raises(store.StoreError, match="is a DuckDB file but not a MARAC dashboard database"):
        store.read_tables(other)


def test_copies_left_by_a_killed_writer_are_cleared(tmp_path: Path) -> None:
    db = tmp_path / "marac.duckdb"
    _load_two(db, tmp_path)
    orphan = tmp_path / ".marac.duckdb.99999.loading"
    orphan.write_bytes(b"half a copy")
    with store.writing(db):
        pass
    assert not orphan.exists()


def test_cli_reports_unusable_database_without_a_traceback(tmp_path: Path) -> None:
    db = tmp_path / "notes.duckdb"
    db.write_text("not a database")
    done = subprocess.run(
        [sys.executable, "-m", "marac_cli.main", "log", "--db", str(db)], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "could not be opened" in done.stderr and "Traceback" not in done.stderr
    missing = subprocess.run(
        [sys.executable, "-m", "marac_cli.main", "log", "--db", str(tmp_path / "none.duckdb")],
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 2 and "no database at" in missing.stderr


def test_edited_reference_data_reaches_the_database_on_the_next_write(tmp_path: Path) -> None:
    import shutil

    from loaders import reference

    ref = tmp_path / "reference"
    shutil.copytree(reference.REFERENCE_DIR, ref)
    db = tmp_path / "marac.duckdb"
    with store.writing(db, ref):
        pass
    ranges = (
        (ref / "safelives_ranges.csv").read_text().replace("repeat_rate,range,0.28,0.40", "repeat_rate,range,0.30,0.40")
    )
    (ref / "safelives_ranges.csv").write_text(ranges)
    with store.writing(db, ref):
        pass
    tables = store.read_tables(db)
    assert tables["safelives_range"].filter(tables["safelives_range"]["indicator"] == "repeat_rate")[
        "lower"
    ].to_list() == [0.30]
    log = tables["load_log"].filter(tables["load_log"]["outcome"] == "reference")["message"].to_list()
    assert log[-1] == "reference tables refreshed; changed files: safelives_ranges.csv"
    assert len(log) == 2


class _FailingCommit:
    """A connection whose first commit fails after the transaction has ended, as a full disk does."""

    def __init__(self, conn: duckdb.DuckDBPyConnection) -> None:
        self._conn, self.failed = conn, False

    def commit(self) -> None:
        if not self.failed:
            self.failed = True
            self._conn.rollback()
            raise duckdb.IOException("Failed to commit: File too large (simulated)")
        self._conn.commit()

    def __getattr__(self, name: str) -> object:
        return getattr(self._conn, name)


def test_a_failed_commit_is_recorded_and_the_next_file_still_loads(tmp_path: Path) -> None:
    db = tmp_path / "marac.duckdb"
    paths = write_fixture_returns(tmp_path / "returns")
    with store.writing(db) as conn:
        flaky = _FailingCommit(conn)
        first = store.load_file(flaky, paths[0])
        second = store.load_file(flaky, paths[1])
    assert (first.outcome, second.outcome) == ("refused", "loaded")
    assert first.report.problems[-1].code == "load-failed"
    assert "File too large (simulated)" in first.report.problems[-1].message
    tables = store.read_tables(db)
    assert tables["meeting"]["marac_code"].to_list() == ["E09000030"]  # only the second file's meeting
    assert tables["load_log"].filter(tables["load_log"]["outcome"] != "reference")["outcome"].to_list() == [
        "refused",
        "loaded",
    ]


def test_a_mistyped_reference_edit_names_file_row_column_and_value(tmp_path: Path) -> None:
    import shutil

    from loaders import reference

    ref = tmp_path / "reference"
    shutil.copytree(reference.REFERENCE_DIR, ref)
    text = (
        (ref / "safelives_ranges.csv").read_text().replace("repeat_rate,range,0.28,0.40", "repeat_rate,range,28%,0.40")
    )
    (ref / "safelives_ranges.csv").write_text(text)
    row = next(i for i, line in enumerate(text.splitlines(), start=1) if line.startswith("repeat_rate"))
    with pytest.raises(store.StoreError) as caught, store.writing(tmp_path / "marac.duckdb", ref):
        pass
    assert str(caught.value) == (
        f'safelives_ranges.csv, row {row}, column "lower": "28%" is not a number '
        "(fractions as decimals, e.g. 0.28, not 28%)"
    )
