"""`marac serve --workers N`: what it asks for, the HAProxy configuration it writes, and the supervisor that starts,
restarts and stops the workers and their proxy (here with stand-in workers: a few lines of HTTP server each, so the
supervisor and the real HAProxy are tested in seconds; the dashboard's own workers are in the browser tests, which run
through `--workers 2` wherever HAProxy is installed).
"""

from __future__ import annotations

import http.client
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import marac_cli.main as cli
from marac_cli import workers
from tests.helpers.browser import free_port
from tests.loaders.test_service_config import ENTRA, write
from tests.marac_cli.test_serve_command import Launch, said

HAPROXY = workers.find_proxy()
needs_haproxy = pytest.mark.skipif(HAPROXY is None, reason="HAProxy is not installed")


def serve(db: Path, *args: str):
    return CliRunner().invoke(cli.app, ["serve", "--db", str(db), *args], terminal_width=400)


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """What `marac serve --workers N` would run, instead of running it; one worker's `_launch` is recorded too."""
    seen: dict[str, object] = {"single": []}
    monkeypatch.setattr(cli, "_launch", lambda command, env: seen["single"].append(Launch(command, env)))

    def run(command: list[str], env: dict[str, str], **given: object) -> int:
        seen.update(given, command=command, env=env)
        return 0

    monkeypatch.setattr(cli, "_launch_workers", run)
    return seen


def test_without_haproxy_workers_say_so_and_one_serves(
    fixture_db: Path, started: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers, "find_proxy", lambda: None)
    done = serve(fixture_db, "--workers", "2")
    assert done.exit_code == 0, done.output
    assert said(done.output) == (
        "WARNING: --workers 2 needs HAProxy in front of the workers, and it is not installed here (Debian: apt-get "
        "install haproxy), so one worker serves: it uses one core. Dashboard at http://127.0.0.1:8501 (Ctrl+C to stop)"
    )
    assert len(started["single"]) == 1 and "count" not in started


def test_workers_get_the_command_one_server_would_and_the_front_address(
    fixture_db: Path, started: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers, "find_proxy", lambda: "/usr/sbin/haproxy")
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    done = serve(fixture_db, "--workers", "2", "--port", "8600")
    assert done.exit_code == 0, done.output
    assert said(done.output) == "Starting 2 workers behind HAProxy on port 8600…"
    assert (started["count"], started["address"], started["port"]) == (2, "127.0.0.1", 8600)
    assert started["proxy"] == "/usr/sbin/haproxy" and started["sign_in_config"] is None
    assert started["ready"] == "Dashboard at http://127.0.0.1:8600  (2 workers; Ctrl+C to stop)"
    one = serve(fixture_db, "--port", "8600")  # the same server, as one process
    assert one.exit_code == 0, one.output
    assert started["command"] == started["single"][0].command
    assert started["env"] == started["single"][0].env


def test_more_workers_than_cores_is_warned_of(
    fixture_db: Path, started: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers, "find_proxy", lambda: "/usr/sbin/haproxy")
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    done = serve(fixture_db, "--workers", "3")
    assert "WARNING: 3 workers on 2 core(s): workers beyond one per core add memory, not speed." in said(done.output)
    assert started["count"] == 3


def test_the_worker_count_is_bounded(fixture_db: Path, started: dict[str, object]) -> None:
    done = serve(fixture_db, "--workers", "0")
    assert done.exit_code == 2 and "should be greater than or equal to 1" in said(done.output)
    assert started["single"] == [] and "count" not in started


def test_a_worker_failing_makes_serve_fail(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch, started: dict[str, object]
) -> None:
    monkeypatch.setattr(workers, "find_proxy", lambda: "/usr/sbin/haproxy")
    monkeypatch.setattr(cli, "_launch_workers", lambda command, env, **given: 1)
    assert serve(fixture_db, "--workers", "2").exit_code == 1


# --------------------------------------------------------------------------- the configuration


def test_the_proxy_config_keeps_each_browser_on_its_worker() -> None:
    text = workers.proxy_config("127.0.0.1", 8501, [workers.Worker("w1", 40001), workers.Worker("w2", 40002)])
    lines = [line.strip() for line in text.splitlines()]
    assert "bind 127.0.0.1:8501" in lines
    assert 'cookie marac_worker insert indirect nocache httponly attr "SameSite=Lax"' in lines
    assert "server w1 127.0.0.1:40001 check inter 2s fall 2 rise 1 cookie w1" in lines
    assert "server w2 127.0.0.1:40002 check inter 2s fall 2 rise 1 cookie w2" in lines
    assert "http-check send meth GET uri /_stcore/health ver HTTP/1.1 hdr Host 127.0.0.1" in lines
    assert {"balance leastconn", "option redispatch", "timeout tunnel 1h"} <= set(lines)


@pytest.mark.parametrize(
    ("address", "bind"), [("::1", "[::1]:8600"), ("0.0.0.0", "0.0.0.0:8600"), ("localhost", "localhost:8600")]
)
def test_addresses_are_written_as_haproxy_binds_them(address: str, bind: str) -> None:
    assert workers.bind_address(address, 8600) == bind


def test_behind_https_the_cookie_is_secure() -> None:
    text = workers.proxy_config("127.0.0.1", 8501, [workers.Worker("w1", 1)], secure_cookie=True)
    assert 'cookie marac_worker insert indirect nocache httponly secure attr "SameSite=Lax"' in text


@needs_haproxy
@pytest.mark.parametrize("address", ["127.0.0.1", "::1", "0.0.0.0"])
def test_haproxy_accepts_the_config(tmp_path: Path, address: str) -> None:
    path = tmp_path / "haproxy.cfg"
    path.write_text(workers.proxy_config(address, 8600, [workers.Worker("w1", 40001), workers.Worker("w2", 40002)]))
    check = subprocess.run([HAPROXY, "-c", "-f", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_worker_serves_on_its_own_loopback_port() -> None:
    command = ["streamlit", "run", "x.py", "--server.address", "0.0.0.0", "--server.port", "8501", "--a", "b"]
    assert workers.with_address(command, 40001) == [
        *["streamlit", "run", "x.py", "--server.address", "127.0.0.1", "--server.port", "40001", "--a", "b"]
    ]


def test_sign_in_port_is_the_proxys_in_a_private_copy(tmp_path: Path) -> None:
    text = ENTRA.replace("https://marac.example.gov.uk/oauth2callback", "http://localhost:{port}/oauth2callback")
    config = write(tmp_path, text)
    folder = tmp_path / "private"
    folder.mkdir()
    copy = workers.secrets_for_workers(config, 8600, folder)
    assert copy == folder / "marac.toml" and copy.read_text() == text.replace("{port}", "8600")
    assert copy.stat().st_mode & 0o777 == 0o600
    assert config.read_text() == text  # the partnership's own file is left as it is
    fixed = write(tmp_path, ENTRA, name="fixed.toml")
    assert workers.secrets_for_workers(fixed, 8600, folder) == fixed


def test_workers_are_given_the_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = write(tmp_path, ENTRA.replace("https://marac.example.gov.uk/", "http://localhost:{port}/"))
    seen: dict[str, object] = {}

    def run(self: workers.Workers) -> int:
        seen["children"] = [(c.command, c.env) for c in self.children]
        seen["read"] = [Path(c.command[c.command.index("--secrets.files") + 1]).read_text() for c in self.children]
        return 0

    monkeypatch.setattr(workers.Workers, "run", run)
    command = ["streamlit", "run", "x.py", "--server.port", "8600", "--secrets.files", str(config.absolute())]
    env = {"MARAC_AUTH_CONFIG": str(config.absolute()), "MARAC_DB": "/x.duckdb"}
    code = workers.serve_workers(
        command,
        env,
        count=2,
        address="127.0.0.1",
        port=8600,
        proxy="haproxy",
        sign_in_config=config,
        secrets_option="--secrets.files",
        secure_cookie=False,
        say=print,
    )
    assert code == 0
    ports = set()
    for (worker_command, worker_env), text in zip(seen["children"], seen["read"], strict=True):
        given = worker_command[worker_command.index("--secrets.files") + 1]
        assert given != str(config.absolute()) and worker_env["MARAC_AUTH_CONFIG"] == given
        assert "http://localhost:8600/oauth2callback" in text
        ports.add(worker_command[worker_command.index("--server.port") + 1])
        assert worker_env["MARAC_DB"] == "/x.duckdb"
    assert len(ports) == 2 and "8600" not in ports
    secrets = {env["STREAMLIT_SERVER_COOKIE_SECRET"] for _, env in seen["children"]}
    assert len(secrets) == 1 and len(secrets.pop()) >= 32  # one secret for every worker's cookies
    assert not Path(given).exists()  # the private copy went with the run


# --------------------------------------------------------------------------- the supervisor, with stand-in workers

STAND_IN = """
import sys, http.server, os
port = int(sys.argv[sys.argv.index("--server.port") + 1])
class Answer(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = f"{os.getpid()}".encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args): pass
print("stand-in up", flush=True)
http.server.HTTPServer(("127.0.0.1", port), Answer).serve_forever()
"""


def _get(port: int, cookie: str | None = None) -> tuple[str, str | None]:
    """The stand-in's answer (its pid) through the proxy, and the worker cookie the proxy set, if it set one."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", "/", headers={"Cookie": f"marac_worker={cookie}"} if cookie else {})
    reply = connection.getresponse()
    body, set_cookie = reply.read().decode(), reply.getheader("Set-Cookie")
    connection.close()
    return body, set_cookie.split(";")[0].split("=")[1] if set_cookie else None


@needs_haproxy
def test_the_supervisor_keeps_browsers_on_their_worker_restarts_one_that_stops_and_stops_all(tmp_path: Path) -> None:
    script = tmp_path / "stand_in.py"
    script.write_text(STAND_IN)
    port, said_lines = free_port(), []
    log = open(tmp_path / "out.log", "w")  # noqa: SIM115 - closed below
    run = workers.Workers(
        [sys.executable, str(script), "--server.port", "0"],
        dict(os.environ),
        count=2,
        address="127.0.0.1",
        port=port,
        proxy=HAPROXY,
        folder=tmp_path,
        say=said_lines.append,
        ready="ready",
        out=log,
    )
    outcome: list[int] = []
    thread = threading.Thread(target=lambda: outcome.append(run.run()))
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while "ready" not in said_lines and time.monotonic() < deadline:
            time.sleep(0.1)
        assert said_lines == ["ready"]
        first, cookie = _get(port)
        second, other = _get(port)
        assert {cookie, other} == {"w1", "w2"} and first != second  # a new browser each: least busy worker
        assert [_get(port, cookie)[0] for _ in range(4)] == [first] * 4  # with its cookie, always its worker
        stopped = next(c for c in run.children if str(c.process.pid) == first)
        stopped.process.kill()
        deadline = time.monotonic() + 30
        own_port = run.workers[run.children.index(stopped)].port  # the stopped worker's own, not the first one's
        while time.monotonic() < deadline and not (stopped.running() and workers.answers(own_port)):
            time.sleep(0.2)
        assert said_lines[1] == f"{stopped.name} stopped (exit code -9); starting it again."
        assert stopped.running() and str(stopped.process.pid) != first
    finally:
        run._stop(0, None)
        thread.join(timeout=60)
        log.close()
    assert outcome == [0]
    assert not any(c.running() for c in [*run.children, run.proxy])
    assert "worker 1 | stand-in up" in (tmp_path / "out.log").read_text()


def test_a_worker_that_cannot_start_is_named(tmp_path: Path) -> None:
    said_lines: list[str] = []
    run = workers.Workers(
        [sys.executable, "-c", "import sys; print('no such thing'); sys.exit(3)", "--server.port", "0"],
        dict(os.environ),
        count=2,
        address="127.0.0.1",
        port=free_port(),
        proxy=shutil.which("true") or "/bin/true",
        folder=tmp_path,
        say=said_lines.append,
        out=open(os.devnull, "w"),  # noqa: SIM115 - the process's own
    )
    assert run.run() == 1
    assert said_lines[0] in (
        "worker 1 stopped while starting (exit code 3); see above.",
        "worker 2 stopped while starting (exit code 3); see above.",
    )
