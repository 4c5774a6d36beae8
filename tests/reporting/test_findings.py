"""Key-finding sentences: counts, highest and lowest, the area as a whole, in SafeLives' neutral words."""

from __future__ import annotations

from datetime import date

import polars as pl

from metrics.definitions import INDICATORS
from metrics.ranges import Range
from reporting import findings

BY_KEY = {i.key: i for i in INDICATORS}
REPEAT_RANGE = Range("repeat_rate", "range", 0.28, 0.40, "", "", "e")
LGBT_RANGE = Range("lgbt", "floor", 0.025, None, "", "", "e")
MINORITISED = Range("racially_minoritised", "local_share", None, None, "", "", "e")
NONE = Range("aged_16_17", "none", None, None, "", "", "e")


def frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "group_code": ["A", "B", "C", "D"],
            "group_name": ["Alpha", "Beta", "Gamma", "Delta"],
            "repeat_rate": [0.45, 0.2796, 0.30, None],
            "repeat_verdict": ["above", "below", "within", None],
            "share_lgbt": [0.01, 0.03, 0.05, None],
            "lgbt_verdict": ["below", "within", "within", None],
            "share_aged_16_17": [0.01, 0.02, 0.015, None],
            "share_racially_minoritised": [0.30, 0.50, 0.40, None],
            "local_share_not_white_british": [0.35, 0.45, 0.40, 0.5],
            "racially_minoritised_verdict": ["below", "within", "within", None],
            "police_share": [0.5, 0.7, 0.62, None],
            "police_verdict": ["below", "within", "within", None],
            "top_referrer_1": ["police", "idva", "police", None],
        }
    )


def test_spread_counts_verdicts_and_names_the_extremes() -> None:
    total = {"repeat_rate": 0.3312}
    # Beta's 27.96% would round to "28%", inside the range: it keeps two decimals beside "below"
    assert findings.spread(
        frame(), BY_KEY["repeat_rate"], REPEAT_RANGE, area="London", period="Year to March 2021", total=total
    ) == (
        "Year to March 2021: of the 3 London MARACs with figures, 1 is below, 1 within and 1 above the expected range for "
        "repeat rate (28%–40%). Highest Alpha 45.0%, lowest Beta 27.96%; London as a whole 33.1%."
    )


def test_spread_for_a_floor_a_local_share_and_no_range() -> None:
    assert findings.spread(frame(), BY_KEY["lgbt"], LGBT_RANGE, area="Lancashire", period="P") == (
        "P: of the 3 Lancashire MARACs with figures, 1 is below the expected 2.5% or above for victims/survivors LGBT+ and 2 "
        "at or above it. Highest Gamma 5.0%, lowest Alpha 1.0%."
    )
    assert findings.spread(frame(), BY_KEY["racially_minoritised"], MINORITISED, area="London", period="P").startswith(
        "P: of the 3 London MARACs with figures, 1 is below their local population share not White British and 2 at or above it."
    )
    assert findings.spread(frame(), BY_KEY["aged_16_17"], NONE, area="London", period="P") == (
        "P: victims/survivors aged 16–17 across 3 London MARACs with figures (no SafeLives range). Highest Beta 2.0%, "
        "lowest Alpha 1.0%."
    )


def test_spread_says_when_nobody_has_figures() -> None:
    assert findings.spread(frame().head(0), BY_KEY["repeat_rate"], REPEAT_RANGE, area="London", period="P") == (
        "P: no London MARAC has a figure for repeat rate."
    )


def test_referral_sentence() -> None:
    labels = {"police": "Police", "idva": "IDVA"}
    police = Range("police_share", "range", 0.60, 0.75, "", "", "e")
    assert findings.referrals(frame(), police, labels, area="London", period="P", total={"police_share": 0.6}) == (
        "P: the police made 60.0% of referrals across London. Of 3 MARACs, 1 is below, 2 within and 0 above the expected "
        "60%–75%. Top referrer: the police in 2 MARACs, IDVA in 1 MARAC."
    )


def test_referral_sentence_names_the_maracs_withheld_for_missing_sources_and_the_area_shortfall() -> None:
    labels = {"police": "Police"}
    police = Range("police_share", "range", 0.60, 0.75, "", "", "e")
    withheld = pl.DataFrame(
        {
            "group_code": ["A", "B", "C", "D"],
            "group_name": ["Alpha", "Beta", "Gamma", "Delta"],
            "police_share": [0.8, 0.9, 0.75, 0.5],
            # Gamma: 40 recorded referrals for 80 cases, 40 without a source (50% > 20%): withheld; Delta likewise
            "police_verdict": ["above", "above", "incomplete", "incomplete"],
            "top_referrer_1": ["police", "police", "police", "police"],
        }
    )
    # the area: 40 cases, 34 recorded referrals, so 40 - 34 = 6 without a source (15%, under the limit)
    total = {"police_share": 0.62, "referrals_unrecorded": 6, "cases": 40}
    assert findings.referrals(withheld, police, labels, area="London", period="P", total=total) == (
        "P: the police made 62.0% of referrals across London (no source recorded for 6 of 40 cases). Of 4 MARACs, "
        "0 are below, 0 within and 2 above the expected 60%–75%; 2 not judged (no source recorded for more than 20% "
        "of cases). Top referrer: the police in 4 MARACs."
    )


def test_parity_and_ranges_met() -> None:
    total = {
        "share_racially_minoritised": 0.4,
        "local_share_not_white_british": 0.42,
        "racially_minoritised_verdict": "below",
    }
    assert findings.parity(frame(), MINORITISED, area="London", total=total) == (
        "2 of 3 London MARACs see racially minoritised victims/survivors at or above their local population share not White "
        "British; 1 below. London as a whole: 40.0% against a local share of 42.0%."
    )
    # 72.0% below a local share of 72.04%: one decimal would print both as 72.0%, so both get two
    close = {
        "share_racially_minoritised": 0.72,
        "local_share_not_white_british": 0.7204,
        "racially_minoritised_verdict": "below",
    }
    assert findings.parity(frame(), MINORITISED, area="London", total=close).endswith(
        "London as a whole: 72.00% against a local share of 72.04%."
    )
    summary = pl.DataFrame(
        {
            "indicator": ["volume", "lgbt"],
            "label": ["Cases as % of recommended volume", "Victims/survivors LGBT+"],
            "maracs_with_figure": [32, 0],
            "within": [4, 0],
        }
    )
    assert findings.ranges_met(summary, area="London") == (
        "Of London's MARACs with figures, the expected range is met for volume by 4 of 32 (12%)."
    )
    # of the 4 within, 1 has a 95% interval wholly inside the range: the others could be chance
    backed = summary.with_columns(pl.Series("within_backed", [1, None], dtype=pl.Int64))
    assert findings.ranges_met(backed, area="London") == (
        "Of London's MARACs with figures, the expected range is met for volume by 4 of 32 (12%; 1 clearly)."
    )
    # 2 more sent too few quarters to judge: said, and not counted among the 32
    withheld = backed.with_columns(pl.Series("incomplete", [2, 0], dtype=pl.Int64))
    assert findings.ranges_met(withheld, area="London") == (
        "Of London's MARACs with figures, the expected range is met for volume by 4 of 32 (12%; 1 clearly), 2 more not "
        "judged."
    )


def test_trend_sentence_compares_a_year_earlier_and_the_national_figure() -> None:
    quarters = [date(2020, 1, 1), date(2020, 4, 1), date(2020, 7, 1), date(2020, 10, 1), date(2021, 1, 1)]
    series = {
        "London": pl.DataFrame({"quarter_start": quarters, "repeat_rate_12m": [0.25, 0.26, 0.27, 0.28, 0.29]}),
        "Hackney": pl.DataFrame({"quarter_start": quarters[2:], "repeat_rate_12m": [None, None, 0.31]}),
    }
    national = pl.DataFrame(
        {
            "scope": ["UK", "England"],
            "period_end": [date(2020, 6, 30), date(2021, 3, 31)],
            "repeat_rate": [0.30, 0.3208],
        }
    )
    assert findings.trend(
        series, BY_KEY["repeat_rate"], REPEAT_RANGE, last_quarter=date(2021, 1, 1), national=national
    ) == (
        "London: 29.0% in the 12 months to March 2021, against 25.0% a year earlier. Hackney: 31.0% in the 12 months to "
        "March 2021. SafeLives' England figure: 32.1% (12 months to March 2021; a share, the same on any population "
        "base). Expected: 28%–40%."
    )


def test_trend_sentence_quotes_england_on_the_maracs_base_and_as_published_each_with_its_base() -> None:
    """Volume depends on the population base: England on Census 2021 (93,815 cases / 22,534,839 females 16+ x
    10,000 / 40 = 104.1%) is quoted first, SafeLives' figure on its own base (44.92 / 40 = 112.3%) beside it."""
    quarters = [date(2020, 1, 1), date(2021, 1, 1)]
    series = {"London": pl.DataFrame({"quarter_start": quarters, "pct_of_recommended_12m": [1.00, 1.054]})}
    same = "England, Census 2021 females aged 16+ (recomputed from SafeLives' force figures)"
    published = "England, SafeLives' own base (as published)"
    national = pl.DataFrame(
        {
            "scope": ["England", "England", "England", "UK"],
            "comparator": [same, published, published, "UK, SafeLives' own base (as published)"],
            "same_base": [True, False, False, False],
            "period_end": [date(2021, 3, 31), date(2021, 3, 31), date(2020, 3, 31), date(2019, 6, 30)],
            "pct_of_recommended": [93_815 / 22_534_839 * 10_000 / 40, 44.92 / 40, 41.28 / 40, 39 / 40],
        }
    )
    assert findings.trend(series, BY_KEY["volume"], None, last_quarter=date(2021, 1, 1), national=national) == (
        "London: 105.4% in the 12 months to March 2021, against 100.0% a year earlier. "
        f"{same}: 104.1% (12 months to March 2021); {published}: 112.3%."
    )
    # before any same-base figure is held, the published one is quoted, named with its base
    assert findings.trend(
        series, BY_KEY["volume"], None, last_quarter=date(2021, 1, 1), national=national.filter(~pl.col("same_base"))
    ).endswith(f"{published}: 112.3% (12 months to March 2021).")


def test_headline_sentences_count_how_sure_each_verdict_is() -> None:
    """Repeat rate, 5 MARACs: below Alpha (backed), Beta and Echo (the 95% interval reaches 28%), within Gamma (backed)
    and Foxtrot (fewer than 10 cases): "3 are below (1 clearly, 2 could be chance)"."""
    rows = pl.DataFrame(
        {
            "group_code": list("ABCEF"),
            "group_name": ["Alpha", "Beta", "Gamma", "Echo", "Foxtrot"],
            "repeat_rate": [0.20, 0.26, 0.30, 0.27, 0.35],
            "repeat_verdict": ["below", "below", "within", "below", "within"],
            "repeat_rate_significance": [
                "below",
                "not distinguishable (lower)",
                "within",
                "not distinguishable (lower)",
                "too few to judge",
            ],
        }
    )
    assert findings.spread(rows, BY_KEY["repeat_rate"], REPEAT_RANGE, area="London", period="P") == (
        "P: of the 5 London MARACs with figures, 3 are below (1 clearly, 2 could be chance), 2 within (1 clearly, 1 too "
        "few to judge) and 0 above the expected range for repeat rate (28%–40%). Highest Foxtrot 35.0%, lowest "
        "Alpha 20.0%."
    )
    every_one_backed = rows.with_columns(pl.col("repeat_verdict").alias("repeat_rate_significance"))
    assert "clearly" not in findings.spread(  # every verdict backed: nothing to add
        every_one_backed, BY_KEY["repeat_rate"], REPEAT_RANGE, area="London", period="P"
    )


def test_a_floor_counts_certainty_as_below_or_at_or_above_it() -> None:
    rows = frame().with_columns(
        pl.Series("share_lgbt_significance", ["not distinguishable (lower)", "within", "too few to judge", None])
    )
    assert (
        " 1 is below the expected 2.5% or above for victims/survivors LGBT+ (could be chance) and 2 at or above it "
        "(1 clearly, 1 too few to judge)."
    ) in (findings.spread(rows, BY_KEY["lgbt"], LGBT_RANGE, area="Lancashire", period="P"))
