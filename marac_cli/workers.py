"""`marac serve --workers N`: N Streamlit servers on this machine behind one HAProxy, each session kept on its server.

Why: one Streamlit server runs every session's script in threads of one Python process, so however many people open
the link it uses one core (docs/performance.md, "Many people at once"). N servers use N cores. A Streamlit session
lives in the process that opened it (its widget state, its downloads waiting to be fetched), so the proxy keeps each
browser on its server by a cookie it sets on the first answer: without that, a download made on one server would be
asked of the other and not found, and a page that reconnects would start again from its defaults.

The front is Debian's HAProxy (well kept, websocket-aware, health-checking), started here with a generated
configuration and stopped with the workers; this module only writes that configuration and supervises the processes.
"""

from __future__ import annotations

import ctypes
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

#: the cookie that names a browser's server; holds only "w1", "w2"..., so nothing about the person
COOKIE = "marac_worker"
#: where a worker's own health check answers (Streamlit's)
HEALTH = "/_stcore/health"
START_WITHIN = 120.0  # s for a worker to answer its health check after being started
PROXY_WITHIN = 15.0  # s for HAProxy to take connections once started
RESTARTS = 3  # a worker that stops is started again this many times; after that `marac serve` stops
#: lines of Streamlit's start-up banner, which name the worker's own port: the address to give people is the proxy's
_BANNER = ("You can now view your Streamlit app", "URL: http")


def find_proxy() -> str | None:
    """HAProxy's executable (Debian puts it in /usr/sbin, which an ordinary user's PATH may leave out), or None."""
    found = shutil.which("haproxy")
    if found:
        return found
    return "/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").is_file() else None


@dataclass(frozen=True)
class Worker:
    """One Streamlit server behind the proxy: its name in the cookie and its port on 127.0.0.1."""

    name: str
    port: int


def free_ports(count: int) -> list[int]:
    """`count` distinct ports nothing listens on now, on 127.0.0.1 (held open together, so never the same twice)."""
    held: list[socket.socket] = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            held.append(s)
        return [s.getsockname()[1] for s in held]
    finally:
        for s in held:
            s.close()


def bind_address(address: str, port: int) -> str:
    """HAProxy's `bind` form of an address and port: IPv6 literals in brackets, names and IPv4 as they are."""
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


def proxy_config(address: str, port: int, workers: Sequence[Worker], *, secure_cookie: bool = False) -> str:
    """The HAProxy configuration: one front on `address:port`, the workers behind it.

    - Stickiness by an inserted cookie (`COOKIE`): the first answer to a browser names its worker, and every later
      request (the websocket, downloads, sign-in's return) carries it. A worker that is down is skipped
      (`redispatch`), so its people land on a live one and start a fresh session there.
    - New browsers go to the worker with the fewest open connections (`leastconn`): a session is one long websocket.
    - Websockets are upgraded by HAProxy itself in HTTP mode; `timeout tunnel` keeps an idle page's open for an hour.
    - Each worker's own health check decides whether it is sent people.
    """
    servers = "\n".join(
        f"    server {w.name} 127.0.0.1:{w.port} check inter 2s fall 2 rise 1 cookie {w.name}" for w in workers
    )
    attributes = " secure" if secure_cookie else ""
    return f"""# Written by `marac serve --workers {len(workers)}` for this run only; regenerated on every start.
global
    log stdout format raw daemon notice
    maxconn 4096

defaults
    mode http
    log global
    option dontlognull
    option redispatch
    retries 2
    timeout connect 5s
    timeout http-request 30s
    timeout client 1h
    timeout server 1h
    timeout tunnel 1h

frontend marac
    bind {bind_address(address, port)}
    default_backend streamlit

backend streamlit
    balance leastconn
    cookie {COOKIE} insert indirect nocache httponly{attributes} attr "SameSite=Lax"
    option httpchk
    http-check send meth GET uri {HEALTH} ver HTTP/1.1 hdr Host 127.0.0.1
{servers}
"""


def secrets_for_workers(config: Path, front_port: int, folder: Path) -> Path:
    """A private copy of the sign-in config with `{port}` filled in with the proxy's port.

    Streamlit fills `{port}` in `redirect_uri` with the port its own server listens on, which for a worker is an
    inner port nobody can be sent back to. The copy (mode 600, in this run's private folder, removed when it stops)
    is what the workers read instead; a config without `{port}` is used as it is.
    """
    text = config.read_text(encoding="utf-8")
    if "{port}" not in text:
        return config
    copy = folder / "marac.toml"
    fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text.replace("{port}", str(front_port)))
    return copy


def with_address(command: Sequence[str], port: int) -> list[str]:
    """`command` (a `streamlit run` line) serving on 127.0.0.1:`port`: a worker is reached only through the proxy."""
    out = list(command)
    for option, value in (("--server.address", "127.0.0.1"), ("--server.port", str(port))):
        if option in out:
            out[out.index(option) + 1] = value
        else:
            out += [option, value]
    return out


def answers(port: int) -> bool:
    """Whether the worker on `port` answers its health check now."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{HEALTH}", timeout=2) as reply:
            return reply.status == 200
    except OSError:
        return False


try:  # looked up now, not in the child between fork and exec, where only the call itself is safe
    _PRCTL: Callable[..., int] | None = ctypes.CDLL(None).prctl if sys.platform.startswith("linux") else None
except (OSError, AttributeError):
    _PRCTL = None


def _die_with_parent() -> None:
    """In a child, before it runs: be sent SIGTERM if `marac serve` dies without stopping it (Linux's prctl)."""
    if _PRCTL is not None:
        _PRCTL(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass
class _Child:
    """A process this run started: a worker or the proxy, its output relayed line by line under its name."""

    name: str
    command: list[str]
    env: dict[str, str]
    process: subprocess.Popen | None = None
    restarts: list[float] = field(default_factory=list)

    def start(self, out: TextIO, lock: threading.Lock) -> None:
        self.process = subprocess.Popen(
            self.command,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent if _PRCTL is not None else None,
        )
        threading.Thread(target=_relay, args=(self.name, self.process, out, lock), daemon=True).start()

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


def _relay(name: str, process: subprocess.Popen, out: TextIO, lock: threading.Lock) -> None:
    """Copy a child's output to ours, each line under the child's name (so a log says which worker said what)."""
    assert process.stdout is not None
    for raw in iter(process.stdout.readline, b""):
        line = raw.decode("utf-8", "replace").rstrip()
        if not line.strip() or any(part in line for part in _BANNER):
            continue
        with lock:
            out.write(f"{name} | {line}\n")
            out.flush()


class Workers:
    """The workers and their proxy for one `marac serve --workers N`: started, watched, stopped together."""

    def __init__(
        self,
        command: Sequence[str],
        env: dict[str, str],
        *,
        count: int,
        address: str,
        port: int,
        proxy: str,
        folder: Path,
        secure_cookie: bool = False,
        say: Callable[[str], None],
        ready: str = "",
        out: TextIO | None = None,
    ) -> None:
        self.say, self.ready = say, ready
        self.address, self.port = address, port
        self.out = out or sys.stderr
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        shared = dict(env)
        # one secret for every worker's signed cookies (the upload form's XSRF token, sign-in's state), so a browser's
        # cookie made by one worker is good on another when the proxy has to move it (a worker down)
        shared.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", secrets.token_urlsafe(32))
        self.workers = [Worker(f"w{i + 1}", p) for i, p in enumerate(free_ports(count))]
        self.children = [
            _Child(f"worker {i + 1}", with_address(command, w.port), shared) for i, w in enumerate(self.workers)
        ]
        config = folder / "haproxy.cfg"
        config.write_text(proxy_config(address, port, self.workers, secure_cookie=secure_cookie), encoding="utf-8")
        self.proxy = _Child("proxy", [proxy, "-db", "-f", str(config)], dict(os.environ))
        self.config = config

    def run(self) -> int:
        """Start everything, serve until asked to stop (SIGTERM, SIGINT) or the proxy fails; the exit code."""
        # signal handlers can only be set from the main thread; a supervisor run in a thread (a test) is stopped
        # through stop() instead
        on_main = threading.current_thread() is threading.main_thread()
        signals = (signal.SIGTERM, signal.SIGINT) if on_main else ()
        previous = {s: signal.signal(s, self._stop) for s in signals}
        try:
            for child in self.children:
                child.start(self.out, self.lock)
            if not self._wait_for_workers():
                return 1
            check = subprocess.run(
                [self.proxy.command[0], "-c", "-q", "-f", str(self.config)], capture_output=True, text=True
            )
            if check.returncode != 0:
                self.say(f"HAProxy refused its configuration: {(check.stdout + check.stderr).strip()}")
                return 1
            self.proxy.start(self.out, self.lock)
            # "ready" (the address to open) only once the proxy takes connections: HAProxy binds a moment after it
            # starts, and a browser sent there sooner was refused
            if not self._wait_for_proxy():
                return 1
            if self.ready:
                self.say(self.ready)
            return self._watch()
        finally:
            self._stop_all()
            for s, handler in previous.items():
                signal.signal(s, handler)

    def _wait_for_proxy(self) -> bool:
        deadline = time.monotonic() + PROXY_WITHIN
        host = "127.0.0.1" if self.address in ("0.0.0.0", "", "::") else self.address
        while not self.stopping.is_set():
            if not self.proxy.running():
                self.say(f"HAProxy stopped while starting (exit code {self.proxy.process.returncode}); see above.")
                return False
            try:
                socket.create_connection((host, self.port), timeout=1).close()
                return True
            except OSError:
                if time.monotonic() > deadline:
                    self.say(f"HAProxy did not take connections on {host}:{self.port} within {PROXY_WITHIN:.0f} s.")
                    return False
                time.sleep(0.1)
        return False

    def _stop(self, signum: int, frame: object) -> None:
        self.stopping.set()

    def _wait_for_workers(self) -> bool:
        deadline = time.monotonic() + START_WITHIN
        waiting = list(zip(self.children, self.workers, strict=True))
        while waiting and not self.stopping.is_set():
            for child, worker in list(waiting):
                if not child.running():
                    self.say(f"{child.name} stopped while starting (exit code {child.process.returncode}); see above.")
                    return False
                if answers(worker.port):
                    waiting.remove((child, worker))
            if time.monotonic() > deadline:
                self.say(f"{', '.join(c.name for c, _ in waiting)} did not answer within {START_WITHIN:.0f} s.")
                return False
            time.sleep(0.2)
        return not self.stopping.is_set()

    def _watch(self) -> int:
        """Until asked to stop: a worker that stops is started again (its people reconnect to the others meanwhile)."""
        while not self.stopping.wait(0.5):
            if not self.proxy.running():
                self.say(f"HAProxy stopped (exit code {self.proxy.process.returncode}); stopping the workers.")
                return 1
            for child in self.children:
                if child.running():
                    continue
                now = time.monotonic()
                child.restarts = [t for t in child.restarts if now - t < 600] + [now]
                if len(child.restarts) > RESTARTS:
                    self.say(f"{child.name} stopped {RESTARTS + 1} times in 10 minutes; stopping.")
                    return 1
                self.say(f"{child.name} stopped (exit code {child.process.returncode}); starting it again.")
                child.start(self.out, self.lock)
        return 0

    def _stop_all(self) -> None:
        """The proxy first (no new requests), then the workers; each given 20 s before it is killed."""
        for group in ([self.proxy], self.children):
            for child in group:
                if child.running():
                    child.process.terminate()
            for child in group:
                if child.process is None:
                    continue
                try:
                    child.process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    child.process.kill()
                    child.process.wait(timeout=20)


def serve_workers(
    command: Sequence[str],
    env: dict[str, str],
    *,
    count: int,
    address: str,
    port: int,
    proxy: str,
    sign_in_config: Path | None,
    secrets_option: str,
    secure_cookie: bool,
    say: Callable[[str], None],
    ready: str = "",
) -> int:
    """Run `count` workers of `command` behind HAProxy on `address:port` until stopped; the exit code.

    `secrets_option` is the command's option naming the secrets file: with sign-in, the workers are given a copy
    whose `{port}` is the proxy's (see `secrets_for_workers`).
    """
    with tempfile.TemporaryDirectory(prefix="marac-serve-") as private:  # mode 700: only this user reads it
        folder = Path(private)
        command = list(command)
        env = dict(env)
        if sign_in_config is not None:
            given = secrets_for_workers(sign_in_config, port, folder)
            command[command.index(secrets_option) + 1] = str(given.absolute())
            for name, value in list(env.items()):
                if value == str(sign_in_config.absolute()):
                    env[name] = str(given.absolute())
        workers = Workers(
            command,
            env,
            count=count,
            address=address,
            port=port,
            proxy=proxy,
            folder=folder,
            secure_cookie=secure_cookie,
            say=say,
            ready=ready,
        )
        return workers.run()
