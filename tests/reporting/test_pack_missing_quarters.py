"""A board pack made under SafeLives' missing-quarters rule: its figures are the filled ones, and its title page,
method page and source line say which rule (figures worked out in tests/helpers/gap_db.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from loaders import store
from metrics.dataset import Dataset
from reporting.packs.build import build_pack
from tests.helpers.gap_db import write_gap_db


@pytest.fixture(scope="module")
def gap(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    return Dataset.from_tables(store.read_tables(write_gap_db(tmp_path_factory.mktemp("gap"))))


def _london(dataset: Dataset, method: str):
    return build_pack(replace(dataset, missing_quarters_method=method), "region:London", date(2021, 3, 31))


def test_the_pack_uses_and_names_the_chosen_method(gap: Dataset) -> None:
    default, filled = _london(gap, "population_time"), _london(gap, "safelives")
    default_volume, filled_volume = (
        next(r for r in pack.sections[0].summary if "volume" in r.indicator).value for pack in (default, filled)
    )
    # London: population-time 900 / 837.556 = 107.46%; SafeLives' rule 1,000 / 948.336 = 105.45% (counts of 100 and
    # 150 are multiples of 5, so the published rounding leaves them as they are)
    assert default_volume.startswith("107.5%") and filled_volume.startswith("105.4%")
    for pack, words in ((default, "counted only for the quarters returned"), (filled, "filled like SafeLives")):
        assert any(f"Missing quarters: {words}" in line for line in pack.status)  # the title page
        assert any(f"Missing quarters: {words}" in line for line in pack.method)
    assert pack_source_names(filled) and not pack_source_names(default)


def pack_source_names(pack) -> bool:
    """Whether the pack's source line (under every chart) names SafeLives' rule."""
    return "missing quarters: filled like SafeLives" in pack.source
