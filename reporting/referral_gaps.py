"""Cases with no recorded referral source, in the words every referral chart and table uses.

Referral shares are over the referrals a MARAC recorded a source for, not over its cases (SafeLives splits referrals
so they add up to cases; a return need not). Where they fall short, a 75% police share may be 30 of 40 recorded
referrals for 80 cases, so each bar, table row and sentence says how many cases have no source beside the share, and
says when the shortfall is past `metrics.coverage.REFERRAL_GAP_LIMIT` and the police share is not judged.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from metrics.coverage import INCOMPLETE, REFERRAL_GAP_LIMIT
from metrics.definitions import INDICATORS
from reporting.verdicts import Verdict

POLICE = INDICATORS.by_key("police_share")
#: a table column's header for the shortfall
HEADER = "Cases with no referral source"
#: a table cell where every case has a recorded source
NONE = "none"
#: the columns a row's shortfall is read from
_COLUMNS = ("group_code", POLICE.verdict, "referrals_unrecorded", "cases")


def words(verdict: Verdict) -> str:
    """ "no source for 40 of 80 cases; police share not judged", "no source for 6 of 40 cases", or "" where every case
    has a recorded source (the limit that withholds is in the caption, `caption`)."""
    if not verdict.shortfall:
        return ""
    return f"no source for {verdict.shortfall}" + ("; police share not judged" if verdict.verdict == INCOMPLETE else "")


def cell(verdict: Verdict) -> str | None:
    """The same for a table cell: "40 of 80 cases (police share not judged)", "6 of 40 cases", or None."""
    if not verdict.shortfall:
        return None
    return verdict.shortfall + (" (police share not judged)" if verdict.verdict == INCOMPLETE else "")


def by_group(frame: pl.DataFrame) -> dict[str, Verdict]:
    """Each group's police verdict with its shortfall, by group code, from a `metrics.indicators.compute` frame."""
    if "group_code" not in frame.columns:
        return {}
    wanted = [c for c in _COLUMNS if c in frame.columns]
    return {row["group_code"]: Verdict.of(row, POLICE) for row in frame.select(wanted).iter_rows(named=True)}


def column(frame: pl.DataFrame) -> list[str] | None:
    """A table column of each row's shortfall ("none" where every case has a source), or None when no row has one
    (the table is then as before)."""
    verdicts = by_group(frame)
    cells = [cell(verdicts[code]) for code in frame["group_code"].to_list()] if verdicts else []
    return [c or NONE for c in cells] if any(cells) else None


def caption(verdicts: Mapping[str, Verdict]) -> str:
    """What a referral chart or table adds to its caption: " 2 MARACs recorded a referral source for fewer than all their
    cases; 1 of them, with no source for more than 20% of cases, is not judged." or "" where none fell short."""
    short = [v for v in verdicts.values() if v.shortfall]
    if not short:
        return ""
    withheld = sum(1 for v in short if v.verdict == INCOMPLETE)
    n = len(short)
    text = f" {n} MARAC{'' if n == 1 else 's'} recorded a referral source for fewer than all {'its' if n == 1 else 'their'} cases"
    if withheld:
        which = "it" if n == 1 else f"{withheld} of them"
        text += (
            f"; {which}, with no source for more than {REFERRAL_GAP_LIMIT:.0%} of cases, "
            f"{'is' if withheld == 1 else 'are'} not judged"
        )
    return text + "."
