"""The DuckDB database: schema, the write path (copy, load, swap) and the read path.

DuckDB lets one process write a file or many read it, never both. So that a load from the
CLI never locks out (or half-shows to) a dashboard that is open, writers never touch the
live file: they copy it, load each return in its own transaction in the copy, then swap
the copy in with an atomic `os.replace`. Readers open read-only, read everything they
need into memory, close, and re-read when the file's identity (its data version) changes.
A lock file serialises writers so two loads cannot both copy the same old state.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa

from loaders import load_log, reference, registry_store
from loaders.problems import Problem, ValidationReport, problem, rows_named
from loaders.raw_table import MAX_FILE_BYTES, RawTable
from loaders.return_checks import fy_quarter_in
from loaders.return_file import read_table
from loaders.return_layout import AGENCY_LABELS, COUNT_FIELDS, REFERRAL_FIELDS
from loaders.return_model import MeetingRow, NilRow, validate_table
from metrics.periods import quarter_label

_LOG = logging.getLogger(__name__)

#: what a coordinator is told when a reader fails in a way it did not foresee (the details go to the server log)
UNREADABLE = "the file could not be read: it may be damaged or encrypted"
TOO_BIG_TO_READ = (
    "the file could not be read: reading it would take far more memory than a quarterly return needs "
    "(it may be damaged, or a workbook that expands to an enormous size)"
)

_COUNT_COLUMNS = ",\n".join(
    f"    {name} {'DOUBLE' if name in REFERRAL_FIELDS else 'INTEGER'} NOT NULL" for name in COUNT_FIELDS
)

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE SEQUENCE IF NOT EXISTS load_id_seq START 1;
CREATE TABLE IF NOT EXISTS load_log (
    load_id BIGINT PRIMARY KEY,
    file_name VARCHAR NOT NULL,
    sha256 VARCHAR,
    rows INTEGER,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    outcome VARCHAR NOT NULL,  -- loaded | unchanged | refused | reference
    message VARCHAR,
    problems VARCHAR,          -- JSON list of problems (errors and warnings)
    loaded_by VARCHAR,
    maracs VARCHAR,
    quarters VARCHAR,
    rows_superseded INTEGER
);
-- One row per meeting, referral counts wide: the return is wide, the 14 agencies are
-- fixed by SafeLives, and group figures are plain column sums. Rows replaced by a later
-- return are kept, marked with the load that superseded them.
CREATE TABLE IF NOT EXISTS meeting (
    load_id BIGINT NOT NULL,
    source_row INTEGER NOT NULL,
    marac_code VARCHAR NOT NULL,
    quarter_start DATE NOT NULL,
    meeting_date DATE NOT NULL,
{_COUNT_COLUMNS},
    superseded_by BIGINT
);
-- Which load holds each MARAC-quarter now: a small table so replacement and "unchanged"
-- checks need not scan every meeting.
CREATE TABLE IF NOT EXISTS held_quarter (
    marac_code VARCHAR NOT NULL,
    quarter_start DATE NOT NULL,
    load_id BIGINT NOT NULL,
    PRIMARY KEY (marac_code, quarter_start)
);
-- A nil return: the MARAC held no meetings in the quarter. Held like a quarter of meetings (held_quarter names its
-- load), replaced and kept as history the same way, so it counts the quarter's population-time with 0 cases.
CREATE TABLE IF NOT EXISTS nil_quarter (
    load_id BIGINT NOT NULL,
    source_row INTEGER NOT NULL,
    marac_code VARCHAR NOT NULL,
    quarter_start DATE NOT NULL,
    return_date DATE NOT NULL,  -- the date the row gave, in the quarter
    superseded_by BIGINT
);
CREATE OR REPLACE VIEW meeting_current AS SELECT * FROM meeting WHERE superseded_by IS NULL;
"""

#: the registry's current MARACs and what each covers (made from `registry_store`), and its versions
REGISTRY_TABLES = ("marac", "marac_area", "registry_version")
_OPTIONAL_REFERENCE = {"cost", "national", "referral_sector", "event", "safelives_published"}  # not in older databases
_META_DEFAULTS = {"synthetic": "false", "population_base": "census2021"}


def quarter_start(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


#: the data version `writing(expect_version=...)` takes for "there was no database yet"
ABSENT = "absent"


def data_version(db_path: Path | str) -> str | None:
    """Changes whenever a writer swaps in a new file; None when there is no database."""
    try:
        st = os.stat(db_path)
    except FileNotFoundError:
        return None
    return f"{st.st_ino}-{st.st_mtime_ns}-{st.st_size}"


def _ensure_reference(conn: duckdb.DuckDBPyConnection, directory: Path) -> bool:
    """Bring reference tables in line with the shipped files; True if they changed."""
    hashes = reference.file_hashes(directory)
    held = dict(conn.execute("SELECT key, value FROM meta WHERE key LIKE 'reference:%'").fetchall())
    changed = sorted(f for f, h in hashes.items() if held.get(f"reference:{f}") != h)
    if not changed:
        return False
    started = _now()
    conn.begin()
    for table, frame in reference.read_reference(directory).items():
        conn.register("incoming_reference", frame)
        conn.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM incoming_reference")
        conn.unregister("incoming_reference")
    for file, digest in hashes.items():
        conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [f"reference:{file}", digest])
    conn.execute(
        "INSERT INTO load_log (load_id, file_name, started_at, finished_at, outcome, message, loaded_by) "
        "VALUES (nextval('load_id_seq'), ?, ?, ?, 'reference', ?, ?)",
        [
            "data/reference",
            started,
            _now(),
            "reference tables refreshed; changed files: " + ", ".join(changed),
            getpass.getuser(),
        ],
    )
    conn.commit()
    return True


def initialise(conn: duckdb.DuckDBPyConnection, reference_dir: Path = reference.REFERENCE_DIR) -> None:
    conn.execute(SCHEMA)
    for key, value in _META_DEFAULTS.items():
        conn.execute("INSERT OR IGNORE INTO meta VALUES (?, ?)", [key, value])
    # disclosure control's rounding secret (metrics.disclosure): made once, kept for good, so a cell rounds the same
    # way in every export; nothing published holds it
    conn.execute("INSERT OR IGNORE INTO meta VALUES ('disclosure_key', ?)", [secrets.token_hex(32)])
    # the registry is the partnership's own data: kept across reference refreshes, seeded once (loaders.registry_store)
    registry_store.carry_over(conn)
    _ensure_reference(conn, reference_dir)
    registry_store.seed(conn, reference_dir)


class StoreError(Exception):
    """The database file cannot be used (not ours, damaged, or in use); the message says which and why."""


def ensure_secret(db_path: Path | str) -> bool:
    """Give a database written before rounding secrets existed its secret now (one write, nothing else changed), so
    it can publish; True if one was added. `marac serve` calls it before starting: the dashboard only reads."""
    conn = open_read_only(Path(db_path))
    try:
        held = conn.execute("SELECT count(*) FROM meta WHERE key = 'disclosure_key'").fetchone()[0]
    except duckdb.CatalogException:
        held = 0
    finally:
        conn.close()
    if held:
        return False
    with writing(db_path):
        pass  # initialise adds the secret
    return True


def real_path(db_path: Path | str) -> Path:
    """The file a database path names once every symlink and `..` is followed.

    Writers lock and replace this, not the path as given: replacing a symlink would turn it into a
    plain file (the next load through the real path would then miss it), and two paths to one file
    would take two locks, so two loads at once would each copy the old state and one would be lost.
    """
    return Path(os.path.realpath(db_path))


def lock_path(db_path: Path | str) -> Path:
    """The side file writers of this database lock: the same for every path that names the file."""
    real = real_path(db_path)
    return real.with_name(real.name + ".lock")


@contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive lock on a small side file so only one writer works on a database at a time."""
    with open(lock_path, "a+b") as handle:
        if os.name == "nt":  # pragma: no cover - exercised on Windows only
            import msvcrt

            msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
        else:
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _settle_wal(db_path: Path) -> None:
    """Fold a write-ahead log left by another program into the file before copying it.

    A copy taken without its `.wal` would lose those changes and, once swapped in beside the
    stale log, could not be opened at all.
    """
    wal = db_path.with_name(db_path.name + ".wal")
    if not wal.exists():
        return
    try:
        conn = duckdb.connect(str(db_path))
        conn.execute("CHECKPOINT")
        conn.close()
    except duckdb.Error as exc:
        raise StoreError(
            f"{db_path} has unfinished changes from another program (its .wal file) that could not be "
            f"applied: {exc}. Close any program using it and try again."
        ) from None


@contextmanager
def writing(
    db_path: Path | str, reference_dir: Path = reference.REFERENCE_DIR, *, expect_version: str | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a private copy of the database, swapped in only if the block succeeds.

    With `expect_version`, refuse (StoreError, nothing written) if another load has changed the
    database since that version was read: what was checked is then no longer what would be written.
    """
    given = Path(db_path)
    db_path = real_path(given)  # a symlink stays a link to the file it names; every path to one file, one lock
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(lock_path(db_path)):
        if expect_version is not None and (data_version(db_path) or ABSENT) != expect_version:
            raise StoreError(
                f"{given} changed after these files were checked (another load went in); "
                "nothing was written: check the files again"
            )
        if given.is_symlink():
            _settle_wal(given)  # a program that opened the file through the link logged beside the link
        # Copies left by writers that were killed: safe to clear, as no other writer can be running.
        for leftover in db_path.parent.glob(f".{db_path.name}.*.loading*"):
            leftover.unlink(missing_ok=True)
        work = db_path.with_name(f".{db_path.name}.{os.getpid()}.loading")
        conn = None
        try:
            if db_path.exists():
                _settle_wal(db_path)
                shutil.copyfile(db_path, work)
            try:
                conn = duckdb.connect(str(work))
                initialise(conn, reference_dir)
            except reference.ReferenceError as exc:
                raise StoreError(str(exc)) from None
            except duckdb.Error as exc:
                detail = str(exc).replace(str(work), str(given))
                raise StoreError(
                    f"{given} is not a MARAC dashboard database ({type(exc).__name__}: {detail})"
                ) from None
            yield conn
            try:
                conn.execute("CHECKPOINT")
                conn.close()
                os.replace(work, db_path)
            except (duckdb.Error, OSError) as exc:
                raise StoreError(
                    f"the loads could not be saved to {given} ({type(exc).__name__}: {exc}); "
                    "nothing was changed (is the disk full?)"
                ) from None
        except BaseException:
            if conn is not None:
                conn.close()
            work.unlink(missing_ok=True)
            work.with_name(work.name + ".wal").unlink(missing_ok=True)
            raise


@dataclass
class LoadResult:
    file: str
    outcome: str  # loaded | unchanged | refused
    report: ValidationReport
    load_id: int | None = None
    rows_superseded: int = 0
    quarters: list[tuple[str, date]] = field(default_factory=list)
    #: what was read, for a preview (None when the file could not be read or was not re-read)
    table: RawTable | None = None
    rows: list[tuple[int, MeetingRow]] = field(default_factory=list)
    #: the file's nil-return rows (quarters without meetings), read like `rows`
    nil: list[tuple[int, NilRow]] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return self.outcome == "refused"

    @property
    def nil_quarters(self) -> list[tuple[str, date]]:
        """The MARAC-quarters this file returns as "no meetings"."""
        return sorted({(row.marac_code, row.quarter_start) for _, row in self.nil})


def _log(
    conn: duckdb.DuckDBPyConnection,
    *,
    load_id: int,
    report: ValidationReport,
    started: datetime,
    outcome: str,
    message: str,
    who: str,
    quarters: list[tuple[str, date]],
    superseded: int = 0,
) -> None:
    """A return's row in the load log: which MARACs and quarters it touched (`loaders.load_log` writes it)."""
    load_log.record(
        conn,
        report,
        started,
        outcome,
        message,
        who,
        load_id=load_id,
        maracs=",".join(sorted({m for m, _ in quarters})),
        quarters=",".join(sorted({q.isoformat() for _, q in quarters})),
        superseded=superseded,
    )


def _next_id(conn: duckdb.DuckDBPyConnection) -> int:
    return load_log.next_id(conn)


_MEETING_COLUMNS = ("load_id", "source_row", "marac_code", "quarter_start", "meeting_date", *COUNT_FIELDS)


def _values(rows: list[tuple[object, ...]]) -> str:
    """Placeholders for a multi-row VALUES list; one statement beats registering a frame for a few rows."""
    one = "(" + ", ".join("?" * len(rows[0])) + ")"
    return ", ".join([one] * len(rows))


def load_file(
    conn: duckdb.DuckDBPyConnection,
    path: Path | str,
    *,
    who: str | None = None,
    today: date | None = None,
    content: bytes | None = None,
    registry: set[str] | None = None,
    reinstate: bool = False,
    replace: bool = False,
    name: str | None = None,
    notes: Sequence[Problem] = (),
    allowed: frozenset[str] | None = None,
) -> LoadResult:
    """Validate one return and, if it has no errors, load it in one transaction.

    Rows for a MARAC and quarter already held are superseded (kept as history); a file
    whose rows are already the current ones changes nothing. A file changes only what it is
    for: rows of a second MARAC, a held quarter other than the one its name states, or a held
    quarter losing more than half its meetings (unless `replace`) refuse it. Whatever a reader
    raises becomes a refusal too, so one damaged file never stops a batch. `name` is the file
    name to record and show (an upload's name as the user gave it; by default the path's last
    part, never a server path). `notes` are warnings found by checking the file beside the
    database (`loaders.upload`), logged with the loader's own. `allowed`: the MARAC codes the person
    loading may send returns for (a coordinator's, `loaders.roles`), None for any; a file for another
    MARAC is refused here, so no page or request can get round it.
    """
    path = Path(path)
    file = name if name is not None else path.name
    who = who or getpass.getuser()
    started = _now()
    report = ValidationReport(file=file)
    if content is None:
        try:
            content = path.read_bytes()
        except OSError:
            content = None
    if content is not None:
        report.sha256 = hashlib.sha256(content).hexdigest()
    earlier = _earlier_load_of(conn, report.sha256)
    if earlier is not None and allowed is not None and {m for m, _ in earlier.quarters} - allowed:
        earlier = None  # read and refused below like any file for another MARAC, not "unchanged"
    if earlier is not None and (earlier.current or not reinstate):
        # These exact bytes went in before: loading them again changes nothing, even if a later
        # return has since replaced them (re-sending an old file must not undo a correction).
        report.rows = earlier.rows
        if earlier.current:
            message = f"identical to load {earlier.load_id}, whose rows are still current; nothing changed"
        else:
            message = (
                f"identical to load {earlier.load_id}, which later returns have replaced; nothing changed "
                "(to make this older version current again, load it with --reinstate)"
            )
            report.problems.append(problem("already-replaced", file, message))
        load_id = _next_id(conn)
        _log(
            conn,
            load_id=load_id,
            report=report,
            started=started,
            outcome="unchanged",
            message=message,
            who=who,
            quarters=earlier.quarters,
        )
        return LoadResult(file, "unchanged", report, load_id, quarters=earlier.quarters)
    table, rows, nil = _read_and_validate(conn, path, file, content, report, registry, today)
    every: list[tuple[int, MeetingRow | NilRow]] = sorted([*rows, *nil], key=lambda pair: pair[0])
    if report.valid:
        report.problems.extend(_several_maracs(file, table, every))
    if report.valid and allowed is not None:
        report.problems.extend(_not_theirs(conn, file, table, every, allowed))
    if report.valid:
        report.problems.extend(_against_held(conn, file, table, rows, replace, nil))
    report.problems.extend(notes)

    quarters = sorted({(row.marac_code, quarter_start(row.meeting_date)) for _, row in every})
    if not report.valid:
        load_id = _next_id(conn)
        errors = report.errors
        message = f"refused: {len(errors)} error(s); first: {errors[0].line()}"
        _log(
            conn,
            load_id=load_id,
            report=report,
            started=started,
            outcome="refused",
            message=message,
            who=who,
            quarters=[],
        )
        return LoadResult(file, "refused", report, load_id, table=table, rows=rows, nil=nil)

    conn.begin()
    try:
        load_id = _next_id(conn)
        key_values = [(m, q) for m, q in quarters]
        key_list = f"(VALUES {_values(key_values)}) AS k(marac_code, quarter_start)"
        flat_keys = [v for pair in key_values for v in pair]
        earlier = [
            r[0]
            for r in conn.execute(
                f"SELECT DISTINCT h.load_id FROM held_quarter h JOIN {key_list} USING (marac_code, quarter_start)",
                flat_keys,
            ).fetchall()
        ]
        superseded = 0
        if earlier:
            superseded = conn.execute(
                f"UPDATE meeting SET superseded_by = ? WHERE superseded_by IS NULL AND load_id IN (SELECT unnest(?)) "
                f"AND (marac_code, quarter_start) IN (SELECT (marac_code, quarter_start) FROM {key_list})",
                [load_id, earlier, *flat_keys],
            ).fetchall()[0][0]
            # a nil return held for one of these quarters is replaced the same way (and kept as history): its row
            # counts among the rows replaced, so a correction of a nil return says it replaced something
            superseded += conn.execute(
                f"UPDATE nil_quarter SET superseded_by = ? WHERE superseded_by IS NULL "
                f"AND (marac_code, quarter_start) IN (SELECT (marac_code, quarter_start) FROM {key_list})",
                [load_id, *flat_keys],
            ).fetchall()[0][0]
        conn.execute(
            f"INSERT OR REPLACE INTO held_quarter SELECT marac_code, quarter_start, ? FROM {key_list}",
            [load_id, *flat_keys],
        )
        records = []
        for source_row, row in rows:
            values = row.model_dump()
            values.update(load_id=load_id, source_row=source_row, quarter_start=quarter_start(row.meeting_date))
            records.append(tuple(values[c] for c in _MEETING_COLUMNS))
        if records:
            incoming = pa.table(list(zip(*records, strict=True)), names=list(_MEETING_COLUMNS))
            conn.register("incoming_rows", incoming)
            conn.execute(f"INSERT INTO meeting ({', '.join(_MEETING_COLUMNS)}) SELECT * FROM incoming_rows")
            conn.unregister("incoming_rows")
        first_nil = {}
        for source_row, row in nil:  # one nil return a quarter, however many rows say so
            first_nil.setdefault((row.marac_code, row.quarter_start), (source_row, row.meeting_date))
        for (code, start), (source_row, day) in sorted(first_nil.items()):
            conn.execute(
                "INSERT INTO nil_quarter (load_id, source_row, marac_code, quarter_start, return_date) "
                "VALUES (?, ?, ?, ?, ?)",
                [load_id, source_row, code, start, day],
            )
        held = ", ".join(f"{m} {q.isoformat()}" for m, q in quarters if (m, q) not in first_nil)
        message = f"loaded {len(rows)} meeting row(s) for {held}" if rows else "loaded"
        if first_nil:
            empty = ", ".join(f"{m} {q.isoformat()}" for m, q in sorted(first_nil))
            message += f"{' and' if rows else ''} a nil return (no meetings) for {empty}"
        if superseded:
            message += f"; replaced {superseded} earlier row(s), kept as history"
        if report.warnings:
            message += f"; {len(report.warnings)} warning(s)"
        _log(
            conn,
            load_id=load_id,
            report=report,
            started=started,
            outcome="loaded",
            message=message,
            who=who,
            quarters=quarters,
            superseded=int(superseded),
        )
        conn.commit()
    except Exception as exc:  # a bug or a storage fault: record it, keep the other files going
        _rollback(conn)
        _LOG.info("storing %s failed", file, exc_info=True)
        report.problems.append(
            problem(
                "load-failed",
                file,
                f"the file passed every check but could not be stored "
                f"({type(exc).__name__}: {without_paths(str(exc))}); nothing from it was loaded",
                expected="a successful load; please report this",
            )
        )
        load_id = _next_id(conn)
        _log(
            conn,
            load_id=load_id,
            report=report,
            started=started,
            outcome="refused",
            message=f"refused: {report.errors[-1].line()}",
            who=who,
            quarters=[],
        )
        return LoadResult(file, "refused", report, load_id)
    except BaseException:
        _rollback(conn)
        raise
    return LoadResult(file, "loaded", report, load_id, int(superseded), quarters, table, rows, nil)


def _read_and_validate(
    conn: duckdb.DuckDBPyConnection,
    path: Path,
    file: str,
    content: bytes | None,
    report: ValidationReport,
    registry: set[str] | None,
    today: date | None,
) -> tuple[RawTable | None, list[tuple[int, MeetingRow]], list[tuple[int, NilRow]]]:
    """The file read and checked into `report`, its meeting rows and nil-return rows; anything a reader raises becomes
    a refusal, not a crash.

    The readers refuse what they foresee with a reason of their own. This catches what they do
    not (a codec, zip or XML error deep in a library, a workbook that expands past memory), so a
    damaged file is refused in plain words, with nothing of the traceback or the server's paths,
    and the rest of the batch goes on. MemoryError is caught too: it is raised by the one file's
    allocation, which is released as the error unwinds.
    """
    try:
        table, problems = read_table(path, content)
        rows: list[tuple[int, MeetingRow]] = []
        nil: list[tuple[int, NilRow]] = []
        if table is not None:  # a table with a repeated column is still checked, so every problem shows at once
            table.file = file
            known = registry if registry is not None else marac_codes(conn)
            parsed = validate_table(table, known, today=today)
            report.rows, problems, rows = parsed.report.rows, [*problems, *parsed.report.problems], parsed.rows
            nil = parsed.nil
        # the reader names a file by its path's last part: an upload's name is kept whole, as the user gave it
        report.problems = [p if p.file == file else p.model_copy(update={"file": file}) for p in problems]
        return table, rows, nil
    except Exception as exc:  # any failure of one file is that file's refusal
        _LOG.info("reading %s failed", file, exc_info=True)  # for whoever runs the server, never the page
        report.rows = 0
        report.problems = [
            problem(
                "unreadable-file",
                file,
                TOO_BIG_TO_READ if isinstance(exc, MemoryError) else UNREADABLE,
                expected="the return saved again from Excel or LibreOffice as .xlsx or .csv, without a password",
            )
        ]
        return None, [], []


_PATH = re.compile(r"(?:[A-Za-z]:)?[\\/](?:[^\s\"'\\/]+[\\/])+([^\s\"'\\/]*)")


def without_paths(text: str) -> str:
    """An error's words with each absolute path cut to its last part: the page must not show the server's folders."""
    return _PATH.sub(r"\1", text)


def _several_maracs(
    file: str, table: RawTable | None, rows: Sequence[tuple[int, MeetingRow | NilRow]]
) -> list[Problem]:
    """A return is one MARAC's: rows of any other MARAC are an error naming the codes and rows.

    The file's MARAC is the one most of its rows are for (file names do not name MARACs reliably).
    Loaded, a stray row would replace that other MARAC's whole quarter: one Islington row in a
    Hackney file once cut Islington's quarter from 6 meetings and 118 cases to 1 and 10.
    """
    by_marac: dict[str, list[int]] = {}
    for source_row, row in rows:
        by_marac.setdefault(row.marac_code, []).append(source_row)
    if len(by_marac) < 2:
        return []
    where = {"sheet": table.sheet if table else None, "column": table.headers.get("marac_code") if table else None}
    expected = "one MARAC's meetings in each return (send each MARAC's meetings in a return of its own)"
    counts = Counter({code: len(found) for code, found in by_marac.items()})
    (top, most), (_, second) = counts.most_common(2)
    if most == second:  # no MARAC the file is plainly for
        parts = "; ".join(f"{code} on {rows_named(found)}" for code, found in sorted(by_marac.items()))
        return [
            problem(
                "several-maracs",
                file,
                f"the rows are for {len(by_marac)} MARACs ({parts}), so it is not clear which MARAC this return is for",
                row=min(r for found in by_marac.values() for r in found),
                value=", ".join(sorted(by_marac)),
                expected=expected,
                **where,
            )
        ]
    return [
        problem(
            "several-maracs",
            file,
            f"{rows_named(found)} {'is' if len(found) == 1 else 'are'} for {code}, but this return is for {top} "
            f"({most} of its {len(rows)} rows); loading it would replace {code}'s quarter with these rows",
            row=found[0],
            value=code,
            expected=expected,
            **where,
        )
        for code, found in sorted(by_marac.items())
        if code != top
    ]


def _not_theirs(
    conn: duckdb.DuckDBPyConnection,
    file: str,
    table: RawTable | None,
    rows: Sequence[tuple[int, MeetingRow | NilRow]],
    allowed: frozenset[str],
) -> list[Problem]:
    """A coordinator's file for a MARAC that is not theirs: an error naming it and theirs, on its first row."""
    names = dict(conn.execute("SELECT marac_code, marac_name FROM marac").fetchall())
    first: dict[str, int] = {}
    for source_row, row in rows:
        first.setdefault(row.marac_code, source_row)
    theirs = ", ".join(f"{names.get(c, c)} ({c})" for c in sorted(allowed)) or "no MARAC"
    return [
        problem(
            "not-your-marac",
            file,
            f"this return is for {names.get(code, code)} ({code}), and you send returns for {theirs} only, so "
            "it cannot be committed from your sign-in",
            row=found,
            column=table.headers.get("marac_code") if table else None,
            sheet=table.sheet if table else None,
            value=code,
            expected=f"a return for {theirs} (an admin can add {names.get(code, code)} to your MARACs)",
        )
        for code, found in sorted(first.items())
        if code not in allowed
    ]


def _against_held(
    conn: duckdb.DuckDBPyConnection,
    file: str,
    table: RawTable | None,
    rows: list[tuple[int, MeetingRow]],
    replace: bool,
    nil: Sequence[tuple[int, NilRow]] = (),
) -> list[Problem]:
    """What the file would do to the quarters held now, where that is more than a return should do.

    A file changes only what it is for: named for a quarter, it may touch no other, held (a stray row would replace
    it) or not (a stray row would start it, and the quarter would count as returned). A held quarter left with fewer
    than half its meetings is refused unless `replace` confirms it is the whole new return; with fewer meetings, but
    at least half, it is a warning. A nil return leaves its quarter no meetings, so over a held quarter of meetings
    it needs the same confirmation.
    """
    incoming: dict[tuple[str, date], list[tuple[int, MeetingRow]]] = {}
    for source_row, row in rows:
        incoming.setdefault((row.marac_code, quarter_start(row.meeting_date)), []).append((source_row, row))
    nil_at: dict[tuple[str, date], tuple[int, date]] = {}
    for source_row, nil_row in nil:
        nil_at.setdefault((nil_row.marac_code, nil_row.quarter_start), (source_row, nil_row.meeting_date))
        incoming.setdefault((nil_row.marac_code, nil_row.quarter_start), [])
    if not incoming:
        return []
    keys = sorted(incoming)
    key_list = f"(VALUES {_values(keys)}) AS k(marac_code, quarter_start)"
    held = conn.execute(
        f"SELECT m.marac_code, m.quarter_start, count(*), sum(m.cases_discussed)::INTEGER FROM meeting_current m "
        f"JOIN {key_list} USING (marac_code, quarter_start) GROUP BY ALL ORDER BY ALL",
        [v for key in keys for v in key],
    ).fetchall()
    named = fy_quarter_in(file)
    where = {"sheet": table.sheet if table else None}
    found: list[Problem] = []
    holding = {(code, quarter): (meetings, cases) for code, quarter, meetings, cases in held}
    for (code, quarter), mine in sorted(incoming.items()):
        label = f"{code} {quarter_label(quarter)}"
        count, total = len(mine), sum(r.cases_discussed for _, r in mine)
        after = f"{count} meeting(s), {total} cases" if mine else "a nil return (no meetings)"
        lines = [(r, m.meeting_date) for r, m in mine] or [nil_at[(code, quarter)]]
        meetings, cases = holding.get((code, quarter), (0, 0))
        now = f"{meetings} meeting(s), {cases} cases"
        if named is not None and quarter != named:
            done = (
                f"{label}, which is held ({now}): loading it would replace that quarter with {after}"
                if (code, quarter) in holding
                else f"{quarter_label(quarter)}: loading it would start {label} with this file's "
                + ("meetings alone" if mine else "nil return")
            )
            found.append(
                problem(
                    "outside-named-quarter",
                    file,
                    f"the file is named for {quarter_label(named)}, but {rows_named([r for r, _ in lines])} "
                    f"{'is' if len(lines) == 1 else 'are'} in {done}",
                    row=lines[0][0],
                    column=table.headers.get("meeting_date") if table else None,
                    value=lines[0][1].strftime("%d/%m/%Y"),
                    expected=f"only {quarter_label(named)}'s meetings (send {label}'s in a return named for it)",
                    **where,
                )
            )
        elif count * 2 < meetings and not replace:  # (a quarter not held has no meetings to lose)
            found.append(
                problem(
                    "replaces-most-of-quarter",
                    file,
                    f"{label} holds {now}; this file would leave it {after}, removing "
                    + ("every one of its meetings. " if not mine else "more than half its meetings. ")
                    + "If this file really is the whole of that quarter's return, confirm it: load it with "
                    '`marac load --replace`, or tick "Replace quarters that would lose most of their meetings" '
                    "on the Check a return page",
                    value=str(count),
                    expected="a complete return for every quarter the file touches",
                    **where,
                )
            )
        elif count < meetings:
            found.append(
                problem(
                    "fewer-meetings-than-held",
                    file,
                    f"replaces the {meetings} meeting(s) held for {code} in the quarter starting "
                    f"{quarter.isoformat()} with {count if mine else 'a nil return (no meetings)'}"
                    + (" (confirmed as the whole return)" if replace else ""),
                    expected="a complete return for every quarter the file touches",
                )
            )
    return found


def _rollback(conn: duckdb.DuckDBPyConnection) -> None:
    """Roll back, accepting that a failed commit may already have ended the transaction."""
    with suppress(duckdb.Error):
        conn.rollback()


@dataclass
class _EarlierLoad:
    load_id: int
    rows: int
    quarters: list[tuple[str, date]]
    current: bool  # every MARAC-quarter it loaded is still held from it


def _earlier_load_of(conn: duckdb.DuckDBPyConnection, sha256: str | None) -> _EarlierLoad | None:
    """The latest earlier load of identical bytes, and whether its rows are still the current ones."""
    if not sha256:
        return None
    found = conn.execute(
        "SELECT load_id, rows FROM load_log WHERE sha256 = ? AND outcome = 'loaded' ORDER BY load_id DESC LIMIT 1",
        [sha256],
    ).fetchall()
    if not found:
        return None
    load_id, rows = found[0]
    loaded = {
        (m, q)
        for m, q in conn.execute(
            "SELECT DISTINCT marac_code, quarter_start FROM meeting WHERE load_id = ? "
            "UNION SELECT marac_code, quarter_start FROM nil_quarter WHERE load_id = ?",
            [load_id, load_id],
        ).fetchall()
    }
    held = {
        (m, q)
        for m, q in conn.execute(
            "SELECT marac_code, quarter_start FROM held_quarter WHERE load_id = ?", [load_id]
        ).fetchall()
    }
    return _EarlierLoad(load_id, rows, sorted(loaded), bool(loaded) and held == loaded)


def marac_codes(conn: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT marac_code FROM marac").fetchall()}


def set_meta(conn: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])


#: every version of every MARAC-quarter: which load brought it, when, by whom, and whether it is current; `nil` for
#: a nil return (no meetings), which has 0 meetings and 0 cases
QUARTER_VERSIONS_SQL = """
SELECT m.marac_code, m.quarter_start, m.load_id, l.finished_at AS loaded_at, l.loaded_by,
       count(*)::INTEGER AS meetings, sum(m.cases_discussed)::INTEGER AS cases, bool_and(m.superseded_by IS NULL) AS current,
       false AS nil
FROM meeting m JOIN load_log l USING (load_id)
GROUP BY ALL
UNION ALL
SELECT n.marac_code, n.quarter_start, n.load_id, l.finished_at, l.loaded_by, 0, 0, n.superseded_by IS NULL, true
FROM nil_quarter n JOIN load_log l USING (load_id)
ORDER BY marac_code, quarter_start, load_id
"""
#: the same for a database written before nil returns existed (its next write adds the table)
_QUARTER_VERSIONS_BEFORE_NIL = QUARTER_VERSIONS_SQL[: QUARTER_VERSIONS_SQL.index("UNION ALL")] + (
    "ORDER BY marac_code, quarter_start, load_id"
)
#: the quarters returned as "no meetings" and held now (`metrics.dataset.Dataset.nil_quarters`)
NIL_QUARTERS_SQL = "SELECT marac_code, quarter_start FROM nil_quarter WHERE superseded_by IS NULL ORDER BY ALL"


def has_table(conn: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the database holds this table (one written before it existed does not, until its next write)."""
    return bool(
        conn.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchall()[0][0]
    )


def open_read_only(db_path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection, for a short session the caller closes; missing or unreadable files say so."""
    if not db_path.exists():
        raise FileNotFoundError(
            f"no database at {db_path}: run `marac demo --db {db_path}` or `marac load FILE --db {db_path}`"
        )
    try:
        return duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error as exc:
        raise StoreError(f"{db_path} could not be opened ({type(exc).__name__}: {exc})") from None


def read_tables(db_path: Path | str) -> dict[str, pl.DataFrame]:
    """Everything the metrics need, read in one short read-only session and then released."""
    db_path = Path(db_path)
    conn = open_read_only(db_path)
    try:
        present = {r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        # a database written before a reference table existed gets it at its next write; read what is there
        names = [
            n
            for n in (*reference.TABLES, *REGISTRY_TABLES, "meta")
            if n in present or n not in _OPTIONAL_REFERENCE | {"registry_version"}
        ]
        tables = {name: conn.sql(f"SELECT * FROM {name}").pl() for name in names}
        tables["meeting"] = conn.sql("SELECT * EXCLUDE (superseded_by) FROM meeting_current").pl()
        tables["load_log"] = conn.sql("SELECT * EXCLUDE (problems) FROM load_log ORDER BY load_id").pl()
        nil_held = "nil_quarter" in present
        tables["quarter_version"] = conn.sql(QUARTER_VERSIONS_SQL if nil_held else _QUARTER_VERSIONS_BEFORE_NIL).pl()
        tables["nil_quarter"] = (
            conn.sql(NIL_QUARTERS_SQL).pl()
            if nil_held
            else pl.DataFrame(schema={"marac_code": pl.String, "quarter_start": pl.Date})
        )
        tables |= {"tile_layout": conn.sql(CURRENT_TILE_LAYOUTS).pl()} if "tile_layout" in present else {}
    except duckdb.CatalogException:
        raise StoreError(
            f"{db_path} is a DuckDB file but not a MARAC dashboard database (its tables are missing)"
        ) from None
    finally:
        conn.close()
    tables["agency"] = pl.DataFrame({"agency": list(AGENCY_LABELS), "label": list(AGENCY_LABELS.values())})
    return tables


def problems_from_json(text: str | None) -> list[Problem]:
    """The problems a load_log row recorded, as the same objects the loader produced."""
    return [Problem.model_validate(p) for p in json.loads(text or "[]")]


# --------------------------------------------------------------------------- tile layouts (`marac layout load`)

TILE_LAYOUT_SCHEMA = """
CREATE TABLE IF NOT EXISTS tile_layout (
    layout VARCHAR NOT NULL,      -- the layout's name; a loaded layout takes the place of a shipped one of that name
    lad_code VARCHAR NOT NULL,    -- ONS local authority code, as in the area table
    col INTEGER NOT NULL,         -- 0 at the left
    "row" INTEGER NOT NULL,       -- 0 at the top
    shape VARCHAR NOT NULL,       -- square | hex (odd rows half a tile to the right)
    abbreviation VARCHAR,
    name VARCHAR,
    source VARCHAR,
    source_file VARCHAR NOT NULL,
    load_id BIGINT NOT NULL,
    superseded_by BIGINT          -- the load that replaced this layout; NULL while current
);
"""
#: the layouts loaded into a database and still current, as `loaders.layout` frames them (plus the load)
CURRENT_TILE_LAYOUTS = """
SELECT layout, lad_code, col::BIGINT AS col, "row"::BIGINT AS "row", shape, abbreviation, name,
       coalesce(source, 'loaded into this database from ' || source_file) AS source, load_id
FROM tile_layout WHERE superseded_by IS NULL ORDER BY layout, lad_code
"""


@dataclass
class LayoutLoad:
    """What one `marac layout load` did: `cells` placed in `layouts`, `replaced` earlier cells kept as history."""

    file: str
    outcome: str  # layout | unchanged | refused
    report: ValidationReport
    load_id: int | None = None
    layouts: list[str] = field(default_factory=list)
    cells: int = 0
    replaced: int = 0

    @property
    def refused(self) -> bool:
        return self.outcome == "refused"


def load_tile_layout(
    db_path: Path | str,
    path: Path | str,
    *,
    who: str | None = None,
    content: bytes | None = None,
    name: str | None = None,
) -> LayoutLoad:
    """Check a partnership's tile layout file and, if it has no errors, make its layouts the current ones.

    Each layout named in the file replaces the cells held under that name (kept, marked `superseded_by`, as history);
    layouts it does not name are untouched. Refused or unchanged, the file changes nothing but one load-log row.
    Written through `writing` (a copy swapped in), so a dashboard reading the database is never locked out, and it
    shows the new layout at its next run. The database must exist already.
    """
    from loaders.layout import read_layout_file  # the layout reader knows nothing of the store

    db_path, path = Path(db_path), Path(path)
    if not db_path.exists():
        raise FileNotFoundError(
            f"no database at {db_path}: run `marac demo --db {db_path}` or `marac load FILE --db {db_path}`"
        )
    file = name if name is not None else path.name
    who, started = who or getpass.getuser(), _now()
    with writing(db_path) as conn:
        try:
            if content is not None:
                raw = content
            else:  # at most one byte past the limit: a device such as /dev/zero, or a huge file, costs nothing
                with open(path, "rb") as handle:
                    raw = handle.read(MAX_FILE_BYTES + 1)
        except OSError:
            raw = None
        known = dict(conn.execute("SELECT lad_code, lad_name FROM area").fetchall())
        try:
            frame, report = read_layout_file(path, known, content=raw, name=file)
        except Exception:  # a reader fault is this file's refusal, never a traceback
            _LOG.info("reading layout %s failed", file, exc_info=True)
            frame, report = None, ValidationReport(file=file)
            report.problems = [problem("unreadable-file", file, UNREADABLE, expected="a CSV or XLSX tile layout")]
        report.sha256 = hashlib.sha256(raw).hexdigest() if raw is not None else None
        result = LayoutLoad(file, "refused", report)
        if frame is None:
            message = f"refused: {len(report.errors)} error(s); first: {report.errors[0].line()}"
            result.load_id = load_log.record(conn, report, started, "refused", message, who)
            return result
        result.layouts, result.cells = sorted(frame["layout"].unique().to_list()), frame.height
        conn.execute(TILE_LAYOUT_SCHEMA)
        columns = ["layout", "lad_code", "col", "row", "shape", "abbreviation", "name", "source"]
        held = conn.execute(
            'SELECT layout, lad_code, col, "row", shape, abbreviation, name, source FROM tile_layout '
            "WHERE superseded_by IS NULL AND list_contains(?, layout) ORDER BY layout, lad_code",
            [result.layouts],
        ).fetchall()
        if held == [tuple(r) for r in frame.select(columns).rows()]:
            result.outcome = "unchanged"
            message = f"the same cells as the layout(s) held: {', '.join(result.layouts)}; nothing changed"
            result.load_id = load_log.record(conn, report, started, "unchanged", message, who)
            return result
        conn.begin()
        try:
            result.load_id = _next_id(conn)
            result.replaced = int(
                conn.execute(
                    "UPDATE tile_layout SET superseded_by = ? WHERE superseded_by IS NULL AND list_contains(?, layout)",
                    [result.load_id, result.layouts],
                ).fetchall()[0][0]
            )
            conn.register("incoming_layout", frame.select(columns).to_arrow())
            conn.execute(
                'INSERT INTO tile_layout (layout, lad_code, col, "row", shape, abbreviation, name, source, source_file, '
                'load_id) SELECT layout, lad_code, col, "row", shape, abbreviation, name, source, ?, ? '
                "FROM incoming_layout",
                [file, result.load_id],
            )
            conn.unregister("incoming_layout")
            message = f"loaded {frame.height} tile(s) in layout(s) {', '.join(result.layouts)}"
            if result.replaced:
                message += f"; replaced {result.replaced} earlier, kept as history"
            load_log.record(
                conn, report, started, "layout", message, who, load_id=result.load_id, superseded=result.replaced
            )
            conn.commit()
        except BaseException:
            _rollback(conn)
            raise
        result.outcome = "layout"
        return result


@dataclass
class HeldLayout:
    """One layout loaded into a database and current: for `marac layout list`."""

    layout: str
    shape: str
    cells: int
    load_id: int
    source_file: str
    loaded_at: datetime
    loaded_by: str | None


def held_tile_layouts(db_path: Path | str) -> list[HeldLayout]:
    """The layouts loaded into a database and still current, in name order (none for a database without any)."""
    conn = open_read_only(Path(db_path))
    try:
        present = {r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if "tile_layout" not in present:
            return []
        rows = conn.execute(
            "SELECT t.layout, any_value(t.shape), count(*)::INTEGER, t.load_id, any_value(t.source_file), "
            "any_value(l.finished_at), any_value(l.loaded_by) FROM tile_layout t JOIN load_log l USING (load_id) "
            "WHERE t.superseded_by IS NULL GROUP BY t.layout, t.load_id ORDER BY t.layout"
        ).fetchall()
    finally:
        conn.close()
    return [HeldLayout(*row) for row in rows]
