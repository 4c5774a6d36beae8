"""Checks of a return against what is already held: the warnings a coordinator sees before committing.

The loader judges a file on its own. These look at it beside the database: a quarter already
held (committing replaces it), cases far from the MARAC's previous quarter or the same quarter
a year earlier, a quarter in which no victim/survivor characteristic was recorded, and
meetings dated outside the quarter most of a return's meetings are in. They are warnings: each is
sometimes right (a new referral pathway can double a MARAC's cases), so they ask, never refuse.
(Meetings outside the quarter a file's name names are refused by `loaders.store`.)
Pure: the caller supplies what is held.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import polars as pl

from loaders.problems import Problem, problem
from loaders.return_layout import BY_NAME, VICTIM_FIELDS
from loaders.return_model import MeetingRow, NilRow
from metrics.periods import add_quarters, quarter_end, quarter_label, quarter_of

#: a quarter's cases moving by more than this share of the comparison quarter's is worth a second look
SHARP_CHANGE = 0.5

#: "2021-22 Q1", "2021_22_q1", "Q1 2021-22" in a file name: the financial-year quarter a return is for
_FY_QUARTER = re.compile(
    r"(?<!\d)(20\d\d)[-_/ ]?(\d\d)[-_ ]*q([1-4])(?!\d)|(?<![a-z])q([1-4])[-_ ]*(20\d\d)[-_/ ]?(\d\d)(?!\d)",
    re.IGNORECASE,
)

_VICTIM_WORDS = "racially minoritised, LGBT+, disabled, male or aged 16–17"


@dataclass(frozen=True)
class HeldQuarter:
    """A MARAC-quarter the database holds now, and the load it came from."""

    load_id: int
    file_name: str
    loaded_at: datetime | None
    loaded_by: str | None
    meetings: int
    cases: int
    nil: bool = False  # held as a nil return (no meetings)

    def summary(self) -> str:
        return "a nil return (no meetings)" if self.nil else f"{self.meetings} meeting(s), {self.cases} cases"


def fy_quarter_in(file_name: str) -> date | None:
    """The quarter a file name states in financial-year form, e.g. 'hackney 2021-22 Q3.xlsx' -> 2021-10-01.

    Only unambiguous financial-year labels count: '2021q1' could be a calendar quarter.
    """
    found = _FY_QUARTER.search(file_name)
    if not found:
        return None
    groups = found.groups()
    year, short, number = (groups[0], groups[1], groups[2]) if groups[0] else (groups[4], groups[5], groups[3])
    if (int(year) + 1) % 100 != int(short):
        return None
    start = date(int(year), 4, 1)
    return add_quarters(start, int(number) - 1)


def claimed_quarters(file_name: str, rows: list[tuple[int, MeetingRow]]) -> dict[str, date]:
    """Per MARAC in the file, the quarter the return is for: named in the file name, or the one
    holding more than half its meetings. A file spread over several quarters claims none."""
    named = fy_quarter_in(file_name)
    by_marac: dict[str, list[date]] = {}
    for _, row in rows:
        by_marac.setdefault(row.marac_code, []).append(quarter_of(row.meeting_date))
    out: dict[str, date] = {}
    for code, quarters in by_marac.items():
        if named is not None:
            out[code] = named
            continue
        top = max(set(quarters), key=lambda q: (quarters.count(q), q))
        if quarters.count(top) * 2 > len(quarters):
            out[code] = top
    return out


def check_against_held(
    file: str,
    sheet: str | None,
    headers: dict[str, str],
    rows: list[tuple[int, MeetingRow]],
    held: dict[tuple[str, date], HeldQuarter],
    cases_after: dict[tuple[str, date], int],
    nil: Sequence[tuple[int, NilRow]] = (),
) -> list[Problem]:
    """Warnings for one parsed return.

    `held`: the MARAC-quarters held before this file; `cases_after`: each MARAC-quarter's cases
    once the whole batch is in (so a year's four returns checked together compare with each other).
    `nil`: the file's nil-return rows, which replace a held quarter like meetings do (and have no cases to compare).
    """
    where = {"sheet": sheet}
    found: list[Problem] = []
    # a file named for a quarter may touch no other: loaders.store refuses it, so no warning here as well
    claimed = claimed_quarters(file, rows) if fy_quarter_in(file) is None else {}
    for source_row, row in rows:
        want = claimed.get(row.marac_code)
        if want is not None and quarter_of(row.meeting_date) != want:
            found.append(
                problem(
                    "meeting-outside-quarter",
                    file,
                    f"this meeting is in {quarter_label(quarter_of(row.meeting_date))}, but the return is for "
                    f"{quarter_label(want)} (where most of its meetings are)",
                    row=source_row,
                    column=headers.get("meeting_date"),
                    value=row.meeting_date.strftime("%d/%m/%Y"),
                    expected=f"a date from {want.strftime('%d/%m/%Y')} to {quarter_end(want).strftime('%d/%m/%Y')}, "
                    "or this meeting sent with its own quarter's return",
                    **where,
                )
            )

    totals: dict[tuple[str, date], list[MeetingRow]] = {}
    for _, row in rows:
        totals.setdefault((row.marac_code, quarter_of(row.meeting_date)), []).append(row)
    for _, nil_row in nil:
        totals.setdefault((nil_row.marac_code, nil_row.quarter_start), [])
    for (code, quarter), meetings in sorted(totals.items()):
        label = f"{code} {quarter_label(quarter)}"
        cases = sum(m.cases_discussed for m in meetings)
        before = held.get((code, quarter))
        if before is not None:
            when = f" on {before.loaded_at.strftime('%d %b %Y %H:%M')} UTC" if before.loaded_at else ""
            by = f" by {before.loaded_by}" if before.loaded_by else ""
            now = f"{len(meetings)} meeting(s), {cases} cases" if meetings else "a nil return (no meetings)"
            found.append(
                problem(
                    "quarter-already-held",
                    file,
                    f"{label} is already held: {before.summary()}, from {before.file_name} "
                    f"(load {before.load_id}{when}{by}). Once loaded, this file replaces it with {now}; "
                    "the earlier version is kept as history",
                    column=headers.get("cases_discussed"),
                    value=str(cases) if meetings else "NIL",
                    expected="a corrected return for this quarter (if this is not one, check the MARAC code and dates)",
                    **where,
                )
            )
        if not meetings:
            continue  # a nil return: no cases to compare, no characteristics to record
        for other, words in (
            (add_quarters(quarter, -1), "the previous quarter"),
            (add_quarters(quarter, -4), "the same quarter a year earlier"),
        ):
            then = cases_after.get((code, other))
            if then is None:
                continue
            if then == 0 and cases == 0:
                continue
            change = (cases - then) / then if then else None
            if change is not None and abs(change) <= SHARP_CHANGE:
                continue
            moved = f"{change:+.0%}" if change is not None else "from none"
            found.append(
                problem(
                    "cases-changed-sharply",
                    file,
                    f"{label}: {cases} cases discussed against {then} in {words} ({quarter_label(other)}), {moved}",
                    column=headers.get("cases_discussed"),
                    value=str(cases),
                    expected=f"within {SHARP_CHANGE:.0%} of {then} unless something changed (check for missing or doubled meetings)",
                    **where,
                )
            )
        victims = sum(getattr(m, f) for m in meetings for f in VICTIM_FIELDS)
        if cases and not victims:
            found.append(
                problem(
                    "demographics-not-recorded",
                    file,
                    f"{label}: across {cases} cases no victim/survivor is recorded as {_VICTIM_WORDS}: not recorded?",
                    column=", ".join(headers.get(f, BY_NAME[f].header) for f in VICTIM_FIELDS),
                    value="0",
                    expected="the characteristics recorded for each case (0 only where truly none)",
                    **where,
                )
            )
    return found


def held_quarters(frame: pl.DataFrame) -> dict[tuple[str, date], HeldQuarter]:
    """`store.held_summary` rows keyed by MARAC and quarter."""
    return {
        (r["marac_code"], r["quarter_start"]): HeldQuarter(
            r["load_id"],
            r["file_name"],
            r["loaded_at"],
            r["loaded_by"],
            r["meetings"],
            r["cases"],
            bool(r.get("nil", False)),
        )
        for r in frame.iter_rows(named=True)
    }
