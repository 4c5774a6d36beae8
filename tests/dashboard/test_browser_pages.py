"""The meeting pages in headless Chromium, on the deterministic synthetic demo (seed 42).

What a steering group does in a meeting, done in a real browser: open every page, click a
borough on the ranked chart or the map to open its profile, share a link and get the same view
back, and step through indicators with the arrow keys in presentation mode. Every figure
asserted here is the demo's own (London's 32 boroughs and Lancashire's ten MARACs), worked out
once in tests/helpers/demo_figures.py, so a change that moves a number or breaks a click fails loudly.

Every test leaves PNGs under $MARAC_TEST_ARTIFACTS (default test-artifacts/ at the repository
root), named for the test and step; a failing test also prints the server's log from its run.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import pytest

from tests.helpers import demo_figures as fig
from tests.helpers.browser import (
    HAVE_CHROMIUM,
    ROOT,
    WAIT,
    Server,
    artifacts_dir,
    chromium,
    finished_after,
    hover_centre,
    hover_lines,
    open_list,
    overlapping,
    runs_so_far,
    screenshot,
    serving,
    text_boxes,
    watch_runs,
)

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not HAVE_CHROMIUM, reason="Debian chromium is not installed")
expect = playwright.expect
expect.set_options(timeout=WAIT)

BANNER = "Synthetic demo data: not real MARAC figures."


def _london_maracs() -> tuple[int, int]:
    """(London MARACs the demo sends returns for, London MARACs in the shipped registry), from the files themselves."""
    import polars as pl

    from loaders.demo import DEMO_FORCES
    from loaders.reference import REFERENCE_DIR

    areas = pl.read_csv(REFERENCE_DIR / "areas.csv", infer_schema_length=0)
    rows = pl.read_csv(REFERENCE_DIR / "registry.csv", infer_schema_length=0).join(areas, on="lad_code")
    london = rows.filter(pl.col("region_name") == "London")
    return london.filter(pl.col("pfa_name").is_in(DEMO_FORCES))["marac_code"].n_unique(), london[
        "marac_code"
    ].n_unique()


LONDON_SENT, LONDON_HELD = _london_maracs()
#: a chart Plotly has finished drawing (Streamlit lazy-loads Plotly, so charts can appear a second after the run ends)
DRAWN = "[data-testid='stPlotlyChart']:has(.js-plotly-plot .main-svg)"
#: the key finding: the bold sentence above a meeting page's chart
FINDING = "[data-testid='stMainBlockContainer'] [data-testid='stMarkdownContainer'] p > strong"
HOVER = ".js-plotly-plot .hoverlayer .hovertext"
LAPTOP = {"width": 1400, "height": 1000}
PROJECTOR = {"width": 1920, "height": 1080}


@dataclass(frozen=True)
class Page:
    path: str  # its url_path in app.py
    title: str
    charts: int
    #: text the default view (London, 12 months to 30 September 2025) shows, from the demo's figures
    shows: tuple[str, ...]
    #: where Streamlit serves it: the default page is served at the root, whatever its url_path
    route: str | None = None

    @property
    def url_path(self) -> str:
        return self.path if self.route is None else self.route


VOLUME_FINDING, REPEAT_FINDING, POLICE_FINDING = fig.VOLUME_FINDING, fig.REPEAT_FINDING, fig.POLICE_FINDING

PAGES = [
    Page(
        "regional_overview",
        "Regional overview",
        1,
        (
            f"{LONDON_SENT} of the {LONDON_HELD} London MARACs in the registry sent returns for this period",
            fig.OVERVIEW_RATE,
        ),
        route="",
    ),
    Page("regional_comparison", "Regional comparison", 1, (VOLUME_FINDING,)),
    Page("map", "Map", 1, (VOLUME_FINDING,)),
    Page(
        "referrer_mix",
        "Referrer mix",
        1,
        (fig.REFERRER_FINDING,),
    ),
    Page(
        "equality",
        "Equality",
        1,
        (fig.EQUALITY_HIGHEST_LOWEST,),
    ),
    Page(
        "trends",
        "Trends",
        1,
        (fig.TRENDS_FINDING,),
    ),
    Page(
        "borough_profile",
        "Borough profile",
        1,
        ("Barking and Dagenham · East BCU · London · Metropolitan Police police force area",),
    ),
    Page("what_changed", "What changed since last quarter", 0, ("MARACs in London: each indicator then and now",)),
    Page("board_pack", "Board pack", 0, ("Make the board pack",)),
    Page(
        "data_quality",
        "Data quality",
        0,
        ("London, 12 months to 30 September 2025 (01 Oct 2024 to 30 Sep 2025).", "2023-24 Q3 to 2025-26 Q2."),
    ),
    Page("check_return", "Check a return", 0, ("No file chosen yet.",)),
]


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic demo, built once per session exactly as `marac demo` builds it for a user."""
    folder = tmp_path_factory.mktemp("demo")
    db = folder / "demo.duckdb"
    done = subprocess.run(
        [sys.executable, "-m", "marac_cli.main", "demo", "--db", str(db), "--out", str(folder / "returns")],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return db


@pytest.fixture(scope="module")
def server(demo_database: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One dashboard for the whole module: starting one costs seconds, and no test here writes to the database."""
    try:
        with serving(demo_database, tmp_path_factory.mktemp("server") / "server.log") as running:
            yield running
    except RuntimeError as problem:  # did not start: fail with its log
        pytest.fail(str(problem))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as running:
        yield running


@pytest.fixture
def tab(browser: Any, server: Server, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A page in a fresh browser context (no state from another test); its last state is kept as a PNG,
    and the server's log from this test is printed, which pytest shows only when the test fails."""
    viewport = getattr(request, "param", LAPTOP)
    context = browser.new_context(viewport=viewport)
    watch_runs(context)
    page = context.new_page()
    page.set_default_timeout(WAIT)
    start = server.log_size()
    yield page
    try:
        screenshot(page, f"last/{_safe(request.node.name)}", whole=False)
    finally:
        context.close()
        print(f"server log during {request.node.name}:\n{server.log_text(start)}")


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")


def _open(page: Any, url: str, charts: int) -> None:
    """Go to a URL and wait for its run to end with its charts drawn."""
    page.goto(url)
    finished_after(page, 0, charts)
    expect(page.locator(DRAWN)).to_have_count(charts)


def _act(page: Any, action: Callable[[], None], charts: int) -> None:
    """Do something and wait for the run it causes to end with `charts` charts drawn. Until then the page can hold
    the last run's elements beside the new ones (two charts for a moment after →); a click that starts no run at all
    fails here."""
    runs = runs_so_far(page)
    action()
    finished_after(page, runs, charts)


def _finding(page: Any) -> Any:
    return page.locator(FINDING).filter(has_text=re.compile(r"^(12 months|Financial year|Quarter)"))


def _says(page: Any, finding: str | re.Pattern) -> None:
    """The page's one key finding reads `finding`."""
    expect(_finding(page)).to_have_text([finding])


def _metric(page: Any, label: str) -> Any:
    return page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    )


def _choose(page: Any, label: str, option: str) -> None:
    """Pick an option in a selectbox, as a user does: open the list and click the option."""
    open_list(page.get_by_role("combobox", name=label))
    page.get_by_role("option", name=option, exact=True).click()


def _no_exception(page: Any) -> None:
    """No traceback on the page, and no dialog over it (Streamlit's "Page not found" makes the page inert)."""
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_test_id("stDialog")).to_have_count(0)


@pytest.mark.parametrize("spec", PAGES, ids=[p.path for p in PAGES])
def test_every_page_loads_without_an_exception(tab: Any, server: Server, spec: Page) -> None:
    """Each page in app.py runs to the end: heading, the synthetic banner, its figures and every chart drawn."""
    _open(tab, f"{server.url}/{spec.url_path}", spec.charts)
    expect(tab.get_by_role("heading", name=spec.title, level=1)).to_be_visible()
    expect(tab.get_by_text(BANNER)).to_be_visible()
    for text in spec.shows:
        expect(tab.get_by_text(text).first).to_be_visible()
    _no_exception(tab)
    screenshot(tab, f"page-{spec.path}")


def test_a_bar_on_the_regional_comparison_opens_that_boroughs_profile(tab: Any, server: Server) -> None:
    """The top bar of the ranked repeat-rate chart is Westminster; clicking it opens Westminster's profile."""
    _open(tab, f"{server.url}/regional_comparison?indicator=Repeat+rate", 1)
    _says(tab, REPEAT_FINDING)
    bars = tab.locator(".js-plotly-plot .barlayer .point")
    expect(bars).to_have_count(32)
    x, y = hover_centre(tab, bars.last.locator("path"))  # highest at the top, drawn last
    expect(tab.locator(HOVER)).to_have_count(1)
    label = hover_lines(tab)
    # the figure with its 95% interval and counts, and its verdict with its certainty (over the 40% bound, its
    # interval reaching below it)
    assert label == fig.TOP_REPEAT_BAR, label
    name = label[0].split(":")[0]
    screenshot(tab, "comparison-bar-hover", whole=False)

    _act(tab, lambda: tab.mouse.click(x, y), 1)
    expect(tab).to_have_url(
        re.compile(rf"/borough_profile\?marac={quote_plus(name)}&profile_indicator=Repeat\+rate(&|$)")
    )
    # the profile names the period it shows in its link, as every page with a period does (an agenda link stays put)
    expect(tab).to_have_url(re.compile(r"[?&]period_end=\d\d\+[A-Z][a-z]{2}\+\d{4}(&|$)"))
    expect(tab.get_by_text(f"{name} · Central West BCU · London").first).to_be_visible()
    expect(tab.get_by_role("combobox", name="MARAC")).to_have_value(name)
    expect(_metric(tab, "Repeat rate").get_by_test_id("stMetricValue")).to_have_text([fig.TOP_REPEAT_RATE])
    expect(tab.get_by_role("combobox", name="Indicator")).to_have_value("Repeat rate")
    expect(tab.locator(DRAWN)).to_have_count(1, timeout=60_000)  # the trend (the spine and funnel wait for their tabs)
    _no_exception(tab)
    screenshot(tab, "comparison-bar-opened-profile")


SHARED = (
    "/regional_comparison?area=London+%28region%29&window=Financial+year&period_end=31+Mar+2024"
    "&indicator=Police+share+of+referrals&colour_by=Sub-area"
)


def _shows_choices(page: Any, area: str, indicator: str) -> None:
    expect(page.get_by_role("combobox", name="Area")).to_have_value(area)
    expect(page.get_by_role("combobox", name="Period")).to_have_value("Financial year")
    expect(page.get_by_role("combobox", name="Ending")).to_have_value("31 Mar 2024")
    expect(page.get_by_role("combobox", name="Indicator")).to_have_value(indicator)
    expect(page.get_by_role("radio", name="Sub-area")).to_have_attribute("aria-checked", "true")


def test_a_shared_link_restores_its_view(tab: Any, browser: Any, server: Server) -> None:
    """Selectboxes bound to the URL write their formatted label there (period_end=31+Mar+2024, colour_by=Sub-area):
    such a link opens the same view, and a choice made on the page goes into the link."""
    _open(tab, server.url + SHARED, 1)
    _shows_choices(tab, "London (region)", "Police share of referrals")
    _says(tab, fig.SHARED_LONDON_POLICE)
    # coloured by BCU: the legend names London's BCUs instead of verdicts
    expect(tab.locator(".js-plotly-plot .legend .traces").filter(has_text="Central West")).to_have_count(1)
    screenshot(tab, "shared-link-opened")

    _act(tab, lambda: _choose(tab, "Indicator", "Repeat rate"), 1)
    expect(tab).to_have_url(re.compile(r"[?&]indicator=Repeat\+rate(&|$)"))
    _says(tab, fig.SHARED_LONDON_REPEAT)
    _act(tab, lambda: _choose(tab, "Area", "Lancashire (police force area)"), 1)
    expect(tab).to_have_url(re.compile(r"[?&]area=Lancashire\+%28police\+force\+area%29(&|$)"))
    finding = fig.SHARED_LANCASHIRE_REPEAT
    _says(tab, finding)
    link = tab.url
    for part in ("window=Financial+year", "period_end=31+Mar+2024", "colour_by=Sub-area"):
        assert part in link, link
    screenshot(tab, "shared-link-changed")

    fresh = browser.new_context(viewport=LAPTOP)
    watch_runs(fresh)
    try:
        again = fresh.new_page()
        _open(again, link, 1)
        _shows_choices(again, "Lancashire (police force area)", "Repeat rate")
        _says(again, finding)
        _no_exception(again)
        screenshot(again, "shared-link-reopened")
    finally:
        fresh.close()


def test_the_map_draws_32_boroughs_and_a_tile_opens_its_profile(tab: Any, server: Server) -> None:
    """London's tile map: one clickable marker per borough, legend counts adding up, figures on hover, a click to the profile."""
    _open(tab, f"{server.url}/map?indicator=Repeat+rate", 1)
    _says(tab, REPEAT_FINDING)
    markers = tab.locator(".js-plotly-plot .scatterlayer .trace").last
    expect(markers.locator(".point")).to_have_count(LONDON_HELD)  # every London MARAC of the registry, returns or not
    legend = tab.locator(".js-plotly-plot .legend .traces")
    silent = LONDON_HELD - LONDON_SENT  # the City of London, a MARAC of the shipped registry the demo sends nothing for
    below, within, above = fig.MAP_REPEAT_LEGEND
    expect(legend).to_have_text(
        [
            f"▼ below the expected range ({below})",
            f"● within the expected range ({within})",
            f"▲ above the expected range ({above})",
            *([f"no figures for this period ({silent})"] if silent else []),
        ]
    )
    counts = [int(re.search(r"\((\d+)\)$", text).group(1)) for text in legend.all_text_contents()]
    assert sum(counts) == LONDON_HELD
    labels = markers.locator(".textpoint").all_text_contents()
    assert fig.MAP_BOROUGH_LABEL in labels, labels
    # the verdicts whose 95% interval reaches a range bound are marked, and the legend says what the mark means
    assert sum(label.endswith("*") for label in labels) == fig.MAP_REPEAT_STARRED, labels
    expect(tab.locator(".js-plotly-plot .legend .legendtitletext")).to_contain_text("* could be chance")
    x, y = hover_centre(tab, markers.locator(".point").nth(labels.index(fig.MAP_BOROUGH_LABEL)))
    expect(tab.locator(HOVER)).to_have_count(1)
    assert hover_lines(tab) == fig.MAP_BOROUGH_HOVER
    screenshot(tab, "map-hover", whole=False)

    _act(tab, lambda: tab.mouse.click(x, y), 1)
    borough = quote_plus(fig.MAP_BOROUGH)
    expect(tab).to_have_url(re.compile(rf"/borough_profile\?marac={borough}&profile_indicator=Repeat\+rate(&|$)"))
    expect(tab.get_by_text(f"{fig.MAP_BOROUGH} · {fig.MAP_BOROUGH_BCU} BCU · London").first).to_be_visible()
    expect(_metric(tab, "Cases discussed").get_by_test_id("stMetricValue")).to_have_text([fig.MAP_BOROUGH_CASES])
    expect(_metric(tab, "Repeat rate").get_by_test_id("stMetricValue")).to_have_text([fig.MAP_BOROUGH_REPEAT_RATE])
    _no_exception(tab)
    screenshot(tab, "map-opened-profile")


def _presenting(page: Any) -> None:
    expect(page.get_by_role("button", name="Leave")).to_be_visible()
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()


@pytest.mark.parametrize("tab", [PROJECTOR], indirect=True, ids=["1920x1080"])
def test_presentation_mode_steps_through_indicators_with_the_arrow_keys(tab: Any, server: Server) -> None:
    """A link with ?present=true opens the projector view without the sidebar; → and ← step the indicator (into the
    URL and the key finding); Esc leaves it, sidebar and all."""
    _open(tab, f"{server.url}/regional_comparison?present=true", 1)
    _presenting(tab)
    _says(tab, VOLUME_FINDING)
    screenshot(tab, "presentation-mode-1920x1080", whole=False)

    _act(tab, lambda: tab.keyboard.press("ArrowRight"), 1)
    expect(tab).to_have_url(re.compile(r"[?&]indicator=Repeat\+rate(&|$)"))
    _says(tab, REPEAT_FINDING)
    expect(tab.locator(".js-plotly-plot .gtitle")).to_have_text([re.compile(r"^Repeat rate")])
    _presenting(tab)
    screenshot(tab, "presentation-mode-right-1920x1080", whole=False)

    _act(tab, lambda: tab.keyboard.press("ArrowRight"), 1)
    expect(tab).to_have_url(re.compile(r"[?&]indicator=Police\+share\+of\+referrals(&|$)"))
    _says(tab, re.compile("^" + re.escape(POLICE_FINDING)))

    _act(tab, lambda: tab.keyboard.press("ArrowLeft"), 1)
    expect(tab).to_have_url(re.compile(r"[?&]indicator=Repeat\+rate(&|$)"))
    _says(tab, REPEAT_FINDING)

    _act(tab, lambda: tab.keyboard.press("Escape"), 1)
    expect(tab).not_to_have_url(re.compile(r"present=true"))
    expect(tab.get_by_role("button", name="Leave")).to_have_count(0)
    expect(tab.get_by_role("heading", name="Regional comparison", level=1)).to_be_visible()
    expect(tab.get_by_role("combobox", name="Indicator")).to_have_value("Repeat rate")
    _says(tab, REPEAT_FINDING)
    expect(tab.get_by_test_id("stSidebar")).to_be_visible()  # open again, not left collapsed
    expect(tab.get_by_role("switch", name="Presentation mode")).not_to_be_checked()
    _no_exception(tab)
    screenshot(tab, "presentation-mode-after-esc", whole=False)


#: the printable area of A4 landscape inside 10 mm margins, in CSS pixels (96 to the inch): 277 x 190 mm
A4_LANDSCAPE = {"width": 1047, "height": 715}


@pytest.mark.parametrize("tab", [{"width": 1600, "height": 1000}], indirect=True, ids=["1600x1000"])
def test_printing_a_page_gives_its_content_with_the_chart_whole(tab: Any, server: Server) -> None:
    """The browser's print used to include the sidebar, crop the chart and split it across pages: printed, the page is
    its content only, the ranked chart of every London MARAC inside one A4 landscape page with every name on it."""
    _open(tab, f"{server.url}/regional_comparison", 1)
    pdf = tab.pdf(prefer_css_page_size=True, print_background=True)
    assert pdf.startswith(b"%PDF")
    (artifacts_dir() / "print-regional-comparison.pdf").write_bytes(pdf)
    tab.emulate_media(media="print")
    tab.set_viewport_size(A4_LANDSCAPE)
    tab.wait_for_timeout(1000)  # the chart follows its narrower container
    expect(tab.get_by_test_id("stSidebar")).to_be_hidden()
    chart = tab.locator(".js-plotly-plot .main-svg").first.bounding_box()
    assert chart["x"] >= 0 and chart["x"] + chart["width"] <= A4_LANDSCAPE["width"], chart
    assert chart["height"] <= A4_LANDSCAPE["height"], chart  # whole on one page, not split across two
    assert tab.locator(DRAWN).first.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
    names = tab.locator(".js-plotly-plot").first.locator(".yaxislayer-above .ytick").all_text_contents()
    assert len(set(names) - {""}) == LONDON_SENT, names  # every MARAC still named
    for button in tab.get_by_test_id("stDownloadButton").all():
        expect(button).to_be_hidden()
    screenshot(tab, "print-regional-comparison")


#: the screens a steering group presents on: an old projector, the commonest one, and full HD
SCREENS = {
    "1024x768": {"width": 1024, "height": 768},
    "1280x720": {"width": 1280, "height": 720},
    "1920x1080": PROJECTOR,
}
#: the pages whose lead chart fills a presented screen (the others present as a full page in larger type)
PRESENTED = ["regional_comparison", "map", "referrer_mix", "equality", "trends"]
#: the smallest type on a presented chart (32 ranked boroughs in a 1280x720 screen) and in its header
CHART_TYPE, HEADER_TYPE = 8, 14


@pytest.mark.parametrize("screen", list(SCREENS))
def test_presentation_mode_fits_each_screen_with_nothing_overlapping(browser: Any, server: Server, screen: str) -> None:
    """At 1024x768, 1280x720 and 1920x1080 the lead chart fits the window's height below a one-line header; no two
    pieces of text of the header or the chart overlap (stamp, title, legend, labels, buttons), none is cut at the
    window's edge, and none is smaller than the floor. Each is kept as a screenshot."""
    width, height = SCREENS[screen]["width"], SCREENS[screen]["height"]
    context = browser.new_context(viewport=SCREENS[screen])
    watch_runs(context)
    try:
        page = context.new_page()
        page.set_default_timeout(WAIT)
        for name in PRESENTED:
            _open(page, f"{server.url}/{name}?present=true", 1)
            _presenting(page)
            drawn = text_boxes(page)
            screenshot(page, f"presentation-{name}-{screen}", whole=False)
            chart, boxes = drawn["chart"], drawn["boxes"]
            assert chart["y"] >= 0 and chart["y"] + chart["h"] <= height + 1, (name, chart)  # the whole chart shows
            assert chart["h"] >= height * 0.6, (name, chart)  # and takes most of the screen
            header = [b for b in boxes if b["kind"] == "header"]
            steps = () if name == "referrer_mix" else ("Previous", "Next")  # it has no indicator to step through
            for part in ("Leave", "Synthetic demo data", "Choices", *steps):
                assert any(part in b["text"] for b in header), (name, part, header)
            # one line: every piece of the header shares the first row, above the chart and its finding
            assert max(b["y"] + b["h"] for b in header) < 70 and min(b["y"] for b in header) >= 0, (name, header)
            assert not overlapping(boxes), (name, overlapping(boxes))
            outside = [
                b["text"] for b in boxes if b["x"] < -1 or b["x"] + b["w"] > width + 1 or b["y"] + b["h"] > height + 1
            ]
            assert not outside, (name, outside)  # no label cut at the window's edge
            small = [
                (b["text"], b["size"])
                for b in boxes
                if b["size"] < (HEADER_TYPE if b["kind"] == "header" else CHART_TYPE)
            ]
            assert not small, (name, small)
            cut = [b["text"] for b in boxes if b["clipped"]]
            assert not cut, (name, cut)  # "← Pre…" and "Ch…" were cut
            _no_exception(page)
    finally:
        context.close()


@pytest.mark.parametrize("tab", [SCREENS["1280x720"]], indirect=True, ids=["1280x720"])
def test_every_page_is_saved_presented_at_1280x720_and_headline_figures_lead(tab: Any, server: Server) -> None:
    """A screenshot of every page in presentation mode at the commonest projector's size; on the overview, whose
    headline figures are its tiles, they are the largest type on the screen."""
    for spec in PAGES:
        _open(tab, f"{server.url}/{spec.url_path}?present=true", spec.charts)
        _presenting(tab)
        _no_exception(tab)
        screenshot(tab, f"presentation-{spec.path}-1280x720", whole=False)
    _open(tab, f"{server.url}/?present=true", PAGES[0].charts)
    sizes = tab.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stMain"] *')]
             .filter((e) => e.childElementCount === 0 && e.textContent.trim() && e.getBoundingClientRect().height)
             .map((e) => [e.closest('[data-testid="stMetricValue"]') !== null, parseFloat(getComputedStyle(e).fontSize)])"""
    )
    headline = min(size for metric, size in sizes if metric)
    others = max(size for metric, size in sizes if not metric)
    assert headline > others, (headline, others)


#: views whose tables must fit 1280 px without scrolling across (half a matrix, a profile's comparators a group at a
#: time): each a URL, as an agenda link opens it
FITTING = {
    "overview volume": "/?overview_show_totals=true",
    "overview victims": "/?overview_maracs=Victims%2Fsurvivors&overview_show_totals=true&overview_totals=Victims%2Fsurvivors",
    "matrix volume": "/regional_comparison?comparison_view=Matrix%3A+every+MARAC%2C+every+indicator",
    "matrix victims": "/regional_comparison?comparison_view=Matrix%3A+every+MARAC%2C+every+indicator"
    "&matrix_part=Victims%2Fsurvivors",
    "subtotals volume": "/regional_comparison?comparison_view=BCU+and+London+subtotals",
    "subtotals victims": "/regional_comparison?comparison_view=BCU+and+London+subtotals&subtotals_part=Victims%2Fsurvivors",
    "profile area": "/borough_profile",
    "profile wider": "/borough_profile?profile_compare=Wider+areas+and+all+MARACs",
    "profile national": "/borough_profile?profile_compare=England+and+UK",
    "how sure (overview)": "/?overview_chart=How+sure+is+each+verdict%3F",
    "how sure (profile)": "/borough_profile?profile_certainty=true",
    "what changed": "/what_changed",
    "referrals change": "/referrer_mix?referrer_tab=Change+on+a+year+earlier",
    "referrals by agency": "/referrer_mix?referrer_tab=Every+agency",
    "ranges met": "/equality?equality_view=How+many+MARACs+meet+each+range",
    "trends figures": "/trends?trends_view=The+figures+behind+it",
    "submissions": "/data_quality",
    "national volume": "/national_picture?national_view=Table",
    "national as published": "/national_picture?national_view=Table&national_columns=As+SafeLives+published",
    "national repeats": "/national_picture?national_view=Table&national_columns=Repeats",
    "definitions": "/definitions",
}

#: each visible table's own width and the width of what it holds (its grid scrolls across when the second is larger)
TABLE_WIDTHS = """() => [...document.querySelectorAll('[data-testid="stDataFrame"]')]
  .filter((table) => table.offsetParent !== null)
  .map((table) => { const grid = table.querySelector('.dvn-scroller');
    return {shown: grid.clientWidth, holds: grid.scrollWidth}; })"""


@pytest.mark.parametrize("tab", [SCREENS["1280x720"]], indirect=True, ids=["1280x720"])
def test_wide_tables_fit_1280_px_without_scrolling_across(tab: Any, server: Server) -> None:
    """At the commonest laptop and projector width, beside the sidebar, each of these tables shows every column it
    holds: none scrolls across to the figures a meeting came for (the overview's was 1,519 px, the matrix 1,893, the
    profile 1,710 before)."""
    wide = {}
    for view, path in FITTING.items():
        tab.goto(f"{server.url}{path}")
        finished_after(tab, 0)
        expect(tab.get_by_test_id("stDataFrame").first).to_be_visible()
        _no_exception(tab)
        tables = tab.evaluate(TABLE_WIDTHS)
        assert tables, view
        screenshot(tab, f"fits-1280/{_safe(view)}", whole=False)
        wide.update({f"{view} #{i}": t for i, t in enumerate(tables) if t["holds"] > t["shown"] + 1})
    assert not wide, wide


@pytest.mark.parametrize("tab", [SCREENS["1280x720"]], indirect=True, ids=["1280x720"])
def test_a_checked_problem_selected_at_1280_px_is_said_whole(tab: Any, server: Server) -> None:
    """Check a return at 1280 px: the problem and how to fix it are beside the severity, and selecting one says it
    whole under the table (a long warning is cut in its cell). The demo database only checks; nothing is committed."""
    bad = ROOT / "tests" / "data" / "bad" / "bad-date.csv"
    tab.goto(f"{server.url}/check_return")
    finished_after(tab, 0)
    runs = runs_so_far(tab)
    tab.get_by_test_id("stFileUploader").locator("input[type='file']").set_input_files([str(bad)])
    finished_after(tab, runs)
    report = tab.get_by_test_id("stDataFrame").nth(1)  # after the table of files and their outcomes
    expect(report).to_be_visible()
    report.scroll_into_view_if_needed()
    box = report.bounding_box()
    _act(tab, lambda: tab.mouse.click(box["x"] + 17, box["y"] + 54), 0)  # the first row's selection box
    said = tab.get_by_test_id("stMarkdown").filter(has_text="How to fix: expected a date as dd/mm/yyyy or yyyy-mm-dd.")
    expect(said).to_have_count(1)
    expect(said).to_contain_text('✗ Error (blocks the file) in bad-date.csv, row 3, column "meeting_date"')
    screenshot(tab, "fits-1280/check-a-return-selected", whole=False)
