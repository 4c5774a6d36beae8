"""The rounding secret: made at a database's first write and kept for good, added once to an older database before
it may publish, never changed by later writes (a second secret would round every cell a second way)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from loaders import store


def _secret(db: Path) -> str | None:
    conn = duckdb.connect(str(db), read_only=True)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'disclosure_key'").fetchone()
    finally:
        conn.close()
    return row[0] if row else None


def _legacy(fixture_db: Path, tmp_path: Path) -> Path:
    """A copy of the fixture database as one written before secrets existed."""
    db = tmp_path / "legacy.duckdb"
    shutil.copyfile(fixture_db, db)
    conn = duckdb.connect(str(db))
    conn.execute("DELETE FROM meta WHERE key = 'disclosure_key'")
    conn.close()
    return db


def test_a_new_database_gets_a_random_secret_that_later_writes_keep(tmp_path: Path) -> None:
    first, second = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    for db in (first, second):
        with store.writing(db):
            pass
    made = _secret(first)
    assert made is not None and len(bytes.fromhex(made)) == 32 and made != _secret(second)
    with store.writing(first):
        pass
    assert _secret(first) == made and store.ensure_secret(first) is False


def test_an_older_database_gets_its_secret_once_and_keeps_it(fixture_db: Path, tmp_path: Path) -> None:
    db = _legacy(fixture_db, tmp_path)
    assert _secret(db) is None
    assert store.ensure_secret(db) is True
    added = _secret(db)
    assert added is not None and store.ensure_secret(db) is False
    with store.writing(db):
        pass
    assert _secret(db) == added


def test_published_figures_from_an_older_database_are_refused_until_it_has_a_secret(
    fixture_db: Path, tmp_path: Path
) -> None:
    db = _legacy(fixture_db, tmp_path)
    command = [sys.executable, "-m", "marac_cli.main", "metrics", "--db", str(db), "--period-end", "2021-03-31"]
    refused = subprocess.run([*command, "--published"], capture_output=True, text=True)
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.startswith("this database holds no secret for rounding published figures")
    assert f"`marac reference --db {db}`" in refused.stderr.replace("\n", "")
    assert subprocess.run(command, capture_output=True, text=True).returncode == 0  # the exact figures are not refused
    store.ensure_secret(db)
    assert subprocess.run([*command, "--published"], capture_output=True, text=True).returncode == 0
