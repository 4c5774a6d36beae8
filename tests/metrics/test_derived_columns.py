"""Small-number suppression: primary cells, what derives from them, and secondary cells worked out by hand."""

from __future__ import annotations

import polars as pl

from metrics.suppression import SMALL, WITHHELD, derived_columns, suppress


def _bcu_frame() -> pl.DataFrame:
    # three MARACs of one BCU (rows 0-2) and the BCU's total (row 3)
    return pl.DataFrame(
        {
            "group_name": ["North", "Middle", "South", "BCU"],
            "cases": [100, 3, 50, 153],
            "pct_of_recommended": [0.9, 0.03, 0.5, 0.5],
            "victims_lgbt": [2, 0, 4, 6],
            "share_lgbt": [0.02, 0.0, 0.08, 6 / 153],
            "lgbt_verdict": ["below", "below", "within", "within"],
            "victims_male": [10, 1, 0, 11],
            "share_male": [0.1, 1 / 3, 0.0, 11 / 153],
            "referrals_police": [60, 0, 50, 110],
            "referrals_idva": [3, 0, 0, 3],
            "referrals_other": [37, 0, 0, 37],
            "police_share": [0.6, None, 1.0, 110 / 113],
            "share_referrals_idva": [0.03, 0.0, 0.0, 3 / 153],
        }
    )


def test_small_counts_and_their_shares_are_hidden_and_sums_cannot_give_them_back() -> None:
    out = suppress(_bcu_frame(), row_sums=[([0, 1, 2], 3)])
    # Middle's 3 cases: "<5"; the BCU total (153) would give it back from 100 + 50, so South's 50 goes too
    assert (out.label(1, "cases"), out.label(2, "cases")) == (SMALL, WITHHELD)
    assert out.label(0, "cases") is None and out.label(3, "cases") is None
    assert out.frame["cases"].to_list() == [100, None, None, 153]
    assert out.frame["pct_of_recommended"].to_list() == [0.9, None, None, 0.5]
    # LGBT+: North's 2 and South's 4 are both small; two hidden parts of 6 cannot be told apart, and 0 is shown
    assert out.hidden_rows("victims_lgbt") == {0, 2}
    assert out.frame["share_lgbt"].to_list()[:3] == [None, 0.0, None]
    assert out.label(0, "lgbt_verdict") == WITHHELD
    # male: Middle's 1 is small; of the others the non-zero 10 is hidden rather than South's 0
    assert out.hidden_rows("victims_male") == {0, 1}
    assert out.withheld_names("share_male") == ["North", "Middle"] and out.withheld_names("share_male", [1, 2]) == [
        "Middle"
    ]
    assert (out.label(1, "victims_male"), out.label(0, "victims_male"), out.label(0, "share_male")) == (
        SMALL,
        WITHHELD,
        WITHHELD,
    )
    # referral sources add up within a row: North's 3 IDVA referrals hide its 37 "other" as well (police, 60, stays),
    # and down the BCU the total's 3 IDVA and 37 other referrals go, the only non-zero cells left in those sums
    assert out.hidden_rows("referrals_idva") == {0, 3} and out.hidden_rows("referrals_other") == {0, 3}
    assert out.frame["police_share"].to_list() == [0.6, None, 1.0, 110 / 113]
    assert out.label(0, "share_referrals_idva") == WITHHELD


def test_secondary_suppression_carries_up_through_bcu_and_area_totals() -> None:
    # MARACs 0 and 1 make BCU X (row 3), MARAC 2 alone makes BCU Y (row 4); the area (row 5) is X + Y
    frame = pl.DataFrame({"victims_male": [3, 7, 2, 10, 2, 12], "victims_lgbt": [3, 7, 8, 10, 8, 18]})
    out = suppress(frame, row_sums=[([0, 1], 3), ([2], 4), ([3, 4], 5)])
    # lgbt: MARAC 0's 3 hides its neighbour's 7 (smaller than the BCU's 10); nothing else needs to go
    assert out.hidden_rows("victims_lgbt") == {0, 1}
    # male: 3 and 2 (MARAC 2, and BCU Y, its only member) are small; MARAC 0 hides its neighbour's 7, and the
    # area (12) would give BCU Y back from BCU X's 10, so BCU X goes too. Only the area's 12 is left.
    assert out.hidden_rows("victims_male") == {0, 1, 2, 3, 4}
    assert [out.label(r, "victims_male") for r in range(6)] == [SMALL, WITHHELD, SMALL, WITHHELD, SMALL, None]


def test_a_lone_member_is_protected_by_hiding_its_total() -> None:
    frame = pl.DataFrame({"victims_lgbt": [3, 9, 3, 12]})  # BCU X = row 0 alone (total row 2); the area is row 3
    out = suppress(frame, row_sums=[([0], 2), ([1, 2], 3)])
    # row 0 and its BCU total are both small; the area's 12 minus row 1's 9 would give the BCU's 3: row 1 goes
    assert out.hidden_rows("victims_lgbt") == {0, 1, 2}


def test_threshold_is_configurable_and_zero_is_never_hidden_as_small() -> None:
    frame = pl.DataFrame({"victims_disabled": [0, 5, 9, 12]})
    assert suppress(frame, threshold=10).hidden_rows("victims_disabled") == {1, 2}
    assert suppress(frame, threshold=10).label(1, "victims_disabled") == "<10"
    assert suppress(frame).labels == {}


def test_what_derives_from_each_count() -> None:
    columns = [
        "cases",
        "repeat_cases",
        "repeat_rate",
        "repeat_rate_ci95_low",
        "repeat_verdict",
        "repeat_rate_significance",
        "referrals_police",
        "police_share",
        "police_share_ci95_high",
        "partner_agency_share",
        "police_verdict",
        "victims_aged_16_17",
        "share_aged_16_17",
        "pct_of_recommended",
        "cases_per_10k_ci95_low",
        "annual_cost_estimate",
    ]
    assert derived_columns("repeat_cases", columns) == [
        "repeat_rate",
        "repeat_rate_ci95_low",
        "repeat_rate_significance",
        "repeat_verdict",
    ]
    assert derived_columns("referrals_police", columns) == [
        "police_share",
        "police_share_ci95_high",
        "police_verdict",
        "partner_agency_share",
    ]
    assert derived_columns("victims_aged_16_17", columns) == ["share_aged_16_17"]
    assert derived_columns("cases", columns) == ["pct_of_recommended", "cases_per_10k_ci95_low", "annual_cost_estimate"]


def test_an_area_is_suppressed_with_its_bcus_and_total_together() -> None:
    from metrics.suppression import suppress_area

    maracs = pl.DataFrame(
        {"group_code": ["A1", "A2", "B1"], "bcu": ["A", "A", "B"], "cases": [50, 60, 4], "victims_lgbt": [3, 20, 0]}
    )
    bcus = pl.DataFrame({"group_code": ["A", "B"], "cases": [110, 4], "victims_lgbt": [23, 0]})
    total = pl.DataFrame({"group_code": ["Area"], "cases": [114], "victims_lgbt": [23]})
    m, b, t = suppress_area(maracs, bcus, total)
    # LGBT+: A1's 3 hides A2's 20 (BCU A's 23 would give it back); BCU and area totals stay
    assert (m.label(0, "victims_lgbt"), m.label(1, "victims_lgbt")) == (SMALL, WITHHELD)
    assert b.hidden_rows("victims_lgbt") == set() and t.hidden_rows("victims_lgbt") == set()
    # cases: B1's 4 is BCU B's only part (so B's 4 is small too); the area's 114 would give B1 back from A1 + A2,
    # so A1 (the smaller) goes, and BCU A, which with the area total would give B back. A2's 60 can stay:
    # A1 + B1 = 54 has two unknowns.
    assert m.hidden_rows("cases") == {0, 2} and b.hidden_rows("cases") == {0, 1} and t.hidden_rows("cases") == set()
    assert m.frame["cases"].to_list() == [None, 60, None] and t.frame["cases"].to_list() == [114]
    assert [b.label(r, "cases") for r in (0, 1)] == [WITHHELD, SMALL]


def test_quarterly_series_protect_each_quarter_and_the_period() -> None:
    from datetime import date

    from metrics.suppression import suppress_series

    q1, q2 = date(2020, 4, 1), date(2020, 7, 1)
    maracs = pl.DataFrame(
        {
            "group_code": ["A", "A", "B", "B"],
            "quarter_start": [q1, q2, q1, q2],
            "victims_lgbt": [2, 9, 8, 7],
            "share_lgbt": [0.02, 0.09, 0.08, 0.07],
        }
    )
    area = pl.DataFrame(
        {"group_code": ["X", "X"], "quarter_start": [q1, q2], "victims_lgbt": [10, 16], "share_lgbt": [0.05, 0.08]}
    )
    m, a = suppress_series(maracs, area, [q1, q2])
    # A's 2 in Q1 is small. The area's Q1 (10) would give it back from B's 8, so B's Q1 goes. A's two quarters
    # add up to its published figure for the period, so A's Q2 (9) goes; likewise B's Q2 (7). The area's Q2 (16)
    # then has two hidden parts, and both area quarters stay.
    assert m["share_lgbt"].to_list() == [None, None, None, None]
    assert a["share_lgbt"].to_list() == [0.05, 0.08]


def test_quarters_never_add_back_up_to_a_period_figure_the_comparison_pages_withheld() -> None:
    from datetime import date

    from metrics.suppression import suppress_area, suppress_series

    # One BCU, E, of three MARACs; LGBT+ victims/survivors by quarter: A 3, 0, 0, 0; B 9, 5, 5, 5; C 6, 8, 8, 8.
    # For the period: A 3 (small), B 24, C 30, E and the area 57. suppress_area hides A's 3 and then B's 24 (the smaller
    # other part of E's 57), so the comparison pages publish E = 57 and C = 30 with A and B withheld.
    names = ["A", "B", "C"]
    period_maracs = pl.DataFrame(
        {"group_code": names, "group_name": names, "bcu": ["E"] * 3, "victims_lgbt": [3, 24, 30]}
    )
    bcus = pl.DataFrame({"group_code": ["E"], "group_name": ["E"], "victims_lgbt": [57]})
    total = pl.DataFrame({"group_code": ["X"], "group_name": ["X"], "victims_lgbt": [57]})
    period, _, _ = suppress_area(period_maracs, bcus, total)
    assert period.hidden_rows("victims_lgbt") == {0, 1}
    quarters = [date(2020, 4, 1), date(2020, 7, 1), date(2020, 10, 1), date(2021, 1, 1)]
    maracs = pl.DataFrame(
        {
            "group_code": [n for n in names for _ in quarters],
            "quarter_start": quarters * 3,
            "victims_lgbt": [3, 0, 0, 0, 9, 5, 5, 5, 6, 8, 8, 8],
        }
    )
    area = pl.DataFrame({"group_code": ["X"] * 4, "quarter_start": quarters, "victims_lgbt": [18, 13, 13, 13]})

    def b_quarters(frame: pl.DataFrame) -> list[int | None]:
        return frame.filter(pl.col("group_code") == "B")["victims_lgbt"].to_list()

    # Alone, the quarterly series hides A's 3 and C's 6 in the first quarter (the area's 18 would give A back), and one
    # more of A's and C's quarters, but shows all of B's: 9 + 5 + 5 + 5 = 24 = B's withheld figure, and A = 57 - 24 - 30
    assert b_quarters(suppress_series(maracs, area, quarters)[0]) == [9, 5, 5, 5]
    # told what the period hid, it hides one of B's quarters too (the smallest, 5): the two publications together give nothing back
    shown = b_quarters(suppress_series(maracs, area, quarters, period=period)[0])
    assert shown.count(None) == 1 and sum(v for v in shown if v is not None) == 19


def test_names_hiding_lists_groups_with_any_hidden_referral_cell() -> None:
    from metrics.suppression import Suppressed

    frame = pl.DataFrame({"group_name": ["A", "B", "C"]})
    part = Suppressed(
        frame, {(2, "referrals_idva"): "<5", (0, "share_referrals_mash"): "withheld", (1, "victims_lgbt"): "<5"}
    )
    assert part.names_hiding(("referrals_", "share_referrals_")) == ["A", "C"]  # B's hidden cell is not a referral


def test_this_years_count_leaves_last_years_figures_to_last_years_count() -> None:
    columns = [
        "cases",
        "cases_previous",
        "cases_per_10k",
        "cases_per_10k_ci95_low",
        "cases_per_10k_previous",
        "volume_rate_ratio",
        "volume_rate_ratio_ci95_high",
        "repeat_cases_previous",
        "repeat_rate_previous",
        "repeat_rate_change",
    ]
    # this year's cases give back this year's rate and the change, never last year's rate
    assert derived_columns("cases", columns) == [
        "cases_per_10k",
        "cases_per_10k_ci95_low",
        "volume_rate_ratio",
        "volume_rate_ratio_ci95_high",
    ]
    assert derived_columns("cases_previous", columns) == [
        "cases_per_10k_previous",
        "volume_rate_ratio",
        "volume_rate_ratio_ci95_high",
    ]
    assert derived_columns("repeat_cases_previous", columns) == ["repeat_rate_previous", "repeat_rate_change"]
    assert derived_columns("children_in_household_previous", columns) == []
