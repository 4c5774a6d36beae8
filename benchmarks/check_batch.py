"""Check-a-return benchmark: a 32-borough batch of a year's returns (128 files), checked and committed.

Prints figures; asserts nothing (target: checking the batch in under 5 s). Run:
`python benchmarks/check_batch.py`. Results go in docs/performance.md by hand.

The database holds the synthetic demo's London and Lancashire returns from 2018-19 Q1 to
2023-24 Q4 (7,000+ meetings); the batch is every London borough's four 2024-25 returns, as
the demo writes them. The check runs exactly as the upload page runs it (`check_uploads`:
copy the database, load each file with the real loader into the copy, read before and
after, run the checks beside held data), then the commit loads the same bytes for real.
"""

from __future__ import annotations

import resource
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from loaders import store  # noqa: E402
from loaders.demo import write_demo_returns  # noqa: E402
from loaders.upload import check_uploads, commit_uploads  # noqa: E402
from metrics.dataset import Dataset  # noqa: E402

YEAR = "2024-25"
HELD_BEFORE = date(2024, 4, 1)


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="marac-check-bench-"))
    db = work / "held.duckdb"
    with store.writing(db) as conn:
        store.set_meta(conn, "synthetic", "false")  # so the commit is allowed, as on a real database
    maracs = Dataset.from_tables(store.read_tables(db)).maracs
    paths = [p for p in write_demo_returns(maracs, work / "returns") if p.parent.name == "returns"]
    batch = sorted(p for p in paths if p.name.startswith("E09") and f"_{YEAR}_" in p.name)
    earlier = [p for p in paths if _quarter_start(p.name) < HELD_BEFORE]
    start = time.perf_counter()
    with store.writing(db) as conn:
        for path in earlier:
            assert store.load_file(conn, path, who="bench").outcome == "loaded"
    print(
        f"database: {len(earlier)} returns loaded in {time.perf_counter() - start:.1f} s; "
        f"{db.stat().st_size / 1_048_576:.1f} MB on disk"
    )
    uploads = [(p.name, p.read_bytes()) for p in batch]
    print(
        f"batch: {len(uploads)} files ({len({n[:9] for n, _ in uploads})} boroughs x 4 quarters of {YEAR}), "
        f"{sum(len(c) for _, c in uploads) / 1024:.0f} KB"
    )

    times, checked = [], None
    for _ in range(3):
        start = time.perf_counter()
        checked = check_uploads(db, uploads)
        times.append(time.perf_counter() - start)
    assert checked is not None
    problems = [p for f in checked.files for p in f.report.problems]
    print(
        f"check the batch (target < 5 s): best {min(times):.2f} s, median {statistics.median(times):.2f} s of 3; "
        f"{len(checked.loadable)} would load, {len(problems)} warning(s) "
        f"({', '.join(sorted({p.code for p in problems})) or 'none'})"
    )

    start = time.perf_counter()
    Dataset.from_tables(checked.before), Dataset.from_tables(checked.after)
    print(f"build before and after datasets for the page: {time.perf_counter() - start:.2f} s")

    start = time.perf_counter()
    results = commit_uploads(db, uploads, checked, who="bench")
    print(
        f"commit the batch: {time.perf_counter() - start:.2f} s ({sum(r.outcome == 'loaded' for r in results)} loaded)"
    )
    print(f"peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    shutil.rmtree(work)


def _quarter_start(name: str) -> date:
    """'E09000012_2024-25_Q3.csv' -> 2024-10-01."""
    fy, q = name.split("_")[1], int(name.split("_")[2][1])
    year = int(fy[:4])
    month = 4 + 3 * (q - 1)
    return date(year + (month > 12), (month - 1) % 12 + 1, 1)


if __name__ == "__main__":
    main()
