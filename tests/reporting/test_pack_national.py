"""A board pack sets a MARAC beside England on the same population base first, and SafeLives' published England
figure beside that, each named with its base (issue 17: comparators on the same base).

The fixture database (tests/helpers/fixture_db.py) loads the real reference data, so England's 2020-21 is the real
one: 93,815 cases over the 22,534,839 females 16+ (Census 2021) of the 38 English forces that reported = 41.63 per
10,000 = 104.1% of the recommended 40, against 44.92 per 10,000 = 112.3% on SafeLives' own base.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from loaders import store
from metrics.dataset import Dataset
from reporting.packs.build import build_pack

END = date(2021, 3, 31)
MADE = datetime(2026, 12, 2, 9, 30)
SAME = "England, Census 2021 females aged 16+ (recomputed from SafeLives' force figures)"
PUBLISHED = "England, SafeLives' own base (as published)"


@pytest.fixture(scope="module")
def london(fixture_db: Path) -> Dataset:
    return Dataset.from_tables(store.read_tables(fixture_db))


def test_a_marac_pack_draws_england_on_the_same_base_first_and_names_each_base(london: Dataset) -> None:
    pack = build_pack(london, "marac:E09000012", END, made=MADE)
    (section,) = pack.sections
    volume = next(p for p in section.pages if p.title.endswith("Cases as % of recommended volume"))
    national = [t for t in volume.figure.data if t.name.startswith("England")]
    assert [t.name for t in national] == [SAME, PUBLISHED]
    same, published = national
    assert (list(same.x), [round(y, 4) for y in same.y], same.line.dash) == (["2020-21 Q4"], [1.0408], "solid")
    assert (list(published.x), [round(y, 4) for y in published.y], published.line.dash) == (
        ["2020-21 Q4"],
        [1.123],
        "dot",
    )
    method = " ".join(pack.method)
    assert "England on this pack's base (Census 2021, females aged 16+), recomputed from SafeLives' published" in method
    assert "SafeLives' England and UK figures as published, on SafeLives' own (older, smaller)" in method
