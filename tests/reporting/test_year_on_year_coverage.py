"""The change on a year earlier says what each year rests on, and is not judged on one quarter's rate shown as a year's
(reporting.numbers.volume_change / repeat_change)."""

from __future__ import annotations

from datetime import date

from metrics.indicators import compute
from metrics.periods import period
from reporting import numbers
from tests.helpers import metrics as fx


def row(**changes: object) -> dict[str, object]:
    """A MARAC over 12 months: 40.0 -> 60.0 per 10,000, rate ratio 1.50 (95% 1.10-2.05), every quarter returned."""
    return {
        "window": "12m",
        "maracs_in_group": 1,
        "quarters_with_data": 4,
        "volume_coverage": 1.0,
        "quarters_with_data_previous": 4,
        "volume_coverage_previous": 1.0,
        "cases_per_10k": 60.0,
        "cases_per_10k_previous": 40.0,
        "volume_rate_ratio": 1.5,
        "volume_rate_ratio_ci95_low": 1.1,
        "volume_rate_ratio_ci95_high": 2.05,
        "volume_change_significant": True,
    } | changes


def test_a_complete_year_on_year_change_reads_as_before() -> None:
    assert numbers.volume_change(row()) == (
        "+50% on a year earlier",
        "Up on the same period a year earlier, by more than chance explains: 40.0 → 60.0 cases a year per 10,000 "
        "adult females (rate ratio 1.50, 95% interval 1.10–2.05).",
    )


def test_one_quarter_this_year_withholds_the_verdict_and_says_why() -> None:
    camden = row(quarters_with_data=1, volume_coverage=0.25)
    assert numbers.volume_change(camden) == (
        None,
        "Change on the same period a year earlier not judged: this year 1 of 4 quarters returned (one quarter's rate "
        "shown as a year's). 40.0 → 60.0 cases a year per 10,000 adult females (rate ratio 1.50).",
    )
    # both years short: both said, this year first
    both = row(quarters_with_data=2, volume_coverage=0.5, quarters_with_data_previous=1, volume_coverage_previous=0.25)
    assert numbers.volume_change(both)[1].startswith(
        "Change on the same period a year earlier not judged: this year 2 of 4 quarters returned (two quarters' rate "
        "shown as a year's); a year earlier 1 of 4 quarters returned (one quarter's rate shown as a year's). "
    )


def test_three_of_four_quarters_is_judged_and_says_so() -> None:
    # 3 of 4 = 0.75, COMPLETE_ENOUGH: judged, the year's coverage said inside the figures' brackets
    beta = row(quarters_with_data=3, volume_coverage=0.75)
    assert numbers.volume_change(beta) == (
        "+50% on a year earlier",
        "Up on the same period a year earlier, by more than chance explains: 40.0 → 60.0 cases a year per 10,000 "
        "adult females (rate ratio 1.50, 95% interval 1.10–2.05; this year 3 of 4 quarters returned).",
    )
    # a group: 120 of 32 x 4 = 128 MARAC-quarters, 93.75%, judged; its population-time share is what decides
    london = row(
        maracs_in_group=32,
        quarters_with_data=120,
        volume_coverage=0.94,
        quarters_with_data_previous=128,
        volume_rate_ratio_ci95_low=0.95,
        volume_change_significant=False,
    )
    assert numbers.volume_change(london)[1] == (
        "No clear change on the same period a year earlier: 40.0 → 60.0 cases a year per 10,000 adult females (rate "
        "ratio 1.50, 95% interval 0.95–2.05, which includes no change; this year 120 of 128 MARAC-quarters returned)."
    )
    # the same MARAC-quarters on under 75% of the group's population-time (its largest boroughs missing): not judged
    heavy = row(maracs_in_group=32, quarters_with_data=120, volume_coverage=0.70, quarters_with_data_previous=128)
    assert numbers.volume_change(heavy)[0] is None
    assert "not judged: this year 120 of 128 MARAC-quarters returned." in numbers.volume_change(heavy)[1]


def test_alpha_against_one_quarter_a_year_earlier_is_not_judged() -> None:
    """Alpha, 12 months to March 2021 (tests/helpers/metrics.py): 40 cases over 10,000 = 40.0 per 10,000, against
    2019-20's only return, 50 cases in January-March 2020 over 2,500 population-years = 200.0; the ratio 0.20 lies
    far beyond chance, but it sets one quarter's rate against a year's."""
    out = compute(fx.dataset(), period(date(2021, 3, 31), "12m"), "marac")
    alpha = out.filter(out["group_code"] == "MA").row(0, named=True)
    assert alpha["volume_change_significant"] is True
    assert numbers.volume_change(alpha) == (
        None,
        "Change on the same period a year earlier not judged: a year earlier 1 of 4 quarters returned (one quarter's "
        "rate shown as a year's). 200.0 → 40.0 cases a year per 10,000 adult females (rate ratio 0.20).",
    )
    # the repeat rate is a share of each year's own cases, its interval widened by few cases: judged, coverage said.
    # 50 of 50 -> 12 of 40: 100.0% -> 30.0%, -70.0 points
    assert numbers.repeat_change(alpha) == (
        "-70.0 points on a year earlier",
        "Down on the same period a year earlier, by more than chance explains: 100.0% → 30.0% (-70.0 points, 95% "
        "interval -81.9 to -53.0; a year earlier 1 of 4 quarters returned).",
    )
