"""The attack on published figures, as someone who collects every export would make it; prints what it gets back.

The attacker holds every figure published for every MARAC, sub-area (a Met BCU), area and all MARACs, over every
window (rolling 12 months, financial year, single quarter) at every quarter end held, and knows exactly how they
were made (the code is open). Two attacks on each MARAC's quarterly counts (cases, repeats, the five victim/survivor
counts):

- differencing: 12 months to Q − 12 months to Q−1 + the quarter Q−4, and a financial year minus its first three
  quarters, each read straight off the exports (issue 14's attack);
- an integer program over every published total at once (scipy's `milp`): unknowns are each quarterly count and
  the rounded value it was published as; every published figure is the sum of its quarters' rounded values; each
  count lies within 4 of its rounded value; a victim/survivor count or repeats cannot exceed cases. For each count
  it finds the smallest and largest value consistent with everything published: a count is pinned when they meet.

`exports` reads the published dataset (`metrics.disclosure.published`); `exports(..., rounding=1)` with
`hide_below` reproduces the old method (exact figures, each export hiding its own counts of 1-4) to show the attack
has teeth. Run before a release on the real database:

    python benchmarks/disclosure_attack.py --db data/marac.duckdb [--area region:London] [--ip-maracs 6]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import polars as pl

from metrics import missing_quarters
from metrics.dataset import Dataset
from metrics.indicators import quarterly, scoped
from metrics.periods import add_quarters, period, quarter_end

#: the counts of people the attack goes after; each victim/survivor count and repeats are at most the cases
COUNTS = (
    "cases",
    "repeat_cases",
    "victims_racially_minoritised",
    "victims_lgbt",
    "victims_disabled",
    "victims_male",
    "victims_aged_16_17",
)
GROUPINGS = {"marac": None, "sub_area": "sub_area", "region": "region", "pfa": "police_force_area", "all": None}
Cell = tuple[str, date]  # a MARAC and a quarter start


@dataclass(frozen=True)
class Figure:
    """One published count: which MARAC-quarters it adds up, and its value (None where the export withholds it)."""

    grouping: str
    code: str
    window: str
    end: date
    column: str
    cells: tuple[Cell, ...]
    value: float | None


def _windows(end: date) -> Iterable[str]:
    yield from ("12m", "quarter")
    if end.month == 3:
        yield "fy"


def exports(shown: Dataset, *, hide_below: int = 0, method: str = missing_quarters.POPULATION_TIME) -> list[Figure]:
    """Every count published for `shown`'s MARACs: each grouping, window and quarter end. With `hide_below`, a
    MARAC's figure of 1 to hide_below − 1 is withheld, as each export did before rounding.

    Under SafeLives' rule (`method="safelives"`) a filled quarter adds its source quarter's cell again (so a cell may
    stand twice in a figure's `cells`) and a MARAC left out adds none: the attacker knows the rule, as the code is
    open."""
    held = shown.meetings.select("marac_code", "quarter_start").unique()
    quarters_held = sorted(held["quarter_start"].unique().to_list())
    returned = {(m, q) for m, q in held.iter_rows()}
    members: dict[tuple[str, str], list[str]] = {}
    for grouping, column in GROUPINGS.items():
        for row in shown.maracs.iter_rows(named=True):
            code = row["marac_code"] if grouping == "marac" else "ALL" if grouping == "all" else row[column]
            members.setdefault((grouping, code), []).append(row["marac_code"])
    out: list[Figure] = []
    for end in (quarter_end(q) for q in quarters_held):
        for window in _windows(end):
            chosen = period(end, window)
            sources, left_out = _sources(shown, chosen, returned, method)
            for grouping in GROUPINGS:
                frame = missing_quarters.compute(shown, chosen, grouping, method)
                for row in frame.iter_rows(named=True):
                    codes = [m for m in members.get((grouping, row["group_code"]), []) if m not in left_out]
                    cells = tuple(sources[(m, q)] for m in codes for q in chosen.quarters if (m, q) in sources)
                    if not cells:
                        continue
                    for column in COUNTS:
                        value = row[column]
                        if grouping == "marac" and hide_below and value is not None and 0 < value < hide_below:
                            value = None
                        out.append(Figure(grouping, row["group_code"], window, end, column, cells, value))
    return out


def _sources(shown: Dataset, chosen: object, returned: set[Cell], method: str) -> tuple[dict[Cell, Cell], set[str]]:
    """Which held cell each MARAC-quarter of the window counts (itself, or under SafeLives' rule the quarter it was
    filled from), and the MARACs left out."""
    sources = {cell: cell for cell in returned}
    if method != missing_quarters.SAFELIVES:
        return sources, set()
    filled = missing_quarters.fill(shown, chosen)  # type: ignore[arg-type]
    for code, quarter, source in filled.filled.iter_rows():
        sources[(code, quarter)] = (code, source)
    return sources, set(filled.left_out)


def true_cells(dataset: Dataset) -> dict[tuple[str, date, str], float]:
    """(MARAC, quarter, count) -> the held count: what the attacker is after."""
    frame = quarterly(dataset, "marac").filter(pl.col("maracs_reporting") > 0)
    return {
        (row["group_code"], row["quarter_start"], column): row[column]
        for row in frame.iter_rows(named=True)
        for column in COUNTS
    }


def differencing(figures: list[Figure], truth: dict[tuple[str, date, str], float]) -> tuple[int, int]:
    """(small counts of 1-4 held, how many of them differencing gives back exactly)."""
    value = {(f.code, f.window, f.end, f.column): f.value for f in figures if f.grouping == "marac"}
    small = recovered = 0
    for (code, quarter, column), held in truth.items():
        if not held or held >= 5:
            continue
        small += 1
        end = quarter_end(quarter)

        def read(window: str, start: date, code: str = code, column: str = column) -> float | None:
            return value.get((code, window, quarter_end(start), column))

        guesses = []
        parts = [
            read("12m", quarter),
            read("12m", add_quarters(quarter, -1)),
            read("quarter", add_quarters(quarter, -4)),
        ]
        if None not in parts:
            guesses.append(parts[0] - parts[1] + parts[2])
        if end.month == 3:
            year = read("fy", quarter)
            before = [read("quarter", add_quarters(quarter, -k)) for k in (1, 2, 3)]
            if year is not None and None not in before:
                guesses.append(year - sum(before))
        own = read("quarter", quarter)
        if own is not None:
            guesses.append(own)
        recovered += any(abs(g - held) < 0.5 for g in guesses)
    return small, recovered


def integer_program(
    figures: list[Figure],
    truth: dict[tuple[str, date, str], float],
    *,
    rounding: int = 5,
    targets: Iterable[tuple[str, date, str]] | None = None,
) -> dict[tuple[str, date, str], tuple[int, int]]:
    """For each target count (default: every held count of 1-4), the least and greatest value it can have given
    every published figure. Published figures are sums of rounded cells: each cell's true count is within
    `rounding` − 1 of its rounded value, a multiple of `rounding` (rounding=1: figures are exact)."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import lil_matrix

    cells = sorted({(m, q) for (m, q, _c) in truth})
    index = {cell: i for i, cell in enumerate(cells)}
    n = len(cells)
    wanted = [t for t in (targets if targets is not None else truth) if truth.get(t) and truth[t] < 5]
    out: dict[tuple[str, date, str], tuple[int, int]] = {}
    for column in COUNTS:
        chosen = [t for t in wanted if t[2] == column]
        if not chosen:
            continue
        # unknowns, block by block (this count, then cases, which bounds it), cell by cell: x, then k = rounded / rounding
        blocks = [column] if column == "cases" else [column, "cases"]
        x_at = {b: 2 * j * n for j, b in enumerate(blocks)}
        rows = [f for f in figures if f.column in blocks and f.value is not None]
        size = 2 * n * len(blocks)
        a = lil_matrix((len(rows) + (len(blocks) + 1) * n, size))
        low: list[float] = []
        high: list[float] = []
        for r, f in enumerate(rows):
            for cell in f.cells:  # a cell standing twice (a quarter filled from it) counts twice
                a[r, x_at[f.column] + n + index[cell]] += rounding
            low.append(f.value)
            high.append(f.value)
        r = len(rows)
        for i in range(n):
            for b in blocks:  # |x − rounding·k| ≤ rounding − 1
                a[r, x_at[b] + i], a[r, x_at[b] + n + i] = 1, -rounding
                low.append(-(rounding - 1))
                high.append(rounding - 1)
                r += 1
            if len(blocks) == 2:  # a victim/survivor count, or repeats, is at most the cases
                a[r, x_at[column] + i], a[r, x_at["cases"] + i] = 1, -1
                low.append(-np.inf)
                high.append(0)
                r += 1
        constraint = LinearConstraint(a[:r].tocsr(), np.array(low), np.array(high))
        bounds = Bounds(np.zeros(size), np.full(size, np.inf))
        for target in chosen:
            i = x_at[column] + index[target[:2]]
            found = []
            for sign in (1, -1):
                c = np.zeros(size)
                c[i] = sign
                result = milp(c, constraints=constraint, bounds=bounds, integrality=np.ones(size))
                if not result.success:
                    raise RuntimeError(f"the published figures admit no solution: {result.message}")
                found.append(round(result.x[i]))
            out[target] = (found[0], found[1])
    return out


def main() -> None:
    from loaders import store
    from metrics.disclosure import published

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a MARAC dashboard database")
    parser.add_argument("--area", default="region:London", help="region:NAME or pfa:NAME (default region:London)")
    parser.add_argument(
        "--ip-maracs", type=int, default=6, help="MARACs of the area the integer program takes (it grows fast)"
    )
    args = parser.parse_args()
    kind, name = args.area.split(":", 1)
    held = scoped(
        Dataset.from_tables(store.read_tables(args.db)),
        **{"region" if kind == "region" else "police_force_area": name},
    )
    truth = true_cells(held)
    for label, shown, hide in (("before (exact, 1-4 hidden)", held, 5), ("now (rounded)", published(held), 0)):
        started = time.perf_counter()
        figures = exports(shown, hide_below=hide)
        small, recovered = differencing(figures, truth)
        print(
            f"{label}: {len(figures):,} published counts; differencing gives back {recovered:,} of {small:,} "
            f"held counts of 1-4 ({time.perf_counter() - started:.0f} s)"
        )
    codes = sorted(held.maracs["marac_code"].to_list())[: args.ip_maracs]
    few = replace(
        held,
        maracs=held.maracs.filter(pl.col("marac_code").is_in(codes)),
        meetings=held.meetings.filter(pl.col("marac_code").is_in(codes)),
    )
    truth = true_cells(few)
    for label, shown, hide, rounding in (("before", few, 5, 1), ("now", published(few), 0, 5)):
        started = time.perf_counter()
        ranges = integer_program(exports(shown, hide_below=hide), truth, rounding=rounding)
        pinned = sum(lo == hi for lo, hi in ranges.values())
        print(
            f"{label}, integer program over {len(codes)} MARACs: {pinned:,} of {len(ranges):,} held counts of 1-4 "
            f"pinned to one value ({time.perf_counter() - started:.0f} s)"
        )


if __name__ == "__main__":
    main()
