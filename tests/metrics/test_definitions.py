"""Each indicator defined once (metrics/definitions.py): the catalogue, and every figure read from it.

The toy indicator below (perpetrators aged 17 or under as a share of cases) exists only inside `INDICATORS.adding`:
with no other edit it is computed, judged, given intervals and withheld with its count. Figures are worked by hand
from tests/helpers/metrics.py (its docstring has the 12-month counts).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from metrics.dataset import Dataset
from metrics.definitions import INDICATORS, Catalogue
from metrics.derived import derived_columns
from metrics.disclosure import published
from metrics.indicators import compute, quarterly, value_columns
from metrics.periods import period
from metrics.rolling import rolling_year
from tests.helpers import metrics as fx
from tests.helpers.toy import TOY

YEAR = period(date(2021, 3, 31), "12m")  # 2020-04-01 .. 2021-03-31
AGENCIES = fx.AGENCIES
KEYS = ["volume", "repeat_rate", "police_share", "racially_minoritised", "lgbt", "disabled", "male", "aged_16_17"]

# TOY (tests/helpers/toy.py): a share of two counts every frame already has, judged against the LGBT+ floor (2.5%) so
# the fixture's three MARACs fall either side of it


@pytest.fixture(scope="module")
def data() -> Dataset:
    return fx.dataset()


def _published_columns(data: Dataset) -> list[str]:
    """Every column a page or export can carry: a 12-month MARAC frame (with change on a year earlier) and the
    rolling 12-month trend columns."""
    frame = compute(data, YEAR, "marac")
    rolling = rolling_year(quarterly(data, "marac"), data.ranges.value("recommended_cases_per_10k"))
    return list(dict.fromkeys([*frame.columns, *rolling.columns]))


def _agency(agency: str) -> list[str]:
    share = f"share_referrals_{agency}"
    return [share, *(f"{share}_{end}" for end in ("ci95_low", "ci95_high", "ci998_low", "ci998_high"))]


#: what each count gave back before the definitions carried it, captured from the hand-kept lists in
#: metrics/suppression.py as they stood (commit 991f0f3): the Definitions page names exactly these
DERIVED_BEFORE: dict[str, list[str]] = {
    "cases": [
        "pct_of_recommended",
        "pct_of_recommended_ci95_low",
        "pct_of_recommended_ci95_high",
        "pct_of_recommended_ci998_low",
        "pct_of_recommended_ci998_high",
        "pct_of_recommended_significance",
        "pct_of_recommended_12m",
        "volume_verdict",
        "cases_per_10k",
        "cases_per_10k_ci95_low",
        "cases_per_10k_ci95_high",
        "cases_per_10k_ci998_low",
        "cases_per_10k_ci998_high",
        "cases_per_10k_12m",
        "annualised_cases",
        "cases_with_population",
        "idva_fte_for_current_volume",
        "admin_fte_for_current_volume",
        "annual_cost_estimate",
        "volume_rate_ratio",
        "volume_rate_ratio_ci95_low",
        "volume_rate_ratio_ci95_high",
        "volume_change_significant",
    ],
    "repeat_cases": [
        "repeat_rate",
        "repeat_rate_ci95_low",
        "repeat_rate_ci95_high",
        "repeat_rate_ci998_low",
        "repeat_rate_ci998_high",
        "repeat_rate_significance",
        "repeat_rate_previous",
        "repeat_rate_change",
        "repeat_rate_change_ci95_low",
        "repeat_rate_change_ci95_high",
        "repeat_rate_change_significant",
        "repeat_rate_12m",
        "repeat_verdict",
    ],
    "children_in_household": [],
    "perpetrators_under_18": [],
    "referrals_police": [
        "police_share",
        "police_share_ci95_low",
        "police_share_ci95_high",
        "police_share_ci998_low",
        "police_share_ci998_high",
        "police_share_significance",
        "police_share_12m",
        "police_verdict",
        "partner_agency_share",
        *_agency("police"),
    ],
    **{f"referrals_{a}": _agency(a) for a in AGENCIES if a != "police"},
    **{
        f"victims_{group}": [
            f"share_{group}",
            f"share_{group}_ci95_low",
            f"share_{group}_ci95_high",
            f"share_{group}_ci998_low",
            f"share_{group}_ci998_high",
            *([f"share_{group}_significance"] if verdict else []),
            f"share_{group}_12m",
            *([verdict] if verdict else []),
        ]
        for group, verdict in (
            ("racially_minoritised", "racially_minoritised_verdict"),
            ("lgbt", "lgbt_verdict"),
            ("disabled", "disabled_verdict"),
            ("male", "male_verdict"),
            ("aged_16_17", None),
        )
    },
    "cases_previous": [
        "cases_per_10k_previous",
        "volume_rate_ratio",
        "volume_rate_ratio_ci95_low",
        "volume_rate_ratio_ci95_high",
        "volume_change_significant",
    ],
    "repeat_cases_previous": [
        "repeat_rate_previous",
        "repeat_rate_change",
        "repeat_rate_change_ci95_low",
        "repeat_rate_change_ci95_high",
        "repeat_rate_change_significant",
    ],
}


def test_every_count_derives_what_it_did_before(data) -> None:
    columns = _published_columns(data)
    assert {count: derived_columns(count, columns) for count in DERIVED_BEFORE} == DERIVED_BEFORE


def test_the_frames_carry_every_column_the_pins_name(data) -> None:
    """A pin naming a column no frame has would pass whatever derived_columns did."""
    columns = set(_published_columns(data))
    assert {c for names in DERIVED_BEFORE.values() for c in names} - columns == set()


# --------------------------------------------------------------------------- the catalogue


def test_catalogue_reads_like_a_tuple_in_reading_order() -> None:
    assert [i.key for i in INDICATORS] == KEYS
    assert len(INDICATORS) == 8 and INDICATORS[1].key == "repeat_rate" and INDICATORS[-1].key == "aged_16_17"
    assert tuple(INDICATORS) == INDICATORS and INDICATORS[2] in INDICATORS
    assert INDICATORS.by_key("lgbt").value == "share_lgbt"
    assert [i.key for i in INDICATORS.of_table("volume")] == ["volume", "repeat_rate", "police_share"]
    assert [i.key for i in INDICATORS.of_table("victims")] == KEYS[3:]


def test_an_unknown_key_names_the_keys_there_are() -> None:
    with pytest.raises(KeyError, match='no indicator "repeat"; there are volume, repeat_rate, police_share'):
        INDICATORS.by_key("repeat")


def test_adding_lasts_for_the_block_only_even_when_it_fails() -> None:
    with INDICATORS.adding(TOY) as added:
        assert added is TOY
        assert [i.key for i in INDICATORS][-1] == "perpetrators_under_18" and len(INDICATORS) == 9
        assert INDICATORS.by_key("perpetrators_under_18") is TOY and TOY in INDICATORS.of_table("victims")
    assert [i.key for i in INDICATORS] == KEYS
    with pytest.raises(RuntimeError, match="boom"), INDICATORS.adding(TOY):
        raise RuntimeError("boom")
    assert TOY not in INDICATORS and len(INDICATORS) == 8


def test_a_catalogue_of_its_own_is_separate() -> None:
    own = Catalogue((TOY,))
    assert [i.key for i in own] == ["perpetrators_under_18"] and own != INDICATORS


# --------------------------------------------------------------------------- the texts


def test_every_indicator_says_what_it_is_in_the_words_of_its_numerator_and_denominator() -> None:
    for ind in INDICATORS:
        assert ind.definition and ind.caveats and ind.interval_method and ind.source, ind.key
        text = ind.definition.lower()
        assert ind.numerator_words and ind.numerator_words.lower() in text, ind.key
        assert ind.denominator_words and ind.denominator_words.lower() in text, ind.key
    assert INDICATORS.by_key("repeat_rate").definition.startswith("Repeat cases as a share of all cases discussed")
    assert INDICATORS.by_key("volume").interval_method.startswith("Byar's interval for the count of cases")
    assert INDICATORS.by_key("male").interval_method == "Wilson score interval for a proportion (95% and 99.8%)."


def test_texts_use_neutral_words_and_say_victim_survivor() -> None:
    for ind in INDICATORS:
        for text in (ind.definition, *ind.caveats, ind.source, ind.interval_method):
            words = text.lower().replace(",", " ").replace(".", " ").split()
            assert not {"good", "bad", "better", "worse"} & set(words), (ind.key, text)
            assert "victim " not in text.lower() and "victims " not in text.lower(), (ind.key, text)


def test_the_ranges_own_words_stay_in_the_reference_data(data) -> None:
    """A range's wording, source and edition are read from data/reference/safelives_ranges.csv, never copied."""
    reference = [t for r in data.ranges.values() for t in (r.wording, r.source, r.edition)]
    for ind in INDICATORS:
        for text in (ind.definition, *ind.caveats, ind.source):
            assert not [r for r in reference if r in text], (ind.key, text)


def test_every_indicator_names_a_row_of_the_shipped_ranges() -> None:
    """Pages and packs look each indicator's range up; a comparator names a row whose rule is "none"."""
    import csv
    from pathlib import Path

    shipped = Path(__file__).resolve().parents[2] / "data" / "reference" / "safelives_ranges.csv"
    rules = {row["indicator"]: row["rule"] for row in csv.DictReader(shipped.open(encoding="utf-8"))}
    assert {ind.key: rules.get(ind.range_key) for ind in INDICATORS} == {
        "volume": "range",
        "repeat_rate": "range",
        "police_share": "range",
        "racially_minoritised": "local_share",
        "lgbt": "floor",
        "disabled": "floor",
        "male": "range",
        "aged_16_17": "none",  # a comparator: no verdict column either
    }
    assert [ind.key for ind in INDICATORS if ind.verdict is None] == ["aged_16_17"]


def test_caveats_carry_the_known_problems() -> None:
    def said(key: str) -> str:
        return " ".join(INDICATORS.by_key(key).caveats)

    assert "Census 2011 adult females" in said("volume") and "chosen in the sidebar" in said("volume")
    assert "definition of a repeat widened" in said("repeat_rate")
    assert "own Census 2021 share not White British" in said("racially_minoritised")
    assert "Pan-London MARAC Review" in said("lgbt") and "Pan-London MARAC Review" in said("disabled")
    assert said("aged_16_17").startswith("SafeLives sets no range for it: a comparator only")


# --------------------------------------------------------------------------- a new definition, found everywhere


def test_a_new_share_is_computed_judged_and_given_intervals_with_no_other_edit(data) -> None:
    with INDICATORS.adding(TOY):
        by = {r["group_code"]: r for r in compute(data, YEAR, "marac").iter_rows(named=True)}
        group = compute(data, YEAR, "all").row(0, named=True)
    # Alpha 1 of 40 cases, Beta 0 of 64, Gamma 2 of 100, Delta no returns
    assert [by[c]["share_perpetrators_under_18"] for c in ("MA", "MB", "MC")] == pytest.approx([0.025, 0.0, 0.02])
    assert by["MD"]["share_perpetrators_under_18"] is None and by["MD"]["perpetrators_verdict"] is None
    # against the LGBT+ floor of 2.5%: Alpha exactly on it is within, Beta and Gamma below
    assert [by[c]["perpetrators_verdict"] for c in ("MA", "MB", "MC")] == ["within", "below", "below"]
    # Wilson, 1 of 40 at z = 1.959964: centre (0.025 + z²/80) / (1 + z²/40) = 0.066620, half-width
    # z·√(0.025 x 0.975 / 40 + z²/6400) / (1 + z²/40) = 0.062193, so 0.4427% to 12.881%
    alpha = by["MA"]
    assert (alpha["share_perpetrators_under_18_ci95_low"], alpha["share_perpetrators_under_18_ci95_high"]) == (
        pytest.approx(0.004427, abs=1e-6),
        pytest.approx(0.128814, abs=1e-6),
    )
    # 0 of 64: the upper end is z²/64 / (1 + z²/64) = 0.056624
    assert by["MB"]["share_perpetrators_under_18_ci95_low"] == 0.0
    assert by["MB"]["share_perpetrators_under_18_ci95_high"] == pytest.approx(0.056624, abs=1e-6)
    assert by["MA"]["share_perpetrators_under_18_ci998_high"] > by["MA"]["share_perpetrators_under_18_ci95_high"]
    # each interval reaches across the 2.5% floor, so no verdict is backed; 40, 64 and 100 cases are enough to judge
    assert {by[c]["share_perpetrators_under_18_significance"] for c in ("MA", "MB", "MC")} == {
        "not distinguishable (lower)"
    }
    # a group sums before dividing: 3 of 204
    assert group["share_perpetrators_under_18"] == pytest.approx(3 / 204)
    assert group["perpetrators_verdict"] == "below"
    out = compute(data, YEAR, "marac")
    assert "share_perpetrators_under_18" not in out.columns and "perpetrators_verdict" not in out.columns


def test_a_new_share_takes_its_place_in_the_documented_columns_and_the_trend(data) -> None:
    before = value_columns(data)
    with INDICATORS.adding(TOY):
        columns = value_columns(data)
        rolling = rolling_year(quarterly(data, "marac"), data.ranges.value("recommended_cases_per_10k"))
    at = before.index("share_aged_16_17") + 1
    assert columns == [*before[:at], "share_perpetrators_under_18", "perpetrators_verdict", *before[at:]]
    # Alpha's year to March 2021: 1 perpetrator aged 17 or under in 40 cases
    alpha = rolling.filter((pl.col("group_code") == "MA") & (pl.col("quarter_start") == date(2021, 1, 1)))
    assert alpha["share_perpetrators_under_18_12m"].to_list() == pytest.approx([0.025])
    assert value_columns(data) == before


def test_a_new_shares_columns_derive_from_its_numerator_and_are_published_from_its_rounded_count(data) -> None:
    assert derived_columns("perpetrators_under_18", _published_columns(data)) == []
    with INDICATORS.adding(TOY):
        frame = compute(data, YEAR, "marac")
        derived = derived_columns("perpetrators_under_18", frame.columns)
        out = compute(published(data), YEAR, "marac")
    assert derived == [
        "share_perpetrators_under_18",
        "share_perpetrators_under_18_ci95_low",
        "share_perpetrators_under_18_ci95_high",
        "share_perpetrators_under_18_ci998_low",
        "share_perpetrators_under_18_ci998_high",
        "share_perpetrators_under_18_significance",
        "perpetrators_verdict",
    ]
    # Alpha's 1 and Gamma's 2 are small counts: published, each is a multiple of 5 and its share is the rounded count
    # over the rounded cases, so the share cannot give the held count back; Beta's 0 stays 0
    held = dict(zip(frame["group_code"], frame["perpetrators_under_18"], strict=True))
    assert (held["MA"], held["MB"], held["MC"]) == (1, 0, 2)
    for row in out.filter(pl.col("group_code").is_in(["MA", "MB", "MC"])).iter_rows(named=True):
        assert row["perpetrators_under_18"] % 5 == 0 and row["cases"] % 5 == 0, row["group_code"]
        assert row["share_perpetrators_under_18"] == pytest.approx(row["perpetrators_under_18"] / row["cases"])
    assert out.filter(pl.col("group_code") == "MB")["perpetrators_under_18"].to_list() == [0]


def test_one_sided_indicators_are_those_the_shipped_ranges_give_a_floor_or_a_local_share() -> None:
    """`Indicator.one_sided` words a verdict "meets" / "does not meet"; it must agree with the range's rule."""
    shipped = pl.read_csv(Path(__file__).resolve().parents[2] / "data" / "reference" / "safelives_ranges.csv")
    rules = dict(shipped.select("indicator", "rule").iter_rows())
    assert (
        {i.key for i in INDICATORS if i.one_sided}
        == {i.key for i in INDICATORS if rules.get(i.range_key) in ("floor", "local_share")}
        == {"racially_minoritised", "lgbt", "disabled"}
    )
