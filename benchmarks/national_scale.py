"""National-scale benchmark: 300 MARACs x 30 quarters x ~6 meetings a quarter.

Prints figures; asserts nothing (targets: 300 files loaded < 30 s, all metrics < 0.5 s,
a page run < 1 s). Run: `python benchmarks/national_scale.py`. Results go in
docs/performance.md by hand, with the machine they were measured on.

The registry is built in a temporary reference folder: every one of the first 300
England and Wales local authorities becomes a synthetic MARAC, each sending one file with
its whole history (30 quarters), so loading 300 files writes about 54,000 meetings.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from loaders import reference, store  # noqa: E402
from loaders.demo import profiles, quarter_rows, quarters, write_return  # noqa: E402
from metrics.dataset import Dataset  # noqa: E402
from metrics.indicators import GROUPINGS, compute  # noqa: E402
from metrics.periods import period  # noqa: E402

N_MARACS = 300


def national_reference(target: Path, whole_region: str | None = None) -> None:
    """A registry of N_MARACS MARACs, one per local authority, by code; with `whole_region`, every authority of that
    region is among them (the rest by code), so the dashboard offers the region as an area."""
    shutil.copytree(reference.REFERENCE_DIR, target, dirs_exist_ok=True)
    first = [pl.col("region_name") != whole_region] if whole_region else []  # the region's authorities, then the rest
    areas = (
        pl.read_csv(target / "areas.csv", infer_schema_length=0)
        .sort([*first, "lad_code"])
        .head(N_MARACS)
        .sort("lad_code")
    )
    # the registry a new database starts on (loaders.registry_store.seed reads it from the reference directory)
    pl.DataFrame(
        {
            "marac_code": areas["lad_code"],
            "marac_name": areas["lad_name"],
            "lad_code": areas["lad_code"],
            "share": None,
            "sub_area": None,
            "sub_area_word": None,
            "status": "assumed",
            "note": "benchmark: one MARAC per local authority",
        },
        schema_overrides={c: pl.String for c in ("share", "sub_area", "sub_area_word")},
    ).write_csv(target / "registry.csv", null_value="")


def timed(label: str, fn, repeat: int = 1) -> object:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    best, median = min(times), statistics.median(times)
    print(f"{label:<48} best {best:8.3f} s   median {median:8.3f} s   ({repeat} run{'s' if repeat > 1 else ''})")
    return result


def _untimed(label: str, fn, repeat: int = 1) -> object:
    return fn()


class National:
    """The national-scale database in a work folder: its reference data, return files and DuckDB file.

    Shared with benchmarks/browser_pages.py, which serves the same database to a real browser.
    """

    def __init__(self, work: Path, whole_region: str | None = None) -> None:
        self.work = work
        self.ref_dir, self.files_dir, self.db = work / "reference", work / "returns", work / "national.duckdb"
        self.paths: list[Path] = []
        national_reference(self.ref_dir, whole_region)
        with store.writing(self.db, self.ref_dir) as conn:
            store.set_meta(conn, "synthetic", "true")
        self.maracs = Dataset.from_tables(store.read_tables(self.db)).maracs

    def write_files(self) -> list[Path]:
        """One synthetic return per MARAC holding its whole history (30 quarters)."""
        all_quarters = list(quarters())
        self.paths = [
            write_return(self.files_dir / f"{p.code}.csv", [r for q in all_quarters for r in quarter_rows(p, q)])
            for p in profiles(self.maracs)
        ]
        return self.paths

    def load(self) -> int:
        """Load every file through the real loader, one transaction each; the meetings written."""
        with store.writing(self.db, self.ref_dir) as conn:
            registry = store.marac_codes(conn)
            return sum(store.load_file(conn, p, who="bench", registry=registry).report.rows for p in self.paths)


def build_national(work: Path, timer=_untimed, whole_region: str | None = None) -> National:
    """Write and load the 300 MARACs' returns into `work`/national.duckdb (about 15 s)."""
    national = National(work, whole_region)
    timer(f"write {N_MARACS} synthetic return files", national.write_files)
    rows = timer(f"load {len(national.paths)} files (one transaction each)", national.load)
    print(f"  meetings loaded: {rows:,}; database size {national.db.stat().st_size / 1e6:.1f} MB")
    return national


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="marac-bench-"))
    national = build_national(work, timer=timed)
    db = national.db
    timed(f"reload the same {len(national.paths)} files (all unchanged)", national.load)

    tables = timed("read database into memory (dashboard cold start)", lambda: store.read_tables(db), repeat=5)
    dataset = timed("build dataset (populations per MARAC)", lambda: Dataset.from_tables(tables), repeat=5)
    chosen = period(max(dataset.meetings["meeting_date"]).replace(day=30, month=9), "12m")
    for grouping in GROUPINGS:
        timed(f"metrics, 12 months, grouping={grouping}", lambda g=grouping: compute(dataset, chosen, g), repeat=7)
    timed("metrics, all five groupings together", lambda: [compute(dataset, chosen, g) for g in GROUPINGS], repeat=7)

    os.environ["MARAC_DB"] = str(db)
    from streamlit.testing.v1 import AppTest

    app = str(ROOT / "dashboard" / "launch" / "streamlit_app.py")
    for page in ("pages/regional_overview.py", "pages/borough_profile.py"):
        at = AppTest.from_file(app, default_timeout=120)
        timed(f"first run of the app (cold caches): {page.split('/')[-1]}", at.run)
        if page.endswith("borough_profile.py"):
            at.switch_page("../" + page).run()
        timed(f"page script run (AppTest, warm caches): {page.split('/')[-1]}", at.run, repeat=5)
        assert not at.exception, at.exception
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of this process: {peak:.0f} MB")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
