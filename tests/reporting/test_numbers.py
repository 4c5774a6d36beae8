"""One formatter: figures, intervals and money printed so they never contradict a verdict, wherever they appear."""

from __future__ import annotations

from metrics.definitions import INDICATORS
from metrics.ranges import Range
from reporting import numbers

MALE = INDICATORS.by_key("male")
MALE_RANGE = Range("male", "range", 0.05, 0.10, "", "", "e")


def test_an_interval_keeps_each_end_on_its_side_of_a_bound() -> None:
    # 4.98%-9.48% against 5-10%: one decimal would print "5.0%", which reads as inside the range
    assert numbers.interval(0.0498, 0.0948, [0.05, 0.10]) == "4.98%–9.48%"
    assert numbers.interval(0.0432, 0.0948, [0.05, 0.10]) == "4.3%–9.5%"
    assert numbers.interval(None, 0.1, [0.05]) == "–"


def test_figure_and_interval_from_a_row_use_the_indicator_s_range() -> None:
    ranges = {"male": MALE_RANGE}
    row = {
        "share_male": 0.0999,
        "male_verdict": "within",
        "share_male_ci95_low": 0.0498,
        "share_male_ci95_high": 0.1501,
    }
    assert numbers.figure(row, MALE, ranges) == "10.0%"  # inside 5-10% as printed too
    assert numbers.figure({**row, "share_male": 0.10004, "male_verdict": "above"}, MALE, ranges) == "10.004%"
    assert numbers.figure_interval(row, MALE, ranges) == "4.98%–15.01%"


def test_money() -> None:
    assert numbers.money(130512.4) == "£130,512"
    assert numbers.money(245.82, pence=True) == "£245.82"
    assert numbers.money(None) == "–"
