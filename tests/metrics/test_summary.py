"""How many MARACs meet each range (metrics/summary.py), worked by hand from the two fixtures.

tests/helpers/metrics.py (made up; its docstring has the counts) and the fixture database (tests/helpers/fixture_db.py)
(Hackney and Tower Hamlets, 2020-21, real Census 2021 populations; tests/helpers/fixture_db.py's docstring).
Ranges from data/reference/safelives_ranges.csv.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from loaders import store
from metrics.dataset import Dataset
from metrics.definitions import INDICATORS
from metrics.indicators import compute
from metrics.periods import period
from metrics.summary import range_summary
from tests.helpers import metrics as fx

YEAR = period(date(2021, 3, 31), "12m")  # 2020-04-01 .. 2021-03-31
COUNTS = ["maracs_with_figure", "below", "within", "above", "within_backed"]


def by_indicator(frame: pl.DataFrame) -> dict[str, dict]:
    return {r["indicator"]: r for r in frame.iter_rows(named=True)}


def test_one_row_per_indicator_with_a_range_in_order() -> None:
    out = range_summary(compute(fx.dataset(), YEAR, "marac"))
    # aged 16-17 has no range (comparator only), so no row
    assert out["indicator"].to_list() == [
        "volume",
        "repeat_rate",
        "police_share",
        "racially_minoritised",
        "lgbt",
        "disabled",
        "male",
    ]
    assert out["label"].to_list() == [i.label for i in INDICATORS if i.verdict is not None]
    assert out.columns == ["indicator", "label", *COUNTS[:4], "share_within", "within_backed", "incomplete"]


def test_verdict_counts_on_the_made_up_fixture() -> None:
    # 12 months to March 2021. Delta sent nothing, so only Alpha, Beta and Gamma are judged:
    #   volume     Alpha 40/40 = 1.00 within (upper bound inclusive); Beta 64/60 = 1.07 above; Gamma 100/80 = 1.25 above
    #   repeat     Alpha 12/40 = 0.30 within; Beta 16/64 = 0.25 below; Gamma 45/100 = 0.45 above
    #   police     Alpha 26.5/40 = 0.6625 within; Beta 35.5/64 = 0.555 below; Gamma 80/100 = 0.80 above
    #   racially minoritised  Alpha 8/40 = 0.20 vs local 0.20 within; Beta 16/64 = 0.25 vs 0.20 within;
    #                         Gamma 8/100 = 0.08 vs 0.10 below
    #   LGBT+      Alpha 1/40 = 0.025 within (the floor itself); Beta 1/64 = 0.016 below; Gamma 3/100 within
    #   disabled   Alpha 8/40 = 0.20 within; Beta 12/64 = 0.1875 below; Gamma 19/100 = 0.19 within (the floor)
    #   male       Alpha 2/40 = 0.05 within (lower bound); Beta 8/64 = 0.125 above; Gamma 11/100 = 0.11 above
    out = by_indicator(range_summary(compute(fx.dataset(), YEAR, "marac")))
    expected = {  # judged, below, within, above
        "volume": (3, 0, 1, 2),
        "repeat_rate": (3, 1, 1, 1),
        "police_share": (3, 1, 1, 1),
        "racially_minoritised": (3, 1, 2, 0),
        "lgbt": (3, 1, 2, 0),
        "disabled": (3, 1, 2, 0),
        "male": (3, 0, 1, 2),
    }
    assert {k: tuple(out[k][c] for c in COUNTS[:4]) for k in expected} == expected
    assert out["volume"]["share_within"] == pytest.approx(1 / 3)
    assert out["lgbt"]["share_within"] == pytest.approx(2 / 3)
    # every "within" sits on or near a boundary with 40-100 cases, so no interval lies wholly inside a range
    assert {k: r["within_backed"] for k, r in out.items()} == dict.fromkeys(expected, 0)


def test_within_backed_by_the_interval_on_the_london_fixture(fixture_db: Path) -> None:
    # Hackney and Tower Hamlets, 12 months to March 2021 (every other MARAC of the registry sent nothing: no verdict).
    #   volume  Hackney 400 / 443.12 = 90.3% within; Byar's interval for 400 cases is 361.8 to 441.2,
    #           / 443.12 = 81.6% to 99.6%, wholly inside 80-100%: backed. Tower Hamlets 118.8% above.
    #   police  Tower Hamlets 420 of 600 = 70% within; Wilson: centre (0.7 + 1.9208/600) / (1 + 3.8415/600) = 0.6987,
    #           half-width 1.96 x sqrt(0.21/600 + 3.8415/(4 x 600^2)) / 1.0064 = 0.0366 -> 66.2% to 73.5%, inside
    #           60-75%: backed. Hackney 200 of 400 = 50% below.
    #   LGBT+   Tower Hamlets 24 of 600 = 4% within, interval 2.7% to 5.9%, wholly over the 2.5% floor: backed.
    #           Hackney 8 of 400 = 2% below.
    #   repeat  both 30% within, but intervals reach under 28% (Hackney 25.7% to 34.7%): not backed.
    #   racially minoritised  Tower Hamlets 80% within against 77.1%, interval from 76.6%: not backed.
    #   disabled Hackney 20% within, interval from 16.4% (< 19%): not backed; male Hackney 8%, to 11.1% (> 10%): not.
    dataset = Dataset.from_tables(store.read_tables(fixture_db))
    frame = compute(dataset, YEAR, "marac")
    assert frame.height == dataset.maracs.height > 2  # every MARAC in the registry has a row...
    out = by_indicator(range_summary(frame))
    assert {k: tuple(r[c] for c in COUNTS) for k, r in out.items()} == {  # ...but only two have figures
        "volume": (2, 0, 1, 1, 1),
        "repeat_rate": (2, 0, 2, 0, 0),
        "police_share": (2, 1, 1, 0, 1),
        "racially_minoritised": (2, 1, 1, 0, 0),
        "lgbt": (2, 1, 1, 0, 1),
        "disabled": (2, 1, 1, 0, 0),
        "male": (2, 0, 1, 1, 0),
    }
    assert out["repeat_rate"]["share_within"] == pytest.approx(1.0)
    assert out["police_share"]["share_within"] == pytest.approx(0.5)


def test_groups_without_a_verdict_give_no_share() -> None:
    # Delta alone: no returns in the year, so no figure, no verdict and no share (not 0%)
    frame = compute(fx.dataset(), YEAR, "marac").filter(pl.col("group_code") == "MD")
    out = range_summary(frame)
    assert out["maracs_with_figure"].to_list() == [0] * 7
    assert out["share_within"].to_list() == [None] * 7
    assert out["within_backed"].to_list() == [0] * 7


def test_a_verdict_withheld_as_incomplete_is_not_counted_as_judged() -> None:
    # 12 months to June 2021: Beta returned 2 of 4 quarters (Q2, Q4), so its volume is withheld; Alpha (4 of 4:
    # Q2, Q3, Q4 and 1 April 2021) and Gamma are judged, Delta's lone April meeting is 1 of 4 (withheld too)
    frame = compute(fx.dataset(), period(date(2021, 6, 30), "12m"), "marac")
    volume = by_indicator(range_summary(frame))["volume"]
    withheld = frame.filter(pl.col("volume_verdict") == "incomplete")["group_code"].sort().to_list()
    assert withheld == ["MB", "MD"]
    assert (volume["maracs_with_figure"], volume["incomplete"]) == (2, 2)
    assert volume["below"] + volume["within"] + volume["above"] == 2


def test_a_frame_without_intervals_says_so() -> None:
    frame = compute(fx.dataset(), YEAR, "marac").select(pl.exclude("^.*_significance$"))
    out = range_summary(frame)
    assert out["within"].to_list() == [1, 1, 1, 2, 2, 2, 1]
    assert out["within_backed"].to_list() == [None] * 7  # unknown, not 0
