"""Every page visited once, headless, as the server starts, so the first real visitor finds it warm.

Why: straight after a start, the first visit to a page also paid for the database read, the
dataset build, the imports and that page's figures: 3.68-4.36 s for the pages with charts on
the 300-MARAC benchmark, against 2.67-3.05 s for the visitors after them (docs/performance.md).
A warm-up session runs each page's default view as a browser's session would (the same scripts,
filling the same caches), so nothing here needs to know what a page computes, and a page added
to `app.py` is warmed without being listed here.

When given a way to read the data's version, it also watches it (a stat every 2 s) and runs
every page again once it has changed and then held still for a look: after a `marac load`, or a return committed on the Check a
return page, the next visitors would otherwise pay for the new figures themselves.

The runs happen on the server's own runtime through its session API (`connect_session`,
`handle_backmsg`), in the background: the server answers from its first second, and a visitor
who arrives mid-way shares whatever is already cached (Streamlit's caches let a second caller
wait for a value being computed rather than compute it again).
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from streamlit.logger import get_logger
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.session_manager import SessionClient

LOG = get_logger("marac.warm_up")  # Streamlit's own handler and level (`--logger.level`), beside its messages
WATCH_EVERY = 2.0  # s between looks at the data's version
PAGE_TIMEOUT = 120.0  # s: a page still running after this is stopped (its session closed) and counted as an error
_DONE = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}
#: with sign-in, the warm-up's sessions are let in as an analyst would be (every figure page, full figures) by this
#: claim holding this process's own random token: no browser's cookie holds it, and it dies with the process
WARM_UP_CLAIM = "marac_warm_up"
TOKEN = secrets.token_urlsafe(32)
WARM_UP_USER = {"is_logged_in": True, WARM_UP_CLAIM: TOKEN}


@dataclass
class Visit:
    """What one headless run of a page reported: the app's pages, and any error it showed."""

    page: str
    pages: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    finished: asyncio.Event = field(default_factory=asyncio.Event)
    seconds: float = 0.0


class _Listener(SessionClient):
    """A session client that keeps only how the run went; every element it is sent is dropped."""

    def __init__(self, visit: Visit) -> None:
        self.visit = visit

    def write_forward_msg(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "navigation":
            self.visit.pages = [p.url_pathname for p in msg.navigation.app_pages if not p.is_default]
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            if element.WhichOneof("type") == "exception":
                self.visit.errors.append(f"{element.exception.type}: {element.exception.message}")
        elif kind == "script_finished" and msg.script_finished in _DONE:
            # a run that stopped early for a rerun (st.rerun, a switch of page) is not the end
            self.visit.finished.set()  # called on the runtime's event loop, which is the one waiting

    @property
    def client_context(self) -> None:
        return None


async def visit(runtime: Any, page: str, timeout: float | None = None, query: str = "") -> Visit:
    """Run `page` (its URL path; "" for the default page) once in a fresh session, as a first visitor's browser would
    (opening it by a link with `query`, e.g. "period_end=31+Dec+2020", if given)."""
    outcome = Visit(f"{page}?{query}" if query else page)
    started = time.perf_counter()
    session_id = runtime.connect_session(client=_Listener(outcome), user_info=dict(WARM_UP_USER))
    try:
        runtime.handle_backmsg(session_id, BackMsg(rerun_script=ClientState(page_name=page, query_string=query)))
        await asyncio.wait_for(outcome.finished.wait(), timeout or PAGE_TIMEOUT)
    except TimeoutError:
        outcome.errors.append(f"still running after {timeout or PAGE_TIMEOUT:.0f} s, so stopped")
    finally:
        runtime.close_session(session_id)
        outcome.seconds = time.perf_counter() - started
    return outcome


#: further views to warm after every page's default one: (page, query string) pairs, worked out afresh each time
Views = Callable[[], list[tuple[str, str]]]


async def warm_every_page(runtime: Any, also: Views | None = None) -> list[Visit]:
    """The default page first (it lists the others), then each other page's default view, one at a time; then the
    views `also` names, logged on their own line before the pages' (which says the warm-up is done)."""
    began = time.perf_counter()
    first = await visit(runtime, "")
    visits = [first]
    for page in first.pages:
        visits.append(await visit(runtime, page))
    for done in visits:
        _log_errors(done)
    seconds = time.perf_counter() - began  # the pages' own time, without the further views'
    if also is not None:
        await _warm_views(runtime, also)
    _summary("pages", visits, seconds)
    return visits


def _log_errors(done: Visit) -> None:
    for error in done.errors:
        LOG.warning("Warm-up: /%s showed an error: %s", done.page, error)


def _summary(what: str, visits: list[Visit], seconds: float) -> None:
    """One line for a set of visits, e.g. "Warm-up: 12 pages run in 9.1 s, 0 with errors (/ 2.1 s, /map 0.4 s, …)"."""
    LOG.info(
        "Warm-up: %d %s run in %.1f s, %d with errors (%s)",
        len(visits),
        what,
        seconds,
        sum(1 for v in visits if v.errors),
        ", ".join(f"/{v.page} {v.seconds:.1f} s" for v in visits),
    )


async def _warm_views(runtime: Any, also: Views) -> None:
    began = time.perf_counter()
    try:
        views = await asyncio.to_thread(also)
    except Exception:  # e.g. a database being swapped: the pages are warm, and the next warm-up tries again
        LOG.exception("Warm-up: could not work out which further views to warm")
        return
    if not views:  # one quarter held, or no database yet: nothing before the newest
        return
    visits = [await visit(runtime, page, query=query) for page, query in views]
    for done in visits:
        _log_errors(done)
    _summary("further views", visits, time.perf_counter() - began)


async def keep_warm(runtime: Any, version: Callable[[], object] | None = None, also: Views | None = None) -> None:
    """Warm every page now and, given `version`, again once what it returns has changed and then held still for one look.

    A look that cannot read the version (a stat refused, a network share gone) is skipped, and
    said once in the log until a look succeeds: the pages stay as warm as they were meanwhile.
    """
    watch = _Watch(version) if version else None
    seen = await watch.read() if watch else None
    await warm_every_page(runtime, also)
    changed = False
    while watch is not None:
        await asyncio.sleep(WATCH_EVERY)
        now = await watch.read()
        if now is _UNREAD:
            continue
        if now != seen:  # wait for one look without a change: a run of loads is warmed for once, at its end
            seen, changed = now, True
        elif changed:
            changed = False
            LOG.info("Warm-up: the data changed; running every page again")
            await warm_every_page(runtime, also)


_UNREAD = object()


class _Watch:
    """Reads the version off the event loop (a first read may import; a stat on a network share may stall)."""

    def __init__(self, version: Callable[[], object]) -> None:
        self.version = version
        self.failing = False

    async def read(self) -> object:
        try:
            value = await asyncio.to_thread(self.version)
        except OSError as problem:
            if not self.failing:
                LOG.warning(
                    "Warm-up: cannot read the data's version (%s); looking again every %.0f s", problem, WATCH_EVERY
                )
            self.failing = True
            return _UNREAD
        if self.failing:
            LOG.info("Warm-up: the data's version can be read again")
        self.failing = False
        return value


def warming(
    version: Callable[[], object] | None = None, also: Views | None = None
) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """An `st.App` lifespan that keeps the pages warm (and the views `also` names): see `keep_warm`."""

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        from streamlit import runtime

        async def run() -> None:
            try:
                await keep_warm(runtime.get_instance(), version, also)
            except Exception:  # e.g. a Streamlit upgrade changed its session API: serve on, only colder
                LOG.exception("Warm-up failed; each page will be computed for its first visitor instead")

        task = asyncio.create_task(run())
        try:
            yield
        finally:
            task.cancel()

    return lifespan


#: the lifespan for an app with nothing to watch: its pages warmed once, at the start
warmed = warming()
