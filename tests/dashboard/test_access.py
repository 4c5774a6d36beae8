"""Sign-in and roles on the server, without a browser: each state a person can be in, what each role's pages show,
and that the checks run at every run (a role removed holds from the next click; a page reached by id is refused).

The app runs under AppTest with `st.user` set as Streamlit sets it from its signed cookie (the ID token's claims), a
config file as `marac serve --config` names it, and users added with `loaders.users` on a copy of the planted
fixture database (tests/helpers/fixture_db.py: Hackney and Tower Hamlets in 2020-21, Camden's one small quarter).
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from dashboard.launch import warm_up
from loaders import users
from loaders.demo import write_return
from reporting import access_words
from reporting.markup import escape_markdown
from tests.helpers.fixture_db import meeting

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "launch" / "streamlit_app.py")
HACKNEY, ISLINGTON = "E09000012", "E09000019"
CONTACT = "the MARAC team (marac@example.org)"
TENANT = "11111111-2222-3333-4444-555555555555"


@pytest.fixture
def served(planted_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of the database with one person in each role, served with sign-in configured."""
    db = tmp_path / "served.duckdb"
    db.write_bytes(planted_db.read_bytes())
    users.add_user(db, "admin@example.org", "admin", who="test")
    users.add_user(db, "hackney@example.org", "coordinator", [HACKNEY], who="test")
    users.add_user(db, "viewer@example.org", "viewer", who="test")
    users.add_user(db, "analyst@example.org", "analyst", who="test")
    config = tmp_path / "marac.toml"
    config.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:8501/oauth2callback"\n'
        f'cookie_secret = "{"c" * 40}"\n'
        'client_id = "marac-test"\n'
        'client_secret = "not-a-secret"\n'
        'server_metadata_url = "http://127.0.0.1:9400/.well-known/openid-configuration"\n'
        'user_claim = "email"\n'
        "[auth.required_claims]\n"
        f'tid = "{TENANT}"\n'
        "[service]\n"
        f'contact = "{CONTACT}"\n'
    )
    config.chmod(0o600)
    monkeypatch.setenv("MARAC_DB", str(db))
    monkeypatch.setenv("MARAC_AUTH_CONFIG", str(config))
    monkeypatch.delenv("MARAC_VIEW", raising=False)
    return db


def person(email: str | None, *, expires_in: float = 3600, tid: str = TENANT, **claims: object) -> dict:
    """`st.user` for a signed-in person, as Streamlit builds it from the ID token."""
    now = int(time.time())
    user = {"is_logged_in": True, "iss": "http://127.0.0.1:9400", "sub": f"sub-{email}", "iat": now, "tid": tid}
    user["exp"] = int(now + expires_in)
    if email is not None:
        user["email"] = email
    return user | claims


def run_as(user: dict, page: str | None = None) -> AppTest:
    """The app as `user` sees it, on `page` (its URL path) if given, asked for by its page id as a browser's request
    does, so a page the person's navigation leaves out is asked for as a crafted request would ask for it."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.user = user
    at.run()
    if page is not None:
        at._page_hash = calc_hash(page)  # what switch_page sets, without its check that the page is offered
        at.run()
    return at


def words(at: AppTest) -> str:
    parts = [
        e.value for kind in ("title", "header", "markdown", "caption", "error", "warning", "info") for e in at.get(kind)
    ]
    return "\n".join(str(p) for p in parts)


def only_the_gate(at: AppTest) -> None:
    """Nothing but the gate's own page: no figures, tables, choices or downloads."""
    assert not at.exception
    assert not at.metric and not at.dataframe and not at.radio and not at.selectbox
    assert not at.get("download_button")


def test_a_signed_out_visitor_is_offered_only_sign_in(served: Path) -> None:
    at = run_as({})
    only_the_gate(at)
    assert [b.label for b in at.button] == ["Sign in"]
    assert access_words.SIGNED_OUT in words(at)


def test_an_ended_sign_in_shows_only_that_it_ended(served: Path) -> None:
    at = run_as(person("analyst@example.org", expires_in=-5))
    only_the_gate(at)
    assert at.header[0].value == "Your sign-in has ended"
    assert [b.label for b in at.button] == ["Sign in again", "Sign out"]


def test_a_sign_in_without_an_expiry_is_treated_as_ended(served: Path) -> None:
    user = person("analyst@example.org")
    del user["exp"]
    at = run_as(user)
    only_the_gate(at)
    assert at.header[0].value == "Your sign-in has ended"


def test_a_person_without_a_role_sees_only_who_to_ask(served: Path) -> None:
    at = run_as(person("nobody@example.org"))
    only_the_gate(at)
    assert at.header[0].value == "You have no role on this dashboard yet"
    said = words(at)
    assert escape_markdown("nobody@example.org") in said and escape_markdown(CONTACT) in said
    assert [b.label for b in at.button] == ["Sign out"]


def test_a_sign_in_from_another_tenant_is_refused_even_for_a_known_address(served: Path) -> None:
    at = run_as(person("admin@example.org", tid="99999999-2222-3333-4444-555555555555"))
    only_the_gate(at)
    assert at.header[0].value == access_words.CLAIMS_TITLE


def test_a_sign_in_missing_the_identity_claim_is_refused(served: Path) -> None:
    at = run_as(person(None))
    only_the_gate(at)
    assert at.header[0].value == access_words.CLAIMS_TITLE


def test_an_address_matches_whatever_its_case(served: Path) -> None:
    at = run_as(person("Analyst@Example.ORG"))
    assert not at.exception and at.title[0].value == "Regional overview"


def test_a_viewer_sees_the_published_figures_and_an_analyst_the_exact_ones(served: Path) -> None:
    viewer = run_as(person("viewer@example.org")).dataframe[0].value.set_index("MARAC")
    analyst = run_as(person("analyst@example.org")).dataframe[0].value.set_index("MARAC")
    # Camden's one quarter of 3 cases: exact for the analyst, rounded to 0 (test secret) for the viewer
    assert analyst.loc["Camden", "Cases"] == 3 and viewer.loc["Camden", "Cases"] == 0
    assert viewer.loc["Hackney", "Cases"] == analyst.loc["Hackney", "Cases"] == 400


def test_the_sidebar_says_who_is_signed_in_with_which_role(served: Path) -> None:
    at = run_as(person("hackney@example.org"))
    assert f"Signed in as **{escape_markdown('hackney@example.org')}** (coordinator for Hackney)." in [
        m.value for m in at.sidebar.markdown
    ]
    assert "Sign out" in [b.label for b in at.sidebar.button]


@pytest.mark.parametrize("email", ["viewer@example.org", "analyst@example.org"])
def test_check_a_return_reached_without_the_role_is_refused_by_name(served: Path, email: str) -> None:
    at = run_as(person(email), page="check_return")
    assert not at.exception
    assert at.title[0].value == "Not open to your role"
    assert "Check a return is not part of your role" in at.error[0].value
    assert not at.get("file_uploader")


def test_the_users_page_is_for_admins_only(served: Path) -> None:
    refused = run_as(person("hackney@example.org"), page="users")
    assert refused.title[0].value == "Not open to your role"
    at = run_as(person("admin@example.org"), page="users")
    assert at.title[0].value == "Users"
    listed = at.dataframe[0].value
    assert list(listed["User"]) == [
        "admin@example.org",
        "hackney@example.org",
        "analyst@example.org",
        "viewer@example.org",
    ]
    assert list(listed["MARACs"]) == ["", "Hackney", "", ""]


def a_return(tmp_path: Path, name: str, code: str) -> tuple[str, bytes, str]:
    rows = [meeting(code, date(2021, 5, 11), cases_discussed=20, referrals_police=20, victims_male=1)]
    return name, write_return(tmp_path / name, rows).read_bytes(), "text/csv"


def log_tail(db: Path, rows: int) -> list[tuple]:
    conn = duckdb.connect(str(db), read_only=True)
    try:
        return conn.execute(
            f"SELECT * FROM (SELECT load_id, file_name, outcome, loaded_by FROM load_log ORDER BY load_id DESC LIMIT "
            f"{rows}) ORDER BY load_id"
        ).fetchall()
    finally:
        conn.close()


def test_a_coordinator_commits_their_own_return_under_their_identity_and_is_refused_another(
    served: Path, tmp_path: Path
) -> None:
    at = run_as(person("hackney@example.org"), page="check_return")
    assert at.title[0].value == "Check a return"
    assert "You commit returns for Hackney." in at.info[0].value
    at.file_uploader(key="uploads").set_value(
        [
            a_return(tmp_path, "hackney 2021-22 Q1.csv", HACKNEY),
            a_return(tmp_path, "islington 2021-22 Q1.csv", ISLINGTON),
        ]
    ).run()
    outcomes = at.dataframe[0].value.set_index("File")["Outcome"]
    assert outcomes.to_dict() == {
        "hackney 2021-22 Q1.csv": "✓ would load",
        "islington 2021-22 Q1.csv": "✗ refused: fix the errors",
    }
    problems = at.dataframe[1].value
    assert "this return is for Islington (E09000019), and you send returns for Hackney (E09000012) only" in (
        problems.to_csv()
    )
    assert not [t for t in at.text_input if t.key == "who"]  # no typed name: the identity is the sign-in's
    assert f"Committing as **{escape_markdown('hackney@example.org')}** (signed in; returns for Hackney only)." in (
        words(at)
    )
    at.button(key="commit").click().run()
    assert not at.exception
    assert at.success[0].value.startswith(f"Committed by {escape_markdown('hackney@example.org')} at ")
    # each file's attempt is logged under the identity: the Hackney return loaded, the Islington one refused again
    assert [r[1:] for r in log_tail(served, 2)] == [
        ("hackney 2021-22 Q1.csv", "loaded", "hackney@example.org"),
        ("islington 2021-22 Q1.csv", "refused", "hackney@example.org"),
    ]


def test_a_role_removed_holds_from_the_persons_next_run(served: Path) -> None:
    at = run_as(person("analyst@example.org"))
    assert at.title[0].value == "Regional overview"
    users.remove_user(served, "analyst@example.org", who="admin@example.org")
    at.run()
    only_the_gate(at)
    assert at.header[0].value == "You have no role on this dashboard yet"


def test_the_warm_up_is_let_in_only_with_this_processs_token(served: Path) -> None:
    warmed = run_as(dict(warm_up.WARM_UP_USER))
    assert warmed.title[0].value == "Regional overview"
    forged = run_as({"is_logged_in": True, warm_up.WARM_UP_CLAIM: "guessed", "exp": time.time() + 60})
    only_the_gate(forged)


def test_admins_see_who_changed_users_and_everyone_with_full_figures_who_changed_the_registry(served: Path) -> None:
    at = run_as(person("admin@example.org"), page="users")
    changes = at.dataframe[1].value
    assert list(changes["By"]) == ["test"] * 4
    assert list(changes["Change"])[-1] == "Added admin@example.org as admin."
    quality = run_as(person("analyst@example.org"), page="data_quality")
    quality.session_state["quality_view"] = "History"  # the tab holding them, opened as a click opens it
    quality.run()
    (changes,) = [e for e in quality.expander if e.label.startswith("Changes to the registry, layouts and boundaries")]
    assert changes.label == "Changes to the registry, layouts and boundaries (1)"
    table = changes.dataframe[0].value
    assert (list(table["By"]), list(table["What"]), list(table["File"])) == (["test"], ["Registry"], ["registry.csv"])


def test_a_look_alike_of_an_admins_address_is_refused_not_matched(served: Path) -> None:
    users.add_user(served, "kate@kent.gov.uk", "admin", who="test")
    at = run_as(person("\u212aate@kent.gov.uk"))  # the Kelvin sign, which Unicode case folding turns into "k"
    only_the_gate(at)
    assert at.header[0].value == access_words.CLAIMS_TITLE
    assert "could pass for someone else" in at.error[0].value


@pytest.mark.parametrize("exp", [10**20, float("inf"), float("nan"), "2099-01-01", True])
def test_an_expiry_no_clock_can_read_is_an_ended_sign_in_not_a_fault(served: Path, exp: object) -> None:
    at = run_as(person("analyst@example.org") | {"exp": exp})
    only_the_gate(at)
    assert at.header[0].value == "Your sign-in has ended"


def test_a_sign_in_config_set_but_blank_shows_nothing(served: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Blank is a broken setting, not "no sign-in": it must not open every page as the one local person's."""
    monkeypatch.setenv("MARAC_AUTH_CONFIG", "  ")
    at = run_as({})
    only_the_gate(at)
    assert at.error[0].value == access_words.CONFIG_BROKEN
    assert not at.button


def test_a_config_broken_while_serving_shows_nothing(served: Path, tmp_path: Path) -> None:
    (tmp_path / "marac.toml").write_text("[auth\n")
    at = run_as(person("admin@example.org"))
    only_the_gate(at)
    assert at.error[0].value == access_words.CONFIG_BROKEN


def test_identity_from_request_headers_shuts_the_dashboard(served: Path) -> None:
    """A Streamlit config naming trusted user headers would let a request's headers override the signed cookie."""
    from streamlit import config

    config.set_option("server.trustedUserHeaders", {"X-Email": "email"})
    try:
        at = run_as(person("admin@example.org"))
    finally:
        config.set_option("server.trustedUserHeaders", {})
    only_the_gate(at)
    assert at.error[0].value == access_words.CONFIG_BROKEN


def test_the_no_role_page_gives_the_admin_the_command_with_the_persons_own_id(served: Path) -> None:
    at = run_as(person("o'brien@example.org"))
    assert [c.value for c in at.code] == ["marac users add --db PATH --user 'o'\"'\"'brien@example.org' --role viewer"]


def test_a_viewer_is_told_their_figures_are_rounded_and_offered_no_blank_return(served: Path) -> None:
    viewer = run_as(person("viewer@example.org"))
    assert access_words.PUBLISHED_NOTE in [c.value for c in viewer.sidebar.caption]
    assert not viewer.get("download_button") or all(
        "Template" not in b.proto.label for b in viewer.get("download_button")
    )
    coordinator = run_as(person("hackney@example.org"))
    assert access_words.PUBLISHED_NOTE not in [c.value for c in coordinator.sidebar.caption]
    assert {"Template (XLSX)", "Template (CSV)"} <= {b.proto.label for b in coordinator.sidebar.get("download_button")}


def test_a_database_that_cannot_be_read_is_said_at_the_gate_not_a_traceback(served: Path) -> None:
    served.write_bytes(b"not a database any more")
    at = run_as(person("admin@example.org"))
    only_the_gate(at)
    assert at.error[0].value.startswith("The database cannot be read: ")
    assert str(served.parent) not in at.error[0].value  # named without the server's folders
    assert [b.label for b in at.button] == ["Sign out"]  # the gate's page, before any page or sidebar
