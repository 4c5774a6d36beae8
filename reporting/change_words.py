"""What changed since last quarter, in words: each change as a person reads it, and the sentence heading the view.

A change is "up" or "down", never better or worse (a rise in volume is not bad, a fall in the repeat rate not good),
and one the 95% interval does not set apart from no change is said to be one chance could explain. Figures print as
`reporting.numbers` prints them elsewhere: cases a year per 10,000 adult females to one decimal, shares to one
decimal of a percent, a share's change in percentage points, volume's as a percent up or down (its rate ratio less 1).

Plain text: a page escapes it for Markdown (`reporting.markup.escape_markdown`), a pack for its own format.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from metrics.coverage import COMPLETE_ENOUGH
from metrics.definitions import INDICATORS
from metrics.periods import Period
from metrics.quarter_change import COMPARISONS, LATE, NEW, PREVIOUS_QUARTER, RATIO, REPLACED, VOLUME, YEAR_EARLIER
from reporting.numbers import DASH
from reporting.verdicts import COULD_BE_CHANCE

#: each comparison as a sentence sets it against the chosen period
AGAINST = {PREVIOUS_QUARTER: "against the previous quarter", YEAR_EARLIER: "against the same period a year earlier"}
#: each comparison as a table names it
COMPARED_WITH = {PREVIOUS_QUARTER: "Previous quarter", YEAR_EARLIER: "A year earlier"}
#: the beyond-chance column's words, by `beyond_chance` (None: nothing to compare)
BEYOND_WORDS = {True: "yes", False: f"no: {COULD_BE_CHANCE}", None: DASH}
#: a volume change not judged because a period rests on too little of its population-time
NOT_JUDGED = "not judged: too little data"
VOLUME_UNIT = "cases a year per 10,000 adult females"
#: what the returns' statuses mean, as the view says them (`metrics.quarter_change.returns_since`)
STATUS_WORDS = {
    NEW: "new",
    LATE: "late: after its own quarter's round",
    REPLACED: "replaced: a later version took its place",
}
RETURNS_EXPLAINED = (
    "Each quarter's returns come in during the quarter after it (its round). Since last quarter means loaded in this "
    "period's round: after {since} and by {until}. New: a quarter with no return held before, for the period's last "
    "quarter. Late: a first return for an earlier quarter, so loaded after its own round. Replaced: a quarter already "
    "held whose return was loaded again (a correction)."
)
#: what the database does not hold about returns, said in the view rather than made up
NOT_HELD = (
    "The database records when each return was loaded, not when a coordinator received it, and holds no due dates: "
    '"late" is measured against each quarter\'s round, not a deadline.'
)
VOLUME_WITHHELD = (
    f"A volume change is {NOT_JUDGED} where either period's returns cover under {COMPLETE_ENOUGH:.0%} of its "
    "population-time (3 of 4 quarters for one MARAC: one quarter's rate is not a year's)."
)

#: what the change table's columns mean, under it and in its download's notes
TABLE_NOTE = (
    "Volume is cases a year per 10,000 adult females, its change a ratio of rates shown as a percent up or down; every "
    "other indicator is a share, its change a difference in percentage points. A change is beyond chance when its 95% "
    f"interval leaves out no change; up or down says nothing of better or worse. {VOLUME_WITHHELD}"
)


def periods_line(periods: Mapping[str, Period]) -> str:
    """What the chosen period is set against, e.g. "Set against the previous quarter's period (12 months to 31
    December 2020) and the same period a year earlier (12 months to 31 March 2020)."."""
    return (
        f"Set against the previous quarter's period ({periods[PREVIOUS_QUARTER].label}) and the same period a year "
        f"earlier ({periods[YEAR_EARLIER].label})."
    )


def comparison_label(comparison: str, periods: Mapping[str, Period] | None = None) -> str:
    """ "Previous quarter, 12 months to 31 December 2020", or just "Previous quarter" without the periods."""
    base = COMPARED_WITH[comparison]
    return f"{base}, {periods[comparison].label}" if periods and comparison in periods else base


def figure(indicator_key: str, value: float | None) -> str:
    """A figure now or then: volume as cases a year per 10,000 adult females ("36.1"), a share as a percent."""
    if value is None:
        return DASH
    return f"{value:,.1f}" if _is_volume(indicator_key) else f"{value:.1%}"


def _is_volume(indicator_key: str) -> bool:
    return indicator_key == VOLUME


def change(row: Mapping[str, object]) -> str:
    """The change: volume's as a percent up or down ("+50%"), a share's in percentage points ("+10.0 points")."""
    value = row.get("change")
    if value is None:
        return DASH
    if row.get("measure") == RATIO:
        return f"{value - 1:+.0%}"  # type: ignore[operator]
    return f"{value * 100:+.1f} points"  # type: ignore[operator]


def interval(row: Mapping[str, object]) -> str:
    """The change's 95% interval on the same scale as `change`: "+16% to +93%", "-1.6 to +21.2 points"."""
    low, high = row.get("ci95_low"), row.get("ci95_high")
    if low is None or high is None:
        return DASH
    if row.get("measure") == RATIO:
        return f"{low - 1:+.0%} to {high - 1:+.0%}"  # type: ignore[operator]
    return f"{low * 100:+.1f} to {high * 100:+.1f} points"  # type: ignore[operator]


def beyond(row: Mapping[str, object]) -> str:
    """ "yes", "no: could be chance", "not judged: too little data" or a dash where there is nothing to compare."""
    if row.get("judged") is False and row.get("change") is not None:
        return NOT_JUDGED
    return BEYOND_WORDS[row.get("beyond_chance")]  # type: ignore[index]


def _direction(row: Mapping[str, object]) -> str:
    value, none = row["change"], 1.0 if row.get("measure") == RATIO else 0.0
    return "up" if value > none else "down" if value < none else "unchanged"  # type: ignore[operator]


def move(row: Mapping[str, object]) -> str:
    """One change as a clause: "volume at Hackney, up 50% (36.1 → 54.2 cases a year per 10,000 adult females)"."""
    key = str(row["indicator"])
    indicator = INDICATORS.by_key(key)
    then, now = figure(key, row.get("then")), figure(key, row.get("now"))  # type: ignore[arg-type]
    unit = f" {VOLUME_UNIT}" if _is_volume(key) else ""
    size = change(row).lstrip("+-")
    direction = _direction(row)
    how = direction if direction == "unchanged" else f"{direction} {size}"
    return f"{indicator.in_sentence} at {row['group_name']}, {how} ({then} → {now}{unit})"


def _clause(rows: pl.DataFrame, comparison: str, most: int) -> str:
    """What moved against one comparison: the clearest changes beyond chance (their size against what they rest on,
    `metrics.quarter_change`), or that none is, with the one nearest to it."""
    against = AGAINST[comparison]
    these = rows.filter(pl.col("comparison") == comparison)
    real = these.filter(pl.col("beyond_chance").fill_null(False))
    if real.height == 1:
        return f"{against}, 1 change is beyond what chance explains: {move(real.row(0, named=True))}"
    if real.height:
        said = [move(r) for r in real.head(most).iter_rows(named=True)]
        listed = said[0] if len(said) == 1 else ", ".join(said[:-1]) + f" and {said[-1]}"
        return f"{against}, {real.height} changes are beyond what chance explains, the clearest being {listed}"
    compared = these.filter(pl.col("beyond_chance").is_not_null())
    if compared.height:
        top = compared.sort("size", descending=True, nulls_last=True).row(0, named=True)
        return f"{against}, no change is beyond what chance explains (the nearest, {move(top)}, {COULD_BE_CHANCE})"
    return f"{against}, there are no figures to compare with"


def changes_sentence(frame: pl.DataFrame, area: str, most: int = 2) -> str:
    """The sentence heading the view, for the board pack too: the biggest moves beyond chance against each comparison.

    `frame` is `metrics.quarter_change.quarter_changes` (or `ranked`) for the area's MARACs; `area` names them. Plain
    text, e.g. "In London, against the previous quarter, 1 change is beyond what chance explains: volume at Hackney,
    up 50% (36.1 → 54.2 cases a year per 10,000 adult females); against the same period a year earlier, no change is
    beyond what chance explains (the nearest, volume at Hackney, up 25% (43.3 → 54.2 …), could be chance)."
    `most` is how many changes beyond chance are named for each comparison (the clearest first).
    """
    clauses = [_clause(frame, c, most) for c in COMPARISONS]
    return f"In {area}, " + "; ".join(clauses) + "."


def returns_sentence(returns: pl.DataFrame) -> str:
    """How many quarters' returns are new, late and replaced in the round, e.g. "2 new, 1 late and 1 replaced"."""
    if returns.is_empty():
        return "No returns were loaded in this period's round."
    counts = {s: returns.filter(pl.col("status") == s).height for s in (NEW, LATE, REPLACED)}
    parts = [f"{n} {s}" for s, n in counts.items() if n]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" and {parts[-1]}"
    total = returns.height
    return f"Returns loaded in this period's round: {listed} ({total} MARAC-quarter{'s' if total != 1 else ''})."
