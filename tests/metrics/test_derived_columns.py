"""Which published columns derive from which count (the Definitions page names them)."""

from __future__ import annotations

from metrics.derived import derived_columns


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
