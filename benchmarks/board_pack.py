"""Board-pack benchmark: the London region pack (32 MARACs, 264 charts) as PDF and as PPTX.

Prints figures; asserts nothing (targets: under 90 s a pack, and at least 5x faster than the
naive way). Both ways run here, on the same figures:

- engine: one long-lived Chromium (reporting.images), charts drawn two at a time;
- naive: `plotly.io.to_image` for each chart (vector PDF for the PDF pack, PNG for the PPTX),
  which starts Chromium every time (Plotly's default when no Kaleido server is running), then
  the same layout code.

Run: `python benchmarks/board_pack.py [--db data/demo.duckdb] [--naive-charts N]`. With
--naive-charts the naive way draws only the first N charts and the full time is scaled up
from them (said so in the output). Results go in docs/performance.md by hand.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import warnings
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import plotly.io as pio  # noqa: E402

from loaders import store  # noqa: E402
from metrics.dataset import Dataset  # noqa: E402
from reporting.images import CHART_WIDTH, Engine, figure_height  # noqa: E402
from reporting.packs.build import build_pack  # noqa: E402
from reporting.packs.pdf import write_pdf  # noqa: E402
from reporting.packs.pptx import write_pptx  # noqa: E402
from reporting.packs.render import PACK_SCALE, compact_png, render_pack  # noqa: E402

SCOPE, END = "region:London", date(2025, 9, 30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "data" / "demo.duckdb")
    parser.add_argument(
        "--naive-charts", type=int, default=None, help="draw only this many charts the naive way and scale up"
    )
    args = parser.parse_args()
    if not args.db.exists():
        sys.exit(f"No database at {args.db}: run `marac demo` first.")
    dataset = Dataset.from_tables(store.read_tables(args.db))

    start = time.perf_counter()
    pack = build_pack(dataset, SCOPE, END)
    build = time.perf_counter() - start
    print(f"work out the pack ({len(pack.sections)} sections, {len(pack.figures)} charts)   {build:7.2f} s")

    engine = Engine()
    results = {}
    for fmt in ("pdf", "pptx"):
        start = time.perf_counter()
        data = render_pack(build_pack(dataset, SCOPE, END), fmt, engine)
        results[fmt] = time.perf_counter() - start
        print(
            f"engine: {fmt:4} pack, figures to file                 {results[fmt]:7.2f} s   {len(data) / 1_048_576:6.1f} MB"
            + ("   (includes starting Chromium)" if fmt == "pdf" else "")
        )
    engine.close()

    figures = pack.figures[: args.naive_charts] if args.naive_charts else pack.figures
    scale = len(pack.figures) / len(figures)
    for fmt, writer in (("pdf", write_pdf), ("pptx", write_pptx)):
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if fmt == "pdf":  # the same vector charts as the engine draws for a PDF pack
                images = [pio.to_image(f, format="pdf", width=CHART_WIDTH, height=figure_height(f)) for f in figures]
            else:
                images = [
                    compact_png(
                        pio.to_image(f, format="png", width=CHART_WIDTH, height=figure_height(f), scale=PACK_SCALE)
                    )
                    for f in figures
                ]
        drawing = time.perf_counter() - start
        if scale != 1:
            print(
                f"naive: drew {len(figures)} of {len(pack.figures)} charts in {drawing:.1f} s; scaling up x{scale:.1f}"
            )
            images = (images * int(scale + 1))[: len(pack.figures)]
        start = time.perf_counter()
        writer(pack, images)
        total = build + drawing * scale + time.perf_counter() - start
        print(
            f"naive:  {fmt:4} pack, one browser start per chart     {total:7.2f} s   "
            f"engine is {total / results[fmt]:.1f}x faster"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of this process: {peak:.0f} MB (Chromium's own processes not included)")


if __name__ == "__main__":
    main()
