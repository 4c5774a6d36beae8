"""One dashboard session spoken over Streamlit's own websocket protocol, with no browser (for the load benchmark).

Why: forty real browsers on a 2-core machine would measure Chromium, not the server. A protocol session puts on the
server exactly the load a browser tab does: the page's HTTP GET (which is where HAProxy, with `marac serve --workers`,
names the tab's worker in its `marac_worker` cookie), then the websocket `/_stcore/stream` (subprotocol "streamlit")
carrying that cookie, on which each step is one `BackMsg` asking for a script run, answered by `ForwardMsg`s until
`script_finished`. What is sent was compared with what Chromium sends (Streamlit 1.67): the first view names the page
and its query string with no widget states; a widget change sends the page's hash, every drawn widget's value (the
changed one new) and the URL's new query string; a page change sends the app's own widgets (the sidebar's) only.
No message cache is declared, as the front end declares none.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl, urlencode

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState, ContextInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates
from streamlit.runtime.state.common import user_key_from_element_id
from websockets.asyncio.client import ClientConnection, connect

from marac_cli.workers import COOKIE
from reporting.markup import escape_markdown

HOST = "127.0.0.1"
#: the widgets these pages draw whose values the front end sends back with every run request
VALUED = ("checkbox", "selectbox", "radio", "button_group")


@dataclass
class Widget:
    """A widget as the last run drew it: the value the front end would report for it, and what it is bound to."""

    state: WidgetState
    # the query parameter it is bound to, else its key: the period boxes write themselves into the URL under their key
    # (dashboard.controls.written_choice) rather than being bound ("" if neither)
    param: str
    app_level: bool  # drawn by the app's own script (the sidebar), so kept across a page change
    options: list[str]


@dataclass
class Run:
    """What one script run drew, and how long the server took: send until `script_finished`."""

    seconds: float = math.nan
    began: float = math.nan  # send until the run's `new_session` (the server has started it)
    messages: int = 0
    bytes: int = 0
    compile_error: bool = False
    reruns: int = 0  # runs ended early for another (st.switch_page), not counted as the end
    exceptions: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # markdown bodies, captions among them
    charts: list[str] = field(default_factory=list)  # Plotly specs (JSON)
    widgets: dict[str, Widget] = field(default_factory=dict)

    def value(self, param: str) -> str | None:
        """The value of the widget bound to `param` (as its label reads), if one was drawn."""
        for widget in self.widgets.values():
            if widget.param == param:
                kind = widget.state.WhichOneof("value")
                return str(getattr(widget.state, kind)) if kind == "string_value" else None
        return None

    def options(self, param: str) -> list[str]:
        return next((w.options for w in self.widgets.values() if w.param == param), [])

    def bar_names(self) -> list[str]:
        """The category labels of the first chart's first bar trace (the ranked chart's MARACs)."""
        for spec in self.charts[:1]:
            for trace in json.loads(spec).get("data", []):
                if trace.get("type") == "bar":
                    labels = trace.get("y") if trace.get("orientation") == "h" else trace.get("x")
                    return [str(label) for label in labels or []]
        return []

    def problem(self) -> str | None:
        """What went wrong in the run itself, if anything: an exception drawn, or a script that did not compile."""
        if self.exceptions:
            return "exception: " + self.exceptions[0]
        return "compile error" if self.compile_error else None


def drawn_widget(kind: str, proto: object, app_level: bool, held: Widget | None) -> Widget | None:
    """The state the front end holds for a widget the server has just drawn: the value the server set, else the one
    the front end already held for it (the user's last pick), else its default; None for a widget with no value yet
    (a selectbox without a default), which the front end does not send."""
    options = (
        [option.content for option in proto.options] if kind == "button_group" else list(getattr(proto, "options", []))
    )
    if held is not None and not proto.set_value:
        return Widget(held.state, _param(proto), app_level, options)
    state = WidgetState(id=proto.id)
    if kind == "checkbox":
        state.bool_value = proto.value if proto.set_value else proto.default
    elif kind in ("selectbox", "radio"):
        if proto.set_value and proto.HasField("raw_value"):
            state.string_value = proto.raw_value
        elif proto.HasField("default") and 0 <= proto.default < len(options):
            state.string_value = options[proto.default]
        else:
            return None
    else:  # a button group (segmented control, pills)
        chosen = list(proto.raw_values) if proto.set_value else [options[i] for i in proto.default]
        state.string_array_value.data.extend(chosen)
    return Widget(state, _param(proto), app_level, options)


def _param(proto: object) -> str:
    """The URL parameter a widget's value travels in: the one it is bound to, else its own key."""
    return proto.query_param_key or user_key_from_element_id(proto.id) or ""


async def page_cookies(port: int, target: str, timeout: float) -> dict[str, str]:
    """GET `target` as a browser opening the link does, and the cookies the answer sets (HAProxy's worker cookie)."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), timeout)
    try:
        request = f"GET {target} HTTP/1.1\r\nHost: {HOST}:{port}\r\nAccept: text/html\r\nConnection: close\r\n\r\n"
        writer.write(request.encode())
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), timeout)  # the page itself too, as a browser reads it
    finally:
        writer.close()
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    if len(head[0].split()) < 2 or head[0].split()[1] != "200":
        raise ConnectionError(f"GET {target}: {head[0]!r}")
    cookies = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "set-cookie":
            key, _, rest = value.strip().partition("=")
            cookies[key] = rest.split(";", 1)[0]
    return cookies


class Session:
    """One browser tab's worth of protocol: its cookies, websocket, query string and the widgets last drawn."""

    def __init__(self, port: int, timeout: float = 60.0) -> None:
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {}
        self.ws: ClientConnection | None = None
        self.path, self.query = "", ""
        self.main_hash = self.page_hash = ""
        self.pages: dict[str, str] = {}  # url path -> page script hash, from the app's navigation
        self.widgets: dict[str, Widget] = {}

    @property
    def worker(self) -> str:
        """The worker HAProxy keeps this session on ("" when there is no proxy)."""
        return self.cookies.get(COOKIE, "")

    async def connect(self, path: str, query: dict[str, str]) -> float:
        """Open the link: GET the page, then the websocket with the cookies it set. Seconds taken."""
        started = time.perf_counter()
        target = f"/{path}?{urlencode(query)}" if query else f"/{path}"
        self.cookies = await page_cookies(self.port, target, self.timeout)
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.ws = await connect(
            f"ws://{HOST}:{self.port}/_stcore/stream",
            subprotocols=["streamlit"],
            origin=f"http://{HOST}:{self.port}",
            additional_headers={"Cookie": cookie} if cookie else None,
            max_size=None,
            ping_interval=None,
            open_timeout=self.timeout,
            close_timeout=2,
        )
        return time.perf_counter() - started

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def open(self, path: str, query: dict[str, str]) -> Run:
        """The first view of the page the link named (a fresh tab sends no widget states)."""
        self.path, self.query = path, urlencode(query)
        state = ClientState(query_string=self.query, page_name=path, widget_states=WidgetStates())
        return await self.run(state)

    async def choose(self, param: str, value: str) -> Run:
        """Set the widget bound to query parameter `param` to `value`, as the user's pick in it does."""
        bound = [w for w in self.widgets.values() if w.param == param]
        if not bound or bound[0].state.WhichOneof("value") != "string_value":
            raise LookupError(f"no widget drawn that is bound to {param!r}")
        picked = replace(bound[0], state=WidgetState(id=bound[0].state.id, string_value=value))
        # the front end now holds the pick (a new dict: the last Run keeps what it drew)
        self.widgets = {key: picked if widget is bound[0] else widget for key, widget in self.widgets.items()}
        query = dict(parse_qsl(self.query, keep_blank_values=True))
        query[param] = value
        self.query = urlencode(query)
        states = WidgetStates()
        states.widgets.extend(w.state for w in self.widgets.values())
        return await self.run(
            ClientState(query_string=self.query, page_script_hash=self.page_hash, widget_states=states)
        )

    async def go_to(self, path: str, query: dict[str, str]) -> Run:
        """Open another page of the app in the same tab (a link to /PATH?QUERY)."""
        if path not in self.pages:
            raise LookupError(f"no page {path!r} in the app's navigation")
        self.path, self.query = path, urlencode(query)
        states = WidgetStates()
        states.widgets.extend(w.state for w in self.widgets.values() if w.app_level)
        return await self.run(
            ClientState(query_string=self.query, page_script_hash=self.pages[path], widget_states=states)
        )

    async def run(self, state: ClientState) -> Run:
        """Send one run request and read until the run it caused has finished (not one ended early for a rerun)."""
        if self.ws is None:
            raise RuntimeError("connect() first")
        state.context_info.CopyFrom(
            ContextInfo(timezone="Europe/London", locale="en-GB", url=f"http://{HOST}:{self.port}/{self.path}")
        )
        run = Run()
        started = time.perf_counter()
        await self.ws.send(BackMsg(rerun_script=state).SerializeToString())
        while True:
            left = started + self.timeout - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"no script_finished within {self.timeout:.0f} s")
            raw = await asyncio.wait_for(self.ws.recv(), left)
            if isinstance(raw, str):
                continue
            message = ForwardMsg.FromString(raw)
            run.messages, run.bytes = run.messages + 1, run.bytes + len(raw)
            kind = message.WhichOneof("type")
            if kind == "new_session":  # a run begins (again, after a switch_page): what it draws starts afresh
                if math.isnan(run.began):
                    run.began = time.perf_counter() - started
                self.main_hash = message.new_session.main_script_hash or self.main_hash
                run.exceptions, run.texts, run.charts, run.widgets = [], [], [], {}
            elif kind == "navigation":
                self.pages = {page.url_pathname: page.page_script_hash for page in message.navigation.app_pages}
                self.page_hash = message.navigation.page_script_hash
            elif kind == "page_info_changed":
                self.query = message.page_info_changed.query_string
            elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                self._drawn(run, message)
            elif kind == "script_finished":
                if message.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    run.reruns += 1
                    continue
                run.seconds = time.perf_counter() - started
                run.compile_error = message.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR
                self.widgets = run.widgets
                return run

    def _drawn(self, run: Run, message: ForwardMsg) -> None:
        element = message.delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            run.exceptions.append(f"{element.exception.type}: {element.exception.message}"[:300])
        elif kind == "markdown":
            run.texts.append(element.markdown.body)
        elif kind == "plotly_chart":
            run.charts.append(element.plotly_chart.spec)
        elif kind in VALUED:
            proto = getattr(element, kind)
            app_level = message.metadata.active_script_hash == self.main_hash
            widget = drawn_widget(kind, proto, app_level, self.widgets.get(proto.id))
            if widget is not None:
                run.widgets[widget.state.id] = widget


# What each step must show: the benchmark counts a step that shows something else as an error, however fast it was.


def period_shown(run: Run, end: str) -> str | None:
    """Why `run` is not the view for the period ending `end` ('30 Jun 2025'), or None if it is: the "Ending" box
    holds it and the period caption ends on it ("... to 30 Jun 2025.")."""
    if run.value("period_end") != end:
        return f"wrong view: Ending shows {run.value('period_end')!r}, not {end!r}"
    if not any(f" to {end}." in text for text in run.texts):
        return f"wrong view: no period caption ending {end}"
    return None


def comparison_shown(run: Run, indicator: str) -> str | None:
    """Why `run` is not Regional comparison on `indicator`, or None: the Indicator box holds it and a chart is drawn."""
    if run.value("indicator") != indicator:
        return f"wrong view: Indicator shows {run.value('indicator')!r}, not {indicator!r}"
    if not run.bar_names():
        return "wrong view: no ranked chart"
    end = run.value("period_end")
    return period_shown(run, end) if end else "wrong view: no Ending box"


def profile_shown(run: Run, marac: str) -> str | None:
    """Why `run` is not `marac`'s Borough profile, or None: the MARAC box holds it and the heading names it."""
    if run.value("marac") != marac:
        return f"wrong view: the profile shows {run.value('marac')!r}, not {marac!r}"
    if not any(text.startswith(f"**{escape_markdown(marac)}**") for text in run.texts):
        return f"wrong view: the profile's heading does not name {marac}"
    return None
