"""What a 1280 px screen's tables show where the whole does not fit: short headers (the full one on hover, in the data
and in every download) and the groups of columns shown one at a time. Words only; `dashboard.table_display` draws
them."""

from __future__ import annotations

import pandas as pd

from metrics.definitions import INDICATORS
from metrics.national import AS_PUBLISHED, RECOMPUTED
from reporting import coverage_words
from reporting.tables import LOCAL_HEADER, MATRIX_HELP, PER_10K

#: the matrix's headers a screen has room for, each with its help (the full name, and what it is judged against)
MATRIX_SHORT = {
    INDICATORS.by_key("racially_minoritised").header: (
        "Minoritised %",
        f"Victims/survivors racially minoritised, against the local share not White British. {MATRIX_HELP}",
    ),
    LOCAL_HEADER: ("Local share %", f"{LOCAL_HEADER}: the level racially minoritised is judged against."),
    PER_10K: ("Per 10,000", "Cases a year per 10,000 adult females on the chosen population base."),
    coverage_words.HEADER: ("Quarters", coverage_words.NOTE),
}

#: the referral change table's headers a screen has room for
REFERRAL_CHANGE_SHORT = {
    "A year earlier %": "Then %",
    "Change (points)": "Change",
    "95% interval (points)": "95% interval",
}

#: the range summary's headers a screen has room for
RANGE_SUMMARY_SHORT = {
    "MARACs with figures": "MARACs",
    "Meeting the range %": "Meeting %",
    "Within, and the 95% interval agrees": "Within, clearly",
    "Not judged (incomplete)": "Not judged",
}

#: the profile's comparators, a group at a time: all seven beside the MARAC's own do not fit 1280 px
PROFILE_COMPARISONS = {
    "area": "Its sub-area and area",
    "wider": "Wider areas and all MARACs",
    "national": "England and UK",
}


def profile_columns(profile: pd.DataFrame, kinds: dict[str, str], home: str, compare: str) -> list[str]:
    """The MARAC's own columns, then one group of comparators (`PROFILE_COMPARISONS`), by each comparator's kind
    (`kinds`: "sub_area", "region", "pfa", "all" or "national"): its sub-area and its home area's kind ("region" for
    a London borough, "pfa" for a Lancashire MARAC), the other areas and all MARACs, or England and the UK."""
    own, comparators = list(profile.columns[:4]), list(profile.columns[4:])
    group = {
        "area": lambda kind: kind in ("sub_area", home),
        "national": lambda kind: kind == "national",
    }.get(compare, lambda kind: kind not in ("sub_area", home, "national"))
    return own + [c for c in comparators if group(kinds.get(c, "national"))]


def comparator_header(name: str) -> str:
    """A comparator's column header short enough for a screen: "England, SafeLives' own base (as published), 12 months
    to Mar 2025" -> "England (SafeLives)"; England recomputed on the MARACs' base -> "England (same base)"; any other
    name as it is."""
    if AS_PUBLISHED in name:
        return f"{name.split(',')[0]} (SafeLives)"
    if RECOMPUTED in name:
        return f"{name.split(',')[0]} (same base)"
    return name
