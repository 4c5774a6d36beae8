"""A real dashboard in headless Chromium while `marac load` writes to its database.

The architecture promises that a CLI load neither fails nor breaks an open dashboard
(DuckDB lets one process write or many read, never both): this drives both at once.
"""

from __future__ import annotations

import contextlib
import csv
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from loaders import store
from loaders.demo import write_return
from marac_cli.workers import find_proxy
from tests.helpers.browser import HAVE_CHROMIUM, WAIT, free_port, launch, serving, settled, wait_until_up
from tests.helpers.fixture_db import HACKNEY, meeting

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not HAVE_CHROMIUM, reason="Debian chromium is not installed")
expect = playwright.expect


@pytest.fixture
def server(fixture_db: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    db = tmp_path / "live.duckdb"
    shutil.copyfile(fixture_db, db)
    try:
        with serving(db, tmp_path / "server.log") as running:
            yield running.url, db
            print(running.log_text())  # shown only when the test fails
    except RuntimeError as problem:  # did not start: fail with its log
        pytest.fail(str(problem))


@contextmanager
def _downloading_page(url: str) -> Iterator:
    """A settled page of the app in headless Chromium that accepts downloads."""
    with playwright.sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.goto(url)
        settled(page)
        yield page
        browser.close()


def test_cli_load_while_dashboard_is_open(server: tuple[str, Path], tmp_path: Path) -> None:
    url, db = server
    with playwright.sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        settled(page)
        expect(page.get_by_text("2 of the 32 London MARACs in the registry sent returns")).to_be_visible(timeout=WAIT)

        camden = write_return(tmp_path / "camden.csv", [meeting("E09000007", date(2021, 2, 9), **HACKNEY)])
        done = subprocess.run(
            [sys.executable, "-m", "marac_cli.main", "load", str(camden), "--db", str(db)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert "1 loaded" in done.stderr

        page.reload()
        settled(page)
        expect(page.get_by_text("3 of the 32 London MARACs in the registry sent returns")).to_be_visible(timeout=WAIT)
        assert page.locator("[data-testid='stException']").count() == 0
        # 1,000 fixture cases plus Camden's 100
        expect(page.locator("[data-testid='stMetricValue']").first).to_have_text("1,100", timeout=WAIT)
        browser.close()


def test_deep_link_runs_the_whole_app_with_its_banner(server: tuple[str, Path]) -> None:
    """A shared link to a page must still show the synthetic-data banner and the chosen MARAC."""
    url, db = server
    with store.writing(db) as conn:
        store.set_meta(conn, "synthetic", "true")
    with playwright.sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/borough_profile?marac=Tower+Hamlets&period_end=31+Mar+2021")
        settled(page)
        expect(page.get_by_text("Synthetic demo data: not real MARAC figures.")).to_be_visible(timeout=WAIT)
        expect(page.get_by_role("heading", name="Borough profile")).to_be_visible(timeout=WAIT)
        expect(page.get_by_text("Tower Hamlets · Central East BCU")).to_be_visible(timeout=WAIT)
        expect(page.locator("[data-testid='stMetricValue']").first).to_have_text("600", timeout=WAIT)
        assert page.locator("[data-testid='stException']").count() == 0
        browser.close()


MARAC_SERVE = [sys.executable, "-m", "marac_cli.main", "serve"]


def _children(pid: int) -> set[int]:
    """The processes `pid` started and that still run (Linux's /proc)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found |= {int(child) for child in (task / "children").read_text().split()}
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize(
    "workers",
    [1, pytest.param(2, marks=pytest.mark.skipif(find_proxy() is None, reason="HAProxy is not installed"))],
)
def test_stopping_marac_serve_stops_the_server(fixture_db: Path, tmp_path: Path, workers: int) -> None:
    port = free_port()
    log = tmp_path / "server.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [*MARAC_SERVE, "--db", str(fixture_db), "--port", str(port), "--workers", str(workers)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        assert wait_until_up(url, seconds=90), log.read_text()
        started = _children(process.pid)  # with workers: each worker and HAProxy
        assert len(started) == (0 if workers == 1 else workers + 1), started
        process.terminate()  # straight away, so while its start-up warm-up is still running
        process.wait(timeout=60)
    time.sleep(1)
    with pytest.raises(OSError):  # nothing left listening
        urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
    assert [pid for pid in started if _alive(pid)] == []
    assert "Traceback" not in log.read_text(), log.read_text()


def test_downloads_from_the_overview_are_published_files_under_their_names(
    server: tuple[str, Path], tmp_path: Path
) -> None:
    """Click the table's CSV and the chart's PNG and SVG buttons in a real browser and open what arrives.

    The clicks come while the server's start-up warm-up is still running pages: each run that ends
    sweeps files no session holds, which is what a clicked download is until the browser fetches it.
    Two sweeps in between once lost the file, and Chromium saved a failed "<hash>.csv" (the flake);
    `dashboard.launch.media` keeps such files for their fetch, so each arrives whole, under its name.
    """
    url, _ = server
    with _downloading_page(f"{url}/?overview_indicator=Repeat+rate") as page:
        with page.expect_download(timeout=WAIT) as csv_download:
            page.get_by_role("button", name="CSV", exact=True).first.click()
        assert csv_download.value.failure() is None
        assert csv_download.value.suggested_filename == "london-2021-03-31-maracs-volume.csv"
        with open(csv_download.value.path(), encoding="utf-8-sig", newline="") as f:
            lines = list(csv.reader(f))
        assert lines[0] == ["MARACs in London: volume, repeats and referrals"]
        assert lines[1] == [] and lines[2][:4] == [
            "MARAC",
            "BCU",
            "Cases",
            "Per 10,000 adult females",
        ]  # real data: no synthetic line
        hackney = next(line for line in lines if line and line[0] == "Hackney")
        # 400 cases, 36.1 per 10,000, 90.3% of recommended and within, resting on all 4 quarters; 30.0% repeat but
        # "could be chance" (published: every quarter's counts are multiples of 5, which rounding leaves as they are)
        assert hackney[:8] == ["Hackney", "Central East", "400", "36.1", "90.3", "● within", "all 4 quarters", "30.0"]
        assert any(
            line and line[0].startswith("To protect the people counted, every count is rounded") for line in lines
        )

        with page.expect_download(timeout=60_000) as png_download:
            page.get_by_role("button", name="PNG", exact=True).first.click()
        assert png_download.value.failure() is None
        assert png_download.value.suggested_filename == "london-2021-03-31-repeat-rate-ranked.png"
        png = Path(png_download.value.path()).read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        width = int.from_bytes(png[16:20], "big")
        assert width == 3300  # 1,100 px laid out, drawn at 3x for print
        with page.expect_download(timeout=60_000) as svg_download:
            page.get_by_role("button", name="SVG", exact=True).first.click()
        assert svg_download.value.failure() is None
        assert svg_download.value.suggested_filename == "london-2021-03-31-repeat-rate-ranked.svg"
        svg = Path(svg_download.value.path()).read_text(encoding="utf-8")
        assert svg.startswith("<svg") and "Repeat rate" in svg and "Hackney" in svg


def test_board_pack_page_downloads_a_pdf(server: tuple[str, Path]) -> None:
    url, _ = server
    with _downloading_page(f"{url}/board_pack") as page:
        page.get_by_role("button", name="Make the board pack").click()
        download_button = page.get_by_role("button", name="Download the PDF")
        expect(download_button).to_be_visible(timeout=120_000)
        expect(page.get_by_text("Ready: 1 section(s), 8 charts")).to_be_visible(timeout=WAIT)
        with page.expect_download(timeout=WAIT) as pdf_download:
            download_button.click()
        assert pdf_download.value.suggested_filename == "marac-board-pack-hackney-2021-03-31-12m.pdf"
        assert Path(pdf_download.value.path()).read_bytes()[:5] == b"%PDF-"
