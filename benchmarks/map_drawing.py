"""Tile-map drawing benchmark: each MARAC the union of its authorities' tiles, for areas from 5 authorities to 331.

Prints figures; asserts nothing (target: the whole of England and Wales drawn well inside a page run's 1 s). For each
area, with one MARAC per authority except where said: choosing the layout, building the merged shapes and labels
(`reporting.maps.marac_tiles`), the Plotly figure (`map_figure`), and the figure's JSON (what the page sends the
browser), median of 5 runs after one to warm up. The registry is built here from `data/reference/areas.csv`, so the
figures do not depend on the shipped registry. Run: `python benchmarks/map_drawing.py`. Results go in the
report or docs/performance.md by hand, with the machine they were measured on.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from loaders.layout import read_tile_layout  # noqa: E402
from loaders.reference import REFERENCE_DIR  # noqa: E402
from metrics.definitions import INDICATORS  # noqa: E402
from metrics.ranges import Range  # noqa: E402
from reporting.maps import choose_layout, map_figure, marac_tiles, tile_label_size  # noqa: E402

REPEAT = next(i for i in INDICATORS if i.key == "repeat_rate")
RANGE = Range("repeat_rate", "range", 0.28, 0.40, "", "", "benchmark")
RUNS = 5


def _registry(areas: pl.DataFrame, pairs: int = 0, split: bool = False) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One MARAC per authority; with `pairs`, the first 2 x pairs authorities two to a MARAC; with `split`, the
    first authority shared 60/40 by the first two MARACs."""
    codes = areas["lad_code"].to_list()
    marac_of = {code: (f"M{i // 2}" if i < 2 * pairs else code) for i, code in enumerate(codes)}
    rows = [(marac_of[code], code, 1.0) for code in codes]
    if split and len(codes) > 3:
        rows[0] = (marac_of[codes[2]], codes[0], 0.4)
        rows.insert(0, (marac_of[codes[1]], codes[0], 0.6))
    marac_areas = pl.DataFrame(rows, schema=["marac_code", "lad_code", "share"], orient="row")
    names = dict(areas.select("lad_code", "lad_name").iter_rows())
    maracs = pl.DataFrame(
        {
            "marac_code": sorted(set(marac_areas["marac_code"])),
        }
    ).with_columns(pl.col("marac_code").replace(names).alias("marac_name"))
    return marac_areas, maracs


def _median(work) -> tuple[float, object]:
    work()
    times, result = [], None
    for _ in range(RUNS):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    layouts = read_tile_layout()
    areas = pl.read_csv(REFERENCE_DIR / "areas.csv", infer_schema_length=0)
    cases = [
        ("West Yorkshire (5)", areas.filter(pl.col("pfa_name") == "West Yorkshire"), 2, True),
        ("Lancashire (14, 4 pairs)", areas.filter(pl.col("pfa_name") == "Lancashire"), 4, False),
        ("Wales (22)", areas.filter(pl.col("country_name") == "Wales"), 0, False),
        ("London (33)", areas.filter(pl.col("region_name") == "London"), 0, False),
        ("England (309)", areas.filter(pl.col("country_name") == "England"), 0, True),
        ("England and Wales (331)", areas, 0, False),
    ]
    print(
        f"{'area':<26} {'layout':<14} {'shapes':>6} {'label':>5} {'tiles s':>8} {'figure s':>8} {'json s':>7} {'KB':>6}"
    )
    for name, members, pairs, split in cases:
        marac_areas, maracs = _registry(members, pairs, split)
        chosen = choose_layout(layouts, members["lad_code"].to_list())
        cells = layouts.filter(pl.col("layout") == chosen)
        tiles_s, drawn = _median(lambda: marac_tiles(cells, marac_areas, maracs, members["lad_code"].to_list()))  # noqa: B023
        size = tile_label_size(drawn.shapes)
        frame = pl.DataFrame(
            {
                "group_code": maracs["marac_code"],
                "group_name": maracs["marac_name"],
                "repeat_rate": [0.2 + (i % 5) * 0.05 for i in range(maracs.height)],
                "repeat_verdict": [
                    ("below", "within", "within", "above", "above")[i % 5] for i in range(maracs.height)
                ],
            }
        )

        def figure(drawn=drawn, frame=frame, size=size):
            return map_figure(drawn.shapes, frame, REPEAT, RANGE, title="t", subtitle="s", source="s",
                              labels=drawn.labels if size else None, label_size=size or 13)  # fmt: skip

        figure_s, fig = _median(figure)
        json_s, text = _median(fig.to_json)
        print(
            f"{name:<26} {chosen:<14} {len(drawn.shapes):>6} {size or '-':>5} {tiles_s:>8.3f} {figure_s:>8.3f} "
            f"{json_s:>7.3f} {len(text) / 1024:>6.0f}"
        )


if __name__ == "__main__":
    main()
