"""What the real-browser tests (and benchmarks/browser_pages.py) share.

`marac serve` on a free 127.0.0.1 port, Debian's Chromium (Playwright cannot download its own
browsers here), and waits that know when Streamlit has finished a run and drawn its charts.
No pytest in here, so the page-speed benchmark can drive the same server and waits.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from marac_cli.workers import find_proxy

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HAVE_CHROMIUM = Path(CHROMIUM).exists()
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
WAIT = 30_000  # ms: generous, as CI machines are shared
SETTLED = "[data-testid='stApp'][data-test-script-state='notRunning']"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


#: how many workers `serving` asks `marac serve` for: two (behind HAProxy) wherever HAProxy is installed, as CI installs
#: it, so every browser test also tests sessions kept on their worker; MARAC_TEST_WORKERS=1 tests the one-process server
WORKERS = int(os.environ.get("MARAC_TEST_WORKERS") or (2 if find_proxy() else 1))


@dataclass
class Server:
    url: str
    log: Path
    process: subprocess.Popen
    workers: int = 1

    def log_text(self, since: int = 0) -> str:
        """The server's output from byte `since` on: what a failing test prints beside its own error."""
        with open(self.log, "rb") as f:
            f.seek(since)
            return f.read().decode("utf-8", "replace")

    def log_size(self) -> int:
        return self.log.stat().st_size if self.log.exists() else 0


def wait_until_up(url: str, seconds: float = 90, process: subprocess.Popen | None = None) -> bool:
    """Whether the server answered its health check within `seconds` (no longer waiting once its process has exited)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and (process is None or process.poll() is None):
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).status == 200:
                return True
        except OSError:
            time.sleep(0.25)
    return False


@contextmanager
def serving(
    db: Path,
    log: Path,
    *options: str,
    env: dict[str, str] | None = None,
    port: int | None = None,
    workers: int | None = None,
) -> Iterator[Server]:
    """`marac serve --db DB --workers N` on `port` (a free one by default), its output in `log`; stopped (and waited
    for) on leaving. A port is given when something must name it before the server starts (sign-in's redirect URI).
    `workers` is `WORKERS` unless given.

    A server that does not come up raises with its whole log, so the cause is in the failure.
    """
    port = free_port() if port is None else port
    workers = WORKERS if workers is None else workers
    out = open(log, "w")  # noqa: SIM115 - the server writes to it until `serving` closes it
    process = subprocess.Popen(
        [sys.executable, "-m", "marac_cli.main", "serve", "--db", str(db), "--port", str(port)]
        + (["--workers", str(workers)] if workers > 1 else [])
        + list(options),
        stdout=out,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
        env=env,
    )
    server = Server(f"http://127.0.0.1:{port}", log, process, workers)
    try:
        if not wait_until_up(server.url, process=process):
            raise RuntimeError("dashboard did not start:\n" + server.log_text())
        yield server
    finally:
        stop(process)
        out.close()


def stop(process: subprocess.Popen) -> None:
    """Ask a server started for a test to stop, and make it if it does not within 20 s."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=20)


#: the line dashboard/launch/warm_up.py logs when every page has had its headless first run
WARMED = re.compile(r"Warm-up: (\d+) pages run in ([\d.]+) s, (\d+) with errors \((.*)\)")


def warm_ups(server: Server) -> list[list[re.Match[str]]]:
    """Each worker's warm-up lines so far, in order (a worker's lines are those under its name, "worker 2 | ...")."""
    text = server.log_text()
    by_worker: dict[str, list[re.Match[str]]] = {}
    for found in WARMED.finditer(text):
        line = text[text.rfind("\n", 0, found.start()) + 1 : found.start()]
        by_worker.setdefault(line.split(" | ")[0] if " | " in line else "", []).append(found)
    return list(by_worker.values())


def warm_ups_done(server: Server) -> int:
    """How many warm-ups every worker has finished (the first is at its start)."""
    lines = warm_ups(server)
    return min(len(worker) for worker in lines) if len(lines) == server.workers else 0


def warm_up_line(server: Server, seconds: float = 180, nth: int = 1) -> re.Match[str]:
    """Wait for every worker to log that its `nth` warm-up is done (the first is at its start); the line of the last
    to finish, parsed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if warm_ups_done(server) >= nth:
            return max((worker[nth - 1] for worker in warm_ups(server)), key=lambda m: m.start())
        if server.process.poll() is not None:
            break
        time.sleep(0.1)
    raise RuntimeError(f"the server never logged warm-up number {nth} on each worker:\n" + server.log_text())


def warmed_up(server: Server) -> float:
    """Seconds the server's warm-up took, once it is done."""
    return float(warm_up_line(server).group(2))


def launch(playwright: Any, **options: Any) -> Any:
    """Headless Chromium from Debian's package."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, **options)


@contextmanager
def chromium() -> Iterator[Any]:
    """One headless Chromium for a module's tests, closed with its Playwright when they are done."""
    from playwright.sync_api import sync_playwright  # only where the browser tests run

    with sync_playwright() as p:
        browser = launch(p)
        try:
            yield browser
        finally:
            browser.close()


def settled(page: Any, timeout: int = 60_000) -> None:
    """The app has finished its script run; then a short settle for the last deltas to be drawn."""
    page.wait_for_selector(SETTLED, timeout=timeout)
    page.wait_for_timeout(500)


#: Counts finished script runs and notes when anything inside a chart last changed (hover labels aside), so a
#: wait after a click can tell the run it caused from the one before, and a timing can say when the chart was done.
WATCH_RUNS = """
(() => {
  const marks = window.__marac = {runs: 0, startedAt: 0, settledAt: 0, lastChartChange: 0};
  const element = (node) => node.nodeType === 1 ? node : node.parentElement;
  const STATE = 'data-test-script-state';
  new MutationObserver((records) => {
    const now = performance.now();
    // A batch can hold a whole run (running, then notRunning) for one element: each change's new value is the next
    // change's old value, or the attribute as it is now for the last, never the attribute as it is now for all of
    // them (which would count that run as none).
    const changes = records.filter((r) => r.type === 'attributes' && r.attributeName === STATE);
    changes.forEach((record, i) => {
      const later = changes.slice(i + 1).find((r) => r.target === record.target);
      const next = later ? later.oldValue : element(record.target).getAttribute(STATE);
      if (next === 'running' && record.oldValue !== 'running') marks.startedAt = now;
      if (next === 'notRunning' && record.oldValue !== 'notRunning') { marks.runs += 1; marks.settledAt = now; }
    });
    for (const record of records) {
      const target = element(record.target);
      if (!target || (record.type === 'attributes' && record.attributeName === STATE)) continue;
      if (target.closest('[data-testid="stPlotlyChart"]') && !target.closest('.hoverlayer')) {
        marks.lastChartChange = now;
      }
    }
  }).observe(document, {subtree: true, childList: true, attributes: true, attributeOldValue: true, characterData: true});
})();
"""

#: True once a run after `runs` has finished, at least `charts` charts are drawn and nothing has changed for `quiet` ms
_DONE = """
([runs, charts, quiet]) => {
  const marks = window.__marac;
  const app = document.querySelector("[data-testid='stApp']");
  if (!marks || !app || app.getAttribute('data-test-script-state') !== 'notRunning' || marks.runs <= runs) return false;
  const drawn = [...document.querySelectorAll("[data-testid='stPlotlyChart']")]
    .filter((chart) => chart.querySelector('.js-plotly-plot .main-svg')).length;
  if (drawn < charts) return false;
  return performance.now() - Math.max(marks.settledAt, marks.lastChartChange) >= quiet;
}
"""


def watch_runs(context: Any) -> None:
    """Install the run counter in every page the browser context opens (before Streamlit's own scripts)."""
    context.add_init_script(WATCH_RUNS)


def runs_so_far(page: Any) -> int:
    return int(page.evaluate("() => window.__marac ? window.__marac.runs : 0"))


def finished_after(page: Any, runs: int, charts: int = 0, quiet: int = 300, timeout: int = 60_000) -> dict[str, float]:
    """Wait for a script run after the `runs`-th to finish with `charts` charts drawn and the page quiet.

    Returns the page's marks (ms since navigation started): `started` and `settled` (the last run's start
    and end) and `ready`, when the run finished or a chart last changed, whichever was later. The wait
    for quiet is not counted in any of them.
    """
    page.wait_for_function(_DONE, arg=[runs, charts, quiet], timeout=timeout, polling=50)
    return page.evaluate("""() => { const m = window.__marac;
        return {started: m.startedAt, settled: m.settledAt, ready: Math.max(m.settledAt, m.lastChartChange)}; }""")


def page_clock(page: Any) -> float:
    return float(page.evaluate("() => performance.now()"))


def artifacts_dir() -> Path:
    """Where screenshots go: $MARAC_TEST_ARTIFACTS, or test-artifacts/ at the repository root."""
    folder = Path(os.environ.get("MARAC_TEST_ARTIFACTS") or ROOT / "test-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def screenshot(page: Any, name: str, whole: bool = True, tallest: int = 8000) -> Path:
    """A PNG of the page as it stands, named for the test and step.

    Streamlit scrolls inside its main section, so a browser "full page" shot stops at the window:
    for `whole`, the window is stretched to the section's height for the shot, then put back.
    """
    path = artifacts_dir() / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    height = (
        int(
            page.evaluate("""() => { const main = document.querySelector("[data-testid='stMain']");
        return main ? main.scrollHeight : document.body.scrollHeight; }""")
        )
        if whole
        else 0
    )
    if whole and size and height > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": min(height, tallest)})
        page.wait_for_timeout(300)  # let the charts lay out again at the new size
        page.screenshot(path=str(path))
        page.set_viewport_size(size)
    else:
        page.screenshot(path=str(path))
    return path


def hover_centre(page: Any, element: Any) -> tuple[float, float]:
    """Move the mouse to the middle of a chart element and return where that is.

    Plotly's drag layer lies over its bars and markers, so Playwright's own hover (which insists the
    element itself receives the pointer) never fires: the mouse goes where the user's would.
    """
    element.scroll_into_view_if_needed()
    box = element.bounding_box()
    assert box is not None, "the chart element is not laid out"
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    return x, y


def open_list(box: Any) -> None:
    """Open a selectbox's list. Scrolled into view first: a click that has to scroll the page opens the list
    and the scroll closes it again."""
    box.scroll_into_view_if_needed()
    box.click()
    box.page.get_by_role("listbox").wait_for()


def hover_lines(page: Any) -> list[str]:
    """The lines of the chart's hover label now showing (Plotly writes each `<br>` line as its own tspan)."""
    return page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot .hoverlayer .hovertext text')]
      .flatMap((text) => {
        const lines = [...text.querySelectorAll('tspan.line')].map((line) => line.textContent);
        return lines.length ? lines : [text.textContent]; })""")


#: every piece of text of a presented page's header (title, buttons, the corner's stamp) and of its lead chart, with
#: its box and type size; rotated tick labels are marked, since their upright boxes overlap when the text does not
TEXT_BOXES = """
() => {
  const boxes = [];
  const add = (el, kind) => {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!r.width || !r.height || style.visibility === 'hidden' || style.display === 'none') return;
    const turned = [el, el.parentElement].some((e) => /rotate\\((?!0[,)])/.test(e?.getAttribute('transform') || ''));
    // a label cut short with an ellipsis ("← Pre…") keeps its whole text: its box is narrower than the text
    const clipped = el instanceof HTMLElement
      && [el, ...el.querySelectorAll('p')].some((e) => e.scrollWidth > e.clientWidth + 1);
    boxes.push({kind, turned, clipped, text: (el.textContent || '').trim(), x: r.x, y: r.y, w: r.width, h: r.height,
                size: parseFloat(style.fontSize)});
  };
  document.querySelectorAll(
    '.st-key-presentation_header h3, .st-key-presentation_header button, .st-key-presentation_corner button, '
    + '.st-key-presentation_corner [data-testid="stCaptionContainer"] p'
  ).forEach((e) => add(e, 'header'));
  const plot = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
  plot?.querySelectorAll(
    '.g-gtitle text, .annotation-text, .legendtext, .ytick text, .xtick text, .g-xtitle text, .g-ytitle text, '
    + '.textpoint text'
  ).forEach((e) => add(e, 'chart'));
  const chart = document.querySelector('[data-testid="stPlotlyChart"]')?.getBoundingClientRect();
  return {boxes, chart: chart && {x: chart.x, y: chart.y, w: chart.width, h: chart.height}};
}
"""


def text_boxes(page: Any) -> dict[str, Any]:
    """`TEXT_BOXES` for the page as drawn now."""
    return page.evaluate(TEXT_BOXES)


def overlapping(boxes: list[dict[str, Any]], slack: float = 1.0) -> list[tuple[str, str]]:
    """Pairs of text boxes that overlap by more than `slack` px each way (two pieces of one text aside, e.g. a title
    and its own line; two rotated tick labels aside)."""

    def meet(a: dict[str, Any], b: dict[str, Any]) -> bool:
        return (
            a["x"] + slack < b["x"] + b["w"]
            and b["x"] + slack < a["x"] + a["w"]
            and a["y"] + slack < b["y"] + b["h"]
            and b["y"] + slack < a["y"] + a["h"]
        )

    def same(a: dict[str, Any], b: dict[str, Any]) -> bool:
        return bool(a["text"] and b["text"] and (a["text"] in b["text"] or b["text"] in a["text"]))

    return [
        (a["text"], b["text"])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if meet(a, b) and not (a["turned"] and b["turned"]) and not same(a, b)
    ]
