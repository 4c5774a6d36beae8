"""Plain-English sentences generated from the figures, for board-pack pages and slides.

An analyst would otherwise write "Hackney heard 531 cases in the year to March 2021, 125% of
the recommended volume; above the expected range" by hand for every borough. The sentence
follows the verdict words used everywhere else, never says "good" or "bad", says so when
chance could explain a verdict, and says so when there are no returns or no figure.
"""

from __future__ import annotations

from metrics.coverage import INCOMPLETE
from metrics.definitions import Indicator
from metrics.periods import Period, fy_label
from metrics.ranges import Ranges
from reporting import missing_quarters_words, numbers
from reporting.coverage_words import Coverage
from reporting.verdicts import Verdict


def period_phrase(chosen: Period) -> str:
    """'the year to March 2021', 'financial year 2020-21' or 'the quarter to March 2021'."""
    if chosen.window == "fy":
        return f"financial year {fy_label(chosen.start)}"
    span = "quarter" if chosen.window == "quarter" else "year"
    return f"the {span} to {chosen.end.strftime('%B %Y')}"


def caption(
    name: str,
    row: dict[str, object],
    ind: Indicator,
    ranges: Ranges,
    chosen: Period,
    *,
    national: float | None = None,
) -> str:
    """One indicator's sentence for one MARAC or area; `row` is a metrics row.

    The figure, the local share and the interval are printed as the table beside the sentence prints them, and the
    verdict carries its certainty. A figure from fewer quarters than the period says so (`reporting.coverage_words`):
    volume in full ("1 of 4 quarters returned: one quarter's rate shown as a year's"), other figures in short.
    """
    when = period_phrase(chosen)
    value = row.get(ind.value)
    if row.get("cases") is None:
        if row.get("maracs_left_out"):
            return missing_quarters_words.left_out(name, when)
        return f"{name} has no returns for {when}."
    item = numbers.range_of(ind, ranges)
    verdict = Verdict.of(row, ind)
    local = numbers.local_of(row, ind)
    coverage = Coverage.of(row, window=len(chosen.quarters))
    covered = coverage.words if ind.key == "volume" else coverage.short
    if value is None:
        if ind.key == "volume":
            return (
                f"{name} heard {row['cases']:,.0f} cases in {when}{f' ({covered})' if covered else ''}; there is no "
                "population figure on this base, so no volume verdict."
            )
        return f"{name} has no figure for {ind.in_sentence} for {when}."
    shown, local_shown = numbers.pair_beside_verdict(value, verdict.verdict, item, local, ind.least_decimals)  # type: ignore[arg-type]
    sentence = ind.sentence.format(name=name, when=when, shown=shown, cases=f"{row['cases']:,.0f}")
    if local is not None:
        sentence += f", against a local population share of {local_shown} not White British"
    if covered:
        sentence += f" ({covered})"
    if verdict.verdict == INCOMPLETE and ind.key == "volume" and not coverage.enough:
        # the coverage just said is the reason: the verdict's own reason would say it twice
        return sentence + "; too little of the period returned to judge against the expected range."
    if verdict.verdict == INCOMPLETE:  # withheld for another reason (referral sources): the verdict says which
        return sentence + f"; {verdict.phrase}."
    if verdict.verdict is None:
        no_range = " (no SafeLives range"
        sentence += no_range + (f"; nationally about {national:.1%})" if national is not None else ")")
        return sentence + "."
    sentence += f"; {verdict.words}"
    if item is not None and item.rule not in ("none", "local_share") and ind.key != "volume":
        sentence += f" of {item.describe()}"
    sentence += verdict.certainty_phrase
    if verdict.certainty == "could be chance":
        interval = numbers.figure_interval(row, ind, ranges)
        if interval != numbers.DASH:
            sentence += f" (95% interval {interval})"
    if verdict.shortfall:  # referrals short of cases, under the limit that withholds the verdict: said, not hidden
        sentence += f"; no source recorded for {verdict.shortfall}"
    return sentence + "."
