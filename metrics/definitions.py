"""Each indicator defined once: what it counts, how it is judged, and how people read it.

Every table, chart, sentence, pack, export column, suppression rule and the Definitions view reads these
definitions, so adding an indicator is one entry here (and its computation in `metrics.indicators` if it is not a
plain share of two counts). Ranges themselves are reference data (`data/reference/safelives_ranges.csv`), named
here by `range_key`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Indicator:
    """One indicator. `value`, `verdict` and the interval columns (`{value}_ci95_low` …) are metrics columns."""

    key: str
    #: name on screen, e.g. "Victims/survivors LGBT+"
    label: str
    value: str  # column holding the figure (a fraction for a share)
    verdict: str | None  # column holding the verdict; None where SafeLives sets no range
    range_key: str | None  # row of the ranges reference table
    unit: Literal["share", "rate", "count"]
    numerator: str  # the count on top
    denominator: str  # the count it is a share of
    #: short name for a column header or a tile, e.g. "LGBT+"
    short: str
    #: which overview table shows it: "volume" (volume, repeats and referrals) or "victims" (who the victims/survivors are)
    table: Literal["volume", "victims"]
    #: the indicator inside a sentence, e.g. "repeat rate", "victims/survivors LGBT+"
    in_sentence: str
    #: a generated sentence's opening, with {name}, {when}, {shown} and {cases}: "In {when}, {shown} of {name}'s cases
    #: were repeats"
    sentence: str
    #: judged against each MARAC's own population share (racially minoritised) rather than a fixed range
    local_share: bool = False
    #: fewest decimals a percent is printed with (more when fewer would contradict its verdict)
    least_decimals: int = 1
    #: further published columns worked out from this indicator's numerator (withheld with it)
    derives: tuple[str, ...] = ()
    #: what the figure is, in a sentence or two (the Definitions view)
    definition: str = ""
    #: what to bear in mind when reading it
    caveats: tuple[str, ...] = ()
    #: where the expected range comes from
    source: str = ""
    #: how its 95% and 99.8% intervals are worked out
    interval_method: str = "Wilson score interval for a proportion"

    @property
    def header(self) -> str:
        """The column header of its percent, e.g. "Repeat %"."""
        return f"{self.short} %"

    @property
    def verdict_header(self) -> str:
        return f"{self.short} verdict"


class Catalogue:
    """The indicators in their reading order; iterable like a tuple.

    One shared object, so a test can add an indicator for its duration (`adding`) and find it on every page without
    any other edit.
    """

    def __init__(self, items: tuple[Indicator, ...]) -> None:
        self._items = items

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: int) -> Indicator:
        return self._items[index]

    def __contains__(self, item: object) -> bool:
        return item in self._items

    def __hash__(self) -> int:
        return hash(self._items)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Catalogue) and other._items == self._items) or other == self._items

    def by_key(self, key: str) -> Indicator:
        """The indicator called `key`; a KeyError names the keys there are."""
        for item in self._items:
            if item.key == key:
                return item
        raise KeyError(f'no indicator "{key}"; there are {", ".join(i.key for i in self._items)}')

    def of_table(self, table: str) -> tuple[Indicator, ...]:
        return tuple(i for i in self._items if i.table == table)

    @contextmanager
    def adding(self, item: Indicator) -> Iterator[Indicator]:
        """`item` is an indicator while the block runs (for tests of "one definition, found everywhere")."""
        before = self._items
        self._items = (*before, item)
        try:
            yield item
        finally:
            self._items = before


INDICATORS = Catalogue(
    (
        Indicator(
            "volume",
            "Cases as % of recommended volume",
            "pct_of_recommended",
            "volume_verdict",
            "volume",
            "share",
            "cases",
            "recommended_cases",
            short="Volume",
            table="volume",
            in_sentence="volume",
            sentence="{name} heard {cases} cases in {when}, {shown} of the recommended volume",
            least_decimals=0,
        ),
        Indicator(
            "repeat_rate",
            "Repeat rate",
            "repeat_rate",
            "repeat_verdict",
            "repeat_rate",
            "share",
            "repeat_cases",
            "cases",
            short="Repeat",
            table="volume",
            in_sentence="repeat rate",
            sentence="In {when}, {shown} of {name}'s cases were repeats",
        ),
        Indicator(
            "police_share",
            "Police share of referrals",
            "police_share",
            "police_verdict",
            "police_share",
            "share",
            "referrals_police",
            "referrals_total",
            short="Police",
            table="volume",
            in_sentence="police share of referrals",
            sentence="In {when}, the police made {shown} of referrals to {name}",
            derives=("partner_agency_share",),
        ),
        Indicator(
            "racially_minoritised",
            "Victims/survivors racially minoritised",
            "share_racially_minoritised",
            "racially_minoritised_verdict",
            "racially_minoritised",
            "share",
            "victims_racially_minoritised",
            "cases",
            short="Racially minoritised",
            table="victims",
            in_sentence="victims/survivors racially minoritised",
            sentence="In {when}, {shown} of {name}'s victims/survivors were racially minoritised",
            local_share=True,
        ),
        Indicator(
            "lgbt",
            "Victims/survivors LGBT+",
            "share_lgbt",
            "lgbt_verdict",
            "lgbt",
            "share",
            "victims_lgbt",
            "cases",
            short="LGBT+",
            table="victims",
            in_sentence="victims/survivors LGBT+",
            sentence="In {when}, {shown} of {name}'s victims/survivors were LGBT+",
        ),
        Indicator(
            "disabled",
            "Victims/survivors disabled",
            "share_disabled",
            "disabled_verdict",
            "disabled",
            "share",
            "victims_disabled",
            "cases",
            short="Disabled",
            table="victims",
            in_sentence="victims/survivors disabled",
            sentence="In {when}, {shown} of {name}'s victims/survivors were disabled",
        ),
        Indicator(
            "male",
            "Victims/survivors male",
            "share_male",
            "male_verdict",
            "male",
            "share",
            "victims_male",
            "cases",
            short="Male",
            table="victims",
            in_sentence="victims/survivors male",
            sentence="In {when}, {shown} of {name}'s victims/survivors were male",
        ),
        Indicator(
            "aged_16_17",
            "Victims/survivors aged 16–17",
            "share_aged_16_17",
            None,
            "aged_16_17",
            "share",
            "victims_aged_16_17",
            "cases",
            short="Aged 16–17",
            table="victims",
            in_sentence="victims/survivors aged 16–17",
            sentence="In {when}, {shown} of {name}'s victims/survivors were aged 16–17",
        ),
    )
)
