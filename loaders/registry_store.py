"""The registry's tables in the database: every version a partnership loaded, and the current one as `marac` and
`marac_area`, the two tables the metrics read.

A registry is data, held in the database and never in the checkout, so a partnership's set-up survives `git pull`
and nothing it loads makes the working tree dirty. A new version replaces the current one in one transaction and
the old ones stay (`marac registry history`); returns held for a MARAC a new version drops are kept, never deleted.
A database is seeded with the shipped default (`data/reference/registry.csv`) when it is made, or, for a database
written before registries were loaded, with the MARACs it already held.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from loaders import load_log
from loaders.problems import ValidationReport
from loaders.reference import REFERENCE_DIR, ReferenceError
from loaders.registry import COLUMNS, RegistryFile, RegistryRow, read_registry

SHIPPED_FILE = "registry.csv"

SCHEMA = """
CREATE TABLE IF NOT EXISTS registry_version (
    version INTEGER PRIMARY KEY,
    load_id BIGINT,
    loaded_at TIMESTAMP NOT NULL,
    loaded_by VARCHAR,
    file_name VARCHAR NOT NULL,
    sha256 VARCHAR,
    maracs INTEGER NOT NULL,
    areas INTEGER NOT NULL,
    source VARCHAR NOT NULL  -- shipped | loaded | carried over
);
CREATE TABLE IF NOT EXISTS registry_row (
    version INTEGER NOT NULL,
    source_row INTEGER NOT NULL,
    marac_code VARCHAR NOT NULL,
    marac_name VARCHAR NOT NULL,
    lad_code VARCHAR NOT NULL,
    share DOUBLE,
    sub_area VARCHAR,
    sub_area_word VARCHAR,
    status VARCHAR,
    note VARCHAR
);
"""


@dataclass
class RegistryLoad:
    outcome: str  # loaded | unchanged | refused
    read: RegistryFile
    version: int | None = None
    message: str = ""

    @property
    def refused(self) -> bool:
        return self.outcome == "refused"


def _tables(conn: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables").fetchall()}


def current_version(conn: duckdb.DuckDBPyConnection) -> int | None:
    return conn.execute("SELECT max(version) FROM registry_version").fetchall()[0][0]


def carry_over(conn: duckdb.DuckDBPyConnection) -> None:
    """Before the shipped reference files are refreshed: a database written before registries were loaded keeps the
    MARACs it held (and the BCUs its area table named) as its first registry version."""
    conn.execute(SCHEMA)
    present = _tables(conn)
    if current_version(conn) is not None or not {"marac", "marac_area"} <= present:
        return
    area_columns = {r[0] for r in conn.execute("DESCRIBE area").fetchall()} if "area" in present else set()
    bcu = "a.bcu" if "bcu" in area_columns else "NULL"
    join = "LEFT JOIN area a USING (lad_code)" if "area" in present else ""
    frame = conn.sql(
        f"""
        SELECT row_number() OVER (ORDER BY x.marac_code, x.lad_code)::INTEGER + 1 AS source_row, x.marac_code,
               m.marac_name, x.lad_code, CASE WHEN x.share = 1 THEN NULL ELSE x.share END AS share,
               {bcu} AS sub_area,
               CASE WHEN m.police_force_area = 'Metropolitan Police' THEN 'BCU' ELSE NULL END AS sub_area_word,
               m.grouping_status AS status, m.note
        FROM marac_area x JOIN marac m USING (marac_code) {join}
        """
    ).pl()
    _insert(conn, frame, file_name="registry held before registries were loaded", who=None, source="carried over")


def seed(conn: duckdb.DuckDBPyConnection, reference_dir: Path = REFERENCE_DIR) -> None:
    """After the reference files: a new database starts on the shipped registry, checked like any registry file."""
    if current_version(conn) is not None:
        if "marac" not in _tables(conn):
            apply(conn)
        return
    read = _shipped(reference_dir, _areas(conn))
    _insert(conn, _frame(read.rows), file_name=SHIPPED_FILE, who=None, source="shipped", sha256=read.report.sha256)


def shipped_rows(reference_dir: Path = REFERENCE_DIR) -> pl.DataFrame:
    """The shipped default registry in the file's columns, read and checked as `seed` reads it."""
    from loaders.reference import read_reference

    return _frame(_shipped(reference_dir, read_reference(reference_dir)["area"]).rows).select(COLUMNS)


def _shipped(reference_dir: Path, areas: pl.DataFrame) -> RegistryFile:
    """The shipped registry, checked like any file; an error in it is the product's, so it stops with the report."""
    read = read_registry(reference_dir / SHIPPED_FILE, areas)
    if not read.report.valid:
        raise ReferenceError(f"the shipped registry cannot be used:\n{read.report.text()}")
    return read


def _areas(conn: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return conn.sql("SELECT lad_code, lad_name, pfa_name FROM area").pl()


def _frame(rows: list[RegistryRow]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "source_row": [r.source_row for r in rows],
            "marac_code": [r.marac_code for r in rows],
            "marac_name": [r.marac_name for r in rows],
            "lad_code": [r.lad_code for r in rows],
            "share": [r.share for r in rows],
            "sub_area": [r.sub_area or None for r in rows],
            "sub_area_word": [r.sub_area_word or None for r in rows],
            "status": [r.status or None for r in rows],
            "note": [r.note or None for r in rows],
        },
        schema_overrides={
            "source_row": pl.Int32,
            "share": pl.Float64,
            **{c: pl.String for c in ("marac_code", "marac_name", "lad_code", "sub_area", "sub_area_word", "status")},
            "note": pl.String,
        },
    )


def _insert(
    conn: duckdb.DuckDBPyConnection,
    frame: pl.DataFrame,
    *,
    file_name: str,
    who: str | None,
    source: str,
    sha256: str | None = None,
    load_id: int | None = None,
) -> int:
    version = (current_version(conn) or 0) + 1
    conn.execute(
        "INSERT INTO registry_version VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            version,
            load_id,
            load_log.now(),
            who,
            file_name,
            sha256,
            frame["marac_code"].n_unique(),
            frame.height,
            source,
        ],
    )
    conn.register("incoming_registry", frame.with_columns(pl.lit(version, pl.Int32).alias("version")))
    conn.execute(
        "INSERT INTO registry_row SELECT version, source_row, marac_code, marac_name, lad_code, share, sub_area, "
        "sub_area_word, status, note FROM incoming_registry"
    )
    conn.unregister("incoming_registry")
    apply(conn)
    return version


def apply(conn: duckdb.DuckDBPyConnection) -> None:
    """Make the current version the `marac` and `marac_area` tables the metrics read."""
    version = current_version(conn)
    conn.execute(
        "CREATE OR REPLACE TABLE marac_area AS SELECT marac_code, lad_code, coalesce(share, 1.0) AS share "
        "FROM registry_row WHERE version = ? ORDER BY marac_code, lad_code",
        [version],
    )
    conn.execute(
        """
        CREATE OR REPLACE TABLE marac AS
        SELECT r.marac_code,
               first(r.marac_name ORDER BY r.source_row) AS marac_name,
               first(a.pfa_name ORDER BY r.source_row) AS police_force_area,
               coalesce(first(r.status ORDER BY r.source_row), '') AS grouping_status,
               first(r.note ORDER BY r.source_row) AS note,
               first(r.sub_area ORDER BY r.source_row) AS sub_area,
               first(r.sub_area_word ORDER BY r.source_row) AS sub_area_word
        FROM registry_row r LEFT JOIN area a USING (lad_code)
        WHERE r.version = ?
        GROUP BY r.marac_code ORDER BY r.marac_code
        """,
        [version],
    )


def held_maracs(conn: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, int, frozenset[str]]]:
    """MARAC code with returns held -> (the name and the authorities the newest registry version holding the code gave
    it, quarters of returns held): what the returns under the code belong to, even after a registry dropped it."""
    rows = conn.execute(
        """
        WITH held AS (SELECT marac_code, count(*)::INTEGER AS quarters FROM held_quarter GROUP BY marac_code),
        latest AS (SELECT marac_code, max(version) AS version FROM registry_row GROUP BY marac_code)
        SELECT h.marac_code, h.quarters,
               coalesce(first(r.marac_name ORDER BY r.source_row), ''),
               coalesce(list(DISTINCT r.lad_code) FILTER (WHERE r.lad_code IS NOT NULL), [])
        FROM held h LEFT JOIN latest l USING (marac_code)
        LEFT JOIN registry_row r ON r.marac_code = h.marac_code AND r.version = l.version
        GROUP BY h.marac_code, h.quarters
        """
    ).fetchall()
    return {code: (name, quarters, frozenset(lads)) for code, quarters, name, lads in rows}


def load_registry(
    conn: duckdb.DuckDBPyConnection,
    path: Path | str,
    *,
    who: str | None = None,
    content: bytes | None = None,
    name: str | None = None,
) -> RegistryLoad:
    """Check a registry file and, if it has no errors, make it the current registry in one transaction; the load,
    refused or not, goes in the load log."""
    path = Path(path)
    who = who or getpass.getuser()
    started = load_log.now()
    read = read_registry(path, _areas(conn), content=content, held=held_maracs(conn))
    if name is not None:
        read.report.file = name
        for p in read.report.problems:
            p.file = name
    report = read.report
    if not report.valid:
        message = f"registry refused: {len(report.errors)} error(s); the registry in use is unchanged"
        _log(conn, report, started, "refused", message, who)
        return RegistryLoad("refused", read, message=message)
    incoming = _frame(read.rows)
    held = rows(conn)
    if held is not None and _same(held, incoming):
        message = f"the same MARACs and authorities as registry version {current_version(conn)}; nothing changed"
        _log(conn, report, started, "unchanged", message, who)
        return RegistryLoad("unchanged", read, current_version(conn), message)
    conn.begin()
    try:
        load_id = _log(conn, report, started, "registry", "", who)
        version = _insert(
            conn, incoming, file_name=report.file, who=who, source="loaded", sha256=report.sha256, load_id=load_id
        )
        message = (
            f"registry version {version} in use: {read.maracs} MARAC{'s' if read.maracs != 1 else ''} over "
            f"{len(read.rows)} row{'s' if len(read.rows) != 1 else ''} of authorities"
            + (f"; returns kept for {len(read.dropped)} MARAC(s) it leaves out" if read.dropped else "")
        )
        conn.execute("UPDATE load_log SET message = ? WHERE load_id = ?", [message, load_id])
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    return RegistryLoad("loaded", read, version, message)


def _same(held: pl.DataFrame, incoming: pl.DataFrame) -> bool:
    def norm(frame: pl.DataFrame) -> pl.DataFrame:
        return (
            frame.select(COLUMNS)
            .with_columns(pl.exclude("share").cast(pl.String).fill_null(""))
            .sort("marac_code", "lad_code")
        )

    return norm(held).equals(norm(incoming))


def _log(
    conn: duckdb.DuckDBPyConnection, report: ValidationReport, started: datetime, outcome: str, message: str, who: str
) -> int:
    return load_log.record(conn, report, started, outcome, message, who)


def rows(conn: duckdb.DuckDBPyConnection, version: int | None = None) -> pl.DataFrame | None:
    """A registry version's rows in the file's columns (the current one by default), None if there is none."""
    version = version or current_version(conn)
    if version is None:
        return None
    return conn.sql(
        f"SELECT {', '.join(COLUMNS)} FROM registry_row WHERE version = {int(version)} ORDER BY source_row"
    ).pl()


def history(conn: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every registry version, newest first, with what it changed against the one before (MARACs added, removed)."""
    versions = conn.sql("SELECT * FROM registry_version ORDER BY version").pl()
    members = conn.sql("SELECT DISTINCT version, marac_code FROM registry_row").pl()
    added, removed = [], []
    before: set[str] = set()
    for version in versions["version"].to_list():
        now = set(members.filter(pl.col("version") == version)["marac_code"].to_list())
        added.append(len(now - before))
        removed.append(len(before - now))
        before = now
    return versions.with_columns(pl.Series("added", added), pl.Series("removed", removed)).sort(
        "version", descending=True
    )
