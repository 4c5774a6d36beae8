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

from metrics.coverage import COMPLETE_ENOUGH, INCOMPLETE, REFERRAL_GAP_LIMIT
from metrics.definitions import Indicator
from metrics.significance import TOO_FEW, TOO_FEW_CASES
from reporting.coverage_words import Coverage
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
    # withheld: too few of the period's quarters returned (volume) or too many cases without a referral source
    INCOMPLETE: {
        "symbol": "◌",
        "words": "not judged: too little data",
        "short": "incomplete",
        "colour": MUTED,
        "fill": "#f3f2f1",
    },
    None: {"symbol": "–", "words": "no data for this period", "short": "no data", "colour": MUTED, "fill": "#f3f2f1"},
}
#: a one-sided range ("2.5% or above", "at least the local share") is met or not: there is no band to be within. Its
#: compact form ("not met", "met") is for a cell of the matrix, where three such columns must fit a 1280 px screen
ONE_SIDED_WORDS: dict[str, dict[str, str]] = {
    "below": {"words": "does not meet the expected level", "short": "does not meet", "compact": "not met"},
    "within": {"words": "meets the expected level", "short": "meets", "compact": "met"},
}
NO_RANGE = {
    "symbol": "",
    "words": "no expected range (comparator only)",
    "short": "no range",
    "colour": MUTED,
    "fill": "#ffffff",
}
VERDICTS = ("below", "within", "above")

Certainty = Literal["clear", "could be chance", "too few to judge"]
COULD_BE_CHANCE: Certainty = "could be chance"
TOO_FEW_TO_JUDGE: Certainty = TOO_FEW  # type: ignore[assignment]
#: the compact form's certainty signs, explained by `COMPACT_LEGEND` wherever the compact form is shown
COMPACT_MARK = {COULD_BE_CHANCE: "*", TOO_FEW_TO_JUDGE: "†"}
#: what the certainty words mean, once, for every caption, table note, pack method page and the Definitions
CERTAINTY_EXPLAINED = (
    "'(could be chance)': the 95% interval reaches across a range bound, so chance alone could give the verdict; "
    f"'(too few to judge)': the interval reaches across a bound and fewer than {TOO_FEW_CASES} are counted (recorded "
    "referrals for the police share, cases otherwise). With neither, the 95% interval lies wholly on the verdict's side "
    "of the range, which settles it at any size (the intervals are exact for small counts)."
)
INCOMPLETE_EXPLAINED = (
    f"'◌ incomplete': not judged, because the returns cover under {COMPLETE_ENOUGH:.0%} of the period's "
    "population-time (volume, 3 of 4 quarters for one MARAC: one quarter's rate is not a year's) or more than "
    f"{REFERRAL_GAP_LIMIT:.0%} of cases have no recorded "
    "referral source (referral shares: the missing sources could move them either way)."
)
#: the compact form's sign for a share some of whose cases have no recorded referral source
SHORTFALL_MARK = "‡"
COMPACT_LEGEND = (
    "* could be chance: the 95% interval reaches across a range bound; "
    f"† too few to judge: fewer than {TOO_FEW_CASES} counted and an interval across a bound; "
    f"{SHORTFALL_MARK} some cases have no recorded referral source (the share is of the referrals recorded)"
)
#: what the compact words are, where they are shown (a one-sided range is met or not)
COMPACT_WORDS = (
    ", ".join(f"{VERDICT_STYLE[v]['symbol']} {VERDICT_STYLE[v]['short']}" for v in VERDICTS)
    + " the range; for a minimum, "
    + " or ".join(f"{VERDICT_STYLE[v]['symbol']} {ONE_SIDED_WORDS[v]['compact']}" for v in ("within", "below"))
)
#: the same, short enough for a chart's corner
COMPACT_KEY = "* could be chance · † too few to judge"
#: what the certainty words mean, for a column header's help and a table's notes
HELP = f"Against the SafeLives expected range. {CERTAINTY_EXPLAINED} {INCOMPLETE_EXPLAINED}"


#: what a downloaded table's notes say about its verdicts, in full and in the compact marks
NOTE = f"{HELP} In compact cells: {COMPACT_LEGEND}."


def _count(value: float) -> str:
    """A count as a person reads it: whole where it is whole, a half where a shared referral makes one."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def certainty_of(verdict: str | None, significance: str | None) -> Certainty | None:
    """How far the 95% interval backs a verdict: None when there is no verdict or the interval was not worked out."""
    if verdict is None or significance is None or verdict == INCOMPLETE:
        return None
    if significance == verdict:
        return "clear"
    return TOO_FEW_TO_JUDGE if significance == TOO_FEW else COULD_BE_CHANCE


@dataclass(frozen=True)
class Verdict:
    """A verdict with its certainty, and every way of printing the pair.

    `counted` is the indicator's own denominator (how many recorded referrals, how many cases), for "too few to
    judge"; `shortfall` names cases without a recorded referral source ("40 of 80 cases"); `reason` says why an
    incomplete verdict was withheld.
    """

    verdict: str | None
    certainty: Certainty | None = None
    has_range: bool = True
    one_sided: bool = False
    counted: float | None = None
    counted_words: str = "cases"
    shortfall: str = ""
    reason: str = ""

    @classmethod
    def of(cls, row: Mapping[str, object], indicator: Indicator) -> Verdict:
        """The verdict a metrics row (a dict of its columns) gives `indicator`, with its significance."""
        if not indicator.verdict:
            return cls(None, None, has_range=False)
        verdict = row.get(indicator.verdict)
        significance = row.get(f"{indicator.value}_significance")
        counted = row.get(indicator.counted)
        shortfall = ""
        if indicator.denominator == "referrals_total":
            unrecorded, cases = row.get("referrals_unrecorded"), row.get("cases")
            if unrecorded and cases:
                shortfall = f"{_count(unrecorded)} of {_count(cases)} cases"  # type: ignore[arg-type]
        return cls(
            verdict,  # type: ignore[arg-type]
            certainty_of(verdict, significance),  # type: ignore[arg-type]
            one_sided=indicator.one_sided,
            counted=counted if isinstance(counted, int | float) else None,
            counted_words=indicator.counted_words,
            shortfall=shortfall,
            reason=_withheld_because(row, indicator) if verdict == INCOMPLETE else "",
        )

    @property
    def _style(self) -> dict[str, str]:
        if not self.has_range:
            return NO_RANGE
        style = VERDICT_STYLE.get(self.verdict, VERDICT_STYLE[None])
        if self.one_sided and self.verdict in ONE_SIDED_WORDS:
            return {**style, **ONE_SIDED_WORDS[self.verdict]}
        return style

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
        return self.certainty in (COULD_BE_CHANCE, TOO_FEW_TO_JUDGE)

    @property
    def qualifier(self) -> str:
        """ " (could be chance)", " (too few to judge)" or "" when the interval backs the verdict or there is none."""
        return f" ({self.certainty})" if self.unsure else ""

    @property
    def label(self) -> str:
        """Symbol, short word, certainty and any referral shortfall: "▼ below (could be chance)", "● within; no source
        for 3 of 80 cases"; for a table cell or a chart label."""
        gap = f"; no source for {self.shortfall}" if self.shortfall and self.verdict != INCOMPLETE else ""
        return f"{self.symbol} {self._style['short']}".strip() + self.qualifier + gap

    @property
    def mark(self) -> str:
        """The compact form's certainty sign: "*" could be chance, "†" too few to judge, "" otherwise."""
        return COMPACT_MARK.get(self.certainty, "") if self.unsure else ""  # type: ignore[call-overload]

    @property
    def compact(self) -> str:
        """The same where space is short: "▼ below*", "▼ not met*" for a one-sided range, its sign explained by
        `COMPACT_KEY` beside it."""
        style = self._style
        return f"{self.symbol} {style.get('compact', style['short'])}".strip() + self.mark

    @property
    def cell(self) -> str:
        """The compact form in a table cell, where `COMPACT_LEGEND` is beside it: with "‡" where some cases have no
        recorded referral source ("● within‡"), which the full label says in words."""
        gap = SHORTFALL_MARK if self.shortfall and self.verdict != INCOMPLETE else ""
        return self.compact + gap

    @property
    def words(self) -> str:
        """ "below the expected range", for a sentence or a tile; the certainty is `phrase`'s."""
        return self._style["words"]

    @property
    def certainty_phrase(self) -> str:
        """What a sentence adds after the verdict when the interval does not back it ("" when it does)."""
        if self.certainty == COULD_BE_CHANCE:
            return f", though with this many {self.counted_words} that could be chance"
        if self.certainty == TOO_FEW_TO_JUDGE:
            many = f"only {_count(self.counted)}" if self.counted is not None else f"fewer than {TOO_FEW_CASES}"
            return f", though with {many} {self.counted_words} that is too few to judge"
        return ""

    @property
    def phrase(self) -> str:
        """The verdict in a sentence with its certainty and what is missing: "below the expected range, though with
        this many cases that could be chance"; "not judged: only 1 of 4 quarters returned"."""
        if self.verdict == INCOMPLETE:
            return f"not judged: {self.reason}" if self.reason else self.words
        gap = f" (no source recorded for {self.shortfall})" if self.shortfall else ""
        return self.words + self.certainty_phrase + gap


def _withheld_because(row: Mapping[str, object], indicator: Indicator) -> str:
    """Why a verdict reads "incomplete": "only 1 of 4 quarters returned", "no source recorded for 55 of 60 cases"."""
    if indicator.denominator == "referrals_total":
        unrecorded, cases = row.get("referrals_unrecorded"), row.get("cases")
        if unrecorded and cases:
            return f"no source recorded for {_count(unrecorded)} of {_count(cases)} cases"  # type: ignore[arg-type]
        return "too many cases without a recorded referral source"
    quarters, coverage, maracs = row.get("quarters_with_data"), row.get("coverage"), row.get("maracs_in_group")
    if maracs == 1 and quarters and coverage:
        held = Coverage.of(row, window=round(quarters / coverage))  # type: ignore[operator]
        shown = f" ({held.rate_shown})" if held.rate_shown else ""
        return f"only {held.returned} of {held.window} quarters returned{shown}"
    share = row.get("volume_coverage")
    if isinstance(share, int | float):
        return f"the returns cover only {share:.0%} of the period's population-time"
    return "too few of the period's quarters returned"


def of_rows(rows: Iterable[Mapping[str, object]], indicator: Indicator) -> list[Verdict]:
    """Each row's verdict for `indicator`, in order."""
    return [Verdict.of(row, indicator) for row in rows]


def of_frame(frame: pl.DataFrame, indicator: Indicator) -> list[Verdict]:
    """Each row's verdict for `indicator`, reading only the columns `Verdict.of` reads (a metrics frame has a few
    hundred; a page reads verdicts for every indicator on every run)."""
    if not indicator.verdict or indicator.verdict not in frame.columns:
        return [Verdict.of({}, indicator) for _ in range(frame.height)]
    wanted = [c for c in dict.fromkeys((indicator.verdict, *_read_beside(indicator))) if c in frame.columns]
    return of_rows(frame.select(wanted).iter_rows(named=True), indicator)


def _read_beside(indicator: Indicator) -> tuple[str, ...]:
    """The columns a verdict's certainty, shortfall and withheld reason come from, beside the verdict itself."""
    return (
        f"{indicator.value}_significance",
        indicator.counted,
        "referrals_unrecorded",
        "cases",
        "quarters_with_data",
        "coverage",
        "maracs_in_group",
        "volume_coverage",
        "window",
    )


def label(verdict: str | None) -> str:
    """A bare verdict's symbol and word ("▲ above"), for a legend entry naming the verdict itself."""
    return Verdict(verdict).label


def words(verdict: str | None) -> str:
    return Verdict(verdict).words


def tally(verdicts: Iterable[Verdict]) -> dict[str, dict[str, int]]:
    """How many of each verdict, and of those how many clearly, could be chance or too few to judge."""
    out = {v: {"all": 0, "clear": 0, COULD_BE_CHANCE: 0, TOO_FEW_TO_JUDGE: 0, "unknown": 0} for v in VERDICTS}
    for v in verdicts:
        if v.verdict in out:
            out[v.verdict]["all"] += 1
            out[v.verdict][v.certainty or "unknown"] += 1
    return out


BREAKDOWN_WORDS = {COULD_BE_CHANCE: "could be chance", TOO_FEW_TO_JUDGE: "too few to judge"}


def certainty_breakdown(counts: Mapping[str, int]) -> str:
    """ " (14 clearly, 6 could be chance)" after one verdict's count, or " (all could be chance)"; "" when every one is
    clear or none was judged."""
    unsure = {c: counts[c] for c in (COULD_BE_CHANCE, TOO_FEW_TO_JUDGE) if counts[c]}
    if not unsure:
        return ""
    if len(unsure) == 1 and not counts["clear"] and not counts["unknown"]:
        (certainty,) = unsure
        return f" ({'' if counts['all'] == 1 else 'all '}{BREAKDOWN_WORDS[certainty]})"
    parts = [f"{counts['clear']} clearly"] if counts["clear"] else []
    parts += [f"{n} {BREAKDOWN_WORDS[c]}" for c, n in unsure.items()]
    return " (" + ", ".join(parts) + ")"
