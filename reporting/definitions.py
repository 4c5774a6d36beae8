"""What each indicator means, in the entries people read: the Definitions page and its download.

Like OHID Fingertips' metadata, every figure links to one place that says what it counts, how it is judged and what
to bear in mind. Everything here is read from the indicator's definition (`metrics.definitions`) and from the ranges
reference (`metrics.ranges.Ranges`, which carries each range's wording, source and edition), so a new definition or
a new edition of the ranges shows here with no edit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from urllib.parse import urlencode

import pandas as pd

from metrics.definitions import INDICATORS, Indicator
from metrics.derived import PREVIOUS, derived_columns
from metrics.ranges import Ranges
from reporting.verdicts import CERTAINTY_EXPLAINED, INCOMPLETE_EXPLAINED

#: the page's URL path, as registered in dashboard/app.py's navigation
PAGE = "definitions"
#: the query parameter naming the indicator shown
PARAMETER = "indicator"
COMPARATOR_ONLY = "No SafeLives range: a comparator only"
HEADINGS = (
    "Name",
    "What it measures",
    "Numerator",
    "Denominator",
    "Expected range",
    "Source of the range",
    "How the verdict is read",
    "Interval",
    "Caveats",
    "Where the counts come from",
    "National comparators",
    "Published columns from it",
)
CERTAINTY = f"{CERTAINTY_EXPLAINED} {INCOMPLETE_EXPLAINED}"


def link(indicator: Indicator) -> str:
    """The Definitions page for one indicator, e.g. "/definitions?indicator=repeat_rate", for charts and tables."""
    return f"/{PAGE}?{urlencode({PARAMETER: indicator.key})}"


def chosen(value: str | None) -> Indicator | None:
    """The indicator a URL names, by its key (as `link` writes it) or by its label (as the other pages' choosers
    keep it); None for anything else."""
    for ind in INDICATORS:
        if value in (ind.key, ind.label):
            return ind
    return None


def _column_words(column: str) -> str:
    """A count column in words, for a definition that does not name it: "perpetrators_under_18" -> "perpetrators
    under 18"."""
    return column.replace("_", " ")


def numerator(indicator: Indicator) -> str:
    return indicator.numerator_words or _column_words(indicator.numerator)


def denominator(indicator: Indicator) -> str:
    return indicator.denominator_words or _column_words(indicator.denominator)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _definition(indicator: Indicator) -> str:
    return indicator.definition or f"{_sentence(numerator(indicator))} as a share of {denominator(indicator)}."


def _range_entries(indicator: Indicator, ranges: Ranges) -> tuple[str, str, str]:
    """(expected range, its source, how the verdict is read), all from the ranges reference."""
    if indicator.range_key is None:
        return COMPARATOR_ONLY + ".", "–", "No verdict: a comparator only."
    item = ranges.get(indicator.range_key)
    if item is None:
        held = f'Not held: the ranges reference has no "{indicator.range_key}" row.'
        return held, "–", "No verdict until the ranges reference holds its range."
    source = f"{item.source}; {item.edition}."
    if item.rule not in ("range", "floor", "local_share"):
        return f"{COMPARATOR_ONLY} ({item.wording}).", source, "No verdict: a comparator only."
    words = {
        "range": "Below, within or above the expected range",
        "floor": "Meets or does not meet the expected level: a floor with no upper bound, met at or above it",
        "local_share": "Meets or does not meet the group's own local share: met at or above it",
    }[item.rule]
    return f"{_sentence(item.describe())}. {item.wording}", source, f"{words}. Beside a verdict, {CERTAINTY}"


#: the indicators SafeLives' England figures carry (summed from its police force rows): volume and the repeat rate
ENGLAND_PUBLISHES = ("volume", "repeat_rate")


def national_comparators(indicator: Indicator) -> str:
    """Which national figures an indicator is set beside, and the population base of each."""
    if indicator.key == "volume":
        return (
            "England on the population base chosen for the page (e.g. Census 2021, females aged 16+): SafeLives' "
            "published cases for the English police force areas that reported that financial year, over those forces' "
            "adult females on that base. This is the default comparison, like with like. A force SafeLives marks "
            "partial (a MARAC missing for part of the year) counts as published over its whole population, as in "
            "SafeLives' own total; a force with no figures is left out of cases and population alike. Beside it, "
            "England and the UK as SafeLives published them, on SafeLives' own (older, smaller) adult female base, "
            "which puts England's volume 5–10 points higher (2020-21: 104.1% on Census 2021 females 16+, 112.3% as "
            "published). Each is labelled with its base."
        )
    scopes = (
        "SafeLives' England figure (by financial year, from its police force rows) and UK figure (rolling 12 months)"
        if indicator.key in ENGLAND_PUBLISHES
        else "SafeLives' UK figure (rolling 12 months); SafeLives publishes no England figure for it"
    )
    police = " (1 − SafeLives' partner-agency share)" if indicator.key == "police_share" else ""
    return f"{scopes}{police}. A share, so the same on any population base: no base to match."


def published_columns(indicator: Indicator, columns: Sequence[str] | None = None) -> list[str]:
    """The published columns worked out from the indicator's numerator (this year's and last year's): of `columns`
    (e.g. `metrics.indicators.value_columns`), or, without them, the ones its definition names."""
    if columns is None:
        named = [
            indicator.value,
            *([indicator.verdict] if indicator.verdict else []),
            *indicator.derives,
            *indicator.derives_from_previous,
        ]
        return list(dict.fromkeys(named))
    this_year = derived_columns(indicator.numerator, columns)
    last_year = derived_columns(indicator.numerator + PREVIOUS, columns)
    return list(dict.fromkeys([*this_year, *last_year]))


def entries(indicator: Indicator, ranges: Ranges, columns: Sequence[str] | None = None) -> list[tuple[str, str]]:
    """The indicator's entries as (heading, text) pairs, in `HEADINGS` order."""
    expected, range_source, reading = _range_entries(indicator, ranges)
    texts = (
        indicator.label,
        _definition(indicator),
        _sentence(numerator(indicator)),
        _sentence(denominator(indicator)),
        expected,
        range_source,
        reading,
        indicator.interval_method,
        " ".join(indicator.caveats) or "–",
        indicator.source,
        national_comparators(indicator),
        ", ".join(published_columns(indicator, columns)),
    )
    return list(zip(HEADINGS, texts, strict=True))


#: how each kind of range is read, in a cell
_READ_AS = {
    "range": "below, within or above",
    "floor": "meets or does not meet",
    "local_share": "meets or does not meet",
}


def at_a_glance(ranges: Ranges, indicators: Iterable[Indicator] | None = None) -> pd.DataFrame:
    """Every indicator in a line a screen has room for: its name, what it is a share or rate of, its expected range
    and how a verdict reads. The entries themselves are prose (`table`, the download; `entries`, one at a time)."""
    rows = []
    for ind in INDICATORS if indicators is None else indicators:
        item = ranges.get(ind.range_key) if ranges else None
        judged = item is not None and item.rule in _READ_AS
        rows.append(
            {
                "Name": ind.label,
                "Of": denominator(ind),
                "Expected range": item.describe()
                if judged
                else ("not held yet" if item is None else COMPARATOR_ONLY.split(":")[0]),
                "A verdict reads": _READ_AS[item.rule] if judged else "no verdict",
            }
        )
    return pd.DataFrame(rows, columns=["Name", "Of", "Expected range", "A verdict reads"])


def table(
    ranges: Ranges, columns: Sequence[str] | None = None, indicators: Iterable[Indicator] | None = None
) -> pd.DataFrame:
    """Every indicator's entries, one row each (its key first), for a download."""
    rows = [
        {"Key": ind.key, **dict(entries(ind, ranges, columns))}
        for ind in (INDICATORS if indicators is None else indicators)
    ]
    return pd.DataFrame(rows, columns=["Key", *HEADINGS])
