"""Where `marac serve` agrees to serve, and what it hands Streamlit: with --config, sign-in (the config file as
Streamlit's only secrets file, its path for the dashboard in MARAC_AUTH_CONFIG); without it, no sign-in that a stray
.streamlit/secrets.toml could switch on, 127.0.0.1 only unless --allow-unauthenticated says what that exposes.

`serve` ends by becoming the Streamlit server (`os.execve`): `_launch` is replaced, and the command and environment
it was given are read instead.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

import marac_cli.main as cli
from loaders import users
from tests.loaders.test_service_config import ENTRA, TENANT, write


@dataclass
class Launch:
    command: list[str]
    env: dict[str, str]

    def option(self, name: str) -> str:
        return self.command[self.command.index(name) + 1]


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch) -> list[Launch]:
    """What `marac serve` would become, instead of becoming it."""
    done: list[Launch] = []
    monkeypatch.setattr(cli, "_launch", lambda command, env: done.append(Launch(command, env)))
    return done


@pytest.fixture
def db(fixture_db: Path, tmp_path: Path) -> Path:
    """A copy of the fixture database, holding nobody's role yet."""
    return Path(shutil.copyfile(fixture_db, tmp_path / "marac.duckdb"))


def serve(db: Path, *args: str):
    return CliRunner().invoke(cli.app, ["serve", "--db", str(db), *args], terminal_width=400)


def said(output: str) -> str:
    return " ".join(output.split())


# --------------------------------------------------------------------------- without --config


@pytest.mark.parametrize("address", ["0.0.0.0", "::", "192.168.1.20", "marac.example.org"])
def test_serving_where_other_machines_can_reach_is_refused(
    tmp_path: Path, launched: list[Launch], address: str
) -> None:
    done = serve(tmp_path / "absent.duckdb", "--address", address)
    assert done.exit_code == 2
    assert said(done.output) == (
        f"Not serving on {address}: other machines can reach that address, and sign-in is not configured, so anyone "
        "who reached port 8501 could open Check a return and commit returns for any MARAC. Serve on 127.0.0.1 (the "
        "default), or configure sign-in with --config marac.toml (README: Run it for your partnership), or add "
        "--allow-unauthenticated to serve there anyway."
    )
    assert launched == []


def test_allow_unauthenticated_serves_and_says_what_it_exposes(fixture_db: Path, launched: list[Launch]) -> None:
    done = serve(fixture_db, "--address", "0.0.0.0", "--port", "8600", "--allow-unauthenticated")
    assert done.exit_code == 0, done.output
    assert (
        "WARNING: serving on 0.0.0.0 without sign-in: anyone who reaches port 8600 sees every page's full figures "
        "(not only the published, rounded ones), and can open Check a return and commit returns for any MARAC.\n"
    ) in done.output
    (launch,) = launched
    assert launch.option("--server.address") == "0.0.0.0"


def test_restricted_and_unauthenticated_exposes_the_published_figures(fixture_db: Path, launched: list[Launch]) -> None:
    done = serve(fixture_db, "--address", "0.0.0.0", "--allow-unauthenticated", "--restricted")
    assert done.exit_code == 0, done.output
    assert (
        "WARNING: serving on 0.0.0.0 without sign-in: anyone who reaches port 8501 sees every page, with the "
        "published (rounded) figures.\n"
    ) in done.output
    (launch,) = launched
    assert launch.env["MARAC_VIEW"] == "restricted"


@pytest.mark.parametrize("address", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_serves_without_a_warning(fixture_db: Path, launched: list[Launch], address: str) -> None:
    done = serve(fixture_db, "--address", address)
    assert done.exit_code == 0, done.output
    assert "WARNING" not in done.output and len(launched) == 1


@pytest.mark.parametrize("address", ["::1", "[::1]"])
def test_an_ipv6_address_is_served_bare_and_printed_in_brackets(
    fixture_db: Path, launched: list[Launch], address: str
) -> None:
    done = serve(fixture_db, "--address", address)
    assert done.exit_code == 0, done.output
    (launch,) = launched
    assert launch.option("--server.address") == "::1"
    assert "Dashboard at http://[::1]:8501" in done.output


def test_without_config_no_secrets_file_can_switch_sign_in_on(
    fixture_db: Path, launched: list[Launch], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Streamlit would read ./.streamlit/secrets.toml and ~/.streamlit/secrets.toml; it is told a path that never
    exists instead, and a MARAC_AUTH_CONFIG left in the shell does not reach the dashboard."""
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(ENTRA)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MARAC_AUTH_CONFIG", str(tmp_path / ".streamlit" / "secrets.toml"))
    done = serve(fixture_db)
    assert done.exit_code == 0, done.output
    (launch,) = launched
    assert launch.option("--secrets.files") == str(cli.NO_SECRETS)
    assert not cli.NO_SECRETS.exists() and cli.NO_SECRETS.parent == Path(cli.__file__).parent
    assert "MARAC_AUTH_CONFIG" not in launch.env
    assert (launch.env["MARAC_DB"], launch.env["MARAC_VIEW"]) == (str(fixture_db.resolve()), "full")
    assert "Sign-in" not in done.output


# --------------------------------------------------------------------------- with --config


def test_config_is_streamlits_secrets_file_and_the_dashboards_settings(
    db: Path, launched: list[Launch], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, ENTRA)
    users.add_user(db, "00000000-0000-0000-66f3-3332eca7ea81", "admin", who="test")
    monkeypatch.chdir(tmp_path)
    done = serve(db, "--config", "marac.toml", "--address", "0.0.0.0")  # a relative path, any address
    assert done.exit_code == 0, done.output
    assert said(done.output) == (
        "Sign-in through login.microsoftonline.com: people are known by their oid claim; every sign-in must carry "
        f"tid {TENANT}. Dashboard at http://0.0.0.0:8501 (Ctrl+C to stop)"
    )
    (launch,) = launched
    absolute = str(tmp_path / "marac.toml")
    assert launch.option("--secrets.files") == absolute
    assert launch.command.count("--secrets.files") == 1
    assert launch.env["MARAC_AUTH_CONFIG"] == absolute
    assert (launch.env["MARAC_DB"], launch.env["MARAC_VIEW"]) == (str(db.resolve()), "full")


def test_a_database_with_no_admin_says_how_to_add_the_first(db: Path, launched: list[Launch], tmp_path: Path) -> None:
    done = serve(db, "--config", str(write(tmp_path, ENTRA)))
    assert done.exit_code == 0, done.output
    assert (
        f"No admin in {db} yet: nobody has a role, so whoever signs in sees only the page saying who to ask. Add the "
        f"first with: marac users add --db {db} --user ID --role admin (ID: their oid claim)"
    ) in said(done.output)
    assert len(launched) == 1


def test_a_database_with_people_but_no_admin_says_what_nobody_can_do(
    db: Path, launched: list[Launch], tmp_path: Path
) -> None:
    users.add_user(db, "viewer@example.org", "viewer", who="test")
    done = serve(db, "--config", str(write(tmp_path, ENTRA)))
    assert done.exit_code == 0, done.output
    assert (
        f"No admin in {db} yet: nobody can open the Users page or commit for any MARAC. Add the first with: "
        f"marac users add --db {db} --user ID --role admin (ID: their oid claim)"
    ) in said(done.output)


def test_a_config_that_cannot_be_used_is_refused_by_its_message(
    db: Path, launched: list[Launch], tmp_path: Path
) -> None:
    path = write(tmp_path, ENTRA.replace('user_claim = "oid"', 'user_claim = "name"'))
    done = serve(db, "--config", str(path), "--address", "0.0.0.0")
    assert done.exit_code == 2
    assert said(done.output) == (
        f'{path}: [auth] user_claim is "name"; expected a claim that names one person for good, such as "oid", '
        '"sub", "email" or "preferred_username": a display name is shared and changes'
    )
    assert launched == []
    missing = serve(db, "--config", str(tmp_path / "absent.toml"))
    assert (missing.exit_code, said(missing.output)) == (
        2,
        f'{tmp_path / "absent.toml"}: no such file; the README ("Run it for your partnership") shows one',
    )


def test_restricted_and_allow_unauthenticated_do_not_go_with_config(
    db: Path, launched: list[Launch], tmp_path: Path
) -> None:
    path = str(write(tmp_path, ENTRA))
    restricted = serve(db, "--config", path, "--restricted")
    assert (restricted.exit_code, said(restricted.output)) == (
        2,
        "--restricted does not go with --config: roles decide what each person sees; give viewers the viewer role: "
        f"marac users add --db {db} --user ID --role viewer",
    )
    unauthenticated = serve(db, "--config", path, "--allow-unauthenticated", "--address", "0.0.0.0")
    assert (unauthenticated.exit_code, said(unauthenticated.output)) == (
        2,
        "--allow-unauthenticated does not go with --config, which has everyone sign in: leave one of them out.",
    )
    assert launched == []


def test_the_configs_warnings_are_printed_and_it_serves(db: Path, launched: list[Launch], tmp_path: Path) -> None:
    path = write(tmp_path, ENTRA.replace('user_claim = "oid"\n', ""), mode=0o640)
    users.add_user(db, "jo.bloggs@example.gov.uk", "admin", who="test")
    done = serve(db, "--config", str(path))
    assert done.exit_code == 0, done.output
    assert done.output.splitlines()[:2] == [
        f"WARNING: {path} is open to other users of this machine (mode 640), and it holds client_secret and "
        f"cookie_secret: run chmod 600 {path}",
        f"WARNING: {path}: people are known by their email claim, which Microsoft Entra ID often leaves out and does "
        'not verify; use user_claim = "oid" (or "preferred_username") with the tenant pinned',
    ]
    assert len(launched) == 1


def test_a_redirect_to_another_local_port_is_warned_of(db: Path, launched: list[Launch], tmp_path: Path) -> None:
    text = ENTRA.replace("https://marac.example.gov.uk/oauth2callback", "http://127.0.0.1:8501/oauth2callback")
    path = write(tmp_path, text)
    done = serve(db, "--config", str(path), "--port", "8600")
    assert done.exit_code == 0, done.output
    assert (
        f"WARNING: {path}: [auth] redirect_uri sends people back to port 8501, but the dashboard is served on port "
        "8600, so sign-in would end where nothing answers\n"
    ) in done.output
    same = serve(db, "--config", str(write(tmp_path, text.replace(":8501/", ":{port}/"))), "--port", "8600")
    assert "WARNING" not in same.output


# --------------------------------------------------------------------------- what reaches the server at all


def options(launch: Launch, name: str) -> list[str]:
    return [launch.command[i + 1] for i, part in enumerate(launch.command) if part == name]


@pytest.mark.parametrize(
    ("args", "hosts"),
    [
        ((), ["localhost", "127.0.0.1", "::1"]),
        (("--address", "127.0.0.2"), ["localhost", "127.0.0.1", "::1", "127.0.0.2"]),
        (("--address", "[::1]"), ["localhost", "127.0.0.1", "::1"]),
        (("--address", "0.0.0.0", "--allow-unauthenticated"), []),  # reached by any name the network gives it
    ],
    ids=["default", "another-loopback", "ipv6", "unauthenticated"],
)
def test_without_config_the_websocket_answers_only_to_this_machines_names(
    fixture_db: Path, launched: list[Launch], args: tuple[str, ...], hosts: list[str]
) -> None:
    """A web page whose own name is rebound to 127.0.0.1 (DNS rebinding) is refused by Streamlit's Host allow-list."""
    assert serve(fixture_db, *args).exit_code == 0
    assert options(launched[0], "--server.allowedHosts") == hosts


def test_with_config_the_websocket_answers_to_the_redirect_host_and_this_machine(
    db: Path, launched: list[Launch], tmp_path: Path
) -> None:
    assert serve(db, "--config", str(write(tmp_path, ENTRA)), "--address", "0.0.0.0").exit_code == 0
    assert options(launched[0], "--server.allowedHosts") == ["marac.example.gov.uk", "localhost", "127.0.0.1", "::1"]


@pytest.mark.parametrize("with_config", [False, True])
def test_identity_never_comes_from_request_headers(
    db: Path, launched: list[Launch], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, with_config: bool
) -> None:
    """A stray .streamlit/config.toml naming trusted user headers would let any request say who it is (over the
    signed cookie's claims): the command line sets none, which beats every config file, and the agent API is off."""
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "config.toml").write_text('[server]\ntrustedUserHeaders = {"X-Email" = "email"}\n')
    monkeypatch.chdir(tmp_path)
    args = ("--config", str(write(tmp_path, ENTRA))) if with_config else ()
    assert serve(db, *args).exit_code == 0
    (launch,) = launched
    assert options(launch, "--server.trustedUserHeaders") == ["{}"]
    assert options(launch, "--server.enableAgentApi") == ["false"]


def test_no_full_garbage_collection_after_every_run(db: Path, launched: list[Launch]) -> None:
    """A full collection after each run held the interpreter for most of a busy server's time (docs/performance.md):
    `marac serve` turns Streamlit's post-run collection off, and leaves Python's own generational collection alone."""
    assert serve(db).exit_code == 0
    (launch,) = launched
    assert options(launch, "--runner.postScriptGC") == ["false"]
