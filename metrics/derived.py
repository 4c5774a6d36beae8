"""Which published columns are worked out from which count: the Definitions page names them beside each indicator."""

from __future__ import annotations

from collections.abc import Sequence

from metrics.definitions import INDICATORS

#: last year's counts, joined beside this year's for the change on a year earlier
PREVIOUS = "_previous"


def _family(name: str, columns: Sequence[str]) -> list[str]:
    """A derived column and the columns built on it (`{name}_ci95_low`, `{name}_12m` …), but not last year's
    (`{name}_previous`), which derive from last year's count."""
    return [name, *(c for c in columns if c.startswith(f"{name}_") and not c.endswith(PREVIOUS))]


def derived_columns(count: str, columns: Sequence[str]) -> list[str]:
    """Every column of `columns` worked out from `count` (so that would let someone work `count` back out).

    Read from the definitions: for each indicator with `count` on top, its figure and every `{figure}_*` column,
    its verdict and the columns it `derives`; for last year's count (`{numerator}_previous`), what it
    `derives_from_previous`. An agency's referrals also give back its share of referrals.
    """
    names: list[str] = []
    this_year = count.removesuffix(PREVIOUS)
    for ind in INDICATORS:
        if count == ind.numerator:
            names += [ind.value, *(c for c in columns if c.startswith(f"{ind.value}_"))]
            if ind.verdict:
                names.append(ind.verdict)
            names += [c for d in ind.derives for c in _family(d, columns)]
        elif count.endswith(PREVIOUS) and this_year == ind.numerator:
            names += [c for d in ind.derives_from_previous for c in _family(d, columns)]
    if count.startswith("referrals_"):
        share = "share_" + count
        names += [c for c in columns if c == share or c.startswith(f"{share}_")]
    present = set(columns)
    return list(dict.fromkeys(n for n in names if n in present and n != count))
