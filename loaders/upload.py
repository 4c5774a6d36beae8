"""Checking uploaded returns before they count, and committing them.

A check loads the files, with the real loader, into a throwaway copy of the database. So
every finding (the loader's errors and warnings, "already held, will replace", the figures
after) comes from the same code that a commit runs, and nothing touches the real file. The
commit repeats the loads on the real database through `store.writing`, one transaction per
file, and refuses if another load went in since the check.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from loaders import store
from loaders.problems import Problem, ValidationReport
from loaders.raw_table import RawTable
from loaders.return_checks import check_against_held, held_quarters
from loaders.return_file import read_table

_LOG = logging.getLogger(__name__)

#: checks that still make sense on a refused file's readable rows (the others need every row)
_ON_REFUSED = {"quarter-already-held", "meeting-outside-quarter"}


@dataclass
class FileCheck:
    """One uploaded file as a commit would treat it."""

    name: str
    sha256: str
    outcome: str  # "would load" | "refused" | "unchanged"
    report: ValidationReport  # the loader's problems, then `notes`
    table: RawTable | None  # the cells as read, for the preview
    quarters: list[tuple[str, date]] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)  # found beside the database
    #: the quarters the file returns as "no meetings" (a nil return)
    nil_quarters: list[tuple[str, date]] = field(default_factory=list)


@dataclass
class BatchCheck:
    files: list[FileCheck]
    before: dict[str, pl.DataFrame]  # `store.read_tables` now
    after: dict[str, pl.DataFrame]  # and once every loadable file is in
    data_version: str  # of the database that was checked, for the commit's staleness test
    #: checked as confirmed to replace quarters losing most of their meetings; the commit does the same
    replace: bool = False

    @property
    def loadable(self) -> list[FileCheck]:
        return [f for f in self.files if f.outcome == "would load"]

    def notes_for(self, name: str) -> list[Problem]:
        return next((f.notes for f in self.files if f.name == name), [])

    @property
    def needs_replace(self) -> list[Problem]:
        """The refusals that only a confirmation (`replace=True`) lifts: quarters losing most of their meetings."""
        return [p for f in self.files for p in f.report.errors if p.code == "replaces-most-of-quarter"]


#: each MARAC-quarter held now and the load it came from; a nil return held has no meetings (`nil`)
HELD_SQL = """
SELECT h.marac_code, h.quarter_start, h.load_id, l.file_name, l.finished_at AS loaded_at, l.loaded_by,
       count(m.load_id)::INTEGER AS meetings, coalesce(sum(m.cases_discussed), 0)::INTEGER AS cases,
       count(m.load_id) = 0 AS nil
FROM held_quarter h
JOIN load_log l USING (load_id)
LEFT JOIN meeting m ON m.load_id = h.load_id AND m.marac_code = h.marac_code AND m.quarter_start = h.quarter_start
GROUP BY ALL
"""

CASES_SQL = "SELECT marac_code, quarter_start, sum(cases_discussed)::INTEGER FROM meeting_current GROUP BY ALL"


def unique_names(uploads: Sequence[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """Two uploads called 'return.csv' get '(2)' added, so every report line names one file."""
    taken: set[str] = set()
    out = []
    for name, content in uploads:
        given, n = name, 1
        while name in taken:  # "(2)" may itself be taken by a file really called that
            n += 1
            stem, dot, suffix = given.rpartition(".")
            name = f"{stem} ({n}){dot}{suffix}" if dot else f"{given} ({n})"
        taken.add(name)
        out.append((name, content))
    return out


def check_uploads(
    db_path: Path | str,
    uploads: Sequence[tuple[str, bytes]],
    *,
    who: str | None = None,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
    replace: bool = False,
    allowed: frozenset[str] | None = None,
) -> BatchCheck:
    """What committing these files would do, worked out on a copy; the database is not touched.

    `progress(done, total)` is called after each file, for a batch's progress bar. `replace`
    confirms that quarters losing more than half their meetings are meant to (see `store.load_file`).
    `allowed`: the MARACs the person checking may commit (None: any); a file for another is refused.
    Raises `store.StoreError` if `db_path` is not a MARAC dashboard database. A file that cannot
    be read is refused in plain words like any other; it never stops the batch.
    """
    db_path = Path(db_path)
    uploads = unique_names(uploads)
    with tempfile.TemporaryDirectory(prefix="marac-check-") as folder:
        work = Path(folder) / "check.duckdb"
        version = store.data_version(db_path) or store.ABSENT
        if db_path.exists():
            shutil.copyfile(db_path, work)  # writers swap whole files, so this copy is one consistent version
        conn = None
        try:
            conn = duckdb.connect(str(work))
            store.initialise(conn)
            held = held_quarters(conn.sql(HELD_SQL).pl())
        except duckdb.Error as exc:  # the copy's path would mean nothing to the user: name theirs
            raise store.StoreError(f"{db_path} is not a MARAC dashboard database ({type(exc).__name__})") from None
        finally:
            if conn is not None:
                conn.close()
        before = store.read_tables(work)
        conn = duckdb.connect(str(work))
        try:
            results = []
            for name, content in uploads:
                results.append(
                    store.load_file(
                        conn, name, name=name, content=content, who=who, today=today, replace=replace, allowed=allowed
                    )
                )
                if progress is not None:
                    progress(len(results), len(uploads))
            cases_after = {(m, q): n for m, q, n in conn.execute(CASES_SQL).fetchall()}
            conn.execute("CHECKPOINT")
        finally:
            conn.close()
        after = store.read_tables(work)

    files = []
    for (name, content), result in zip(uploads, results, strict=True):
        table = result.table
        if table is None and result.outcome == "unchanged":
            table = _preview(name, content)  # not re-read by the loader, but worth showing
        notes: list[Problem] = []
        if (result.rows or result.nil) and result.outcome != "unchanged":
            try:
                notes = check_against_held(
                    name,
                    table.sheet if table else None,
                    table.headers if table else {},
                    result.rows,
                    held,
                    cases_after,
                    nil=result.nil,
                )
            except Exception:  # advice only: a fault in it must not hide the loader's verdict
                _LOG.info("checking %s against the held quarters failed", name, exc_info=True)
            if result.refused:
                notes = [n for n in notes if n.code in _ON_REFUSED]
        report = result.report.model_copy(update={"problems": [*result.report.problems, *notes]})
        outcome = {"loaded": "would load"}.get(result.outcome, result.outcome)
        files.append(
            FileCheck(
                name,
                hashlib.sha256(content).hexdigest(),
                outcome,
                report,
                table,
                result.quarters,
                notes,
                result.nil_quarters,
            )
        )
    return BatchCheck(files, before, after, version, replace)


def _preview(name: str, content: bytes) -> RawTable | None:
    """The cells of a file the loader did not re-read, for the preview; none if it cannot be read now."""
    try:
        table, _ = read_table(name, content)
    except Exception:  # the loader read these bytes before; a preview is not worth a crash
        _LOG.info("reading %s for its preview failed", name, exc_info=True)
        return None
    if table is not None:
        table.file = name
    return table


def commit_uploads(
    db_path: Path | str,
    uploads: Sequence[tuple[str, bytes]],
    checked: BatchCheck,
    *,
    who: str,
    today: date | None = None,
    allowed: frozenset[str] | None = None,
) -> list[store.LoadResult]:
    """Load the checked files into the real database, each in its own transaction, recording `who`.

    Loads as the check did (with its `replace`), so what was confirmed is what is written; `allowed` is
    the committer's MARACs as they are now (not as they were at the check): another MARAC's file is refused. Raises
    `store.StoreError` (nothing written) if the database changed after the check.
    """
    uploads = unique_names(uploads)
    checked_files = {f.name: f.sha256 for f in checked.files}
    if {n: hashlib.sha256(c).hexdigest() for n, c in uploads} != checked_files:
        raise store.StoreError("these are not the files that were checked; nothing was written: check them again")
    with store.writing(db_path, expect_version=checked.data_version) as conn:
        return [
            store.load_file(
                conn,
                name,
                name=name,
                content=content,
                who=who,
                today=today,
                replace=checked.replace,
                notes=checked.notes_for(name),
                allowed=allowed,
            )
            for name, content in uploads
        ]
