"""The server's start-up warm-up (dashboard/launch/warm_up.py): every page run once, headless, before anyone visits.

It exists for speed (the first visitor after a restart no longer pays for the database read and
each page's figures; figures in docs/performance.md), but what is tested here is what it does:
it runs every page `app.py` offers, in the server's own process, and says in the log when it is
done and which page showed an error, without stopping at one.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from dashboard.launch import warm_up
from loaders.demo import write_return
from tests.helpers.browser import (
    HAVE_CHROMIUM,
    ROOT,
    WAIT,
    Server,
    free_port,
    launch,
    serving,
    wait_until_up,
    warm_up_line,
)
from tests.helpers.fixture_db import meeting

ALL_PAGES = [
    "/",
    "/regional_comparison",
    "/map",
    "/referrer_mix",
    "/equality",
    "/trends",
    "/what_changed",
    "/borough_profile",
    "/board_pack",
    "/national_picture",
    "/data_quality",
    "/definitions",
    "/check_return",
]


def _pages(line: str) -> list[str]:
    """'/ 1.5 s, /map 0.3 s' -> ['/', '/map']"""
    return [part.rsplit(" ", 2)[0] for part in line.split(", ")]


@pytest.mark.parametrize(
    ("options", "pages"),
    [
        ((), ALL_PAGES),
        (("--restricted",), ALL_PAGES[:-1]),  # a restricted viewer is not offered "Check a return", so it is not warmed
    ],
    ids=["full", "restricted"],
)
def test_serve_runs_every_page_it_offers_once_on_start(
    fixture_db: Path, tmp_path: Path, options: tuple[str, ...], pages: list[str]
) -> None:
    with serving(fixture_db, tmp_path / "server.log", *options) as server:
        line = warm_up_line(server)
        log = server.log_text()
    assert int(line.group(1)) == len(pages) and line.group(3) == "0"
    assert _pages(line.group(4)) == pages
    assert "showed an error" not in log and "Warm-up failed" not in log, log
    # then, before the line saying it is done, the quarters before the newest (the fixture's quarters end June 2020 to
    # March 2021), each asked for by its link, and every one run without an error
    views = re.search(r"Warm-up: (\d+) further views run in [\d.]+ s, (\d+) with errors \((.*)\)", log)
    assert views is not None and views.start() < line.start(), log
    assert (views.group(1), views.group(2)) == ("6", "0")
    assert _pages(views.group(3))[:2] == ["/?period_end=31+Dec+2020", "/borough_profile?period_end=31+Dec+2020"]


def test_a_load_while_serving_has_every_page_run_again(fixture_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "live.duckdb"
    shutil.copyfile(fixture_db, db)
    with serving(db, tmp_path / "server.log") as server:
        warm_up_line(server)
        camden = write_return(tmp_path / "camden.csv", [meeting("E09000007", date(2021, 2, 9), cases_discussed=100)])
        done = subprocess.run(
            [sys.executable, "-m", "marac_cli.main", "load", str(camden), "--db", str(db)],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
        )
        assert done.returncode == 0, done.stderr
        again = warm_up_line(server, nth=2)
        log = server.log_text()
    # on every worker, once
    assert log.count("Warm-up: the data changed; running every page again") == server.workers
    assert _pages(again.group(4)) == ALL_PAGES and again.group(3) == "0"


class _ScriptEnded(Exception):
    """Stops `keep_warm` once a test's versions run out."""


def _warms(monkeypatch: pytest.MonkeyPatch, versions: list[object]) -> list[int]:
    """Run `keep_warm` against versions read in turn (an exception in the list is raised there); the looks at which it warmed."""
    looks = iter(versions)
    seen: list[object] = []
    warmed_at: list[int] = []

    def version() -> object:
        value = next(looks, _ScriptEnded())
        seen.append(value)
        if isinstance(value, Exception):
            raise value
        return value

    async def warm(runtime: object, also: object = None) -> None:
        warmed_at.append(len(seen))

    monkeypatch.setattr(warm_up, "warm_every_page", warm)
    monkeypatch.setattr(warm_up, "WATCH_EVERY", 0)
    with pytest.raises(_ScriptEnded):
        asyncio.run(warm_up.keep_warm(None, version))
    return warmed_at


def test_pages_are_warmed_again_once_the_data_has_changed_and_held_still(monkeypatch: pytest.MonkeyPatch) -> None:
    # look 1 warms at the start; B settles at look 5; C, D, E come one after another (a run of loads) and are warmed
    # for once, when E holds at look 10; a look that cannot stat the file changes nothing; F never holds still
    versions = ["A", "A", "A", "B", "B", "B", "C", "D", "E", "E", "E", OSError("Stale file handle"), "E", "F"]
    assert _warms(monkeypatch, versions) == [1, 5, 10]


def test_an_unreadable_version_at_the_start_still_warms_then_watches(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _warms(monkeypatch, [PermissionError("Permission denied"), "A", "A", "A"]) == [1, 3]


APP = {
    "server.py": """
        import streamlit as st
        from dashboard.launch.warm_up import warmed

        app = st.App("main.py", lifespan=warmed)
        """,
    "main.py": """
        import streamlit as st

        st.navigation([st.Page("fine.py", url_path="fine", default=True), st.Page("boom.py", url_path="boom"),
                       st.Page("hop.py", url_path="hop"), st.Page("later.py", url_path="later")]).run()
        """,
    "note.py": """
        import os

        def note(line: str) -> None:
            with open(os.environ["WARM_MARKER"], "a") as marker:
                marker.write(line + "\\n")
        """,
    "fine.py": """
        import streamlit as st
        from note import note

        @st.cache_data
        def figure() -> int:
            note("figure computed")
            return 42

        st.write(f"The figure is {figure()}")
        """,
    "boom.py": """
        raise ValueError("the figures could not be read")
        """,
    "hop.py": """
        import streamlit as st
        from note import note

        if "hopped" not in st.session_state:
            st.session_state.hopped = True
            st.rerun()
        note("hop ran again after its rerun")
        """,
    "later.py": """
        from note import note

        note("later ran")
        """,
}


@pytest.fixture(scope="module")
def toy_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    """A small st.App using the warm-up: a page with a cached figure, one that fails, one that reruns, one after them."""
    folder = tmp_path_factory.mktemp("toy")
    for name, text in APP.items():
        (folder / name).write_text(textwrap.dedent(text))
    marker = folder / "marker.txt"
    port = free_port()
    log = folder / "server.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(folder / "server.py"),
                "--server.address",
                "127.0.0.1",
                "--server.port",
                str(port),
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env={**os.environ, "WARM_MARKER": str(marker)},
        )
        server = Server(f"http://127.0.0.1:{port}", log, process)
        try:
            assert wait_until_up(server.url, process=process), server.log_text()
            yield server, marker
        finally:
            process.terminate()
            process.wait(timeout=20)


def test_a_page_that_fails_is_named_in_the_log_and_the_others_are_still_run(toy_server: tuple[Server, Path]) -> None:
    server, marker = toy_server
    line = warm_up_line(server)
    text = server.log_text()
    assert _pages(line.group(4)) == ["/", "/boom", "/hop", "/later"]
    assert line.group(3) == "1"
    assert "Warm-up: /boom showed an error: ValueError: the figures could not be read" in text
    assert text.count("showed an error") == 1
    # in order, each page run by its own name and to its end (the rerun's too), in the server, before any browser came
    assert marker.read_text() == "figure computed\nhop ran again after its rerun\nlater ran\n"


@pytest.mark.skipif(not HAVE_CHROMIUM, reason="Debian chromium is not installed")
def test_the_first_visitor_finds_the_figure_already_computed(toy_server: tuple[Server, Path]) -> None:
    server, marker = toy_server
    warm_up_line(server)
    sync_api = pytest.importorskip("playwright.sync_api")  # the other tests here need no browser
    expect, sync_playwright = sync_api.expect, sync_api.sync_playwright
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page()
            page.goto(server.url)
            expect(page.get_by_text("The figure is 42")).to_be_visible(timeout=WAIT)
        finally:
            browser.close()
    assert marker.read_text().count("figure computed") == 1  # shown from the warm-up's cache, not worked out again


def test_the_warm_up_also_runs_the_overview_and_a_profile_at_the_three_quarters_before_the_newest() -> None:
    from dashboard.launch.views import earlier_views

    ends = [date(2021, 3, 31), date(2020, 12, 31), date(2020, 9, 30), date(2020, 6, 30), date(2020, 3, 31)]
    assert earlier_views(ends) == [
        ("", "period_end=31+Dec+2020"),
        ("borough_profile", "period_end=31+Dec+2020"),
        ("", "period_end=30+Sep+2020"),
        ("borough_profile", "period_end=30+Sep+2020"),
        ("", "period_end=30+Jun+2020"),
        ("borough_profile", "period_end=30+Jun+2020"),
    ]
    assert earlier_views(ends[:1]) == []
