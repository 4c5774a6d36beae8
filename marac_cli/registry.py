"""`marac registry load | export | history`: a partnership sets up its own MARACs from a file, without touching code.

The registry lives in the database (`loaders.registry_store`), so a partnership's set-up never edits the checkout;
it starts from the shipped default (`marac registry export`), edits it in Excel and loads it back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from loaders import registry_store, store
from loaders.registry import COLUMNS, REQUIRED
from marac_cli.terminal import DbOption, err, out, problem_line, terminal_text

app = typer.Typer(
    help="The registry of MARACs: which local authorities each covers, its sub-area (e.g. a BCU). "
    "Load your own (CSV or XLSX), export the one in use to edit, list its versions.",
    no_args_is_help=True,
)

FORMAT_HELP = (
    f"One row per MARAC and local authority it covers. Columns: {', '.join(REQUIRED)} (required); "
    f"{', '.join(COLUMNS[3:])} (optional)."
)


def _need_db(db: Path) -> None:
    if not db.exists():
        err.print(
            terminal_text(f"No database at {db}. Run `marac demo --db {db}` or `marac load FILE --db {db}` first."),
            highlight=False,
        )
        raise typer.Exit(2)


@app.command("load", help=f"Make FILE the registry in use (the old one is kept as history). {FORMAT_HELP}")
def load(
    file: Annotated[Path, typer.Argument(help="The registry: CSV or XLSX")],
    db: DbOption,
    who: Annotated[str | None, typer.Option(help="Name recorded in the load log (default: your login)")] = None,
) -> None:
    if not file.exists():
        err.print(terminal_text(f"No file at {file}."), highlight=False)
        raise typer.Exit(2)
    with store.writing(db) as conn:
        result = registry_store.load_registry(conn, file, who=who)
    for p in result.read.report.problems:
        err.print(problem_line(p), style="red" if p.severity == "error" else "yellow")
    err.print(terminal_text(f"{file.name}: {result.message}"), highlight=False)
    if result.refused:
        raise typer.Exit(1)


@app.command("export")
def export(
    db: DbOption,
    to: Annotated[Path, typer.Option("--out", help="File to write: .csv or .xlsx", dir_okay=False)],
    version: Annotated[
        int | None, typer.Option(help="A version from `marac registry history` (default: in use)")
    ] = None,
) -> None:
    """Write the registry in use (or an older version) in the format `marac registry load` reads."""
    from loaders.reference import read_reference
    from loaders.registry import write_registry

    if to.suffix.lower() not in (".csv", ".xlsx"):
        err.print(terminal_text(f"--out {to}: give a .csv or .xlsx file name."), highlight=False)
        raise typer.Exit(2)
    if not db.exists() and version is None:  # a partnership starting out: the default it would start on, to edit
        frame = registry_store.shipped_rows()
        write_registry(frame, to, read_reference()["area"])
        err.print(
            terminal_text(
                f"No database at {db} yet: wrote the shipped default registry ({frame['marac_code'].n_unique()} "
                f"MARACs, {frame.height} rows) to {to}. Edit it, then `marac registry load {to} --db {db}`."
            ),
            highlight=False,
        )
        return
    _need_db(db)
    conn = store.open_read_only(db)
    try:
        present = {r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        frame = registry_store.rows(conn, version) if "registry_version" in present else None
        areas = conn.sql("SELECT lad_code, lad_name, pfa_name FROM area").pl() if "area" in present else None
        known = (
            [r[0] for r in conn.execute("SELECT version FROM registry_version ORDER BY version").fetchall()]
            if "registry_version" in present
            else []
        )
    finally:
        conn.close()
    if frame is None and version is None:
        err.print(
            terminal_text(
                f"{db} was written before registries were loaded: load a return or a registry into it first."
            ),
            highlight=False,
        )
        raise typer.Exit(2)
    if frame is None or (version is not None and version not in known):
        err.print(terminal_text(f"No registry version {version} in {db}; versions held: {known}."), highlight=False)
        raise typer.Exit(2)
    write_registry(frame, to, areas)
    err.print(
        terminal_text(f"Wrote {frame['marac_code'].n_unique()} MARACs ({frame.height} rows) to {to}."),
        highlight=False,
    )


@app.command("history")
def history(db: DbOption) -> None:
    """Every registry version, newest first: when, by whom, from which file, and what it changed."""
    _need_db(db)
    conn = store.open_read_only(db)
    try:
        present = {r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if "registry_version" not in present:
            err.print(
                "This database was written before registries were loaded: its MARACs become registry version 1 "
                "at its next load.",
                highlight=False,
            )
            return
        versions = registry_store.history(conn)
    finally:
        conn.close()
    # one line a version: readable at any terminal width, and greppable
    for position, row in enumerate(versions.iter_rows(named=True)):
        out.print(
            terminal_text(
                f"version {row['version']}{' (in use)' if position == 0 else ''} · "
                f"{row['loaded_at']:%Y-%m-%d %H:%M} UTC · "
                + (f"by {row['loaded_by']} · " if row["loaded_by"] else "")
                + f"{row['file_name']} ({row['source']}) · {row['maracs']} MARACs, {row['areas']} rows · "
                f"+{row['added']} −{row['removed']} MARACs"
            ),
            soft_wrap=True,
        )
