"""Verdict words, built in one place: the verdict, its symbol and its certainty always travel together.

A verdict read without its certainty overstates it: "▼ below" where the 95% interval reaches across the range bound is
"▼ below (could be chance)". Every table cell, chart label, headline tile, key-finding sentence, matrix cell, map
label, pack and spreadsheet takes its words from a `Verdict`, so none can say less than another. Where space is short
(a map tile, a matrix cell) the compact form marks the certainty with a sign that the legend beside it explains; never
a bare "?".

Words follow SafeLives usage ("below/within/above the expected range") and never say good or bad: a volume above the
range is not a failure, so "above" is purple, not red.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

import polars as pl

from metrics.definitions import Indicator
from metrics.significance import TOO_FEW_CASES
from reporting.theme import MUTED

VERDICT_STYLE: dict[str | None, dict[str, str]] = {
    "below": {
        "symbol": "▼",
        "words": "below the expected range",
        "short": "below",
        "colour": "#0072B2",
        "fill": "#d6e8f5",
    },
    "within": {
        "symbol": "●",
        "words": "within the expected range",
        "short": "within",
        "colour": "#00703c",
        "fill": "#dcefe3",
    },
    # purple, not amber or red: a volume above the range is not a failure, so "above" must not read as a warning
    "above": {
        "symbol": "▲",
        "words": "above the expected range",
        "short": "above",
        "colour": "#6a3d9a",
        "fill": "#ebe3f3",
    },
    None: {"symbol": "–", "words": "no data for this period", "short": "no data", "colour": MUTED, "fill": "#f3f2f1"},
}
NO_RANGE = {
    "symbol": "",
    "words": "no expected range (comparator only)",
    "short": "no range",
    "colour": MUTED,
    "fill": "#ffffff",
}
VERDICTS = ("below", "within", "above")

Certainty = Literal["clear", "could be chance", "too few cases"]
COULD_BE_CHANCE: Certainty = "could be chance"
TOO_FEW: Certainty = "too few cases"
#: the compact form's certainty signs, explained by `COMPACT_LEGEND` wherever the compact form is shown
COMPACT_MARK = {COULD_BE_CHANCE: "*", TOO_FEW: "†"}
COMPACT_LEGEND = (
    "* could be chance: the 95% interval reaches across a range bound; "
    f"† too few cases: fewer than {TOO_FEW_CASES} cases in the period"
)
#: the same, short enough for a chart's corner
COMPACT_KEY = "* could be chance · † too few cases"
#: what the certainty words mean, for a column header's help and a table's notes
HELP = (
    "Against the SafeLives expected range. '(could be chance)': the 95% interval reaches the other side of a range "
    f"bound, so chance alone could give this verdict; '(too few cases)': fewer than {TOO_FEW_CASES} cases, too few to "
    "say. With neither, the 95% interval backs the verdict."
)


#: what a downloaded table's notes say about its verdicts, in full and in the compact marks
NOTE = f"{HELP} In compact cells: {COMPACT_LEGEND}."


def certainty_of(verdict: str | None, significance: str | None) -> Certainty | None:
    """How far the 95% interval backs a verdict: None when there is no verdict or the interval was not worked out."""
    if verdict is None or significance is None:
        return None
    if significance == verdict:
        return "clear"
    return TOO_FEW if significance == "too few cases" else COULD_BE_CHANCE


@dataclass(frozen=True)
class Verdict:
    """A verdict with its certainty, and every way of printing the pair."""

    verdict: str | None
    certainty: Certainty | None = None
    has_range: bool = True

    @classmethod
    def of(cls, row: Mapping[str, object], indicator: Indicator) -> Verdict:
        """The verdict a metrics row (a dict of its columns) gives `indicator`, with its significance."""
        if not indicator.verdict:
            return cls(None, None, has_range=False)
        verdict = row.get(indicator.verdict)
        significance = row.get(f"{indicator.value}_significance")
        return cls(verdict, certainty_of(verdict, significance))  # type: ignore[arg-type]

    @property
    def _style(self) -> dict[str, str]:
        return VERDICT_STYLE.get(self.verdict, VERDICT_STYLE[None]) if self.has_range else NO_RANGE

    @property
    def symbol(self) -> str:
        return self._style["symbol"]

    @property
    def colour(self) -> str:
        return self._style["colour"]

    @property
    def fill(self) -> str:
        return self._style["fill"]

    @property
    def unsure(self) -> bool:
        return self.certainty in (COULD_BE_CHANCE, TOO_FEW)

    @property
    def qualifier(self) -> str:
        """ " (could be chance)", " (too few cases)" or "" when the interval backs the verdict or there is none."""
        return f" ({self.certainty})" if self.unsure else ""

    @property
    def label(self) -> str:
        """Symbol, short word and certainty: "▼ below (could be chance)"; for a table cell or a chart label."""
        return f"{self.symbol} {self._style['short']}".strip() + self.qualifier

    @property
    def mark(self) -> str:
        """The compact form's certainty sign: "*" could be chance, "†" too few cases, "" otherwise."""
        return COMPACT_MARK.get(self.certainty, "") if self.unsure else ""  # type: ignore[call-overload]

    @property
    def compact(self) -> str:
        """The same where space is short: "▼ below*", its sign explained by `COMPACT_KEY` beside it."""
        return f"{self.symbol} {self._style['short']}".strip() + self.mark

    @property
    def words(self) -> str:
        """ "below the expected range", for a sentence or a tile; the certainty is `phrase`'s."""
        return self._style["words"]

    @property
    def certainty_phrase(self) -> str:
        """What a sentence adds after the verdict when the interval does not back it ("" when it does)."""
        if self.certainty == COULD_BE_CHANCE:
            return ", though with this many cases that could be chance"
        if self.certainty == TOO_FEW:
            return f", though with fewer than {TOO_FEW_CASES} cases that cannot be said with confidence"
        return ""

    @property
    def phrase(self) -> str:
        """The verdict in a sentence with its certainty: "below the expected range, though with this many cases that
        could be chance"."""
        return self.words + self.certainty_phrase


def of_rows(rows: Iterable[Mapping[str, object]], indicator: Indicator) -> list[Verdict]:
    """Each row's verdict for `indicator`, in order."""
    return [Verdict.of(row, indicator) for row in rows]


def of_frame(frame: pl.DataFrame, indicator: Indicator) -> list[Verdict]:
    """Each row's verdict for `indicator`, reading only its verdict and significance columns (a metrics frame has a
    few hundred; a page reads verdicts for every indicator on every run)."""
    wanted = [c for c in (indicator.verdict, f"{indicator.value}_significance") if c and c in frame.columns]
    if not wanted:
        return [Verdict.of({}, indicator) for _ in range(frame.height)]
    return of_rows(frame.select(wanted).iter_rows(named=True), indicator)


def label(verdict: str | None) -> str:
    """A bare verdict's symbol and word ("▲ above"), for a legend entry naming the verdict itself."""
    return Verdict(verdict).label


def words(verdict: str | None) -> str:
    return Verdict(verdict).words


def tally(verdicts: Iterable[Verdict]) -> dict[str, dict[str, int]]:
    """How many of each verdict, and of those how many clearly, could be chance or too few cases to say."""
    out = {v: {"all": 0, "clear": 0, COULD_BE_CHANCE: 0, TOO_FEW: 0, "unknown": 0} for v in VERDICTS}
    for v in verdicts:
        if v.verdict in out:
            out[v.verdict]["all"] += 1
            out[v.verdict][v.certainty or "unknown"] += 1
    return out


BREAKDOWN_WORDS = {COULD_BE_CHANCE: "could be chance", TOO_FEW: "with too few cases to say"}


def certainty_breakdown(counts: Mapping[str, int]) -> str:
    """ " (14 clearly, 6 could be chance)" after one verdict's count, or " (all could be chance)"; "" when every one is
    clear or none was judged."""
    unsure = {c: counts[c] for c in (COULD_BE_CHANCE, TOO_FEW) if counts[c]}
    if not unsure:
        return ""
    if len(unsure) == 1 and not counts["clear"] and not counts["unknown"]:
        (certainty,) = unsure
        return f" ({'' if counts['all'] == 1 else 'all '}{BREAKDOWN_WORDS[certainty]})"
    parts = [f"{counts['clear']} clearly"] if counts["clear"] else []
    parts += [f"{n} {BREAKDOWN_WORDS[c]}" for c, n in unsure.items()]
    return " (" + ", ".join(parts) + ")"
