"""Page speed in a real browser, on the national-scale database.

The issue's target: "each page's first view in the browser ready in under 3 s and each
interaction under 1 s on this 2-core machine, with a national-scale synthetic database".
Prints figures; asserts nothing. Run: `python benchmarks/browser_pages.py` (about 10 minutes);
`--db PATH` reuses a national database built before, `--pages map trends` measures some pages.
Results go in docs/performance.md by hand, with the machine they were measured on.

The database is benchmarks/national_scale.py's (300 synthetic MARACs, one per local authority,
30 quarters), with every London borough among the 300 so London can be the area. Each page
gets fresh `marac serve`s (127.0.0.1), whose start-up warm-up visits every page headless
(dashboard/launch/warm_up.py); then:

- first view: from `page.goto` until the script run has ended and every chart on the page is
  drawn (`.js-plotly-plot .main-svg`), in headless Chromium (Debian's), each in a fresh browser
  context (a first-time visitor's browser): once the moment a fresh server answers, racing its
  warm-up ("at start"); then, on a second fresh server once its warm-up has logged that it is
  done, N first-time visitors one after another, the first of them that page's first visitor
  since the start (median and slowest reported), and N returning visitors (HTTP cache filled);
- interactions (median of N, each a new choice): the indicator selectbox, the period ("Ending"),
  "Colour bars by" / "Colour by", → in presentation mode, and a map tile opening its profile:
  from the action until the run it causes has ended with the charts drawn.

"Ended with the charts drawn" is read in the page: a MutationObserver notes when the script
state turns notRunning and when anything inside a chart last changed (tests/helpers/browser.py).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from national_scale import build_national  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from tests.helpers.browser import (  # noqa: E402
    finished_after,
    launch,
    open_list,
    page_clock,
    runs_so_far,
    serving,
    warmed_up,
    watch_runs,
)

LONDON = "area=London+%28region%29"
FIRST_VIEW_TARGET, INTERACTION_TARGET = 3.0, 1.0
VIEWPORT = {"width": 1400, "height": 1000}


@dataclass(frozen=True)
class Page:
    path: str
    charts: int
    area: bool = True
    indicator: str | None = None  # the indicator selectbox's label
    period: bool = True
    colour: str | None = None  # the segmented control's label
    presents: bool = False  # ← / → step its indicators in presentation mode
    route: str | None = None  # where Streamlit serves it, if not at its url_path (the default page: the root)

    def url(self, base: str, *more: str) -> str:
        query = "&".join([*([LONDON] if self.area else []), *more])
        return f"{base}/{self.path if self.route is None else self.route}" + (f"?{query}" if query else "")


PAGES = [
    Page("regional_overview", 1, indicator="Indicator", route=""),  # the default page: served at "/" only
    Page("regional_comparison", 1, indicator="Indicator", colour="Colour bars by", presents=True),
    Page("map", 1, indicator="Indicator", colour="Colour by", presents=True),
    Page("referrer_mix", 1),
    Page("equality", 1, indicator="Characteristic", presents=True),
    Page("trends", 1, indicator="Indicator", presents=True),
    Page("borough_profile", 1, area=False, indicator="Indicator"),
    Page("board_pack", 0, area=False),
    Page("data_quality", 0),
    Page("check_return", 0, area=False, period=False),
]
PERIODS = ["30 Jun 2025", "31 Mar 2025", "31 Dec 2024", "30 Sep 2024", "30 Jun 2024", "31 Mar 2024", "31 Dec 2023"]
COLUMNS = ["indicator", "period", "colour", "present →", "map click"]


class OtherLoad:
    """What else was running, measured: CPU time used by processes outside this benchmark's own tree
    (its servers, Chromium and Playwright's driver are ours), sampled from /proc every second while it runs."""

    def __init__(self) -> None:
        self.tick = os.sysconf("SC_CLK_TCK")
        self.began = time.monotonic()
        self.began_ticks = self._uptime_ticks()
        self.base: dict[tuple[int, int], int] = {}
        self.last: dict[tuple[int, int], int] = {}
        self.names: dict[tuple[int, int], str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _uptime_ticks(self) -> int:
        return int(float(Path("/proc/uptime").read_text().split()[0]) * self.tick)

    @staticmethod
    def _processes() -> dict[int, tuple[int, int, int, str]]:
        """pid -> (parent, CPU ticks used, start in ticks since boot, command)."""
        out = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            out[int(entry.name)] = (
                int(fields[1]),
                int(fields[11]) + int(fields[12]),
                int(fields[19]),
                command or stat[stat.index("(") + 1 : stat.rindex(")")],
            )
        return out

    def sample(self) -> None:
        processes = self._processes()
        ours, grew = {os.getpid()}, True
        while grew:
            more = {pid for pid, (parent, *_) in processes.items() if parent in ours} - ours
            ours |= more
            grew = bool(more)
        for pid, (_, ticks, start, command) in processes.items():
            if pid in ours:
                continue
            key = (pid, start)
            self.base.setdefault(key, 0 if start >= self.began_ticks else ticks)
            self.last[key], self.names[key] = ticks, command

    def _run(self) -> None:
        while not self._stop.wait(1):
            self.sample()

    def __enter__(self) -> OtherLoad:
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    def summary(self) -> str:
        wall = time.monotonic() - self.began
        used = {key: (self.last[key] - self.base[key]) / self.tick for key in self.last}
        total = sum(used.values())
        top = sorted(((s, self.names[k]) for k, s in used.items() if s >= 0.01 * wall), reverse=True)[:6]
        lines = [
            f"other processes used {total:.0f} CPU-seconds in {wall:.0f} s ({100 * total / wall:.0f}% of one core)"
        ]
        lines += [f"  {seconds:6.0f} s  {command[:110]}" for seconds, command in top]
        return "\n".join(lines)


def machine() -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{os.cpu_count()} cores; load average {load}"


def first_view(browser: Any, url: str, charts: int, context: Any = None) -> dict[str, float]:
    """Seconds from `goto` to the run ended with every chart drawn, with where the time went.

    In a fresh browser context unless one is given (a returning visitor's, with its HTTP cache).
    """
    own = context is None
    if own:
        context = browser.new_context(viewport=VIEWPORT)
        watch_runs(context)
    page = context.new_page()
    try:
        before = time.time() * 1000
        page.goto(url)
        marks = finished_after(page, 0, charts)
        origin = float(page.evaluate("() => performance.timeOrigin"))  # the wall clock when navigation began
        lag = origin - before  # goto to navigation start: Playwright's own few ms
        return {key: (lag + value) / 1000 for key, value in marks.items()}
    finally:
        page.close()
        if own:
            context.close()


def returning_views(browser: Any, url: str, charts: int, repeat: int) -> list[dict[str, float]]:
    """First views in one context after a visit that filled its HTTP cache: what a returning visitor waits."""
    context = browser.new_context(viewport=VIEWPORT)
    watch_runs(context)
    try:
        first_view(browser, url, charts, context)
        return [first_view(browser, url, charts, context) for _ in range(repeat)]
    finally:
        context.close()


def timed_action(page: Any, action: Callable[[], None], charts: int) -> dict[str, float]:
    """Seconds from `action` to the end of the run it causes (`settled`) and to its charts drawn (`ready`)."""
    runs = runs_so_far(page)
    start = page_clock(page)
    action()
    marks = finished_after(page, runs, charts)
    return {"settled": (marks["settled"] - start) / 1000, "ready": (marks["ready"] - start) / 1000}


def _settle(page: Any, url: str, charts: int) -> None:
    page.goto(url)
    finished_after(page, 0, charts)


Times = list[dict[str, float]]


def indicator_changes(page: Any, spec: Page, repeat: int) -> Times:
    box = page.get_by_role("combobox", name=spec.indicator)
    open_list(box)
    options = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    current = box.input_value()
    order = options[options.index(current) + 1 :] + options[: options.index(current)]
    times = []
    for n in range(repeat):
        open_list(box)
        option = page.get_by_role("option", name=order[n % len(order)], exact=True)
        option.wait_for()
        times.append(timed_action(page, option.click, spec.charts))
    return times


def period_changes(page: Any, spec: Page, repeat: int) -> Times:
    box = page.get_by_role("combobox", name="Ending")
    times = []
    for end in PERIODS[:repeat]:
        open_list(box)
        box.fill(end)  # the list is virtualised: filter it to the one wanted
        option = page.get_by_role("option", name=end, exact=True)
        option.wait_for()
        times.append(timed_action(page, option.click, spec.charts))
    return times


def colour_toggles(page: Any, spec: Page, repeat: int) -> Times:
    group = page.get_by_role("radiogroup", name=spec.colour)
    return [
        timed_action(page, group.locator("[role='radio'][aria-checked='false']").first.click, spec.charts)
        for _ in range(repeat)
    ]


def presentation_steps(page: Any, spec: Page, repeat: int, base: str) -> Times:
    """→ in presentation mode, where a page stops after its lead chart."""
    _settle(page, spec.url(base, "present=true"), 1)
    return [timed_action(page, lambda: page.keyboard.press("ArrowRight"), 1) for _ in range(repeat)]


def map_clicks(page: Any, spec: Page, repeat: int, base: str) -> Times:
    """A click on a tile until the borough's profile has ended its run with its chart drawn (the trend)."""
    times = []
    for n in range(repeat):
        _settle(page, spec.url(base, "indicator=Repeat+rate"), spec.charts)
        tile = page.locator(".js-plotly-plot .scatterlayer .trace").last.locator(".point").nth(3 + 5 * n)
        tile.scroll_into_view_if_needed()
        box = tile.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        times.append(timed_action(page, lambda x=x, y=y: page.mouse.click(x, y), 1))
        assert "/borough_profile?" in page.url, page.url  # the click opened a profile, not nothing
    return times


def racing_view(browser: Any, db: Path, spec: Page, logs: Path) -> dict[str, float]:
    """A first view asked for the moment a fresh server answers, while its warm-up is still running."""
    with serving(db, logs / f"{spec.path}-race.log") as server:
        return first_view(browser, spec.url(server.url), spec.charts)


def measure(browser: Any, db: Path, spec: Page, repeat: int, logs: Path) -> dict[str, Any]:
    """One page on a fresh server, once warmed: its first visitor, warm first views, then its interactions."""
    race = racing_view(browser, db, spec, logs)
    with serving(db, logs / f"{spec.path}.log") as server:
        url = spec.url(server.url)
        warm_up = warmed_up(server)
        warm = [first_view(browser, url, spec.charts) for _ in range(repeat)]
        returning = returning_views(browser, url, spec.charts, repeat)
        row: dict[str, Any] = {
            "page": spec.path,
            "race": race,
            "warm_up": warm_up,
            "warm": warm,
            "returning": returning,
            "interactions": {},
        }
        context = browser.new_context(viewport=VIEWPORT)
        watch_runs(context)
        page = context.new_page()
        page.set_default_timeout(60_000)
        try:
            steps: dict[str, Callable[[], Times]] = {}
            if spec.indicator:
                steps["indicator"] = lambda: indicator_changes(page, spec, repeat)
            if spec.period:
                steps["period"] = lambda: period_changes(page, spec, repeat)
            if spec.colour:
                steps["colour"] = lambda: colour_toggles(page, spec, repeat)
            if spec.presents:
                steps["present →"] = lambda: presentation_steps(page, spec, repeat, server.url)
            if spec.path == "map":
                steps["map click"] = lambda: map_clicks(page, spec, repeat, server.url)
            for name, step in steps.items():
                try:
                    _settle(page, url, spec.charts)
                    row["interactions"][name] = step()
                except Exception as problem:
                    print(f"  {spec.path}: {name} failed: {str(problem).splitlines()[0]}")
                    page.screenshot(path=str(logs / f"{spec.path}-{name.split()[0]}-failed.png"))
        finally:
            context.close()
        errors = [line for line in server.log_text().splitlines() if "Error" in line or "Traceback" in line]
        if errors:
            print(f"  {spec.path}: the server logged {len(errors)} error line(s), e.g. {errors[0][:200]}")
        return row


def _s(value: float | None, target: float) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}" + (" *" if value >= target else "")


def _median(values: Times, key: str) -> float:
    return statistics.median(v[key] for v in values)


def _marks(views: dict[str, float] | Times) -> dict[str, float]:
    """One view's marks, or the medians of several."""
    return views if isinstance(views, dict) else {key: _median(views, key) for key in views[0]}


def report(rows: list[dict[str, Any]], repeat: int) -> None:
    print(
        f"\nSeconds; warm-up as the server logged it; first view at start once, then after the warm-up the median "
        f"and slowest of {repeat} first-time visitors; interactions: median of {repeat}. "
        f"* misses the target ({FIRST_VIEW_TARGET:g} s first view, {INTERACTION_TARGET:g} s interaction)."
    )
    head = ["page", "warm-up", "first view at start", "first view", "slowest first view", *COLUMNS]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for row in rows:
        cells = [
            row["page"],
            f"{row['warm_up']:.1f}",
            _s(row["race"]["ready"], FIRST_VIEW_TARGET),
            _s(_median(row["warm"], "ready"), FIRST_VIEW_TARGET),
            _s(max(v["ready"] for v in row["warm"]), FIRST_VIEW_TARGET),
        ]
        cells += [
            _s(_median(row["interactions"][c], "ready"), INTERACTION_TARGET) if c in row["interactions"] else "—"
            for c in COLUMNS
        ]
        print("| " + " | ".join(cells) + " |")

    print(
        "\nWhere a first view's time goes (seconds from goto: the run starts (page loaded, session open), ends, and "
        "the charts are drawn): at start, then medians for first-time and returning visitors (HTTP cache filled):"
    )
    kinds = ("race", "warm", "returning")
    print(f"  {'page':<20} " + "   ".join(f"{k:>17}" for k in ("at start", "first-time", "returning")))
    for row in rows:
        parts = [" ".join(f"{_marks(row[kind])[k]:5.2f}" for k in ("started", "settled", "ready")) for kind in kinds]
        print(f"  {row['page']:<20} " + "   ".join(parts))

    print("\nEvery interaction, in order: seconds to the run's end / to the charts drawn:")
    for row in rows:
        for name, times in row["interactions"].items():
            print(f"  {row['page']:<20} {name:<10} " + "  ".join(f"{t['settled']:.2f}/{t['ready']:.2f}" for t in times))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a national database built before (default: build one, about 15 s)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pages", nargs="*", default=[p.path for p in PAGES], choices=[p.path for p in PAGES])
    args = parser.parse_args()

    print(machine())
    work = Path(tempfile.mkdtemp(prefix="marac-pages-"))
    db = args.db or build_national(work, whole_region="London").db
    rows = []
    with OtherLoad() as others, sync_playwright() as p:
        browser = launch(p)
        for spec in (s for s in PAGES if s.path in args.pages):
            started = time.perf_counter()
            rows.append(measure(browser, db, spec, args.repeat, work))
            print(f"  {spec.path}: measured in {time.perf_counter() - started:.0f} s", flush=True)
        browser.close()
    report(rows, args.repeat)
    print("\n" + machine())
    print(others.summary())
    print(f"(work folder, with each server's log: {work})")


if __name__ == "__main__":
    main()
