"""The server's start-up warm-up (dashboard/launch/warm_up.py): every page run once, headless, before anyone visits.

It exists for speed (the first visitor after a restart no longer pays for the database read and
each page's figures; figures in docs/performance.md), but what is tested here is what it does:
it runs every page `app.py` offers, in the server's own process, and says in the log when it is
done and which page showed an error, without stopping at one.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.browser_helpers import ROOT, Server, free_port, serving, wait_until_up, warm_up_line

ALL_PAGES = ["/", "/regional_comparison", "/map", "/referrer_mix", "/equality", "/trends", "/borough_profile",
             "/board_pack", "/data_quality", "/check_return"]


def _pages(line: str) -> list[str]:
    """'/ 1.5 s, /map 0.3 s' -> ['/', '/map']"""
    return [part.rsplit(" ", 2)[0] for part in line.split(", ")]


@pytest.mark.parametrize(("options", "pages"), [
    ((), ALL_PAGES),
    (("--restricted",), ALL_PAGES[:-1]),  # a restricted viewer is not offered "Check a return", so it is not warmed
], ids=["full", "restricted"])
def test_serve_runs_every_page_it_offers_once_on_start(fixture_db: Path, tmp_path: Path, options: tuple[str, ...],
                                                       pages: list[str]) -> None:
    with serving(fixture_db, tmp_path / "server.log", *options) as server:
        line = warm_up_line(server)
        log = server.log_text()
    assert int(line.group(1)) == len(pages)
    assert _pages(line.group(3)) == pages
    assert "showed an error" not in log and "Warm-up failed" not in log, log


APP = {
    "server.py": """
        import streamlit as st
        from dashboard.launch.warm_up import warmed

        app = st.App("main.py", lifespan=warmed)
        """,
    "main.py": """
        import streamlit as st

        st.navigation([st.Page("fine.py", url_path="fine", default=True), st.Page("boom.py", url_path="boom"),
                       st.Page("later.py", url_path="later")]).run()
        """,
    "fine.py": """
        import os
        import streamlit as st

        @st.cache_data
        def figure() -> int:
            with open(os.environ["WARM_MARKER"], "a") as marker:
                marker.write("computed\\n")
            return 42

        st.write(figure())
        """,
    "boom.py": """
        raise ValueError("the figures could not be read")
        """,
    "later.py": """
        import streamlit as st

        st.write("after the page that failed")
        """,
}


def test_a_page_that_fails_is_named_in_the_log_and_the_others_are_still_warmed(tmp_path: Path) -> None:
    for name, text in APP.items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    marker = tmp_path / "computed.txt"
    port = free_port()
    log = tmp_path / "server.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(tmp_path / "server.py"), "--server.address", "127.0.0.1",
             "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, env={**os.environ, "WARM_MARKER": str(marker)})
        server = Server(f"http://127.0.0.1:{port}", log, process)
        try:
            assert wait_until_up(server.url, process=process), server.log_text()
            line = warm_up_line(server)
            text = server.log_text()
        finally:
            process.terminate()
            process.wait(timeout=20)
    assert _pages(line.group(3)) == ["/", "/boom", "/later"]
    assert "Warm-up: /boom showed an error: ValueError: the figures could not be read" in text
    assert text.count("showed an error") == 1
    # the default page's cached figure was computed once, in the server, before any browser came
    assert marker.read_text() == "computed\n"
