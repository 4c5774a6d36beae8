"""The differencing attack issue 14 describes, run on every window and period: prints how many hidden cells it gets back.

An attacker collects every export a partnership publishes for every period: each MARAC's row of the area's table (as
suppressed for export, with its BCU and area totals) for rolling 12 months, financial years and single quarters, at
every quarter end held. For each quarterly count a quarter's own export withholds, they try
12 months to Q − 12 months to Q−1 + the quarter Q−4, and a financial year minus its first three quarters, reading a
count off an export either as printed or as a printed share times printed cases. Asserts nothing; prints figures.

Run: `python benchmarks/disclosure_attack.py --db data/demo.duckdb` (a database built by `marac demo`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from loaders import store
from metrics.dataset import Dataset
from metrics.indicators import compute, scoped
from metrics.periods import add_quarters, period, quarter_end, quarter_of
from metrics.shown import AreaFigures

#: the protected counts the attack goes after, with the published share that gives each back times cases
COUNTS = {
    "cases": None,
    "repeat_cases": "repeat_rate",
    "victims_racially_minoritised": "share_racially_minoritised",
    "victims_lgbt": "share_lgbt",
    "victims_disabled": "share_disabled",
    "victims_male": "share_male",
    "victims_aged_16_17": "share_aged_16_17",
}
AREAS = (("region", "region", "London"), ("pfa", "police_force_area", "Lancashire"))


def exports(dataset: Dataset) -> dict[tuple, dict]:
    """(area, period end, window, MARAC) -> the MARAC's published row, its true counts and what it withholds."""
    ends = [quarter_end(q) for q in sorted(dataset.meetings["quarter_start"].unique().to_list())]
    out: dict[tuple, dict] = {}
    for kind, column, name in AREAS:
        area = scoped(dataset, **{column: name})
        if area.maracs.is_empty():
            continue
        for end in ends:
            for window in ("12m", "quarter") + (("fy",) if end.month == 3 else ()):
                maracs, bcus, total = (compute(area, period(end, window), g) for g in ("marac", "bcu", kind))
                shown = AreaFigures.suppressed(maracs, bcus, total).maracs
                for i, row in enumerate(shown.frame.iter_rows(named=True)):
                    out[(name, end, window, row["group_code"])] = {
                        "shown": row,
                        "true": {c: maracs[c][i] for c in COUNTS},
                        "hidden": {c for c in COUNTS if shown.label(i, c)},
                    }
    return out


def attack(published: dict[tuple, dict]) -> tuple[int, int]:
    """(hidden non-zero quarterly counts, how many of them differencing gives back exactly)."""

    def known(key: tuple, count: str) -> float | None:
        entry = published.get(key)
        if entry is None:
            return None
        row, share = entry["shown"], COUNTS[count]
        if row[count] is not None:
            return row[count]
        if share and row[share] is not None and row["cases"] is not None:
            return round(row[share] * row["cases"])
        return None

    hidden = recovered = 0
    for (name, end, window, code), entry in published.items():
        if window != "quarter":
            continue
        q = quarter_of(end)
        for count in entry["hidden"]:
            truth = entry["true"][count]
            if not truth:
                continue
            hidden += 1
            guesses = []
            parts = [
                known((name, end, "12m", code), count),
                known((name, quarter_end(add_quarters(q, -1)), "12m", code), count),
                known((name, quarter_end(add_quarters(q, -4)), "quarter", code), count),
            ]
            if None not in parts:
                guesses.append(parts[0] - parts[1] + parts[2])
            if end.month == 3:
                year = known((name, end, "fy", code), count)
                quarters = [known((name, quarter_end(add_quarters(q, -k)), "quarter", code), count) for k in (1, 2, 3)]
                if year is not None and None not in quarters:
                    guesses.append(year - sum(quarters))
            recovered += any(abs(g - truth) < 0.5 for g in guesses)
    return hidden, recovered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a database built by `marac demo`")
    args = parser.parse_args()
    published = exports(Dataset.from_tables(store.read_tables(args.db)))
    hidden, recovered = attack(published)
    print(f"{len(published)} published MARAC rows across every window and period end")
    print(f"hidden non-zero quarterly counts: {hidden}; given back by differencing: {recovered}")


if __name__ == "__main__":
    main()
