"""SafeLives' national comparator: the latest published snapshot at or before a period's end."""

from __future__ import annotations

from datetime import date

import pytest

from loaders import reference
from metrics.national import national_comparator
from tests import metrics_fixture as fx


def _dataset():
    tables = fx.tables()
    tables["national"] = reference.read_reference()["national"]
    from metrics.dataset import Dataset

    return Dataset.from_tables(tables)


def test_latest_snapshot_at_or_before_the_period_end() -> None:
    data = _dataset()
    assert national_comparator(data, date(2019, 3, 31)).is_empty()  # nothing published that early in our table
    june_2019 = national_comparator(data, date(2021, 3, 31)).row(0, named=True)
    assert june_2019["period_end"] == date(2019, 6, 30)
    assert june_2019["group_name"] == "UK (SafeLives, 12 months to Jun 2019)"
    sept_2024 = national_comparator(data, date(2025, 9, 30)).row(0, named=True)
    # 47 per 10,000 against SafeLives' 40: 117.5%; police = 1 - 36.1% partner-agency referrals
    assert sept_2024["pct_of_recommended"] == pytest.approx(47 / 40)
    assert sept_2024["police_share"] == pytest.approx(0.639)
    assert (sept_2024["cases"], sept_2024["share_lgbt"], sept_2024["share_male"]) == (119_985, 0.016, 0.064)
