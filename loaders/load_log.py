"""One row in `load_log` per attempt to load anything (a return, a registry, a layout, boundaries): the one place the
row is written, so every kind of load is logged with the same columns, by whom and when."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import duckdb

from loaders.problems import ValidationReport


def now() -> datetime:
    """UTC, without a zone: how load_log and every table here hold times."""
    return datetime.now(UTC).replace(tzinfo=None)


def next_id(conn: duckdb.DuckDBPyConnection) -> int:
    return int(conn.execute("SELECT nextval('load_id_seq')").fetchall()[0][0])


def record(
    conn: duckdb.DuckDBPyConnection,
    report: ValidationReport,
    started: datetime,
    outcome: str,
    message: str,
    who: str,
    *,
    load_id: int | None = None,
    maracs: str = "",
    quarters: str = "",
    superseded: int = 0,
) -> int:
    """Write the attempt's row (its problems as JSON, the file's sha256) and return its load id."""
    load_id = load_id if load_id is not None else next_id(conn)
    conn.execute(
        "INSERT INTO load_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            load_id,
            report.file,
            report.sha256,
            report.rows,
            started,
            now(),
            outcome,
            message,
            json.dumps([p.model_dump(mode="json") for p in report.problems]),
            who,
            maracs,
            quarters,
            superseded,
        ],
    )
    return load_id
