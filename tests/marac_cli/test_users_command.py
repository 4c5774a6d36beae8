"""`marac users add | list | remove`: exit 0 and the change's sentence on stdout, or exit 2 and the refusal on stderr
with no traceback and the database's bytes unchanged; what a user typed is printed as text, never as markup or
terminal codes."""

from __future__ import annotations

import getpass
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import marac_cli.main as cli
from loaders import store, users
from tests.helpers.users import leftovers

ROLE_LINES = [
    "viewer: every meeting page, with the published (rounded) figures only; no Check a return, no history",
    "analyst: every page with full figures; downloads and packs rounded for publication",
    "coordinator: as analyst, plus Check a return and Commit for their own MARACs only",
    "admin: as analyst, plus commits for any MARAC and the Users page; users, the registry, boundaries and layouts "
    "are changed with `marac` on the server",
]


@pytest.fixture
def db(users_db: Path) -> Path:
    return users_db


@pytest.fixture(autouse=True)
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """Room for every line and table row whole, so the test reads what was printed rather than Rich's wrapping."""
    monkeypatch.setattr(cli.out, "width", 3000)
    monkeypatch.setattr(cli.err, "width", 3000)


def run(db: Path, *args: str):
    return CliRunner().invoke(cli.app, ["users", *args, "--db", str(db)])


def ok(db: Path, *args: str) -> str:
    done = run(db, *args)
    assert done.exit_code == 0, done.output
    assert done.stderr == ""
    return done.stdout


def refused(db: Path, *args: str) -> str:
    """The refusal's message; asserts exit 2, nothing on stdout, no traceback and the database's bytes as they were."""
    before = db.read_bytes() if db.exists() else None
    done = run(db, *args)
    assert done.exit_code == 2, done.output
    assert isinstance(done.exception, SystemExit)  # typer.Exit, not an error escaping
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert not {"\x1b", "\x07", "\u202e"} & set(done.stderr)  # a typed id's terminal codes are written out
    assert (db.read_bytes() if db.exists() else None) == before
    assert not db.exists() or leftovers(db) == []
    return done.stderr


def table_rows(listing: str) -> list[list[str]]:
    """The body rows of the Rich table, cells stripped."""
    return [[c.strip() for c in line.strip("│").split("│")] for line in listing.splitlines() if line.startswith("│")]


def test_add_list_and_remove(db: Path) -> None:
    assert ok(db, "add", "--user", "boss@example.org", "--role", "admin", "--who", "setup") == (
        "Added boss@example.org as admin.\n"
    )
    assert ok(
        db,
        "add",
        "--user",
        "hackney.coordinator@example.org",
        "--role",
        "coordinator",
        "--marac",
        "Hackney",
        "--marac",
        "e09000019",
        "--who",
        "boss@example.org",
    ) == ("Added hackney.coordinator@example.org as coordinator for Hackney (E09000012) and Islington (E09000019).\n")
    assert ok(db, "add", "--user", "Board@Example.org", "--role", "VIEWER", "--who", "boss@example.org") == (
        "Added Board@Example.org as viewer.\n"
    )
    assert ok(db, "add", "--user", "board@example.org", "--role", "analyst", "--who", "boss@example.org") == (
        "Changed Board@Example.org from viewer to analyst.\n"
    )

    listing = ok(db, "list")
    added = {u.user_id: f"{u.added_at:%Y-%m-%d %H:%M}" for u in users.read_users(db)}
    assert table_rows(listing) == [
        ["boss@example.org", "admin", "", added["boss@example.org"], "setup"],
        [
            "hackney.coordinator@example.org",
            "coordinator",
            "Hackney (E09000012), Islington (E09000019)",
            added["hackney.coordinator@example.org"],
            "boss@example.org",
        ],
        ["Board@Example.org", "analyst", "", added["Board@Example.org"], "boss@example.org"],
    ]
    assert "┃ User" in listing and "┃ MARACs" in listing and "┃ Added (UTC)" in listing
    assert listing.splitlines()[-4:] == ROLE_LINES  # with an admin, no line on adding the first
    assert ok(db, "remove", "--user", "BOARD@example.org", "--who", "boss@example.org") == (
        "Removed Board@Example.org, who was analyst.\n"
    )
    log = store.read_tables(db)["load_log"].filter(file_name="users")
    assert log.select("outcome", "message", "loaded_by").rows() == [
        ("users", "Added boss@example.org as admin.", "setup"),
        (
            "users",
            "Added hackney.coordinator@example.org as coordinator for Hackney (E09000012) and Islington (E09000019).",
            "boss@example.org",
        ),
        ("users", "Added Board@Example.org as viewer.", "boss@example.org"),
        ("users", "Changed Board@Example.org from viewer to analyst.", "boss@example.org"),
        ("users", "Removed Board@Example.org, who was analyst.", "boss@example.org"),
    ]


def test_who_defaults_to_the_login(db: Path) -> None:
    ok(db, "add", "--user", "v@x.org", "--role", "viewer")
    assert [u.added_by for u in users.read_users(db)] == [getpass.getuser()]
    ok(db, "remove", "--user", "v@x.org")
    assert store.read_tables(db)["load_log"]["loaded_by"][-1] == getpass.getuser()


def test_a_change_that_changes_nothing_says_so(db: Path) -> None:
    ok(db, "add", "--user", "c@x.org", "--role", "coordinator", "--marac", "Hackney")
    before = db.read_bytes()
    assert ok(db, "add", "--user", "c@x.org", "--role", "coordinator", "--marac", "E09000012") == (
        "Nothing changed: c@x.org is already coordinator for Hackney (E09000012).\n"
    )
    assert db.read_bytes() == before


def test_list_with_no_users_says_how_to_add_the_first_admin(db: Path) -> None:
    assert ok(db, "list").splitlines() == [
        f"No users in {db} yet.",
        *ROLE_LINES,
        f"No admin yet: add the first with `marac users add --db {db} --user ID --role admin`.",
    ]


def test_list_with_users_but_no_admin_says_so(db: Path) -> None:
    ok(db, "add", "--user", "v@x.org", "--role", "viewer")
    assert ok(db, "list").splitlines()[-1] == (
        f"No admin yet: add the first with `marac users add --db {db} --user ID --role admin`."
    )


def test_the_suggested_command_quotes_a_path_with_spaces(users_template: Path, tmp_path: Path) -> None:
    db = tmp_path / "our partnership" / "marac.duckdb"
    db.parent.mkdir()
    shutil.copyfile(users_template, db)
    assert ok(db, "list").splitlines()[-1] == (
        f"No admin yet: add the first with `marac users add --db '{db}' --user ID --role admin`."
    )


def test_markup_and_control_characters_are_printed_as_text(db: Path) -> None:
    """An id holding Rich markup is a legal (if odd) claim value and is shown as typed; a login name holding terminal
    codes is written out, so neither can restyle, hide or forge what the terminal shows."""
    assert ok(db, "add", "--user", "[red]eve[/red]@x.org", "--role", "admin", "--who", "mallory\x1b[2J\u202e") == (
        "Added [red]eve[/red]@x.org as admin.\n"
    )
    listing = ok(db, "list")
    assert "\x1b" not in listing and "\u202e" not in listing
    assert table_rows(listing)[0][0] == "[red]eve[/red]@x.org"
    assert table_rows(listing)[0][4] == "mallory\\x1b[2J\\u202e"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("add", "--user", "x@y.org", "--role", "boss"),
            "'boss' is not a role; expected one of viewer, analyst, coordinator, admin.",
        ),
        (
            ("add", "--user", "x@y.org", "--role", "coordinator"),
            "A coordinator needs at least one MARAC, the ones they send returns for: give --marac with its code or "
            "name (once for each MARAC).",
        ),
        (
            ("add", "--user", "x@y.org", "--role", "analyst", "--marac", "Hackney"),
            "Only a coordinator is given MARACs (an analyst sees every MARAC and commits none): leave out --marac, or "
            "give --role coordinator.",
        ),
        (
            ("add", "--user", "x@y.org", "--role", "coordinator", "--marac", "Tower Hamlet"),
            "'Tower Hamlet' is not a MARAC code or name in this database's registry; did you mean Tower Hamlets "
            "(E09000030)?",
        ),
        (
            ("add", "--user", "", "--role", "viewer"),
            "The user id is empty: give the value of the identity claim sign-in uses for the person (by default "
            "their e-mail address).",
        ),
        (
            ("add", "--user", "eve\x1b]0;owned\x07@x.org", "--role", "admin"),
            "The user id 'eve\\x1b]0;owned\\x07@x.org' holds ESCAPE (U+001B) after \"eve\", a control character; "
            'CONTROL CHARACTER (U+0007) after "e\u241b]0;owned", a control character: no sign-in would match it as '
            "it reads; retype it.",
        ),
        (
            ("remove", "--user", "nobody@x.org"),
            "No user 'nobody@x.org'; the users are boss@x.org (admin) and v@x.org (viewer).",
        ),
        (
            ("remove", "--user", "boss@x.org"),
            "boss@x.org is the last admin, and 1 other user would be left with nobody to manage them: add another "
            "admin first.",
        ),
        (
            ("add", "--user", "BOSS@x.org", "--role", "analyst"),
            "boss@x.org is the last admin, and users need an admin to manage them: add another admin first, then "
            "change this one's role.",
        ),
    ],
)
def test_a_refusal_exits_2_with_its_message_on_stderr(db: Path, args: tuple[str, ...], message: str) -> None:
    ok(db, "add", "--user", "boss@x.org", "--role", "admin")
    ok(db, "add", "--user", "v@x.org", "--role", "viewer")
    assert refused(db, *args) == message + "\n"


def test_no_database_is_refused_and_none_is_made(tmp_path: Path) -> None:
    missing = tmp_path / "marac.duckdb"
    expected = (
        f"No database at {missing}. Build it first (`marac registry load FILE --db {missing}`, "
        f"`marac load FILE --db {missing}` or `marac demo --db {missing}`), then add its users.\n"
    )
    for args in (("add", "--user", "boss@x.org", "--role", "admin"), ("list",), ("remove", "--user", "boss@x.org")):
        assert refused(missing, *args) == expected
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    not_ours = tmp_path / "notes.duckdb"
    not_ours.write_text("minutes of the last meeting\n")
    message = refused(not_ours, "add", "--user", "boss@x.org", "--role", "admin")
    assert message.startswith(f"{not_ours} is not a MARAC dashboard database (")
    assert not_ours.read_text() == "minutes of the last meeting\n"
