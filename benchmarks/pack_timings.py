"""Board packs by section: the demo's London region pack summary-only and in full, as PDF.

Prints, for each, the seconds from the database's figures to the file (working out the pack, drawing its charts,
laying out its pages), its pages, megabytes and charts; asserts nothing. Targets (docs/performance.md, "Board
packs"): summary-only under 15 s; the full pack no slower than before sections were chosen (60.7 s).

Run: `python benchmarks/pack_timings.py [--db data/demo.duckdb] [--scope region:London] [--period-end
2025-09-30]` after `marac demo --db PATH --out DIR`. Without --period-end, the newest quarter end held. `--sections`
adds runs of other choices (`--sections summary,matrix`).
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402

from loaders import store  # noqa: E402
from metrics.dataset import Dataset  # noqa: E402
from metrics.periods import quarter_end  # noqa: E402
from reporting.images import Engine  # noqa: E402
from reporting.packs.build import build_pack  # noqa: E402
from reporting.packs.render import render_pack  # noqa: E402
from reporting.packs.sections import AVAILABLE  # noqa: E402


def measure(dataset: Dataset, scope: str, end: date, parts: tuple[str, ...], engine: Engine) -> dict[str, float]:
    started = time.perf_counter()
    pack = build_pack(dataset, scope, end, sections=parts)
    data = render_pack(pack, "pdf", engine)
    seconds = time.perf_counter() - started
    pages = len(PdfReader(io.BytesIO(data)).pages)
    return {"seconds": seconds, "pages": pages, "mb": len(data) / 1_048_576, "charts": len(pack.figures)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "data" / "demo.duckdb")
    parser.add_argument("--scope", default="region:London")
    parser.add_argument("--period-end", type=date.fromisoformat, default=None)
    parser.add_argument("--sections", action="append", default=[], help="a further choice to time, comma-separated")
    args = parser.parse_args(argv)
    if not args.db.exists():
        sys.exit(f"No database at {args.db}: run `marac demo --db {args.db} --out DIR` first.")
    dataset = Dataset.from_tables(store.read_tables(args.db))
    end = args.period_end or quarter_end(dataset.meetings["quarter_start"].max())
    # summary-only first: it draws no chart, so it never starts Chromium; the full pack's time includes the start
    runs = {"summary only": ("summary",), "full": AVAILABLE}
    runs |= {choice: tuple(choice.split(",")) for choice in args.sections}
    engine = Engine()
    print(f"{args.scope}, period ending {end}")
    try:
        for name, parts in runs.items():
            got = measure(dataset, args.scope, end, parts, engine)
            print(
                f"{name:28} {got['seconds']:7.1f} s  {got['pages']:4d} pages  {got['mb']:6.2f} MB  "
                f"{got['charts']:4.0f} charts"
            )
    finally:
        engine.close()


if __name__ == "__main__":
    main()
