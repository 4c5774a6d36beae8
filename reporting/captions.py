"""Plain-English sentences generated from the figures, for board-pack pages and slides.

An analyst would otherwise write "Hackney heard 531 cases in the year to March 2021, 125% of
the recommended volume; above the expected range" by hand for every borough. The sentence
follows the verdict words used everywhere else, never says "good" or "bad", says so when
chance could explain a verdict, and says "withheld" rather than printing a suppressed figure.
"""

from __future__ import annotations

from metrics.definitions import Indicator
from metrics.periods import Period, fy_label
from metrics.ranges import Ranges
from metrics.significance import TOO_FEW_CASES
from reporting.numbers import decimals_for
from reporting.theme import verdict_words

VICTIM_WORDS = {
    "racially_minoritised": "racially minoritised",
    "lgbt": "LGBT+",
    "disabled": "disabled",
    "male": "male",
    "aged_16_17": "aged 16–17",
}


def period_phrase(chosen: Period) -> str:
    """'the year to March 2021', 'financial year 2020-21' or 'the quarter to March 2021'."""
    if chosen.window == "fy":
        return f"financial year {fy_label(chosen.start)}"
    span = "quarter" if chosen.window == "quarter" else "year"
    return f"the {span} to {chosen.end.strftime('%B %Y')}"


def _pct(value: float, decimals: int) -> str:
    return f"{value:.{decimals}%}"


def caption(
    name: str,
    row: dict[str, object],
    ind: Indicator,
    ranges: Ranges,
    chosen: Period,
    *,
    withheld: bool = False,
    national: float | None = None,
) -> str:
    """One indicator's sentence for one MARAC or area; `row` is a (suppressed) metrics row."""
    when = period_phrase(chosen)
    value = row.get(ind.value)
    if withheld:
        return f"{name}'s figure for {when} is withheld to protect small numbers."
    if row.get("cases") is None:
        return f"{name} has no returns for {when}."
    item = ranges.get(ind.range_key) if ind.range_key else None
    verdict = row.get(ind.verdict) if ind.verdict else None
    local = row.get("local_share_not_white_british") if ind.key == "racially_minoritised" else None
    if value is None:
        if ind.key == "volume":
            return (
                f"{name} heard {row['cases']:,.0f} cases in {when}; there is no population figure on this base, "
                "so no volume verdict."
            )
        return f"{name} has no {ind.label.lower()} figure for {when}."
    shown = _pct(value, decimals_for(value, verdict, item, local, least=0 if ind.key == "volume" else 1))
    judged = verdict_words(verdict) if verdict else "no expected range"
    if ind.key == "volume":
        sentence = f"{name} heard {row['cases']:,.0f} cases in {when}, {shown} of the recommended volume; {judged}"
    elif ind.key == "repeat_rate":
        sentence = f"In {when}, {shown} of {name}'s cases were repeats; {judged}"
    elif ind.key == "police_share":
        sentence = f"In {when}, the police made {shown} of referrals to {name}; {judged}"
    else:
        sentence = f"In {when}, {shown} of {name}'s victims/survivors were {VICTIM_WORDS[ind.key]}"
        if local is not None:
            sentence += f", against a local population share of {_pct(local, 1)} not White British"
        sentence += (
            f"; {judged}"
            if verdict
            else (
                f" (no SafeLives range; nationally about {national:.1%})"
                if national is not None
                else " (no SafeLives range)"
            )
        )
    if item is not None and verdict and item.rule not in ("none", "local_share") and ind.key != "volume":
        sentence += f" of {item.describe()}"
    return sentence + _certainty(row, ind, verdict) + "."


def _certainty(row: dict[str, object], ind: Indicator, verdict: str | None) -> str:
    supported = row.get(f"{ind.value}_significance")
    if verdict is None or supported is None or supported == verdict:
        return ""
    if supported == "too few cases":
        return f", though with fewer than {TOO_FEW_CASES} cases that cannot be said with confidence"
    low, high = row.get(f"{ind.value}_ci95_low"), row.get(f"{ind.value}_ci95_high")
    interval = f" (95% interval {low:.1%} to {high:.1%})" if low is not None and high is not None else ""
    return f", though with this many cases that could be chance{interval}"
