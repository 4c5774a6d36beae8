"""One long-lived Chromium for every chart image, instead of a browser start per chart.

Plotly's own `write_image` starts Chromium for each figure (about 2 s here); a board pack has
hundreds of charts. The engine keeps one Kaleido browser open on a background event loop and
renders any number of figures through it, several at once across its tabs. MathJax is switched
off: Kaleido would otherwise fetch it from a CDN on every render, which on an offline machine
costs most of the time (we use no LaTeX).
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import plotly.graph_objects as go

#: where Debian puts Chromium; Kaleido reads BROWSER_PATH before searching
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
FORMATS = ("png", "svg", "pdf")
#: print resolution: charts are laid out at 1100 px wide and rendered at 3x (about 300 dpi across an A4 page)
PRINT_SCALE = 3
#: every chart is laid out at this width in pixels (SVG and PDF points follow from it)
CHART_WIDTH = 1100


class ExportError(RuntimeError):
    """A chart could not be rendered; the message says what to install or check."""


@dataclass(frozen=True)
class Job:
    figure: go.Figure
    format: str = "png"
    width: int = CHART_WIDTH
    height: int | None = None
    scale: float = 1


class Engine:
    """A Kaleido browser on its own thread; `render` is safe to call from any thread."""

    def __init__(self, tabs: int = 2) -> None:
        self._tabs = tabs
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido = None
        self._lock = threading.Lock()

    def _start(self) -> None:
        import kaleido

        if "BROWSER_PATH" not in os.environ and DEBIAN_CHROMIUM.exists():
            os.environ["BROWSER_PATH"] = str(DEBIAN_CHROMIUM)
        loop = asyncio.new_event_loop()
        threading.Thread(target=loop.run_forever, name="chart-export", daemon=True).start()

        async def open_browser():
            browser = kaleido.Kaleido(n=self._tabs, mathjax=False)
            await browser.open()
            return browser

        try:
            self._kaleido = asyncio.run_coroutine_threadsafe(open_browser(), loop).result(timeout=120)
        except Exception as exc:
            loop.call_soon_threadsafe(loop.stop)
            raise ExportError(
                f"Could not start Chromium to draw charts ({exc}). Install it (Debian: apt-get install chromium) "
                "or set BROWSER_PATH to a Chrome or Chromium binary."
            ) from exc
        self._loop = loop
        atexit.register(self.close)

    def _ensure(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                self._start()
            assert self._loop is not None
            return self._loop

    def render_many(self, jobs: Sequence[Job], progress=None, each=None) -> list[bytes]:
        """Every job's bytes, in order; `progress(done, total)` and `each(bytes)` are called as each finishes, in order."""
        loop = self._ensure()
        for job in jobs:
            if job.format not in FORMATS:
                raise ValueError(f'format "{job.format}" is not one of {", ".join(FORMATS)}')
        futures = [asyncio.run_coroutine_threadsafe(self._render(job), loop) for job in jobs]
        out: list[bytes] = []
        for done, future in enumerate(futures, start=1):
            out.append(future.result(timeout=300))
            if each:
                each(out[-1])
            if progress:
                progress(done, len(jobs))
        return out

    def render(self, figure: go.Figure, format: str = "png", **size: float) -> bytes:
        return self.render_many([Job(figure, format, **size)])[0]

    async def _render(self, job: Job) -> bytes:
        height = job.height or int(figure_height(job.figure))
        opts = {"format": job.format, "width": job.width, "height": height, "scale": job.scale}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return await self._kaleido.calc_fig(job.figure.to_dict(), opts=opts)

    def close(self) -> None:
        with self._lock:
            if self._loop is None:
                return
            loop, self._loop = self._loop, None
            with contextlib.suppress(Exception):  # closing at exit: a browser already gone is no error
                asyncio.run_coroutine_threadsafe(self._kaleido.close(), loop).result(timeout=30)
            loop.call_soon_threadsafe(loop.stop)


def figure_height(figure: go.Figure) -> float:
    return figure.layout.height or 500


_shared: Engine | None = None
_shared_lock = threading.Lock()


def shared_engine() -> Engine:
    """The process's one engine (the dashboard and the CLI each start it on first use)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Engine()
        return _shared
