"""Many people opening the dashboard at once (issue 18): step times, a real browser's first view, CPU and memory.

The steering group's normal peak is 20-40 people opening the agenda's link in the same minute. For each level N
(--sessions, default 1,5,10,20,40) this starts a fresh `marac serve --workers W` on a copy of the database, waits until
every worker has logged its warm-up, and runs N sessions at once (their starts spread over --stagger seconds), each
speaking Streamlit's websocket protocol as a browser tab does (benchmarks/streamlit_sessions.py: the page's GET, whose
answer carries HAProxy's worker cookie, then the websocket with that cookie, so each session stays on one worker and
the proxy spreads them). Each session:

1. opens Regional comparison (`/regional_comparison?indicator=Repeat+rate`);
2. changes the "Ending" period three times, to the three quarter ends before the newest (once with --quick);
3. opens a Borough profile (`/borough_profile?marac=NAME`, a MARAC from its own ranked chart).

A step is send -> `script_finished`; every step is checked (no exception drawn, and the view is the one asked: the
Ending box and the period caption name the chosen quarter end, the profile names the MARAC) and one that is not counts
as an error, however fast. Meanwhile one real headless Chromium opens Regional comparison in a fresh context, half a
second into the level: its first view is the page's own time from navigation start until the run has ended and every
chart is drawn (tests/helpers/browser.py's marks).

Per level: step median, p95 and worst; the browser's first view; the server's CPU (utime + stime from /proc of the
whole tree: `marac serve`, HAProxy and every worker, over the level's wall time); errors; memory per session (the
workers' VmRSS with every session still connected, less before the level, over the sessions opened: the N and the
browser's). Then the issue's targets, each PASS or FAIL with its figure (only levels run are judged).

Run:  python benchmarks/sessions_at_once.py              # builds the demo database in a temp folder (about 20 s)
      python benchmarks/sessions_at_once.py --db data/demo.duckdb --workers 2 --json out.json
      python benchmarks/sessions_at_once.py --quick       # levels 1 and 5, one period change: a smoke run
The machine is shared by whatever else runs on it: the line under each level says how much CPU other work took.
Prints figures; asserts nothing (the exit code is 0 whatever the targets say). Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import json
import math
import os
import queue
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from websockets.exceptions import WebSocketException

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.streamlit_sessions import (  # noqa: E402
    HOST,
    Run,
    Session,
    comparison_shown,
    period_shown,
    profile_shown,
)
from marac_cli.workers import COOKIE, find_proxy  # noqa: E402
from tests.helpers.browser import (  # noqa: E402
    HAVE_CHROMIUM,
    Server,
    finished_after,
    launch,
    serving,
    warm_up_line,
    watch_runs,
)

PAGE, INDICATOR, PROFILE = "regional_comparison", "Repeat rate", "borough_profile"
CLOCK = os.sysconf("SC_CLK_TCK")
BROWSER_AT = 0.5  # s into a level when the real browser opens the page


# ---------------------------------------------------------------------------------------------------------------------
# one session's scenario


@dataclass
class Step:
    session: int
    kind: str  # connect / open / period / profile
    asked: str
    worker: str
    sent: float  # s since the level began
    seconds: float = math.nan
    began: float = math.nan  # until the server started the run
    messages: int = 0
    bytes: int = 0
    error: str | None = None


async def one_session(i: int, port: int, changes: int, delay: float, t0: float, timeout: float, opened: list) -> list:
    """One person: wait `delay`, open the link, change the period `changes` times, open a profile; every step checked."""
    await asyncio.sleep(delay)
    session = Session(port, timeout)
    opened.append(session)
    steps: list[Step] = []

    async def step(kind: str, asked: str, act: Any, check: Any) -> Run | None:
        record = Step(i, kind, asked, session.worker, time.perf_counter() - t0)
        steps.append(record)
        try:
            run = await act
        except (OSError, WebSocketException, LookupError, RuntimeError) as problem:  # refused, closed, late
            record.error = f"{type(problem).__name__}: {problem}"[:200]
            return None
        record.seconds, record.began, record.messages, record.bytes = run.seconds, run.began, run.messages, run.bytes
        record.error = run.problem() or check(run)
        return run

    query = {"indicator": INDICATOR}
    connected = Step(i, "connect", PAGE, "", time.perf_counter() - t0)
    steps.append(connected)
    try:
        connected.seconds = await session.connect(PAGE, query)
        connected.worker = session.worker
    except (OSError, WebSocketException) as problem:
        connected.error = f"{type(problem).__name__}: {problem}"[:200]
        return steps
    first = await step("open", PAGE, session.open(PAGE, query), partial(comparison_shown, indicator=INDICATOR))
    if first is None:
        return steps
    newest = first.value("period_end")
    for end in [e for e in first.options("period_end") if e != newest][:changes]:
        if await step("period", end, session.choose("period_end", end), partial(period_shown, end=end)) is None:
            return steps
    names = first.bar_names()
    marac = names[i % len(names)] if names else "?"
    await step("profile", marac, session.go_to(PROFILE, {"marac": marac}), partial(profile_shown, marac=marac))
    return steps


# ---------------------------------------------------------------------------------------------------------------------
# the real browser, on a thread of its own (Playwright's sync API, as tests/helpers/browser.py drives it)


class Browser:
    """One headless Chromium for the whole run; each first view in a fresh context (a first-time visitor)."""

    def __init__(self) -> None:
        self.jobs: queue.Queue = queue.Queue()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as playwright:
                browser = launch(playwright)
                try:
                    while (job := self.jobs.get()) is not None:
                        url, timeout, answer = job
                        try:
                            answer.set_result(first_view(browser, url, timeout))
                        except Exception as problem:  # any Playwright failure is this visit's error, not the run's end
                            answer.set_exception(problem)
                finally:
                    browser.close()
        except Exception as problem:  # Chromium did not start: every visit asked for says so
            while (job := self.jobs.get()) is not None:
                job[2].set_exception(problem)

    async def visit(self, url: str, timeout: float) -> dict:
        answer: concurrent.futures.Future = concurrent.futures.Future()
        self.jobs.put((url, timeout, answer))
        return await asyncio.wrap_future(answer)

    def close(self) -> None:
        self.jobs.put(None)
        self.thread.join(timeout=60)


def first_view(browser: Any, url: str, timeout: float) -> dict:
    """Navigation start until the run has ended and every chart is drawn, in a fresh context; what it showed."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        watch_runs(context)
        page = context.new_page()
        page.goto(url, wait_until="commit", timeout=timeout * 1000)
        marks = finished_after(page, 0, charts=1, timeout=int(timeout * 1000))
        exceptions = page.locator("[data-testid='stException']").count()
        return {
            "seconds": marks["ready"] / 1000,
            "run_started": marks["started"] / 1000,
            "run_ended": marks["settled"] / 1000,
            "charts": page.locator("[data-testid='stPlotlyChart']").count(),
            "worker": next((c["value"] for c in context.cookies() if c["name"] == COOKIE), ""),
            "error": f"{exceptions} exception(s) drawn" if exceptions else None,
        }
    finally:
        context.close()


# ---------------------------------------------------------------------------------------------------------------------
# the server's processes, from /proc


def process_tree(root: int) -> list[int]:
    """`root` and every process descended from it, now."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    return sorted(tree)


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of `pids` (a process gone since is simply not counted)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            continue
    return total / CLOCK


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (every core) since boot."""
    ticks = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:8]]
    return (sum(ticks) - ticks[3] - ticks[4]) / CLOCK


def cmdline(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace").split("\0")
    except OSError:
        return []


def rss_mib(pid: int) -> float:
    try:
        found = re.search(r"^VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.MULTILINE)
    except OSError:
        return 0.0
    return int(found.group(1)) / 1024 if found else 0.0


def workers_of(root: int) -> dict[str, int]:
    """The Streamlit workers under `root`, by the name HAProxy's cookie gives them (w1, w2...), read from the proxy's
    configuration; "w1" for a lone server (no proxy, and `marac serve` has become the Streamlit server itself)."""
    tree = process_tree(root)
    streamlit = {pid: cmdline(pid) for pid in tree if "streamlit" in cmdline(pid)}
    names: dict[str, str] = {}  # worker port -> name
    for pid in tree:
        line = cmdline(pid)
        if line and line[0].endswith("haproxy") and "-f" in line:
            config = Path(line[line.index("-f") + 1]).read_text()
            names = {port: name for name, port in re.findall(r"server (\S+) 127\.0\.0\.1:(\d+)", config)}
    if not names:
        return {"w1": min(streamlit)} if streamlit else {}
    ports = {pid: line[line.index("--server.port") + 1] for pid, line in streamlit.items() if "--server.port" in line}
    return {names[port]: pid for pid, port in ports.items() if port in names}


@dataclass
class Gauge:
    """CPU and memory at one moment: the server's tree, each worker, this process's tree and the machine."""

    at: float
    server_cpu: float
    own_cpu: float
    machine_cpu: float
    worker_cpu: dict[str, float] = field(default_factory=dict)
    worker_rss: dict[str, float] = field(default_factory=dict)


def gauge(server: Server, workers: dict[str, int]) -> Gauge:
    return Gauge(
        time.perf_counter(),
        cpu_seconds(process_tree(server.process.pid)),
        cpu_seconds(process_tree(os.getpid())),  # the load generator, its browser and the server
        machine_busy_seconds(),
        {name: cpu_seconds([pid]) for name, pid in workers.items()},
        {name: rss_mib(pid) for name, pid in workers.items()},
    )


# ---------------------------------------------------------------------------------------------------------------------
# a level


def median_of(steps: list[Step], kind: str) -> float:
    values = [s.seconds for s in steps if s.kind == kind and not math.isnan(s.seconds)]
    return statistics.median(values) if values else math.nan


def nearest_rank(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else math.nan


async def run_level(n: int, server: Server, args: argparse.Namespace, browser: Browser | None) -> dict:
    """N sessions at once (and the browser's visit): every step, and what the server used meanwhile."""
    port = int(server.url.rsplit(":", 1)[1])
    workers = workers_of(server.process.pid)
    opened: list[Session] = []
    before = gauge(server, workers)
    t0 = time.perf_counter()
    spread = args.stagger / (n - 1) if n > 1 else 0.0
    changes = 1 if args.quick else 3
    sessions = [
        asyncio.create_task(one_session(i, port, changes, i * spread, t0, args.step_timeout, opened)) for i in range(n)
    ]
    visit = None
    if browser is not None:
        url = f"{server.url}/{PAGE}?{urlencode({'indicator': INDICATOR})}"

        async def later() -> dict:
            await asyncio.sleep(BROWSER_AT)
            return await browser.visit(url, args.step_timeout)

        visit = asyncio.create_task(later())
    done, late = await asyncio.wait(sessions + ([visit] if visit else []), timeout=args.level_timeout)
    for task in late:
        task.cancel()
    during = gauge(server, workers)  # every session still connected
    await asyncio.gather(*(s.close() for s in opened), return_exceptions=True)

    steps = [step for task in sessions if task in done for step in task.result()]
    errors = [f"{s.kind} {s.asked}: {s.error}" for s in steps if s.error]
    errors += [f"session still running at the level timeout ({args.level_timeout:.0f} s)"] * sum(
        t in late for t in sessions
    )
    seen = None
    if visit is not None:
        try:
            seen = visit.result() if visit in done else {"seconds": math.nan, "error": "level timeout"}
        except Exception as problem:  # Playwright's own timeout or a closed page
            seen = {"seconds": math.nan, "error": f"{type(problem).__name__}: {str(problem)[:200]}"}
        if seen.get("error"):
            errors.append(f"browser: {seen['error']}")
    wall = during.at - before.at
    timed = [s.seconds for s in steps if s.kind != "connect" and not math.isnan(s.seconds)]
    count = n + (1 if visit is not None else 0)
    grown = sum(during.worker_rss.values()) - sum(before.worker_rss.values())
    return {
        "sessions": n,
        "workers": sorted(workers),
        "wall_s": wall,
        "median_s": statistics.median(timed) if timed else math.nan,
        "p95_s": nearest_rank(timed, 0.95),
        "worst_s": max(timed, default=math.nan),
        "by_kind_median_s": {kind: median_of(steps, kind) for kind in ("connect", "open", "period", "profile")},
        "browser": seen,
        "server_cores": (during.server_cpu - before.server_cpu) / wall,
        "worker_cores": {w: (during.worker_cpu[w] - before.worker_cpu.get(w, 0)) / wall for w in during.worker_cpu},
        "load_generator_cores": ((during.own_cpu - before.own_cpu) - (during.server_cpu - before.server_cpu)) / wall,
        "other_work_cores": max(0.0, (during.machine_cpu - before.machine_cpu) - (during.own_cpu - before.own_cpu))
        / wall,
        "rss_before_mib": before.worker_rss,
        "rss_connected_mib": during.worker_rss,
        "memory_per_session_mib": grown / count,
        "sessions_per_worker": dict(Counter(s.worker for s in steps if s.kind == "connect" and not s.error)),
        "errors": errors,
        "steps": [asdict(s) for s in steps],
    }


# ---------------------------------------------------------------------------------------------------------------------
# output


def secs(value: float | None) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.2f} s"


def print_level(level: dict) -> None:
    kinds = ", ".join(f"{k} {secs(v)}" for k, v in level["by_kind_median_s"].items())
    spread = ", ".join(f"{w or 'no cookie'} {c}" for w, c in sorted(level["sessions_per_worker"].items())) or "none"
    cores = ", ".join(f"{w} {c:.2f}" for w, c in sorted(level["worker_cores"].items()))
    browser = level["browser"] or {}
    print(
        f"  N={level['sessions']}: medians {kinds}; sessions per worker: {spread}"
        + (f" (the browser's on {browser.get('worker') or 'no cookie'})" if browser else "")
        + f"; worker cores {cores}; load generator and browser {level['load_generator_cores']:.2f} cores, "
        f"other work on the machine {level['other_work_cores']:.2f} cores; {level['wall_s']:.1f} s",
        flush=True,
    )
    for error in level["errors"][:5]:
        print(f"    error: {error}")
    if len(level["errors"]) > 5:
        print(f"    … and {len(level['errors']) - 5} more errors")


def print_table(levels: list[dict]) -> None:
    print()
    print(
        "| sessions at once | step median | step p95 | worst | a real browser's first view meanwhile | server CPU "
        "| errors | memory per session |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for level in levels:
        browser = level["browser"] or {}
        print(
            f"| {level['sessions']} | {secs(level['median_s'])} | {secs(level['p95_s'])} | {secs(level['worst_s'])} "
            f"| {secs(browser.get('seconds'))} | {level['server_cores']:.1f} cores | {len(level['errors'])} "
            f"| {level['memory_per_session_mib']:.1f} MiB |"
        )


def targets(levels: list[dict]) -> list[tuple[str, str, bool]]:
    """The issue's targets that the levels run can judge: (what, the figure, met)."""
    at = {level["sessions"]: level for level in levels}
    judged = []
    if 40 in at:
        p95 = at[40]["p95_s"]
        judged.append(("40 sessions: step p95 under 2 s", secs(p95), p95 < 2))
        if 1 in at:
            bound = 4 * at[1]["median_s"]
            what = f"40 sessions: step p95 under 4x the lone session's median step (4 x {secs(at[1]['median_s'])})"
            judged.append((what, f"{secs(p95)} against {secs(bound)}", p95 < bound))
        view = (at[40]["browser"] or {}).get("seconds", math.nan)
        judged.append(("40 sessions: a real browser's first view under 5 s", secs(view), view < 5))
    if 10 in at:
        judged.append(("10 sessions: step p95 under 1 s", secs(at[10]["p95_s"]), at[10]["p95_s"] < 1))
    errors = sum(len(level["errors"]) for level in levels)
    judged.append(("no errors at any level", str(errors), errors == 0))
    largest = levels[-1]
    memory = largest["memory_per_session_mib"]
    judged.append(
        (f"memory per session under 10 MiB (at {largest['sessions']} sessions)", f"{memory:.1f} MiB", memory < 10)
    )
    return judged


# ---------------------------------------------------------------------------------------------------------------------
# main


def port_free(port: int) -> bool:
    """Whether nothing listens on `port` (a connection there in TIME_WAIT from the last level does not count)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError:
            return False
    return True


def database(args: argparse.Namespace, work: Path) -> Path:
    """A copy of --db to serve (the server may add a rounding secret to it), or a demo database built here."""
    served = work / "served.duckdb"
    if args.db:
        shutil.copyfile(args.db, served)
        return served
    print("building the demo database (marac demo)…", flush=True)
    command = [sys.executable, "-m", "marac_cli.main", "demo", "--db", str(served), "--out", str(work / "returns")]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True, timeout=600)
    return served


async def main_async(args: argparse.Namespace, work: Path) -> list[dict]:
    db = database(args, work)
    browser = Browser() if args.browser else None
    levels: list[dict] = []
    try:
        for index, n in enumerate(args.levels):
            port = args.port_base + index
            if not port_free(port):
                raise SystemExit(f"port {port} is in use: give another --port-base")
            with serving(db, work / f"serve-{n}.log", port=port, workers=args.workers) as server:
                warm_up_line(server)
                if browser is not None and index == 0:  # Chromium's own first start, not measured
                    await browser.visit(f"{server.url}/{PAGE}?{urlencode({'indicator': INDICATOR})}", args.step_timeout)
                await asyncio.sleep(2)  # the warm-up's last run settles
                level = await run_level(n, server, args, browser)
            levels.append(level)
            print_level(level)
    finally:
        if browser is not None:
            browser.close()
    return levels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a database to serve (copied first); default: build the demo")
    parser.add_argument("--workers", type=int, default=2, help="`marac serve --workers` (default 2)")
    parser.add_argument("--sessions", default="1,5,10,20,40", help="levels: sessions at once, comma-separated")
    parser.add_argument("--quick", action="store_true", help="levels 1 and 5, one period change: a smoke run")
    parser.add_argument("--stagger", type=float, default=2.0, help="spread a level's session starts over S s")
    parser.add_argument("--no-browser", dest="browser", action="store_false", help="no real browser's first view")
    parser.add_argument("--json", type=Path, help="write every step's figures here")
    parser.add_argument("--port-base", type=int, default=8920, help="level k's server listens on this + k")
    parser.add_argument("--step-timeout", type=float, default=60.0, help="s a step may take before it is an error")
    parser.add_argument("--level-timeout", type=float, default=300.0, help="s a level may take in all")
    args = parser.parse_args()
    args.levels = [1, 5] if args.quick else [int(n) for n in args.sessions.split(",") if n.strip()]
    if not args.levels or min(args.levels) < 1:
        parser.error("--sessions needs levels of one or more sessions")
    if args.workers > 1 and find_proxy() is None:
        print(
            f"HAProxy is not installed, so `marac serve --workers {args.workers}` would serve one worker: measuring one"
        )
        args.workers = 1
    if args.browser and not HAVE_CHROMIUM:
        print("Debian's chromium is not installed: no real browser's first view")
        args.browser = False
    work = Path(tempfile.mkdtemp(prefix="marac-sessions-"))
    print(f"{args.workers} worker(s); levels {args.levels}; logs in {work}", flush=True)
    levels = asyncio.run(main_async(args, work))
    print_table(levels)
    print()
    print(f"Targets (issue 18 sets them for --workers 2 on a 2-core machine; this run: {args.workers} worker(s)):")
    for what, figure, met in targets(levels):
        print(f"  {'PASS' if met else 'FAIL'}  {what}: {figure}")
    if args.json:
        args.json.write_text(json.dumps({"workers": args.workers, "levels": levels}, indent=1, default=str))
        print(f"every step: {args.json}")


if __name__ == "__main__":
    main()
