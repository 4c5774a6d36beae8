"""The Definitions view's entries (reporting/definitions.py), read from the definitions and the ranges reference.

The range's figures, wording, source and edition are read here from data/reference/safelives_ranges.csv itself, so
an entry that stopped reading the reference (or copied it into code) would fail on the next edition.
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl
import pytest

from metrics.definitions import INDICATORS, Indicator
from metrics.indicators import value_columns
from metrics.ranges import Ranges
from reporting.definitions import COMPARATOR_ONLY, HEADINGS, chosen, entries, link, published_columns, table
from tests.helpers import metrics as fx

REFERENCE = pl.read_csv(fx.RANGES_CSV, schema_overrides={"lower": pl.Float64, "upper": pl.Float64})
SOURCE = (
    "SafeLives, Marac data / 'Reviewing your Marac data' guidance, as used by the MOPAC Pan-London MARAC Review (2021)"
)
EDITION = "SafeLives ranges as used by the Pan-London MARAC Review 2021"


@pytest.fixture(scope="module")
def ranges() -> Ranges:
    return Ranges.from_frame(REFERENCE)


def _row(indicator: str) -> dict:
    return REFERENCE.filter(pl.col("indicator") == indicator).row(0, named=True)


def test_repeat_rate_entries_say_what_it_is_and_how_it_is_judged(ranges) -> None:
    repeat = _row("repeat_rate")
    assert (repeat["lower"], repeat["upper"], repeat["source"], repeat["edition"]) == (0.28, 0.40, SOURCE, EDITION)
    assert entries(INDICATORS.by_key("repeat_rate"), ranges, value_columns(fx.dataset())) == [
        ("Name", "Repeat rate"),
        (
            "What it measures",
            "Repeat cases as a share of all cases discussed at the MARAC in the period; a repeat is any further incident "
            "between the same victim/survivor and perpetrator within 12 months of the last referral.",
        ),
        ("Numerator", "Repeat cases"),
        ("Denominator", "Cases discussed"),
        ("Expected range", f"28%–40%. {repeat['wording']}"),
        ("Source of the range", f"{SOURCE}; {EDITION}."),
        (
            "How the verdict is read",
            "Below, within or above the expected range. Beside a verdict, '(could be chance)': the 95% interval "
            "reaches across a range bound, so chance alone could give the verdict; '(too few to judge)': the interval "
            "reaches across a bound and fewer than 10 are counted (recorded referrals for the police share, cases "
            "otherwise). With neither, the 95% interval lies wholly on the verdict's side of the range, which settles "
            "it at any size (the intervals are exact for small counts). '◌ incomplete': not judged, because the "
            "returns cover under 75% of the period's population-time (volume, 3 of 4 quarters for one MARAC: one "
            "quarter's rate is not a year's) or more than 20% of cases have no recorded referral source (referral shares: the missing sources could move them "
            "either way).",
        ),
        ("Interval", "Wilson score interval for a proportion (95% and 99.8%)."),
        (
            "Caveats",
            "SafeLives' definition of a repeat widened over time (now any further instance of abuse, criminal or not), "
            "so a long series straddles a change of definition. A repeat counts only if an agency flags it: a rate "
            "below the expected range can mean repeats go unrecognised as well as that there are fewer.",
        ),
        ("Where the counts come from", "The MARACs' quarterly returns, one row per meeting, summed over the period."),
        (
            "National comparators",
            "SafeLives' England figure (by financial year, from its police force rows) and UK figure (rolling 12 "
            "months). A share, so the same on any population base: no base to match.",
        ),
        (
            "Published columns from it",
            "repeat_rate, repeat_rate_previous, repeat_rate_change, repeat_rate_change_ci95_low, "
            "repeat_rate_change_ci95_high, repeat_rate_change_significant, repeat_verdict",
        ),
    ]
    assert repeat["wording"] == "28–40% of cases are repeats within 12 months: below / within / above."


def test_the_range_entries_follow_the_reference_data(ranges) -> None:
    """A new edition's figures and words show with no code change."""
    edited = REFERENCE.with_columns(
        pl.when(pl.col("indicator") == "repeat_rate").then(0.25).otherwise(pl.col("lower")).alias("lower"),
        pl.when(pl.col("indicator") == "repeat_rate")
        .then(pl.lit("25–40% of cases (2030 edition)."))
        .otherwise(pl.col("wording"))
        .alias("wording"),
        pl.lit("SafeLives 2030").alias("edition"),
    )
    got = dict(entries(INDICATORS.by_key("repeat_rate"), Ranges.from_frame(edited)))
    assert got["Expected range"] == "25%–40%. 25–40% of cases (2030 edition)."
    assert got["Source of the range"] == f"{SOURCE}; SafeLives 2030."


def test_floor_local_share_and_comparator_only_read_their_own_way(ranges) -> None:
    lgbt = dict(entries(INDICATORS.by_key("lgbt"), ranges))
    assert lgbt["Expected range"] == f"2.5% or above. {_row('lgbt')['wording']}"
    assert lgbt["How the verdict is read"].startswith(
        "Meets or does not meet the expected level: a floor with no upper bound, met at or above it."
    )
    minoritised = dict(entries(INDICATORS.by_key("racially_minoritised"), ranges))
    assert minoritised["Expected range"].startswith("At least the local share not White British. Black, Asian")
    assert minoritised["How the verdict is read"].startswith(
        "Meets or does not meet the group's own local share: met at or above it."
    )
    aged = dict(entries(INDICATORS.by_key("aged_16_17"), ranges))
    assert (
        aged["Expected range"]
        == "No SafeLives range: a comparator only (no range; national comparator about 1.3–1.6%)."
    )
    assert aged["How the verdict is read"] == "No verdict: a comparator only."
    volume = dict(entries(INDICATORS.by_key("volume"), ranges))
    assert volume["Expected range"].startswith("80%–100% of recommended. A MARAC should hear 80–100%")
    assert volume["Numerator"] == "Cases discussed" and volume["Denominator"] == "Recommended cases"
    assert volume["Interval"].startswith("Byar's interval for the count of cases (the exact Poisson interval below 10")
    assert "Census 2011 adult females" in volume["Caveats"]


def test_the_national_comparator_entry_names_each_comparators_base(ranges) -> None:
    volume = dict(entries(INDICATORS.by_key("volume"), ranges))["National comparators"]
    assert volume.startswith("England on the population base chosen for the page (e.g. Census 2021, females aged 16+)")
    assert "the default comparison, like with like" in volume
    assert "on SafeLives' own (older, smaller) adult female base" in volume
    # 2020-21: 93,815 cases / 22,534,839 females 16+ x 10,000 / 40 = 104.1%; as published 44.92 / 40 = 112.3%
    assert "2020-21: 104.1% on Census 2021 females 16+, 112.3% as published" in volume
    police = dict(entries(INDICATORS.by_key("police_share"), ranges))["National comparators"]
    assert police == (
        "SafeLives' UK figure (rolling 12 months); SafeLives publishes no England figure for it (1 − SafeLives' "
        "partner-agency share). A share, so the same on any population base: no base to match."
    )


def test_a_definition_without_texts_still_reads(ranges) -> None:
    toy = Indicator(
        "perpetrators_under_18",
        "Perpetrators aged 17 or under",
        "share_perpetrators_under_18",
        None,
        None,
        "share",
        "perpetrators_under_18",
        "cases",
        short="Perpetrators under 18",
        table="victims",
        in_sentence="perpetrators aged 17 or under",
        sentence="",
    )
    got = dict(entries(toy, ranges))
    assert got["What it measures"] == "Perpetrators under 18 as a share of cases."
    assert (got["Numerator"], got["Denominator"]) == ("Perpetrators under 18", "Cases")
    assert got["Expected range"] == f"{COMPARATOR_ONLY}." and got["Source of the range"] == "–"
    assert got["Caveats"] == "–" and got["Published columns from it"] == "share_perpetrators_under_18"
    missing = dict(entries(replace(toy, range_key="nowhere", verdict="v"), ranges))
    assert missing["Expected range"] == 'Not held: the ranges reference has no "nowhere" row.'
    with INDICATORS.adding(toy):
        assert list(table(ranges)["Key"])[-1] == "perpetrators_under_18"
    assert list(table(ranges)["Key"]) == [i.key for i in INDICATORS]


def test_published_columns_are_what_derives_from_the_numerator() -> None:
    columns = value_columns(fx.dataset())
    police = published_columns(INDICATORS.by_key("police_share"), columns)
    assert police == ["police_share", "police_verdict", "partner_agency_share", "share_referrals_police"]
    assert published_columns(INDICATORS.by_key("volume"), columns)[:3] == [
        "pct_of_recommended",
        "volume_verdict",
        "cases_per_10k",
    ]
    assert "cases_per_10k_previous" in published_columns(INDICATORS.by_key("volume"), columns)
    # without the columns, the ones its definition names
    assert published_columns(INDICATORS.by_key("police_share")) == [
        "police_share",
        "police_verdict",
        "partner_agency_share",
    ]


def test_a_table_of_every_indicator_one_row_each(ranges) -> None:
    out = table(ranges)
    assert list(out.columns) == ["Key", *HEADINGS]
    assert list(out["Key"]) == [i.key for i in INDICATORS]
    assert out.set_index("Key").loc["male", "Expected range"].startswith("5%–10%. 5–10% of victims male")
    assert out["What it measures"].str.len().min() > 40


def test_links_name_the_indicator_by_key_and_either_form_is_read_back() -> None:
    assert link(INDICATORS.by_key("repeat_rate")) == "/definitions?indicator=repeat_rate"
    assert link(INDICATORS.by_key("aged_16_17")) == "/definitions?indicator=aged_16_17"
    assert chosen("repeat_rate") is INDICATORS.by_key("repeat_rate")
    assert chosen("Victims/survivors LGBT+") is INDICATORS.by_key("lgbt")
    assert chosen("nonsense") is None and chosen(None) is None


def test_every_indicator_at_a_glance_in_a_line_a_screen_has_room_for() -> None:
    from reporting.definitions import at_a_glance

    glance = at_a_glance(fx.dataset().ranges).set_index("Name")
    assert list(glance.columns) == ["Of", "Expected range", "A verdict reads"]
    assert glance.loc["Repeat rate"].tolist() == ["cases discussed", "28%–40%", "below, within or above"]
    assert glance.loc["Victims/survivors LGBT+", "A verdict reads"] == "meets or does not meet"  # a floor
    assert glance.loc["Victims/survivors aged 16–17", "Expected range"] == "No SafeLives range"
    # before any load there is no ranges reference: not "no range", which would be untrue
    assert set(at_a_glance(Ranges())["Expected range"]) == {"not held yet"}
    assert len(glance) == len(INDICATORS)
