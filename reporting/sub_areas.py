"""What a partnership calls the grouping below its police force area, said the same way on every page and pack.

The Met's MARACs sit in Borough Command Units, Lancashire's in policing divisions, another force's in local policing
areas or counties: the registry names each MARAC's sub-area and the word for it (`sub_area_word`), and every table,
chart, sentence and pack takes the word from here, so a West Yorkshire partnership never reads "BCU".
"""

from __future__ import annotations

from collections import Counter

import polars as pl

from metrics.dataset import SUB_AREA_WORD


def word(frame: pl.DataFrame) -> str:
    """The word the registry uses for these rows' sub-areas (the commonest, if several), e.g. 'BCU' or 'division'."""
    if "sub_area_word" not in frame.columns:
        return SUB_AREA_WORD
    words = Counter(w for w in frame["sub_area_word"].to_list() if w)
    return words.most_common(1)[0][0] if words else SUB_AREA_WORD


def heading(term: str) -> str:
    """The word as a column heading or at the start of a sentence: 'BCU', 'Division', 'Sub-area'."""
    return term[:1].upper() + term[1:]


def plural(term: str) -> str:
    """'BCUs', 'divisions', 'sub-areas', 'local policing areas'."""
    return term if term.endswith("s") else f"{term}s"


def named(name: str | None, term: str) -> str:
    """One sub-area by name, e.g. 'Central East BCU', 'Lancashire West division'; 'no BCU' for a MARAC without one."""
    return f"{name} {term}" if name else f"no {term}"


def with_area(frame: pl.DataFrame, area: str) -> str:
    """'BCU and London' for an area whose MARACs have sub-areas (as in 'BCU and London totals'), else just 'London'."""
    if "sub_area" not in frame.columns or frame["sub_area"].drop_nulls().is_empty():
        return area
    return f"{heading(word(frame))} and {area}"
