"""The users store: who may sign in with which role, held in the database, every change logged, every refusal exact
and leaving the database's bytes as they were."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from loaders import store, users
from loaders.roles import Grant, Role
from loaders.users import User, UsersError, add_user, find, identity_key, read_users, remove_user
from tests.helpers.users import leftovers

WHEN = datetime(2025, 4, 1, 9, 30)


@pytest.fixture
def db(users_db: Path) -> Path:
    return users_db


def user(user_id: str, role: Role = Role.VIEWER, maracs: tuple[str, ...] = ()) -> User:
    return User(user_id, role, maracs, WHEN, "test")


def log_rows(db: Path) -> list[tuple[object, ...]]:
    conn = duckdb.connect(str(db), read_only=True)
    try:
        return conn.execute(
            "SELECT file_name, outcome, message, loaded_by, maracs FROM load_log ORDER BY load_id"
        ).fetchall()
    finally:
        conn.close()


def held(db: Path) -> list[tuple[str, Role, tuple[str, ...], str]]:
    return [(u.user_id, u.role, u.maracs, u.added_by) for u in read_users(db)]


# --- matching a signed-in person's claim value to a user -------------------------------------------------------------


@pytest.mark.parametrize(
    ("claim", "key"),
    [
        ("Jane.Smith@Example.ORG", "jane.smith@example.org"),  # an address: any case
        ("  jane@example.org\t", "jane@example.org"),  # whitespace around never counts
        ("JANE@contoso.onmicrosoft.com", "jane@contoso.onmicrosoft.com"),  # a UPN
        ("STRASSE@x.org", "strasse@x.org"),
        ("Straße@x.org", "Straße@x.org"),  # not ASCII: exact, as folding makes look-alikes one (ß would be ss)
        ("\u212aate@kent.gov.uk", "\u212aate@kent.gov.uk"),  # the Kelvin sign stays itself, not "kate"
        ("admin@x.org\u00a0", "admin@x.org\u00a0"),  # only ASCII whitespace around a value is ignored
        ("4B0F3C5E-1A2B-4C3D-9E8F-0123456789AB", "4b0f3c5e-1a2b-4c3d-9e8f-0123456789ab"),  # an Entra oid
        ("AbC123xyz", "AbC123xyz"),  # an opaque sub: exactly as the provider sent it
        ("4B0F3C5E1A2B4C3D9E8F0123456789AB", "4B0F3C5E1A2B4C3D9E8F0123456789AB"),  # no hyphens: not a GUID, so exact
    ],
)
def test_identity_key(claim: str, key: str) -> None:
    assert identity_key(claim) == key


def test_find_matches_addresses_and_guids_without_case_and_anything_else_exactly() -> None:
    people = [
        user("jane@example.org"),
        user("4b0f3c5e-1a2b-4c3d-9e8f-0123456789ab", Role.ANALYST),
        user("AbC123", Role.ADMIN),
    ]
    assert find(people, " JANE@Example.org ") is people[0]
    assert find(people, "4B0F3C5E-1A2B-4C3D-9E8F-0123456789AB") is people[1]
    assert find(people, "AbC123") is people[2]
    assert find(people, "abc123") is None  # an opaque subject differing in case is another person
    assert find(people, "jane@example.org.evil") is None
    assert find(people, "") is None
    assert find(people, "   ") is None
    assert find(people, None) is None


def test_rows_become_users_admins_first_and_an_unknown_role_is_left_out() -> None:
    rows = [
        ("zoe@x.org", "viewer", "", WHEN, "a"),
        ("c@x.org", "coordinator", "E09000019,E09000012", WHEN, "a"),
        ("b@x.org", "superuser", "", WHEN, "a"),  # written by hand or by a newer version: no role rather than a guess
        ("Admin@x.org", "admin", "", WHEN, "a"),
        ("amy@x.org", "analyst", "", WHEN, "a"),
    ]
    got = users.users_from_rows(rows)
    assert [(u.user_id, u.role, u.maracs) for u in got] == [
        ("Admin@x.org", Role.ADMIN, ()),
        ("c@x.org", Role.COORDINATOR, ("E09000012", "E09000019")),
        ("amy@x.org", Role.ANALYST, ()),
        ("zoe@x.org", Role.VIEWER, ()),
    ]
    assert got[1].grant == Grant(Role.COORDINATOR, frozenset({"E09000012", "E09000019"}))
    assert got[1].grant.may_commit("E09000012") and not got[1].grant.may_commit("E09000030")


def test_words_for_a_grant() -> None:
    names = {"E09000012": "Hackney", "E09000019": "Islington", "E09000030": "Tower Hamlets"}
    assert users.grant_words(Role.ANALYST, (), names) == "analyst"
    assert users.grant_words(Role.COORDINATOR, ["E09000012"], names) == "coordinator for Hackney (E09000012)"
    assert users.grant_words(Role.COORDINATOR, ["E09000030", "E09000012", "E09000019"], names) == (
        "coordinator for Hackney (E09000012), Islington (E09000019) and Tower Hamlets (E09000030)"
    )
    assert users.marac_label("E09000001", names) == "E09000001 (not in the registry in use)"


# --- adding, changing and removing ------------------------------------------------------------------------------------


def test_a_database_before_users_has_none(db: Path) -> None:
    assert read_users(db) == []


def test_adding_people_is_held_and_logged(db: Path) -> None:
    before = len(log_rows(db))
    assert add_user(db, "boss@example.org", "admin", [], "setup") == "Added boss@example.org as admin."
    assert add_user(db, " hackney.coordinator@example.org ", "Coordinator", ["e09000012"], "boss@example.org") == (
        "Added hackney.coordinator@example.org as coordinator for Hackney (E09000012)."
    )
    assert add_user(db, "board@example.org", Role.VIEWER, (), "boss@example.org") == (
        "Added board@example.org as viewer."
    )
    assert held(db) == [
        ("boss@example.org", Role.ADMIN, (), "setup"),
        ("hackney.coordinator@example.org", Role.COORDINATOR, ("E09000012",), "boss@example.org"),
        ("board@example.org", Role.VIEWER, (), "boss@example.org"),
    ]
    assert log_rows(db)[before:] == [
        ("users", "users", "Added boss@example.org as admin.", "setup", ""),
        (
            "users",
            "users",
            "Added hackney.coordinator@example.org as coordinator for Hackney (E09000012).",
            "boss@example.org",
            "E09000012",
        ),
        ("users", "users", "Added board@example.org as viewer.", "boss@example.org", ""),
    ]
    conn = duckdb.connect(str(db), read_only=True)
    try:
        stored = conn.execute("SELECT user_id, role, maracs, added_by FROM app_user ORDER BY user_id").fetchall()
        added = conn.execute("SELECT added_at FROM app_user").fetchall()
    finally:
        conn.close()
    assert stored == [
        ("board@example.org", "viewer", "", "boss@example.org"),
        ("boss@example.org", "admin", "", "setup"),
        ("hackney.coordinator@example.org", "coordinator", "E09000012", "boss@example.org"),
    ]
    assert all(isinstance(a, datetime) for (a,) in added)


def test_a_coordinators_maracs_by_code_or_name_in_any_case_replace_those_they_had(db: Path) -> None:
    add_user(db, "c@example.org", "coordinator", ["Hackney"], "boss")
    assert add_user(
        db, "c@example.org", "coordinator", ["hammersmith  AND fulham", "E09000012", "hackney"], "boss"
    ) == (
        "Changed c@example.org from coordinator for Hackney (E09000012) to coordinator for Hackney (E09000012) and "
        "Hammersmith and Fulham (E09000013)."
    )
    assert add_user(db, "c@example.org", "coordinator", ["e09000030"], "boss") == (
        "Changed c@example.org from coordinator for Hackney (E09000012) and Hammersmith and Fulham (E09000013) to "
        "coordinator for Tower Hamlets (E09000030)."
    )
    assert held(db) == [("c@example.org", Role.COORDINATOR, ("E09000030",), "boss")]


def test_the_same_person_in_another_case_is_changed_not_added_twice(db: Path) -> None:
    add_user(db, "jane@x.org", "viewer", [], "boss")
    assert add_user(db, "Jane@X.org", "analyst", [], "boss") == "Changed jane@x.org from viewer to analyst."
    assert add_user(db, "4B0F3C5E-1A2B-4C3D-9E8F-0123456789AB", "viewer", [], "boss") == (
        "Added 4B0F3C5E-1A2B-4C3D-9E8F-0123456789AB as viewer."
    )
    assert add_user(db, "4b0f3c5e-1a2b-4c3d-9e8f-0123456789ab", "admin", [], "boss") == (
        "Changed 4B0F3C5E-1A2B-4C3D-9E8F-0123456789AB from viewer to admin."
    )
    assert add_user(db, "AbC123", "viewer", [], "boss") == "Added AbC123 as viewer."
    assert add_user(db, "abc123", "viewer", [], "boss") == "Added abc123 as viewer."  # another subject
    assert [u.user_id for u in read_users(db)] == [
        "4B0F3C5E-1A2B-4C3D-9E8F-0123456789AB",
        "jane@x.org",
        "AbC123",
        "abc123",
    ]


def test_a_change_that_changes_nothing_writes_nothing(db: Path) -> None:
    add_user(db, "c@x.org", "coordinator", ["Hackney", "Islington"], "boss")
    before = db.read_bytes()
    assert add_user(db, "C@X.ORG", "coordinator", ["E09000019", "e09000012"], "someone") == (
        "Nothing changed: c@x.org is already coordinator for Hackney (E09000012) and Islington (E09000019)."
    )
    assert db.read_bytes() == before
    assert leftovers(db) == []


def test_removing_a_user_is_logged(db: Path) -> None:
    add_user(db, "boss@x.org", "admin", [], "setup")
    add_user(db, "c@x.org", "coordinator", ["Hackney", "Islington"], "boss@x.org")
    before = len(log_rows(db))
    assert remove_user(db, "C@x.org ", "boss@x.org") == (
        "Removed c@x.org, who was coordinator for Hackney (E09000012) and Islington (E09000019)."
    )
    assert held(db) == [("boss@x.org", Role.ADMIN, (), "setup")]
    assert log_rows(db)[before:] == [
        (
            "users",
            "users",
            "Removed c@x.org, who was coordinator for Hackney (E09000012) and Islington (E09000019).",
            "boss@x.org",
            "E09000012,E09000019",
        )
    ]
    assert remove_user(db, "boss@x.org", "setup") == "Removed boss@x.org, who was admin."  # nobody else is left
    assert read_users(db) == []


def test_the_last_admin_can_go_once_another_admin_is_added(db: Path) -> None:
    add_user(db, "boss@x.org", "admin", [], "setup")
    add_user(db, "v@x.org", "viewer", [], "setup")
    add_user(db, "deputy@x.org", "admin", [], "boss@x.org")
    assert add_user(db, "boss@x.org", "analyst", [], "deputy@x.org") == "Changed boss@x.org from admin to analyst."
    assert remove_user(db, "v@x.org", "deputy@x.org") == "Removed v@x.org, who was viewer."


def test_users_can_be_added_before_any_admin(db: Path) -> None:
    """The first admin may come later (`marac users list` says how): only losing the last one is refused."""
    assert add_user(db, "v@x.org", "viewer", [], "setup") == "Added v@x.org as viewer."
    assert remove_user(db, "v@x.org", "setup") == "Removed v@x.org, who was viewer."


def test_a_registry_that_drops_a_coordinators_marac_still_lists_the_code(db: Path) -> None:
    add_user(db, "c@x.org", "coordinator", ["Hackney"], "boss")
    with store.writing(db) as conn:
        conn.execute("DELETE FROM marac WHERE marac_code = 'E09000012'")
    assert users.grant_words(Role.COORDINATOR, read_users(db)[0].maracs, users.marac_names(db)) == (
        "coordinator for E09000012 (not in the registry in use)"
    )


# --- refusals: exact words, nothing written ---------------------------------------------------------------------------

REFUSED_ADDS = [
    (
        ("x@y.org", "boss", []),
        "'boss' is not a role; expected one of viewer, analyst, coordinator, admin.",
    ),
    (
        ("x@y.org", "coordinator", []),
        "A coordinator needs at least one MARAC, the ones they send returns for: give --marac with its code or name "
        "(once for each MARAC).",
    ),
    (
        ("x@y.org", "viewer", ["Hackney"]),
        "Only a coordinator is given MARACs (a viewer sees every MARAC's published figures and commits none): leave "
        "out --marac, or give --role coordinator.",
    ),
    (
        ("x@y.org", "analyst", ["Hackney"]),
        "Only a coordinator is given MARACs (an analyst sees every MARAC and commits none): leave out --marac, or give "
        "--role coordinator.",
    ),
    (
        ("x@y.org", "admin", ["Hackney"]),
        "Only a coordinator is given MARACs (an admin may commit for any MARAC): leave out --marac, or give --role "
        "coordinator.",
    ),
    (
        ("x@y.org", "coordinator", ["Hackny", "Islington"]),
        "'Hackny' is not a MARAC code or name in this database's registry; did you mean Hackney (E09000012)?",
    ),
    (
        ("x@y.org", "coordinator", ["Hammersmith & Fulham", "E0900001"]),  # every value named; at most 3, closest first
        "'Hammersmith & Fulham' is not a MARAC code or name in this database's registry; did you mean Hammersmith "
        "and Fulham (E09000013)? 'E0900001' is not a MARAC code or name in this database's registry; did you mean "
        "Islington (E09000019), Hammersmith and Fulham (E09000013) or Hackney (E09000012)?",
    ),
    (
        ("x@y.org", "coordinator", ["Leeds North"]),
        "'Leeds North' is not a MARAC code or name in this database's registry; `marac registry export` lists the "
        "registry's MARACs.",
    ),
    (
        ("   ", "viewer", []),
        "The user id is empty: give the value of the identity claim sign-in uses for the person (by default their "
        "e-mail address).",
    ),
    (
        ("a" * 312 + "@x.org.uk", "viewer", []),
        f"The user id '{'a' * 60}… (321 characters)' is 321 characters long; a user id is at most 320 (the longest "
        "e-mail address).",
    ),
    (
        ("jane\u200b@x.org", "viewer", []),
        "The user id 'jane\\u200b@x.org' holds ZERO WIDTH SPACE (U+200B) after \"jane\", an invisible character: no "
        "sign-in would match it as it reads; retype it.",
    ),
    (
        ("\u202egro.x@enaj", "viewer", []),
        "The user id '\\u202egro.x@enaj' holds RIGHT-TO-LEFT OVERRIDE (U+202E) at the start, an invisible character: "
        "no sign-in would match it as it reads; retype it.",
    ),
    (
        ("jane\x1b[2J@x.org", "viewer", []),
        "The user id 'jane\\x1b[2J@x.org' holds ESCAPE (U+001B) after \"jane\", a control character: no sign-in would "
        "match it as it reads; retype it.",
    ),
    (
        ("j\u0430ne@x.org", "admin", []),  # a Cyrillic а: reads as jane@x.org, which sign-in would never send
        'The user id \'j\u0430ne@x.org\' holds CYRILLIC SMALL LETTER A (U+0430) after "j", which looks like "a": no '
        "sign-in would match it as it reads; retype it.",
    ),
]


@pytest.mark.parametrize(("args", "message"), REFUSED_ADDS)
def test_a_refused_add_says_why_and_writes_nothing(db: Path, args: tuple[str, str, list[str]], message: str) -> None:
    add_user(db, "boss@x.org", "admin", [], "setup")
    before = db.read_bytes()
    with pytest.raises(UsersError) as refused:
        add_user(db, *args, "boss@x.org")
    assert str(refused.value) == message
    assert db.read_bytes() == before
    assert leftovers(db) == []


def test_a_user_id_of_320_characters_is_accepted(db: Path) -> None:
    longest = "a" * 311 + "@x.org.uk"
    assert len(longest) == users.MAX_USER_ID
    assert add_user(db, longest, "viewer", [], "boss") == f"Added {longest} as viewer."


def test_demoting_the_last_admin_is_refused(db: Path) -> None:
    add_user(db, "boss@x.org", "admin", [], "setup")
    before = db.read_bytes()
    with pytest.raises(UsersError) as refused:
        add_user(db, "Boss@x.org", "viewer", [], "setup")  # even with nobody else: then nobody could manage users
    assert str(refused.value) == (
        "boss@x.org is the last admin, and users need an admin to manage them: add another admin first, then change "
        "this one's role."
    )
    assert db.read_bytes() == before


def test_removing_the_last_admin_while_others_remain_is_refused(db: Path) -> None:
    add_user(db, "boss@x.org", "admin", [], "setup")
    add_user(db, "v@x.org", "viewer", [], "boss@x.org")
    add_user(db, "c@x.org", "coordinator", ["Hackney"], "boss@x.org")
    before = db.read_bytes()
    with pytest.raises(UsersError) as refused:
        remove_user(db, "boss@x.org", "boss@x.org")
    assert str(refused.value) == (
        "boss@x.org is the last admin, and 2 other users would be left with nobody to manage them: add another admin "
        "first."
    )
    assert db.read_bytes() == before
    assert leftovers(db) == []


def test_removing_someone_who_is_not_there_names_who_is(db: Path) -> None:
    before = db.read_bytes()
    with pytest.raises(UsersError) as refused:
        remove_user(db, "nobody@x.org", "boss")
    assert str(refused.value) == "No user 'nobody@x.org': this database has no users yet."
    add_user(db, "boss@x.org", "admin", [], "setup")
    add_user(db, "amy@x.org", "analyst", [], "setup")
    before = db.read_bytes()
    with pytest.raises(UsersError) as refused:
        remove_user(db, "any@x.org", "boss")
    assert str(refused.value) == "No user 'any@x.org'; the users are boss@x.org (admin) and amy@x.org (analyst)."
    for n in range(5):
        add_user(db, f"v{n}@x.org", "viewer", [], "setup")
    before = db.read_bytes()
    with pytest.raises(UsersError) as refused:
        remove_user(db, "abc123", "boss")
    assert str(refused.value) == (
        "No user 'abc123'; the users are boss@x.org (admin), amy@x.org (analyst), v0@x.org (viewer), v1@x.org "
        "(viewer), v2@x.org (viewer) and 2 more (`marac users list`)."
    )
    with pytest.raises(UsersError) as refused:
        remove_user(db, " ", "boss")
    assert str(refused.value) == (
        "The user id is empty: give the id of the user to remove (`marac users list` shows them)."
    )
    assert db.read_bytes() == before


def test_no_database_is_refused_and_none_is_made(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "marac.duckdb"
    expected = (
        f"No database at {missing}. Build it first (`marac registry load FILE --db {missing}`, "
        f"`marac load FILE --db {missing}` or `marac demo --db {missing}`), then add its users."
    )
    for attempt in (
        lambda: add_user(missing, "boss@x.org", "admin", [], "setup"),
        lambda: remove_user(missing, "boss@x.org", "setup"),
        lambda: read_users(missing),
    ):
        with pytest.raises(UsersError) as refused:
            attempt()
        assert str(refused.value) == expected
    assert not missing.parent.exists()


@pytest.mark.parametrize(
    ("user_id", "reads_as"),
    [("\u212aate@kent.gov.uk", "Kate@kent.gov.uk"), ("e\ufb00ie@x.org", "effie@x.org")],
    ids=["kelvin-sign", "ligature"],
)
def test_an_id_with_characters_that_stand_for_others_is_refused(db: Path, user_id: str, reads_as: str) -> None:
    before = db.read_bytes()
    with pytest.raises(UsersError) as refused:
        add_user(db, user_id, "admin", who="test")
    assert str(refused.value) == (
        f"The user id '{user_id}' holds characters that stand for others (it reads as '{reads_as}'): no sign-in "
        "would match it as it reads; retype it."
    )
    assert db.read_bytes() == before


def test_a_claim_value_with_look_alikes_has_a_fault_and_a_plain_one_none() -> None:
    assert users.claim_fault("kate@kent.gov.uk") is None
    assert users.claim_fault("\u212aate@kent.gov.uk") is not None
    assert users.claim_fault("k\u200bate@kent.gov.uk") is not None  # a zero-width space


def test_a_duckdb_file_that_is_not_a_marac_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    other = tmp_path / "other.duckdb"
    conn = duckdb.connect(str(other))
    conn.execute("CREATE TABLE t (x INTEGER)")
    conn.close()
    before = other.read_bytes()
    with pytest.raises(UsersError) as refused:
        add_user(other, "z@example.org", "admin", who="test")
    assert str(refused.value) == f"{other} is not a MARAC dashboard database (a DuckDB file without its tables)."
    assert other.read_bytes() == before
