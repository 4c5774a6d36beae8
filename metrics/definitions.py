"""Each indicator defined once: what it counts, how it is judged, and how people read it.

Every table, chart, sentence, pack, export column and the Definitions view reads these
definitions, so adding an indicator is one entry here (and its computation in `metrics.indicators` if it is not a
plain share of two counts). Ranges themselves are reference data (`data/reference/safelives_ranges.csv`), named
here by `range_key`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

from metrics.coverage import REFERRAL_GAP_LIMIT


@dataclass(frozen=True)
class Indicator:
    """One indicator. `value`, `verdict` and the interval columns (`{value}_ci95_low` …) are metrics columns."""

    key: str
    #: name on screen, e.g. "Victims/survivors LGBT+"
    label: str
    value: str  # column holding the figure (a fraction for a share)
    verdict: str | None  # column holding the verdict; None where SafeLives sets no range
    #: its row of the ranges reference table; an indicator SafeLives sets no range for (a comparator) names a row
    #: whose rule is "none", as aged 16–17 does, so every page and pack can look its range up
    range_key: str
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
    #: further published columns worked out from this indicator's numerator (the Definitions page names them). Each
    #: names a column and its family (`{name}_ci95_low`, `{name}_12m` …), but not the family's `_previous` columns:
    #: last year's figures derive from last year's count (`derives_from_previous`)
    derives: tuple[str, ...] = ()
    #: published columns worked out from last year's numerator (`{numerator}_previous`), each with its family
    derives_from_previous: tuple[str, ...] = ()
    #: the column summed on top where it is not `numerator` itself: volume counts only the cases of MARACs with a
    #: population figure, as its denominator does
    numerator_column: str = ""
    #: the numerator and denominator in words, as `definition` names them, e.g. "repeat cases" and "cases discussed"
    numerator_words: str = ""
    denominator_words: str = ""
    #: what the figure is, its numerator and denominator in plain words (the Definitions view)
    definition: str = ""
    #: what to bear in mind when reading it
    caveats: tuple[str, ...] = ()
    #: where its counts come from; the expected range's wording, source and edition are reference data
    #: (`metrics.ranges.Ranges`), never repeated here
    source: str = "The MARACs' quarterly returns, one row per meeting, summed over the period."
    #: how its 95% and 99.8% intervals are worked out
    interval_method: str = "Wilson score interval for a proportion (95% and 99.8%)."

    #: the overview table's header for its percent where "{short} %" would be too terse ("Repeat rate %")
    long_header: str = ""
    #: the count whose size says whether an unsettled interval is "too few to judge": its denominator unless named
    #: here (volume counts its cases, not the recommended cases it is set against)
    counted_on: str = ""
    #: that count in words, for "with only 6 recorded referrals"
    counted_words: str = "cases"
    #: judged against a floor only ("2.5% or above", "at least the local share"): worded "meets" / "does not meet"
    #: and drawn as an open region, never as a band (`tests/metrics/test_definitions.py` checks it against the ranges)
    one_sided: bool = False

    @property
    def counted(self) -> str:
        """The column `counted_on` names, or the denominator."""
        return self.counted_on or self.denominator

    @property
    def header(self) -> str:
        """The column header of its percent in the matrix, e.g. "Repeat %"."""
        return f"{self.short} %"

    @property
    def table_header(self) -> str:
        """The column header of its percent in the overview's tables, e.g. "Repeat rate %"."""
        return self.long_header or self.header

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
            long_header="Volume % of recommended",
            table="volume",
            in_sentence="volume",
            sentence="{name} heard {cases} cases in {when}, {shown} of the recommended volume",
            derives=(
                "cases_per_10k",
                "annualised_cases",
                "cases_with_population",
                "idva_fte_for_current_volume",
                "admin_fte_for_current_volume",
                "annual_cost_estimate",
                "volume_rate_ratio",
                "volume_change_significant",
            ),
            derives_from_previous=("cases_per_10k_previous", "volume_rate_ratio", "volume_change_significant"),
            numerator_column="cases_with_population",
            counted_on="cases_with_population",
            numerator_words="cases discussed",
            denominator_words="recommended cases",
            definition=(
                "Cases discussed at the MARAC in the period as a share of the recommended cases: the number SafeLives "
                "recommends for its adult female population, set against that population for the quarters the MARAC "
                "sent returns. Only MARACs with a population figure on the chosen base are counted."
            ),
            caveats=(
                "SafeLives' own published rates use an older, smaller population base (Census 2011 adult females), "
                "so rates here come out lower than SafeLives'.",
                "The population base is the one chosen in the sidebar (Census 2021 or ONS mid-2023 estimates; "
                "females 16+ or 18+); a MARAC with no figure on that base is left out of volume.",
                "A quarter with no return lowers neither the rate nor the verdict: the MARAC's population counts only "
                "for the quarters it sent (SafeLives instead lets the previous quarter stand in).",
            ),
            source=(
                "Cases from the MARACs' quarterly returns; adult females from the population base chosen in the "
                "sidebar, summed over the local authorities each MARAC covers."
            ),
            interval_method=(
                "Byar's interval for the count of cases (the exact Poisson interval below 10 cases), divided by the "
                "recommended cases (95% and 99.8%)."
            ),
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
            long_header="Repeat rate %",
            table="volume",
            in_sentence="repeat rate",
            sentence="In {when}, {shown} of {name}'s cases were repeats",
            derives=("repeat_rate_change",),
            derives_from_previous=("repeat_rate_previous", "repeat_rate_change"),
            numerator_words="repeat cases",
            denominator_words="cases discussed",
            definition=(
                "Repeat cases as a share of all cases discussed at the MARAC in the period; a repeat is any further "
                "incident between the same victim/survivor and perpetrator within 12 months of the last referral."
            ),
            caveats=(
                "SafeLives' definition of a repeat widened over time (now any further instance of abuse, criminal or "
                "not), so a long series straddles a change of definition.",
                "A repeat counts only if an agency flags it: a rate below the expected range can mean repeats go "
                "unrecognised as well as that there are fewer.",
            ),
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
            long_header="Police share %",
            table="volume",
            in_sentence="police share of referrals",
            sentence="In {when}, the police made {shown} of referrals to {name}",
            derives=("partner_agency_share",),
            counted_words="recorded referrals",
            numerator_words="referrals by the police",
            denominator_words="all referrals",
            definition=(
                "Referrals by the police as a share of all referrals to the MARAC in the period; a case referred by "
                "two agencies counts half to each."
            ),
            caveats=(
                "SafeLives expects the police to be the top referrer; the partner-agency share is the rest (one "
                "minus this share), so read the two together with the referrer mix.",
                "Split referrals make the counts fractional (a half to each agency).",
                "SafeLives splits every case's referral between agencies so that referrals add up to cases, and "
                "divides by cases. Where a return records fewer referrals than cases, this product divides by the "
                "recorded referrals (the share among cases whose source is known), because dividing by cases would "
                "count every case without a source as not referred by the police. The verdict names how many cases "
                f"have no recorded source, and past {REFERRAL_GAP_LIMIT:.0%} of cases it is withheld as incomplete: the "
                "missing sources could move the share either way.",
            ),
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
            one_sided=True,
            numerator_words="victims/survivors who are Black, Asian or racially minoritised",
            denominator_words="cases discussed",
            definition=(
                "Victims/survivors who are Black, Asian or racially minoritised as a share of all cases discussed at "
                "the MARAC in the period, set beside the share of the MARAC's own population that is not White British."
            ),
            caveats=(
                "Judged against the MARAC's own Census 2021 share not White British (weighted by population over the "
                "local authorities it covers; a group's over its MARACs), not against White British or a fixed range.",
                "A victim/survivor whose ethnicity was not recorded counts among the cases but not in the share, so "
                "poor recording lowers it.",
            ),
            source=(
                "Victims/survivors from the MARACs' quarterly returns; the local share not White British from Census "
                "2021 ethnic group, summed over the local authorities each MARAC covers."
            ),
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
            one_sided=True,
            sentence="In {when}, {shown} of {name}'s victims/survivors were LGBT+",
            numerator_words="victims/survivors who are LGBT+",
            denominator_words="cases discussed",
            definition=(
                "Victims/survivors who are LGBT+ (lesbian, gay, bisexual or trans) as a share of all cases discussed "
                "at the MARAC in the period."
            ),
            caveats=(
                "Often badly recorded: the Pan-London MARAC Review found sexual orientation missing from many "
                "referrals, so a share below the expected range can be a recording gap (see Data quality).",
                "Counts are small, so a few victims/survivors more or fewer move the verdict: read it with its "
                "95% interval.",
            ),
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
            one_sided=True,
            sentence="In {when}, {shown} of {name}'s victims/survivors were disabled",
            numerator_words="victims/survivors with a disability",
            denominator_words="cases discussed",
            definition=(
                "Victims/survivors with a disability as a share of all cases discussed at the MARAC in the period."
            ),
            caveats=(
                "Often badly recorded: the Pan-London MARAC Review found disability poorly recorded (one MARAC met "
                "the range), so a share below the expected range can be a recording gap (see Data quality).",
            ),
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
            numerator_words="victims/survivors who are male",
            denominator_words="cases discussed",
            definition="Victims/survivors who are male as a share of all cases discussed at the MARAC in the period.",
            caveats=(
                "The expected range has an upper bound as well as a lower one: above it is a figure to look into, "
                "not a failure.",
                "Counts are small, so a few victims/survivors more or fewer move the verdict: read it with its "
                "95% interval.",
            ),
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
            numerator_words="victims/survivors aged 16 or 17",
            denominator_words="cases discussed",
            definition=(
                "Victims/survivors aged 16 or 17 as a share of all cases discussed at the MARAC in the period."
            ),
            caveats=(
                "SafeLives sets no range for it: a comparator only, with no verdict; read it beside SafeLives' "
                "national figures.",
                "Counts are small, so read it with its 95% interval.",
            ),
        ),
    )
)
