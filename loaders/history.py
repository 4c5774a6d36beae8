"""Every version of a MARAC's quarterly returns ever loaded, who loaded each, and what changed.

Nothing is deleted when a return is replaced: the old meeting rows stay in `meeting`, marked
with the load that superseded them. So each MARAC-quarter's versions are the loads that
brought rows for it, and two versions compare meeting by meeting, cell by cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import polars as pl

from loaders import store
from loaders.return_layout import BY_NAME, COUNT_FIELDS

_VERSIONS_SQL = """
SELECT m.quarter_start, m.load_id, l.file_name, l.finished_at AS loaded_at, l.loaded_by,
       count(*)::INTEGER AS meetings, sum(m.cases_discussed)::INTEGER AS cases,
       bool_and(m.superseded_by IS NULL) AS current, min(m.superseded_by) AS replaced_by, false AS nil
FROM meeting m JOIN load_log l USING (load_id)
WHERE m.marac_code = ? {quarter}
GROUP BY ALL
{nil}ORDER BY quarter_start, load_id
"""
#: a nil return (no meetings) is a version too: 0 meetings, 0 cases
_NIL_VERSIONS_SQL = """UNION ALL
SELECT m.quarter_start, m.load_id, l.file_name, l.finished_at, l.loaded_by, 0, 0, m.superseded_by IS NULL,
       m.superseded_by, true
FROM nil_quarter m JOIN load_log l USING (load_id)
WHERE m.marac_code = ? {quarter}
"""

_ROWS_SQL = "SELECT * EXCLUDE (superseded_by) FROM meeting WHERE marac_code = ? {quarter} ORDER BY load_id, meeting_date, source_row"


@dataclass(frozen=True)
class Change:
    """One cell that differs between two versions; a whole meeting added or removed has column None."""

    meeting_date: date
    column: str | None
    before: float | None
    after: float | None

    def text(self) -> str:
        day = self.meeting_date.strftime("%d/%m/%Y")
        if self.column is None:
            return f"meeting of {day} {'added' if self.before is None else 'removed'}"
        return f"meeting of {day}, {self.column}: {_num(self.before)} → {_num(self.after)}"


@dataclass
class Version:
    load_id: int
    file_name: str
    loaded_at: datetime
    loaded_by: str | None
    meetings: int
    cases: int
    current: bool
    replaced_by: int | None
    changes: list[Change] = field(default_factory=list)  # against the version before; empty for the first
    nil: bool = False  # a nil return: the MARAC said it held no meetings that quarter

    def summary(self) -> str:
        """'3 meeting(s), 41 cases', or 'nil return (no meetings)'."""
        return "nil return (no meetings)" if self.nil else f"{self.meetings} meeting(s), {self.cases} cases"


@dataclass
class QuarterHistory:
    marac_code: str
    quarter_start: date
    versions: list[Version]


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def changes(before: pl.DataFrame, after: pl.DataFrame) -> list[Change]:
    """Cell-by-cell differences between two versions' meeting rows.

    Meetings are matched by date (and, for two on one date, by their order in the file), so a
    corrected count shows as one changed cell, not a meeting removed and another added.
    """

    def keyed(frame: pl.DataFrame) -> dict[tuple[date, int], dict[str, object]]:
        out: dict[tuple[date, int], dict[str, object]] = {}
        for row in frame.sort("meeting_date", "source_row").iter_rows(named=True):
            n = sum(1 for d, _ in out if d == row["meeting_date"])
            out[(row["meeting_date"], n)] = row
        return out

    old, new = keyed(before), keyed(after)
    found: list[Change] = []
    for key in sorted(old.keys() | new.keys()):
        if key not in new:
            found.append(Change(key[0], None, float(old[key]["cases_discussed"]), None))
        elif key not in old:
            found.append(Change(key[0], None, None, float(new[key]["cases_discussed"])))
        else:
            found.extend(
                Change(key[0], BY_NAME[name].header, float(old[key][name]), float(new[key][name]))
                for name in COUNT_FIELDS
                if old[key][name] != new[key][name]
            )
    return found


def history(db_path: Path | str, marac_code: str, quarter: date | None = None) -> list[QuarterHistory]:
    """Each quarter of one MARAC (or just `quarter`), oldest first, with every version loaded."""
    conn = store.open_read_only(Path(db_path))
    where = "AND m.quarter_start = ?" if quarter else ""
    params = [marac_code, quarter] if quarter else [marac_code]
    try:
        nil = _NIL_VERSIONS_SQL.format(quarter=where) if store.has_table(conn, "nil_quarter") else ""
        sql = _VERSIONS_SQL.format(quarter=where, nil=nil)
        versions = conn.sql(sql, params=params * 2 if nil else params).pl()
        rows = conn.sql(_ROWS_SQL.format(quarter=where.replace("m.", "")), params=params).pl()
    finally:
        conn.close()
    out = []
    for (start,), group in versions.group_by("quarter_start", maintain_order=True):
        listed: list[Version] = []
        previous: pl.DataFrame | None = None
        for v in group.iter_rows(named=True):
            mine = rows.filter((pl.col("load_id") == v["load_id"]) & (pl.col("quarter_start") == start))
            listed.append(
                Version(
                    v["load_id"],
                    v["file_name"],
                    v["loaded_at"],
                    v["loaded_by"],
                    v["meetings"],
                    v["cases"],
                    v["current"],
                    v["replaced_by"],
                    changes(previous, mine) if previous is not None else [],
                    v["nil"],
                )
            )
            previous = mine
        out.append(QuarterHistory(marac_code, start, listed))
    return out


#: load_log outcomes that change what a partnership has set up (not returns): each is one accepted change
SET_UP = ("registry", "layout", "boundaries")
USERS = ("users",)


@dataclass(frozen=True)
class SetUpChange:
    """One accepted change to the registry, a layout, boundaries or users: when, by whom, what."""

    load_id: int
    at: datetime
    by: str
    kind: str
    file_name: str
    message: str


def set_up_changes(db_path: Path | str, outcomes: tuple[str, ...] = SET_UP) -> list[SetUpChange]:
    """The accepted changes of these kinds, newest first, as load_log holds them (with the identity that made each)."""
    conn = store.open_read_only(Path(db_path))
    try:
        rows = conn.execute(
            "SELECT load_id, finished_at, coalesce(loaded_by, ''), outcome, file_name, coalesce(message, '') "
            "FROM load_log WHERE outcome IN (SELECT unnest(?)) ORDER BY load_id DESC",
            [list(outcomes)],
        ).fetchall()
    finally:
        conn.close()
    return [SetUpChange(*row) for row in rows]
