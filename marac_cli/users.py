"""`marac users add | list | remove`: who may sign in to a partnership's dashboard, and with which role.

The command line is where the first admin is made (nobody can sign in to do it before there is one) and where an
administrator without a browser manages people. The rules, and every refusal's words, are `loaders.users`'s, which
the dashboard shares; this module only reads the options and prints. Every user's string goes through
`terminal_text`, so an id holding Rich markup or control characters cannot change what the terminal shows.
"""

from __future__ import annotations

import getpass
import shlex
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Column, Table
from rich.text import Text

from loaders import store, users
from loaders.roles import DESCRIPTIONS, Role
from marac_cli.terminal import DbOption, err, out, terminal_text

app = typer.Typer(
    help="People who may sign in and their roles (viewer, analyst, coordinator, admin), held in the database. "
    "Each user is the value of the identity claim sign-in uses (by default their e-mail address).",
    no_args_is_help=True,
)

UserOption = Annotated[
    str, typer.Option("--user", help="The person's identity claim value, e.g. their e-mail address or Entra oid")
]
WhoOption = Annotated[
    str | None, typer.Option(help="Name recorded in the load log for this change (default: your login)")
]


def _refuse(message: str) -> None:
    err.print(terminal_text(message), highlight=False)
    raise typer.Exit(2)


@app.command("add")
def add(
    db: DbOption,
    user: UserOption,
    role: Annotated[str, typer.Option(help="viewer, analyst, coordinator or admin")],
    marac: Annotated[
        list[str] | None,
        typer.Option(help="A coordinator's MARAC, by code or name; once for each (coordinators only)"),
    ] = None,
    who: WhoOption = None,
) -> None:
    """Give a person a role, replacing any they held (a coordinator's MARACs become exactly those given)."""
    try:
        message = users.add_user(db, user, role, marac or [], who or getpass.getuser())
    except (users.UsersError, store.StoreError) as exc:
        _refuse(str(exc))
    out.print(terminal_text(message), highlight=False, soft_wrap=True)


@app.command("remove")
def remove(db: DbOption, user: UserOption, who: WhoOption = None) -> None:
    """Take a person's role away: they can no longer open any page."""
    try:
        message = users.remove_user(db, user, who or getpass.getuser())
    except (users.UsersError, store.StoreError) as exc:
        _refuse(str(exc))
    out.print(terminal_text(message), highlight=False, soft_wrap=True)


@app.command("list")
def list_users(db: DbOption) -> None:
    """Everyone who may sign in (admins first), and what each role may do."""
    try:
        held, names = users.read_users(db), users.marac_names(db)
    except (users.UsersError, store.StoreError) as exc:
        _refuse(str(exc))
    if held:
        # ids are folded onto further lines, never cut: an admin copies them into `marac users remove`
        table = Table(
            Column("User", overflow="fold"),
            "Role",
            Column("MARACs", overflow="fold"),
            Column("Added (UTC)", no_wrap=True),
            Column("By", overflow="fold"),
        )
        for u in held:
            table.add_row(
                *(
                    Text(terminal_text(cell))
                    for cell in (
                        u.user_id,
                        u.role.value,
                        ", ".join(users.marac_label(c, names) for c in u.maracs),
                        f"{u.added_at:%Y-%m-%d %H:%M}",
                        u.added_by,
                    )
                )
            )
        out.print(table)
    else:
        out.print(terminal_text(f"No users in {db} yet."), highlight=False, soft_wrap=True)
    for role in Role:  # one line each, unwrapped: what the roles in the table may do
        out.print(f"{role.value}: {DESCRIPTIONS[role]}", highlight=False, soft_wrap=True)
    if not any(u.role is Role.ADMIN for u in held):
        out.print(
            terminal_text(
                f"No admin yet: add the first with `marac users add --db {_shown(db)} --user ID --role admin`."
            ),
            highlight=False,
            soft_wrap=True,
        )


def _shown(db: Path) -> str:
    """The database path as one shell word, so the suggested command can be pasted as it is."""
    return shlex.quote(str(db))
