"""Sign-in and roles in headless Chromium, against a real OpenID Connect provider (issue 16, section 3).

The provider is `oidc-provider-mock` on 127.0.0.1 with one predefined user a role (tests/helpers/sign_in.py), and the
dashboard is `marac serve --config marac.toml` on a real database (the hand-worked fixture: London's registry and
Hackney's and Tower Hamlets' 2020-21 returns; not the demo, which refuses commits), its people given roles with
`marac users add`. Each test signs in as a person does, through the provider's own authorisation page, in a fresh
browser context, and checks what that role is offered and refused.

One provider and one server serve the module, with ID tokens lasting an hour, so no test races the clock; the
expiry test starts its own pair whose tokens last `EXPIRY` seconds, because a module-wide short lifetime would have
every other test fit inside it on a loaded machine, or sign in again halfway.

Every test leaves a PNG of each of its pages under $MARAC_TEST_ARTIFACTS/sign-in (default test-artifacts/); a failing
test also prints the server's log from its run.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from loaders.demo import write_return
from marac_cli.workers import COOKIE as WORKER_COOKIE
from tests.helpers import fixture_db
from tests.helpers.browser import (
    HAVE_CHROMIUM,
    SETTLED,
    WAIT,
    Server,
    chromium,
    screenshot,
    warm_up_line,
    warm_ups_done,
)
from tests.helpers.sign_in import (
    ADMIN,
    ANALYST,
    CONTACT,
    HACKNEY,
    HACKNEY_COORDINATOR,
    ISLINGTON,
    NOBODY,
    PEOPLE,
    VIEWER,
    Person,
    Provider,
    add_people,
    database_with_people,
    providing,
    serving_signed_in,
    sign_in,
)

playwright = pytest.importorskip("playwright.sync_api")
PlaywrightTimeout = playwright.TimeoutError
pytestmark = pytest.mark.skipif(not HAVE_CHROMIUM, reason="Debian chromium is not installed")
expect = playwright.expect
expect.set_options(timeout=WAIT)

LAPTOP = {"width": 1400, "height": 1000}
#: seconds an ID token lasts in the expiry test
EXPIRY = 15
#: every page each signed-in role is offered, as app.py titles them
FIGURE_PAGES = [
    "Regional overview",
    "Regional comparison",
    "Map",
    "Referrer mix",
    "Equality",
    "Trends",
    "What changed",
    "Borough profile",
    "Board pack",
    "National picture",
]
SEEING = [*FIGURE_PAGES, "Data quality", "Definitions"]
CHECK = "Check a return"
USERS = "Users"
#: the quarter the coordinator's upload is for: 2021-22 Q1, after every quarter the fixture holds
NEW_MEETING = date(2021, 5, 11)
CHARTS = "[data-testid='stPlotlyChart']"
METRICS = "[data-testid='stMetric']"
NAV = "[data-testid='stSidebarNav']"


# ------------------------------------------------------------------ the provider, the database and the server


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    try:
        with providing(tmp_path_factory.mktemp("provider") / "provider.log", token_max_age=3600) as running:
            yield running
    except RuntimeError as problem:
        pytest.fail(str(problem))


@pytest.fixture(scope="module")
def people_db(fixture_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture database with every person's role, given with `marac users add`."""
    return database_with_people(fixture_db, tmp_path_factory.mktemp("people"))


@pytest.fixture(scope="module")
def app(people_db: Path, provider: Provider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One signed-in dashboard for the module (tests that write to its database add quarters no other test reads)."""
    try:
        with serving_signed_in(people_db, provider, tmp_path_factory.mktemp("app")) as running:
            yield running
    except RuntimeError as problem:  # did not start: fail with its log
        pytest.fail(str(problem))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as running:
        yield running


Opener = Callable[[], Any]


@pytest.fixture
def new_page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Opener]:
    """Pages, each in a fresh browser context (its own cookies: nobody is signed in). Each page's last state is kept as
    a PNG; the logs of the servers a test names through `log_of` are printed, which pytest shows only on failure."""
    opened: list[tuple[Any, Any]] = []

    def opener() -> Any:
        context = browser.new_context(viewport=LAPTOP)
        page = context.new_page()
        page.set_default_timeout(WAIT)
        opened.append((context, page))
        return page

    yield opener
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
    for n, (context, page) in enumerate(opened, start=1):
        try:
            screenshot(page, f"sign-in/{name}-{n}", whole=False)
        finally:
            context.close()


@pytest.fixture
def app_log(app: Server) -> Iterator[None]:
    """The server's log from this test, printed (pytest shows it only when the test fails)."""
    start = app.log_size()
    yield
    print(f"server log during the test:\n{app.log_text(start)}")


# ------------------------------------------------------------------ which worker a session is on


def pin_to_workers(app: Server, *pages: Any) -> list[str | None]:
    """With several workers, put the n-th page's session on worker n by giving it HAProxy's cookie before its first
    request (as a browser sent there before would have); the workers pinned (None each when one server serves)."""
    if app.workers < 2:
        return [None] * len(pages)
    names = [f"w{n % app.workers + 1}" for n in range(len(pages))]
    for page, name in zip(pages, names, strict=True):
        page.context.add_cookies([{"name": WORKER_COOKIE, "value": name, "url": app.url}])
    return names


def worker_of(page: Any) -> str | None:
    """The worker HAProxy keeps this page's session on (its cookie), None when there is no proxy."""
    values = [c["value"] for c in page.context.cookies() if c["name"] == WORKER_COOKIE]
    return values[0] if values else None


# ------------------------------------------------------------------ what a page shows


def settled(page: Any) -> None:
    page.wait_for_selector(SETTLED, timeout=WAIT)


def shown(text: str) -> str:
    """A pattern for `text` as a page shows it: an address has an invisible word joiner (U+2060) before its "@", which
    reporting.markup puts there so Streamlit cannot turn it into a link."""
    return re.escape(text).replace("@", "\u2060?@")


def nav_links(page: Any) -> list[str]:
    """The names of the pages the sidebar offers, every one (Streamlit folds a long list behind "View N more")."""
    more = page.get_by_test_id("stSidebarNavViewButton")
    if more.count() and re.fullmatch(r"View \d+ more", more.inner_text().strip()):
        more.click()
        expect(more).to_have_text("View less")
    return [text.strip() for text in page.locator(f"{NAV} a").all_inner_texts()]


def expected_links(person: Person) -> list[str]:
    """Every role sees every figure page, Data quality and Definitions; coordinators and admins check returns, and
    admins alone have the Users page."""
    return SEEING + ([CHECK] if person.role in ("coordinator", "admin") else []) + ([USERS] if person is ADMIN else [])


def signed_in_sidebar(page: Any, person: Person) -> None:
    """The sidebar names who is signed in and offers a way out."""
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text(re.compile(rf"^Signed in as {shown(person.email)} \({person.role}"))).to_be_visible()
    expect(sidebar.get_by_role("button", name="Sign out")).to_be_visible()


def nothing_shown(page: Any, links: bool = True) -> None:
    """No figures and no way to any page: what everyone without a role's rights sees (`links`: page links too)."""
    if links:
        expect(page.locator(NAV)).to_have_count(0)
    expect(page.locator(CHARTS)).to_have_count(0)
    expect(page.locator(METRICS)).to_have_count(0)
    expect(page.get_by_test_id("stFileUploader")).to_have_count(0)
    expect(page.get_by_role("heading", name="Regional overview", exact=True)).to_have_count(0)
    expect(page.get_by_test_id("stException")).to_have_count(0)


def open_page(page: Any, title: str) -> None:
    """Click another page's link in the sidebar, as a person does, and wait for its run to finish: its heading is drawn
    during the run, so once it shows, the app is still running or done. (watch_runs' count of runs missed some here,
    so the wait is on what the page shows.)"""
    nav_links(page)
    page.locator(f"{NAV} a").filter(has_text=re.compile(rf"^\s*{re.escape(title)}\s*$")).click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    settled(page)


def grid(page: Any, index: int) -> list[dict[str, str]]:
    """The rows of the page's `index`-th table, by column name. Streamlit draws tables on a canvas; the cells' text is
    in the table it keeps inside the canvas for screen readers."""
    table = page.get_by_test_id("stDataFrame").nth(index)
    expect(table.locator("table[role='grid'] td").first).to_be_attached()
    return table.evaluate("""(frame) => {
        const grid = frame.querySelector("table[role='grid']");
        const names = [...grid.querySelectorAll('thead th')].map((th) => th.textContent);
        return [...grid.querySelectorAll('tbody tr')].map((tr) =>
            Object.fromEntries([...tr.querySelectorAll('td')].map((td, i) => [names[i], td.textContent])));
    }""")


def load_log(db: Path) -> list[dict[str, Any]]:
    """The database's load_log, read as `marac log` does (read only, beside the running server)."""
    with duckdb.connect(str(db), read_only=True) as conn:
        cursor = conn.execute("SELECT load_id, file_name, outcome, loaded_by, maracs, quarters FROM load_log")
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def meetings_for(db: Path, code: str) -> int:
    with duckdb.connect(str(db), read_only=True) as conn:
        return int(conn.execute("SELECT count(*) FROM meeting WHERE marac_code = ?", [code]).fetchone()[0])


# ------------------------------------------------------------------ signed out


def test_signed_out_sees_only_sign_in_and_signs_in_through_the_provider(
    app: Server, provider: Provider, new_page: Opener, app_log: None
) -> None:
    page = new_page()
    for path in ("", "/check_return", "/data_quality"):  # a page's own URL shows no more than the root
        page.goto(f"{app.url}{path}")
        settled(page)
        expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
        nothing_shown(page)

    page.goto(app.url)
    settled(page)
    page.route("https://cdn.jsdelivr.net/**", lambda route: route.abort())
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(f"{provider.url}/**")  # the provider's own authorisation page, not the dashboard's
    expect(page.get_by_text("Client ID: marac-test")).to_be_visible()
    predefined = page.get_by_role("form", name="Authenticate predefined users")
    expect(predefined.get_by_role("button")).to_have_text([person.sub for person in PEOPLE])
    predefined.get_by_role("button", name=VIEWER.sub, exact=True).click()
    page.wait_for_url(f"{app.url}/**")
    settled(page)
    signed_in_sidebar(page, VIEWER)
    expect(page.get_by_role("heading", name="Regional overview", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_have_count(0)


# ------------------------------------------------------------------ what each role is offered


@pytest.mark.parametrize("person", [VIEWER, ANALYST, HACKNEY_COORDINATOR, ADMIN], ids=lambda p: p.role)
def test_each_role_is_offered_its_own_pages(app: Server, new_page: Opener, app_log: None, person: Person) -> None:
    page = new_page()
    sign_in(page, app.url, person.sub)
    signed_in_sidebar(page, person)
    links = nav_links(page)
    assert sorted(links) == sorted(expected_links(person))
    assert links[: len(FIGURE_PAGES)] == FIGURE_PAGES  # the figure pages first, in app.py's order


def test_an_admin_sees_who_holds_which_role(app: Server, new_page: Opener, app_log: None) -> None:
    page = new_page()
    sign_in(page, app.url, ADMIN.sub)
    open_page(page, USERS)
    roles = {row["User"]: (row["Role"], row["MARACs"]) for row in grid(page, 0)}
    assert roles == {
        "admin@example.org": ("admin", ""),
        "hackney@example.org": ("coordinator", "Hackney"),
        "islington@example.org": ("coordinator", "Islington"),
        "viewer@example.org": ("viewer", ""),
        "analyst@example.org": ("analyst", ""),
    }


def test_a_viewer_has_who_they_are_and_sign_out_on_every_page(app: Server, new_page: Opener, app_log: None) -> None:
    page = new_page()
    sign_in(page, app.url, VIEWER.sub)  # on the first page, whose link does nothing when clicked
    expect(page.get_by_role("heading", name=SEEING[0], level=1)).to_be_visible()
    signed_in_sidebar(page, VIEWER)
    for title in SEEING[1:]:
        open_page(page, title)
        signed_in_sidebar(page, VIEWER)
        expect(page.get_by_test_id("stException")).to_have_count(0)


@pytest.mark.parametrize(
    ("person", "path", "title"),
    [
        (VIEWER, "check_return", CHECK),
        (ANALYST, "check_return", CHECK),
        (VIEWER, "users", USERS),
        (HACKNEY_COORDINATOR, "users", USERS),
    ],
    ids=["viewer-check_return", "analyst-check_return", "viewer-users", "coordinator-users"],
)
def test_a_page_not_in_the_role_is_refused_by_url(
    app: Server, new_page: Opener, app_log: None, person: Person, path: str, title: str
) -> None:
    page = new_page()
    sign_in(page, app.url, person.sub)
    page.goto(f"{app.url}/{path}")
    settled(page)
    expect(page.get_by_role("heading", name="Not open to your role", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name=title, exact=True)).to_have_count(0)
    expect(page.get_by_test_id("stFileUploader")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^Commit"))).to_have_count(0)
    expect(page.get_by_test_id("stDataFrame")).to_have_count(0)  # no table of users either
    signed_in_sidebar(page, person)
    assert title not in nav_links(page)


def test_a_viewer_sees_no_history_of_cell_changes(app: Server, new_page: Opener, app_log: None) -> None:
    """Published figures only, as --restricted shows them: Data quality's History is absent or says it is not shown."""
    page = new_page()
    sign_in(page, app.url, VIEWER.sub)
    open_page(page, "Data quality")
    history = page.get_by_role("tab", name="History")
    if history.count():
        history.click()
        expect(page.get_by_text(re.compile(r"^Return history .*not shown in this view"))).to_be_visible()
    expect(page.get_by_role("combobox", name="Quarter")).to_have_count(0)  # no version to choose

    analyst = new_page()  # against an analyst's, which has the versions
    sign_in(analyst, app.url, ANALYST.sub)
    open_page(analyst, "Data quality")
    analyst.get_by_role("tab", name="History").click()
    expect(analyst.get_by_role("combobox", name="Quarter")).to_be_visible()
    expect(analyst.get_by_text(re.compile(r"^Return history .*not shown"))).to_have_count(0)


# ------------------------------------------------------------------ a coordinator commits their own returns only


def test_a_coordinator_commits_their_own_marac_and_is_refused_another(
    app: Server, people_db: Path, new_page: Opener, app_log: None, tmp_path: Path
) -> None:
    hackney = write_return(
        tmp_path / "hackney_2021-22_q1.csv", [fixture_db.meeting(HACKNEY, NEW_MEETING, **fixture_db.HACKNEY)]
    )
    islington = write_return(
        tmp_path / "islington_2021-22_q1.csv", [fixture_db.meeting(ISLINGTON, NEW_MEETING, **fixture_db.HACKNEY)]
    )
    before = {row["load_id"] for row in load_log(people_db)}
    assert meetings_for(people_db, ISLINGTON) == 0

    page = new_page()
    sign_in(page, app.url, HACKNEY_COORDINATOR.sub)
    open_page(page, CHECK)
    signed_in_sidebar(page, HACKNEY_COORDINATOR)
    page.get_by_test_id("stFileUploader").locator("input[type='file']").set_input_files([str(hackney), str(islington)])
    expect(page.get_by_role("heading", name="Commit", exact=True)).to_be_visible()
    settled(page)

    files = {row["File"]: row["Outcome"] for row in grid(page, 0)}
    assert files["hackney_2021-22_q1.csv"] == "✓ would load"
    assert files["islington_2021-22_q1.csv"].startswith("✗ refused")
    problems = grid(page, 1)
    assert any("Islington" in row.get("Problem", "") for row in problems), problems  # refused by name
    errors = [row for row in problems if row["Severity"].startswith("✗")]
    assert errors and {row["File"] for row in errors} == {"islington_2021-22_q1.csv"}, problems

    expect(page.get_by_role("textbox", name="Your name")).to_have_count(0)  # the identity is the signed-in one
    expect(
        page.get_by_text(re.compile(rf"^Committing as {shown(HACKNEY_COORDINATOR.email)} \(signed in"))
    ).to_be_visible()
    commit = page.get_by_role("button", name="Commit 1 file(s)")
    expect(commit).to_be_enabled()
    commit.click()
    expect(
        page.get_by_text(re.compile(rf"^Committed by {shown(HACKNEY_COORDINATOR.email)} at .*hackney_2021-22_q1\.csv"))
    ).to_be_visible()
    settled(page)

    added = [row for row in load_log(people_db) if row["load_id"] not in before]
    loaded = [row for row in added if row["outcome"] == "loaded"]
    assert [(r["file_name"], r["loaded_by"], r["maracs"]) for r in loaded] == [
        ("hackney_2021-22_q1.csv", "hackney@example.org", HACKNEY)
    ]
    islington_rows = [row for row in added if row["file_name"] == "islington_2021-22_q1.csv"]
    assert all(row["outcome"] == "refused" for row in islington_rows), islington_rows
    assert meetings_for(people_db, ISLINGTON) == 0

    # Data quality's History names who sent the new version: the signed-in identity
    open_page(page, "Data quality")
    page.get_by_role("tab", name="History").click()
    version = page.get_by_text(
        re.compile(rf"^Load \d+ \(held now\) — .* by {shown(HACKNEY_COORDINATOR.email)}: hackney_2021-22_q1\.csv")
    )
    expect(version).to_be_visible()


def test_an_islington_return_alone_cannot_be_committed_by_hackney(
    app: Server, people_db: Path, new_page: Opener, app_log: None, tmp_path: Path
) -> None:
    islington = write_return(
        tmp_path / "islington_2021-22_q2.csv", [fixture_db.meeting(ISLINGTON, date(2021, 8, 10), **fixture_db.HACKNEY)]
    )
    page = new_page()
    sign_in(page, app.url, HACKNEY_COORDINATOR.sub)
    page.goto(f"{app.url}/check_return")
    settled(page)
    page.get_by_test_id("stFileUploader").locator("input[type='file']").set_input_files([str(islington)])
    expect(page.get_by_role("heading", name="Commit", exact=True)).to_be_visible()
    settled(page)
    assert grid(page, 0)[0]["Outcome"].startswith("✗ refused")
    assert any("Islington" in row.get("Problem", "") for row in grid(page, 1))
    expect(page.get_by_role("button", name=re.compile(r"^Commit \d+ file"))).to_be_disabled()
    assert meetings_for(people_db, ISLINGTON) == 0


# ------------------------------------------------------------------ no role, sign out


def test_a_person_with_no_role_sees_only_who_to_ask(app: Server, new_page: Opener, app_log: None) -> None:
    page = new_page()
    sign_in(page, app.url, NOBODY.sub)
    for path in ("", "/check_return", "/trends"):
        page.goto(f"{app.url}{path}")
        settled(page)
        expect(page.get_by_role("heading", name="You have no role on this dashboard yet")).to_be_visible()
        says = page.get_by_test_id("stMain").get_by_text(re.compile(rf"signed in as {shown(NOBODY.email)}\b"))
        expect(says).to_be_visible()
        expect(says).to_contain_text(re.compile(shown(CONTACT)))
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        nothing_shown(page)


def test_sign_out_ends_the_session(app: Server, provider: Provider, new_page: Opener, app_log: None) -> None:
    page = new_page()
    sign_in(page, app.url, ANALYST.sub)
    signed_in_sidebar(page, ANALYST)
    page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
    # either the provider's end-session page, which sends the browser back, or the dashboard's own Sign in. The
    # dashboard can show its Sign in for a moment before the browser is sent to the provider (the run that clears the
    # session ends first), so a Sign in seen at once is not the end: wait for the provider's page a while first
    end_session = page.get_by_role("heading", name="End Session", exact=True)
    sign_in_button = page.get_by_role("button", name="Sign in", exact=True)
    try:
        end_session.wait_for(timeout=15_000)
    except PlaywrightTimeout:
        expect(sign_in_button).to_be_visible()
    if end_session.is_visible():
        assert page.url.startswith(f"{provider.url}/oauth2/end_session"), page.url
        page.get_by_role("button", name="End session", exact=True).click()
        page.wait_for_url(f"{app.url}/**")
        expect(sign_in_button).to_be_visible()
    page.goto(app.url)
    settled(page)
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    nothing_shown(page)


# ------------------------------------------------------------------ a sign-in ends with its ID token


def test_an_expired_sign_in_is_signed_out(fixture_db: Path, new_page: Opener, tmp_path: Path) -> None:
    db = tmp_path / "expiry.duckdb"
    db.write_bytes(fixture_db.read_bytes())
    add_people(db, (VIEWER,))
    try:
        with (
            providing(tmp_path / "provider.log", token_max_age=EXPIRY) as short,
            serving_signed_in(db, short, tmp_path / "app") as server,
        ):
            page = new_page()
            try:
                warm_up_line(server)  # signing in while the server runs every page once would eat into the token
                sign_in(page, server.url, VIEWER.sub)
                signed = time.time()
                signed_in_sidebar(page, VIEWER)  # the token has not ended yet: signed in as usual
                # the token was issued before `signed`; nothing on the page changes when it ends, so wait for the clock
                time.sleep(max(0.0, signed + EXPIRY + 1 - time.time()))
                # the next interaction after the end: a click on a page link, in the same session
                page.locator(f"{NAV} a").filter(has_text=re.compile(r"^\s*Definitions\s*$")).click()
                expect(page.get_by_role("heading", name="Your sign-in has ended", exact=True)).to_be_visible()
                settled(page)
                _ended(page, links=False)
                stale = page.locator(f"{NAV} a").all_inner_texts()  # asserted last, so the rest is tested regardless
                page.reload()
                settled(page)
                _ended(page)
                page.route("https://cdn.jsdelivr.net/**", lambda route: route.abort())
                page.get_by_role("button", name="Sign in again").click()
                page.wait_for_url(f"{short.url}/**")
                page.get_by_role("form", name="Authenticate predefined users").get_by_role(
                    "button", name=VIEWER.sub, exact=True
                ).click()
                page.wait_for_url(f"{server.url}/**")
                settled(page)
                signed_in_sidebar(page, VIEWER)
                # the page whose sign-in ended offers no pages either (they would each show only that it ended)
                assert stale == [], f"the sidebar still lists pages after the sign-in ended: {stale}"
            finally:  # the page as it stood while its server still ran, and the server's log (shown on failure)
                screenshot(page, "sign-in/test_an_expired_sign_in_is_signed_out-before-stopping", whole=False)
                print(f"server log:\n{server.log_text()}")
    except RuntimeError as problem:  # the provider or the server did not start: fail with its log
        pytest.fail(str(problem))


def _ended(page: Any, links: bool = True) -> None:
    """The page says the sign-in ended and offers to sign in again, and shows nothing else (`links`: nor page links)."""
    expect(page.get_by_role("heading", name="Your sign-in has ended", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Sign in again", exact=True)).to_be_visible()
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    nothing_shown(page, links=links)


# ------------------------------------------------------------------ a load while people are signed in


def test_a_load_while_people_are_signed_in_fails_nobodys_page(
    app: Server, people_db: Path, new_page: Opener, app_log: None, tmp_path: Path
) -> None:
    """`marac load` swaps in a new database file under two signed-in sessions: each one's next click is still signed
    in, shows the new figures and no error, and the server warms the pages again with none."""
    viewer, analyst = new_page(), new_page()
    pinned = pin_to_workers(app, viewer, analyst)  # with workers, one session on each: the load is seen by both
    for page, person in ((viewer, VIEWER), (analyst, ANALYST)):
        sign_in(page, app.url, person.sub)
        expect(page.get_by_role("heading", name=SEEING[0], level=1)).to_be_visible()
        settled(page)
    before = [page.locator("[data-testid='stMetricValue']").first.inner_text() for page in (viewer, analyst)]
    warmed = warm_ups_done(app)
    camden = write_return(  # a MARAC no other test loads, in the newest quarter any test adds
        tmp_path / "camden_2021-22_q1.csv", [fixture_db.meeting("E09000007", date(2021, 6, 8), **fixture_db.HACKNEY)]
    )
    done = subprocess.run(
        [sys.executable, "-m", "marac_cli.main", "load", str(camden), "--db", str(people_db)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and "1 loaded" in done.stderr, done.stderr
    for page, person in ((viewer, VIEWER), (analyst, ANALYST)):
        open_page(page, "Definitions")  # the next click after the load, in the same session
        open_page(page, SEEING[0])
        signed_in_sidebar(page, person)
        expect(page.get_by_test_id("stException")).to_have_count(0)
    for page, figure in zip((viewer, analyst), before, strict=True):
        expect(page.locator("[data-testid='stMetricValue']").first).not_to_have_text(figure)
    assert [worker_of(page) for page in (viewer, analyst)] == pinned  # each stayed on its worker throughout
    line = warm_up_line(app, nth=warmed + 1)  # every worker warmed its pages again, none with an error
    assert line.group(3) == "0", line.group(0)


def test_a_coordinator_stays_signed_in_across_runs_and_workers(app: Server, new_page: Opener, app_log: None) -> None:
    """Each run of a signed-in session is still signed in; and because every worker signs cookies with the one shared
    secret, a session the proxy has to move to the other worker (its own stopped) is still signed in there."""
    page = new_page()
    pinned = pin_to_workers(app, page)
    sign_in(page, app.url, HACKNEY_COORDINATOR.sub)
    for title in (CHECK, SEEING[1], "Data quality", CHECK):
        open_page(page, title)
        signed_in_sidebar(page, HACKNEY_COORDINATOR)
    assert [worker_of(page)] == pinned
    if app.workers < 2:
        return
    page.context.add_cookies([{"name": WORKER_COOKIE, "value": "w2", "url": app.url}])  # as if w1 had stopped
    page.reload()
    settled(page)
    signed_in_sidebar(page, HACKNEY_COORDINATOR)
    open_page(page, CHECK)  # still the coordinator's page, on the other worker
    expect(page.get_by_test_id("stFileUploader")).to_have_count(1)
    assert worker_of(page) == "w2"
