"""Disclosure control tested as an attack: someone holds every published figure, for every MARAC, BCU and area, every
window and every quarter end, and tries to get each small quarterly count back (`benchmarks/disclosure_attack.py`).

The data: four made-up MARACs (two BCUs, two regions) with a meeting a quarter for three years, 20-60 cases and
victim/survivor counts of 0-6, so many quarters hold 1-4 (seeded, the same every run). The same attack run on the
old method (exact figures, each export hiding its own 1-4) pins most of them: the attack has teeth.
"""

from __future__ import annotations

import random
from datetime import date

import polars as pl
import pytest

from benchmarks.disclosure_attack import COUNTS, differencing, exports, integer_program, true_cells
from metrics.dataset import Dataset
from metrics.disclosure import published
from metrics.periods import add_quarters, quarter_end
from tests.helpers import metrics as fx

pytest.importorskip("scipy")

FIRST = date(2019, 4, 1)
QUARTERS = [add_quarters(FIRST, i) for i in range(12)]


def _region() -> Dataset:
    rng = random.Random(14)
    rows = []
    for code in ("MA", "MB", "MC", "MD"):
        for quarter in QUARTERS:
            cases = rng.randint(20, 60)
            police = rng.randint(0, cases)
            rows.append(
                fx._meeting(
                    code,
                    quarter,
                    quarter_end(quarter),
                    cases,
                    rng.randint(0, 12),
                    referrals={"police": police, "idva": cases - police},
                    rm=rng.randint(0, 6),
                    lgbt=rng.randint(0, 4),
                    disabled=rng.randint(0, 6),
                    male=rng.randint(0, 5),
                    aged_16_17=rng.randint(0, 3),
                )
            )
    tables = fx.tables()
    tables["meeting"] = pl.DataFrame(rows, schema=tables["meeting"].schema)
    return Dataset.from_tables(tables)


@pytest.fixture(scope="module")
def region() -> Dataset:
    return _region()


@pytest.fixture(scope="module")
def truth(region: Dataset) -> dict:
    return true_cells(region)


def test_the_data_holds_many_small_counts_to_attack(truth: dict) -> None:
    small = [key for key, value in truth.items() if value and value < 5]
    assert len(truth) == 4 * 12 * len(COUNTS) and len(small) > 150


def test_the_attack_pins_counts_the_old_method_published(region: Dataset, truth: dict) -> None:
    """Exact figures with each export's own 1-4 hidden: differencing and the integer program give them back."""
    figures = exports(region, hide_below=5)
    small, recovered = differencing(figures, truth)
    assert small > 150 and recovered > 20  # (where the 12 months either side are not themselves hidden)
    ranges = integer_program(figures, truth, rounding=1)
    pinned = [key for key, (low, high) in ranges.items() if low == high]
    assert len(pinned) > len(ranges) * 0.9
    assert all(ranges[key][0] == truth[key] for key in pinned)  # pinned, and to the held value


def test_no_published_figure_gives_back_a_small_count_however_they_are_combined(region: Dataset, truth: dict) -> None:
    figures = exports(published(region))
    # every MARAC, BCU, region and all MARACs; 12 quarter ends; 12 months, quarter and (in March) financial year
    assert {f.grouping for f in figures} == {"marac", "sub_area", "region", "pfa", "all"}
    assert {f.window for f in figures} == {"12m", "quarter", "fy"} and len({f.end for f in figures}) == 12
    assert all(f.value is not None and f.value % 5 == 0 for f in figures)
    small, recovered = differencing(figures, truth)
    assert small > 150 and recovered == 0
    ranges = integer_program(figures, truth, rounding=5)
    assert len(ranges) == small
    pinned = {key: bounds for key, bounds in ranges.items() if bounds[0] == bounds[1]}
    assert pinned == {}
    # and every small count stays among at least four values the attacker cannot tell apart
    assert min(high - low for low, high in ranges.values()) >= 3
    assert all(low <= truth[key] <= high for key, (low, high) in ranges.items())


def test_exports_under_both_missing_quarters_methods_give_back_no_small_count() -> None:
    """SafeLives' rule fills a gap with the quarter before and leaves out a MARAC with two gaps in a row. An attacker
    holding every export under both methods can difference them (SafeLives' minus population-time is the filled
    quarters' counts): the fill copies already rounded quarters, so that gives back nothing rounding hides."""
    from metrics import missing_quarters

    region = _region()
    gaps = {("MA", QUARTERS[5]), ("MB", QUARTERS[2]), ("MB", QUARTERS[3]), ("MC", QUARTERS[8])}  # MB: two in a row
    held = region.meetings.filter(
        ~pl.struct("marac_code", "quarter_start").is_in([{"marac_code": m, "quarter_start": q} for m, q in gaps])
    )
    region = Dataset.from_tables({**fx.tables(), "meeting": held.with_columns(pl.lit(1).alias("load_id"))})
    truth = true_cells(region)
    shown = published(region)
    by_method = {m: exports(shown, method=m) for m in (missing_quarters.POPULATION_TIME, missing_quarters.SAFELIVES)}
    filled = by_method[missing_quarters.SAFELIVES]
    # the model of the rule is the code's: every published figure is the sum of the rounded cells it names
    rounded = true_cells(shown)
    assert all(f.value == sum(rounded[(m, q, f.column)] for m, q in f.cells) for f in filled if f.value is not None)
    # and the methods differ where they should: MA's 12 months holding its gap count the quarter before twice
    assert any(len(set(f.cells)) < len(f.cells) for f in filled)
    figures = [*by_method[missing_quarters.POPULATION_TIME], *filled]
    for method_figures in by_method.values():
        assert differencing(method_figures, truth)[1] == 0
    ranges = integer_program(figures, truth, rounding=5)
    assert len(ranges) > 100
    assert {key: b for key, b in ranges.items() if b[0] == b[1]} == {}
    assert all(low <= truth[key] <= high for key, (low, high) in ranges.items())
    # the same attack on exact figures under both methods pins them: it has teeth
    exact = [f for m in by_method for f in exports(region, method=m)]
    unrounded = integer_program(exact, truth, rounding=1)
    assert sum(b[0] == b[1] for b in unrounded.values()) > len(unrounded) * 0.9
