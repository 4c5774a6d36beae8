"""The people who may sign in and the role each holds, kept in the MARAC database itself (table `app_user`).

Held in the database, not in a config file or the checkout, so that a partnership's users travel with its figures
(backed up and restored together), `git pull` never touches them, and the same writer lock and atomic swap that guard a
return's load guard a change of role: two admins changing users at once cannot lose one another's change. Every change
is a row in `load_log`, by whom and when, beside the loads it governs.

A person is known by the value of the identity claim sign-in uses (an e-mail address, a UPN, an Entra `oid`, an opaque
`sub`). Identity providers are not consistent about the case of addresses and GUIDs, so those compare without case;
any other value is an opaque identifier and compares exactly (see `identity_key`). A refusal raises `UsersError` and
writes nothing: the change is worked out inside the writer's private copy, which a refusal throws away.
"""

from __future__ import annotations

import difflib
import getpass
import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from loaders import load_log, store
from loaders.problems import ValidationReport, shorten
from loaders.return_model import odd_characters
from loaders.roles import Grant, Role, parse_role

_LOG = logging.getLogger(__name__)

TABLE = "app_user"
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    user_id VARCHAR PRIMARY KEY,
    role VARCHAR NOT NULL,
    maracs VARCHAR NOT NULL,   -- comma-joined sorted MARAC codes; '' unless coordinator
    added_at TIMESTAMP NOT NULL,
    added_by VARCHAR NOT NULL
)
"""
#: the longest e-mail address a mail system accepts (64 + @ + 255); no sign-in claim worth matching is longer
MAX_USER_ID = 320
#: the file name and outcome of a users change in `load_log`
LOG_FILE = "users"
LOG_OUTCOME = "users"
#: users named when a removal names someone who is not there
_NAMED = 5
_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
#: listing order: who to ask first
_ORDER = (Role.ADMIN, Role.COORDINATOR, Role.ANALYST, Role.VIEWER)
#: why a role other than coordinator is given no MARACs
_NO_MARACS = {
    Role.VIEWER: "a viewer sees every MARAC's published figures and commits none",
    Role.ANALYST: "an analyst sees every MARAC and commits none",
    Role.ADMIN: "an admin may commit for any MARAC",
}


class UsersError(Exception):
    """A change of users refused; the message says why and what to do, and nothing was written."""


@dataclass(frozen=True)
class User:
    """One person who may sign in: their identity claim's value, role and (a coordinator's) MARAC codes; when and by
    whom the role was last set."""

    user_id: str
    role: Role
    maracs: tuple[str, ...]
    added_at: datetime
    added_by: str

    @property
    def grant(self) -> Grant:
        return Grant(self.role, frozenset(self.maracs))


def identity_key(value: str) -> str:
    """What two claim values must share to be one person.

    Addresses and UPNs (anything with "@") compare without case, as mail systems and Entra treat them, and so do
    GUIDs (Entra's `oid`, which some tools print in capitals); anything else, such as an opaque `sub`, is the
    provider's own identifier and compares exactly. Case is folded only for plain ASCII text, and only ASCII
    whitespace around a value is ignored: Unicode case folding and space stripping would make look-alikes one person
    (the Kelvin sign "\u212a" folds to "k", "\u017f" to "s", "ß" to "ss", and a no-break space is stripped), so
    "\u212aate@kent.gov.uk" would sign in as kate@kent.gov.uk.
    """
    value = value.strip(" \t\r\n")
    if "@" in value and value.isascii():
        return value.lower()
    if _GUID.fullmatch(value):
        return value.lower()
    return value


def claim_fault(value: str) -> str | None:
    """Why a signed-in person's claim value cannot name anyone here (the words `checked_user_id` would refuse it
    with), or None: a provider that lets people choose their own name or address must not let them choose a
    look-alike of someone else's."""
    try:
        checked_user_id(value)
    except UsersError as refused:
        return str(refused)
    return None


def find(users: Iterable[User], claim_value: str | None) -> User | None:
    """The user a signed-in person's claim value names, or None (no such user, or no value)."""
    if claim_value is None or not claim_value.strip():
        return None
    key = identity_key(claim_value)
    return next((u for u in users if identity_key(u.user_id) == key), None)


def users_from_rows(rows: Iterable[Sequence[object]]) -> list[User]:
    """Users from `app_user` rows (user_id, role, maracs, added_at, added_by), admins first then by id.

    A row whose role this version does not know (a database edited by hand, or written by a newer version) is left
    out, and logged: its person then has no role, which shows them the "ask your admin" page rather than guessing.
    """
    users = []
    for user_id, role, maracs, added_at, added_by in rows:
        try:
            parsed = parse_role(str(role))
        except ValueError:
            _LOG.warning("app_user %r has an unknown role %r; left out", user_id, role)
            continue
        codes = tuple(sorted(c for c in str(maracs or "").split(",") if c))
        users.append(User(str(user_id), parsed, codes, added_at, str(added_by)))
    return sorted(users, key=lambda u: (_ORDER.index(u.role), identity_key(u.user_id)))


def _present(conn: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables").fetchall()}


def _read(conn: duckdb.DuckDBPyConnection) -> list[User]:
    if TABLE not in _present(conn):
        return []
    return users_from_rows(conn.execute(f"SELECT user_id, role, maracs, added_at, added_by FROM {TABLE}").fetchall())


def _names(conn: duckdb.DuckDBPyConnection) -> dict[str, str]:
    if "marac" not in _present(conn):
        return {}
    return dict(conn.execute("SELECT marac_code, marac_name FROM marac ORDER BY marac_code").fetchall())


def no_database(db_path: Path | str) -> str:
    """What a users command says when there is no database to hold the users (it never makes one)."""
    return (
        f"No database at {db_path}. Build it first (`marac registry load FILE --db {db_path}`, "
        f"`marac load FILE --db {db_path}` or `marac demo --db {db_path}`), then add its users."
    )


def _need(db_path: Path | str) -> Path:
    """The database to change: it must exist and be a MARAC database already (users never turn another DuckDB file
    into one, as a writer's set-up would)."""
    path = Path(db_path)
    if not path.exists():
        raise UsersError(no_database(db_path))
    try:
        conn = store.open_read_only(path)
    except store.StoreError:
        raise UsersError(
            f"{db_path} is not a MARAC dashboard database (it cannot be opened as a DuckDB file)."
        ) from None
    try:
        present = _present(conn)
    finally:
        conn.close()
    if not {"meta", "load_log", "marac"} <= present:
        raise UsersError(f"{db_path} is not a MARAC dashboard database (a DuckDB file without its tables).")
    return path


def read_users(db_path: Path | str) -> list[User]:
    """Everyone who may sign in, admins first then by id; none for a database written before users were held."""
    conn = store.open_read_only(_need(db_path))
    try:
        return _read(conn)
    finally:
        conn.close()


def marac_names(db_path: Path | str) -> dict[str, str]:
    """MARAC code -> name in the database's registry in use, to show a coordinator's MARACs by name."""
    conn = store.open_read_only(_need(db_path))
    try:
        return _names(conn)
    finally:
        conn.close()


def marac_label(code: str, names: dict[str, str]) -> str:
    """'Hackney (E09000012)'; a code the registry in use no longer holds says so."""
    return f"{names[code]} ({code})" if code in names else f"{code} (not in the registry in use)"


def _joined(parts: list[str], last: str = "and") -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} {last} {parts[-1]}"


def grant_words(role: Role, maracs: Iterable[str], names: dict[str, str]) -> str:
    """'analyst', or 'coordinator for Hackney (E09000012) and Islington (E09000019)'."""
    codes = sorted(maracs)
    if role is not Role.COORDINATOR or not codes:
        return role.value
    return f"{role.value} for {_joined([marac_label(c, names) for c in codes])}"


def _quoted(text: str) -> str:
    """A user's string in a message: cut if long, and with any invisible or control character written out."""
    return repr(shorten(text))


def checked_user_id(user_id: str) -> str:
    """The user id as it will be held (surrounding whitespace gone), or UsersError saying what is wrong with it."""
    value = user_id.strip()
    if not value:
        raise UsersError(
            "The user id is empty: give the value of the identity claim sign-in uses for the person "
            "(by default their e-mail address)."
        )
    if len(value) > MAX_USER_ID:
        raise UsersError(
            f"The user id {_quoted(value)} is {len(value):,} characters long; a user id is at most {MAX_USER_ID} "
            "(the longest e-mail address)."
        )
    odd = odd_characters(value)  # the return's check for codes: controls, invisible and bidi characters, look-alikes
    if odd:
        raise UsersError(f"The user id {_quoted(value)} holds {odd}: no sign-in would match it as it reads; retype it.")
    if unicodedata.normalize("NFKC", value) != value:  # a compatibility form (the Kelvin sign, a ligature) reads as
        raise UsersError(  # another text does
            f"The user id {_quoted(value)} holds characters that stand for others (it reads as "
            f"{_quoted(unicodedata.normalize('NFKC', value))}): no sign-in would match it as it reads; retype it."
        )
    return value


def _resolve(values: Iterable[str], names: dict[str, str]) -> list[str]:
    """MARAC codes for values given as a code or a name, in any case; UsersError naming every value not found."""
    by_key: dict[str, str] = {}
    for code, name in names.items():
        by_key.setdefault(" ".join(name.casefold().split()), code)
    for code in names:
        by_key[code.casefold()] = code  # a code wins over a name that happens to read the same
    codes, unknown = set(), []
    for value in values:
        key = " ".join(value.casefold().split())
        if key in by_key:
            codes.add(by_key[key])
        else:
            unknown.append(value)
    if unknown:
        raise UsersError(" ".join(_not_a_marac(v, names, by_key) for v in unknown))
    return sorted(codes)


def _not_a_marac(value: str, names: dict[str, str], by_key: dict[str, str]) -> str:
    if not names:
        return f"{_quoted(value)} is not a MARAC: this database has no registry of MARACs yet (`marac registry load`)."
    key = " ".join(value.casefold().split())
    close = list(dict.fromkeys(by_key[k] for k in difflib.get_close_matches(key, list(by_key), n=3, cutoff=0.6)))
    if close:
        hint = f"did you mean {_joined([marac_label(c, names) for c in close], 'or')}?"
    else:
        hint = "`marac registry export` lists the registry's MARACs."
    return f"{_quoted(value)} is not a MARAC code or name in this database's registry; {hint}"


def _check_maracs(role: Role, maracs: Sequence[str], names: dict[str, str]) -> list[str]:
    if role is not Role.COORDINATOR:
        if maracs:
            raise UsersError(
                f"Only a coordinator is given MARACs ({_NO_MARACS[role]}): leave out --marac, or give "
                "--role coordinator."
            )
        return []
    if not maracs:
        raise UsersError(
            "A coordinator needs at least one MARAC, the ones they send returns for: give --marac with its code or "
            "name (once for each MARAC)."
        )
    return _resolve(maracs, names)


def _leaves_no_admin(users: list[User], without: User, replacement: User | None) -> bool:
    """Whether users would be left with nobody to manage them: some remain, and the last admin would go."""
    after = [u for u in users if u is not without] + ([replacement] if replacement else [])
    had_admin = any(u.role is Role.ADMIN for u in users)
    return bool(after) and had_admin and not any(u.role is Role.ADMIN for u in after)


class _Unchanged(Exception):
    """Not an error: how a change that changes nothing leaves `store.writing` without swapping its copy in."""


def add_user(
    db_path: Path | str, user_id: str, role: Role | str, maracs: Sequence[str] = (), who: str | None = None
) -> str:
    """Give a person a role (and a coordinator their MARACs), replacing any role they held; the sentence saying what
    changed. One log row per change; UsersError, nothing written, if refused."""
    path = _need(db_path)
    value = checked_user_id(user_id)
    try:
        wanted = role if isinstance(role, Role) else parse_role(role)
    except ValueError as exc:
        raise UsersError(f"{exc}.") from None
    who = who or getpass.getuser()
    started = load_log.now()
    try:
        with store.writing(path) as conn:
            conn.execute(SCHEMA)
            names = _names(conn)
            codes = _check_maracs(wanted, list(maracs), names)
            users = _read(conn)
            held = find(users, value)
            new = User(held.user_id if held else value, wanted, tuple(codes), load_log.now(), who)
            words = grant_words(wanted, codes, names)
            if held is None:
                message = f"Added {new.user_id} as {words}."
            elif (held.role, held.maracs) == (new.role, new.maracs):
                raise _Unchanged(f"Nothing changed: {held.user_id} is already {words}.")
            elif _leaves_no_admin(users, held, new):
                raise UsersError(
                    f"{held.user_id} is the last admin, and users need an admin to manage them: add another admin "
                    "first, then change this one's role."
                )
            else:
                message = f"Changed {held.user_id} from {grant_words(held.role, held.maracs, names)} to {words}."
            conn.begin()
            conn.execute(f"DELETE FROM {TABLE} WHERE user_id = ?", [new.user_id])
            conn.execute(
                f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?, ?)",
                [new.user_id, new.role.value, ",".join(new.maracs), new.added_at, who],
            )
            _log(conn, started, message, who, new.maracs)
            conn.commit()
    except _Unchanged as unchanged:
        return str(unchanged)
    return message


def remove_user(db_path: Path | str, user_id: str, who: str | None = None) -> str:
    """Take a person's role away (they can then sign in to nothing); the sentence saying so. Logged; UsersError,
    nothing written, if there is no such user or they are the last admin while others remain."""
    path = _need(db_path)
    value = user_id.strip()
    if not value:
        raise UsersError("The user id is empty: give the id of the user to remove (`marac users list` shows them).")
    who = who or getpass.getuser()
    started = load_log.now()
    with store.writing(path) as conn:
        conn.execute(SCHEMA)
        names = _names(conn)
        users = _read(conn)
        held = find(users, value)
        if held is None:
            raise UsersError(_no_such_user(value, users))
        if _leaves_no_admin(users, held, None):
            others = len(users) - 1
            raise UsersError(
                f"{held.user_id} is the last admin, and {others} other user{'s' if others != 1 else ''} would be "
                "left with nobody to manage them: add another admin first."
            )
        message = f"Removed {held.user_id}, who was {grant_words(held.role, held.maracs, names)}."
        conn.begin()
        conn.execute(f"DELETE FROM {TABLE} WHERE user_id = ?", [held.user_id])
        _log(conn, started, message, who, held.maracs)
        conn.commit()
    return message


def _no_such_user(value: str, users: list[User]) -> str:
    if not users:
        return f"No user {_quoted(value)}: this database has no users yet."
    shown = [f"{u.user_id} ({u.role.value})" for u in users[:_NAMED]]
    more = len(users) - len(shown)
    listed = _joined([*shown, f"{more} more (`marac users list`)"] if more else shown)
    return f"No user {_quoted(value)}; the users are {listed}."


def _log(conn: duckdb.DuckDBPyConnection, started: datetime, message: str, who: str, maracs: Sequence[str]) -> None:
    load_log.record(conn, ValidationReport(file=LOG_FILE), started, LOG_OUTCOME, message, who, maracs=",".join(maracs))
