"""`marac layout`: a partnership's own tile-map layout, loaded into the database (never into the checkout).

`marac layout load FILE --db PATH` checks a CSV or XLSX (columns layout, lad_code, col, row; optionally shape,
abbreviation, name) and makes its layouts current; the dashboard draws them at its next run, with no restart.
`list` shows the layouts a database can draw and `export` writes one as a file `load` reads back, a starting point
for a layout of one's own.

`register(app)` adds the commands; `marac_cli.main` calls it. Everything printed goes through
`marac_cli.terminal.terminal_text`, so a user's file name or cell cannot drive the terminal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from marac_cli.terminal import DbOption, err, out, problem_line, terminal_text


def register(app: typer.Typer) -> None:
    """Add `marac layout load|list|export` to the `marac` command."""
    layouts = typer.Typer(
        help="Tile-map layouts: load a partnership's own (CSV or XLSX), list the layouts held, export one as a file.",
        no_args_is_help=True,
    )
    layouts.command("load")(load)
    layouts.command("list")(list_layouts)
    layouts.command("export")(export)
    app.add_typer(layouts, name="layout")


def _needs(db: Path) -> None:
    if not db.exists():
        err.print(
            terminal_text(f"No database at {db}. Run `marac demo --db {db}` or `marac load FILE --db {db}` first.")
        )
        raise typer.Exit(2)


def load(
    file: Annotated[
        Path, typer.Argument(help="CSV or XLSX: layout, lad_code, col, row (optional shape, abbreviation, name)")
    ],
    db: DbOption,
    who: Annotated[str | None, typer.Option(help="Name recorded in the load log (default: your login)")] = None,
) -> None:
    """Load tile layouts; each layout the file names replaces the one of that name (kept as history). Exit 1 if refused.

    Columns count from 0 at the left and rows from 0 at the top; shape is "square" (the default) or "hex"
    (pointy-topped, odd rows half a tile to the right). Each row places one local authority by its ONS code.
    """
    from loaders.store import load_tile_layout

    _needs(db)
    if not file.exists():
        err.print(terminal_text(f"No file at {file}."))
        raise typer.Exit(2)
    result = load_tile_layout(db, file, who=who)
    for p in result.report.problems:
        err.print(problem_line(p), style="red" if p.severity == "error" else "yellow")
    if result.refused:
        errors = len(result.report.errors)
        err.print(
            terminal_text(f"Refused {result.file}: {errors} error{'s' if errors != 1 else ''}; no layout was changed.")
        )
        raise typer.Exit(1)
    named = ", ".join(result.layouts)
    if result.outcome == "unchanged":
        err.print(
            terminal_text(f"{result.file} holds the same cells as the layout(s) held ({named}); nothing changed.")
        )
        return
    replaced = f", replacing {result.replaced} earlier (kept as history)" if result.replaced else ""
    err.print(
        terminal_text(
            f"Loaded {result.cells} tile(s) in layout(s) {named} from {result.file}{replaced}. "
            "The dashboard's map draws them at its next run."
        )
    )


def list_layouts(db: DbOption) -> None:
    """Show the layouts the map can draw: those shipped with the dashboard and those loaded into this database."""
    from rich.table import Table

    from loaders.layout import read_tile_layout
    from loaders.reference import ReferenceError
    from loaders.store import held_tile_layouts

    _needs(db)
    held = held_tile_layouts(db)
    table = Table("layout", "tiles", "cells", "from", "loaded (UTC)", "by")
    try:
        shipped = read_tile_layout()
    except ReferenceError as problem:
        err.print(terminal_text(f"The shipped layouts cannot be read: {problem}"))
        shipped = None
    loaded = {h.layout for h in held}
    if shipped is not None:
        for (name,), cells in shipped.partition_by("layout", as_dict=True, maintain_order=True).items():
            note = " (replaced by a loaded layout)" if name in loaded else ""
            table.add_row(name, cells["shape"][0], str(cells.height), f"shipped{note}", "", "")
    for h in held:
        table.add_row(
            terminal_text(h.layout),
            h.shape,
            str(h.cells),
            terminal_text(f"load {h.load_id}: {h.source_file}"),
            str(h.loaded_at)[:19],
            terminal_text(h.loaded_by or ""),
        )
    out.print(table)
    if not held:
        err.print(terminal_text(f"No layouts loaded into {db}; load one with `marac layout load FILE --db {db}`."))


def export(
    name: Annotated[str, typer.Argument(help="The layout to export (see `marac layout list`)")],
    db: DbOption,
    out_file: Annotated[Path, typer.Option("--out", help="CSV file to write", dir_okay=False)],
) -> None:
    """Write a layout (shipped or loaded) as a CSV that `marac layout load` reads back: a start for one's own."""
    import polars as pl

    from loaders.layout import COLUMNS, layout_csv, read_tile_layout
    from loaders.reference import ReferenceError
    from loaders.store import read_tables

    _needs(db)
    loaded = read_tables(db).get("tile_layout")
    cells = loaded.select(COLUMNS).filter(pl.col("layout") == name) if loaded is not None else None
    if cells is None or cells.is_empty():
        try:
            cells = read_tile_layout().filter(pl.col("layout") == name)
        except ReferenceError as problem:
            err.print(terminal_text(f"The shipped layouts cannot be read: {problem}"))
            raise typer.Exit(2) from None
    if cells.is_empty():
        err.print(terminal_text(f'No layout "{name}": `marac layout list --db {db}` shows the layouts held.'))
        raise typer.Exit(2)
    out_file.write_text(layout_csv(cells), encoding="utf-8")
    err.print(terminal_text(f'Wrote layout "{name}" ({cells.height} tiles) to {out_file}.'))
