"""Where a warm page run's time goes: a second visitor's run of each page, once the first has filled the caches.

Issue 18 asks that a run whose figures are already cached cost a small fraction of a first run: a steering group
of forty opens the same few views, so every visitor after the first should pay little more than sending them. This
runs each page under Streamlit's AppTest (the script, its widgets and every element built as it would be sent, no
browser or websocket), first as one visitor (cold: it computes and caches), then as a new visitor with fresh
session state, several times under cProfile, and prints per page the cold run, the warm run's median and what a
warm run spends its time in (the project's own functions and the libraries they call, by cumulative time).

Prints figures; asserts nothing. Run: `python benchmarks/warm_runs.py [--db PATH] [--runs N] [--top N]`
(default: builds the demo database, about 20 s). Results go in docs/performance.md by hand.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from marac_cli import main as marac_main  # noqa: E402

APP = str(ROOT / "dashboard" / "launch" / "streamlit_app.py")
#: the pages a steering group opens, with the query parameters that pick a view (the load benchmark's path first)
PAGES = {
    "Regional comparison": ("../pages/regional_comparison.py", {}),
    "Borough profile": ("../pages/borough_profile.py", {"marac": "Camden"}),
    "Regional overview": ("../pages/regional_overview.py", {}),
    "Map": ("../pages/map.py", {}),
    "Referrer mix": ("../pages/referrer_mix.py", {}),
    "Equality": ("../pages/equality.py", {}),
    "Trends": ("../pages/trends.py", {}),
}
#: where a frame's file sits, for grouping cumulative time by what it is
GROUPS = ("dashboard/", "reporting/", "metrics/", "loaders/", "plotly/", "polars/", "streamlit/")


def visitor(page: str, params: dict[str, str]):
    """A new session (fresh session state) about to open `page`: it has opened the dashboard (the overview) and
    then the Definitions page, so the run timed is a session's later run, not AppTest's first (which compiles the
    script and reads package metadata once per session, costs a browser visitor never pays twice)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    at.switch_page("../pages/definitions.py").run()
    at.switch_page(page)
    return at


def profiled(profile: cProfile.Profile) -> None:
    """Profile the script threads AppTest starts from now on (cProfile sees only the thread it is enabled in)."""

    def start(*_: object) -> None:
        sys.setprofile(None)
        profile.enable()

    threading.setprofile(start)


def timed_run(at) -> float:
    began = time.perf_counter()
    at.run()
    if at.exception:
        raise SystemExit(f"the page failed: {at.exception[0].message}")
    return time.perf_counter() - began


#: built-ins a thread waits in rather than works in (the script thread waiting on its queue or a lock)
WAITING = ("_queue.SimpleQueue", "acquire", "sleep", "wait", "select")


def script_time(stats: pstats.Stats) -> float:
    """Seconds the profiled script threads worked, all told: every function's own time, waiting left out."""
    return sum(
        own
        for (file, _, name), (_, _, own, _, _) in stats.stats.items()
        if not (file == "~" and any(w in name for w in WAITING))
    )


def where(stats: pstats.Stats, runs: int, top: int) -> list[str]:
    """Our own functions by cumulative time per warm run, then each library's own time (tottime) per run."""
    ours, libraries = [], dict.fromkeys(GROUPS, 0.0)
    for (file, line, name), (_, _, own, cumulative, _) in stats.stats.items():
        normal = file.replace(os.sep, "/")
        for group in GROUPS:
            if f"/{group}" in normal or normal.startswith(group):
                libraries[group] += own
                break
        if str(ROOT) in file and "/tests/" not in normal and "launch/" not in normal:
            ours.append((cumulative, f"{Path(file).relative_to(ROOT)}:{line} {name}"))
    ours.sort(reverse=True)
    lines = [f"      {1000 * c / runs:7.1f} ms  {label}" for c, label in ours[:top]]
    own = ", ".join(f"{g.rstrip('/')} {1000 * t / runs:.0f}" for g, t in libraries.items() if t)
    return [*lines, f"      own time by package (ms per run): {own}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="the database to read (default: build the demo one)")
    parser.add_argument("--runs", type=int, default=5, help="warm runs profiled per page (default 5)")
    parser.add_argument("--top", type=int, default=12, help="functions listed per page (default 12)")
    parser.add_argument("--pages", help="comma-separated page names (default: all)")
    args = parser.parse_args()
    db = args.db
    if db is None:
        work = Path(tempfile.mkdtemp(prefix="marac-warm-"))
        db = work / "demo.duckdb"
        print("building the demo database (marac demo)…", flush=True)
        command = [sys.executable, "-m", marac_main.__name__, "demo", "--db", str(db), "--out", str(work / "returns")]
        subprocess.run(command, check=True, capture_output=True)
    os.environ["MARAC_DB"] = str(db)
    chosen = [p.strip() for p in args.pages.split(",")] if args.pages else list(PAGES)
    print(f"database: {db}; {args.runs} warm runs per page, each by a new visitor")
    for name in chosen:
        page, params = PAGES[name]
        first = cProfile.Profile()
        at = visitor(page, params)
        profiled(first)
        cold = timed_run(at)
        threading.setprofile(None)
        first.create_stats()
        cold_script = script_time(pstats.Stats(first))
        profile, warm = cProfile.Profile(), []
        for _ in range(args.runs):
            at = visitor(page, params)
            profiled(profile)
            warm.append(timed_run(at))
            threading.setprofile(None)
        profile.create_stats()
        median, stats = statistics.median(warm), pstats.Stats(profile)
        warm_script = script_time(stats) / args.runs
        print(
            f"\n{name}: the script's own thread {1000 * cold_script:.0f} ms cold, {1000 * warm_script:.0f} ms warm "
            f"({100 * warm_script / cold_script:.0f}%), under cProfile; wall {1000 * cold:.0f} ms cold, median "
            f"{1000 * median:.0f} ms warm (AppTest's own waiting included)"
        )
        print("\n".join(where(stats, args.runs, args.top)))


if __name__ == "__main__":
    main()
