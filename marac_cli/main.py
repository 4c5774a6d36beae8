"""The `marac` command: load returns, build the demo, print metrics, serve the dashboard.

Each subcommand is a thin shell over the same functions the dashboard uses, so a figure
printed here is the figure on screen.
"""

from __future__ import annotations

import ipaddress
import os
import sys
from dataclasses import replace
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlsplit

import polars as pl
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from loaders import service_config, store
from loaders.demo import write_demo_returns
from marac_cli import workers as workers_module
from marac_cli.terminal import DbOption, err, out, problem_line, terminal_text
from metrics import missing_quarters
from metrics.dataset import Dataset
from metrics.indicators import COMPLETE_AREA, scoped, value_columns
from metrics.periods import PeriodError, period
from reporting.missing_quarters_words import method_line
from reporting.packs.sections import SECTIONS as PACK_SECTIONS

if TYPE_CHECKING:  # geopandas is slow to import: the boundaries commands import it when run
    from loaders.boundaries import BoundaryLoad

app = typer.Typer(
    help="MARAC performance dashboard: load quarterly returns and compare MARACs with the SafeLives ranges.",
    no_args_is_help=True,
    add_completion=False,
)
DEFAULT_DB = Path("data/demo.duckdb")


class Window(StrEnum):
    twelve = "12m"
    fy = "fy"
    quarter = "quarter"


class Group(StrEnum):
    marac = "marac"
    sub_area = "sub_area"
    bcu = "bcu"  # the Met's word for its sub-areas, kept as an alias of sub_area
    region = "region"
    pfa = "pfa"
    all = "all"


class Format(StrEnum):
    csv = "csv"
    json = "json"


class MissingQuarters(StrEnum):
    population_time = missing_quarters.POPULATION_TIME
    safelives = missing_quarters.SAFELIVES


MissingQuartersOption = Annotated[
    MissingQuarters,
    typer.Option(
        "--missing-quarters",
        help="population_time: a MARAC's population counts only for the quarters it returned (default); safelives: "
        "SafeLives' own rule, a missing quarter filled with the MARAC's previous quarter and a MARAC with two missing "
        "quarters in a row left out, to reconcile with SafeLives' report",
    ),
]


_problem_line = problem_line


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
        disable=not err.is_terminal and os.environ.get("MARAC_PROGRESS") != "1",
    )


def load_paths(
    db: Path,
    files: list[Path],
    who: str | None = None,
    *,
    quiet: bool = False,
    synthetic: bool | None = None,
    description: str = "Loading returns",
    reinstate: bool = False,
    replace: bool = False,
) -> list[store.LoadResult]:
    """Load files one transaction each, with a progress bar, and report each refusal and warning."""
    results: list[store.LoadResult] = []
    with store.writing(db) as conn, _progress() as bar:
        task = bar.add_task(description, total=len(files))
        registry = store.marac_codes(conn)
        for path in files:
            result = store.load_file(conn, path, who=who, registry=registry, reinstate=reinstate, replace=replace)
            results.append(result)
            if result.refused or (result.report.warnings and not quiet):
                for p in result.report.problems:
                    err.print(_problem_line(p), style="red" if p.severity == "error" else "yellow")
            bar.advance(task)
        if synthetic is not None:
            store.set_meta(conn, "synthetic", "true" if synthetic else "false")
    return results


def _summarise(results: list[store.LoadResult]) -> None:
    counts = {k: sum(1 for r in results if r.outcome == k) for k in ("loaded", "unchanged", "refused")}
    replaced = sum(1 for r in results if r.rows_superseded)
    warnings = sum(len(r.report.warnings) for r in results)
    err.print(
        f"{counts['loaded']} loaded ({replaced} replacing earlier returns, kept as history), "
        f"{counts['unchanged']} unchanged, {counts['refused']} refused, {warnings} warning(s).",
        highlight=False,
    )


def expand(paths: list[Path]) -> list[Path]:
    """Files as given; a folder stands for the CSV and XLSX files directly inside it, in name order."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(
                sorted(
                    p
                    for p in path.iterdir()
                    if p.suffix.lower() in (".csv", ".xlsx") and not p.name.startswith((".", "~$"))
                )
            )
        else:
            out.append(path)
    return out


@app.command()
def load(
    files: Annotated[list[Path], typer.Argument(help="Return files (CSV or XLSX), or folders holding them")],
    db: DbOption,
    who: Annotated[str | None, typer.Option(help="Name recorded in the load log (default: your login)")] = None,
    reinstate: Annotated[
        bool, typer.Option(help="Make an older return current again if it was loaded before and later replaced")
    ] = False,
    replace: Annotated[
        bool,
        typer.Option(
            help="Confirm that a return replacing a held quarter with fewer than half its meetings is the whole return"
        ),
    ] = False,
) -> None:
    """Validate and load quarterly returns; each file is all-or-nothing. Exit 1 if any file is refused.

    A file is for one MARAC: rows of another MARAC refuse it. A file that would leave a held quarter
    with fewer than half its meetings is refused unless --replace confirms it is that quarter's whole return.
    """
    files = expand(files)
    if not files:
        err.print("No CSV or XLSX files to load.")
        raise typer.Exit(2)
    if db.exists() and Dataset.from_tables(store.read_tables(db)).synthetic:
        err.print(
            f"{db} holds synthetic demo data; real returns loaded there would be mixed with made-up figures. "
            "Load them into their own database, e.g. --db data/returns.duckdb.",
            highlight=False,
        )
        raise typer.Exit(2)
    results = load_paths(db, files, who, reinstate=reinstate, replace=replace)
    _summarise(results)
    if any(r.refused for r in results):
        raise typer.Exit(1)


@app.command()
def demo(
    db: DbOption = DEFAULT_DB,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Where to write the synthetic return files")] = None,
    seed: int = 42,
) -> None:
    """Write synthetic returns for every London (Metropolitan Police) and Lancashire MARAC and load them."""
    if db.exists() and not Dataset.from_tables(store.read_tables(db)).synthetic:
        err.print(f"{db} holds real returns; the demo only writes to a new or demo database. Choose another --db.")
        raise typer.Exit(2)
    with store.writing(db) as conn:
        store.set_meta(conn, "synthetic", "true")
    dataset = Dataset.from_tables(store.read_tables(db))
    target = out_dir or db.parent / "demo_returns"
    with _progress() as bar:
        task = bar.add_task("Writing synthetic returns", total=None)
        paths = write_demo_returns(dataset.maracs, target, seed)
        bar.update(task, total=len(paths), completed=len(paths))
    results = load_paths(db, paths, "demo", quiet=True, synthetic=True, description="Loading synthetic returns")
    _summarise(results)
    err.print(f"Synthetic demo data (not real MARAC figures) is in {db}; return files in {target}.")
    if any(r.refused for r in results):
        raise typer.Exit(1)


@app.command()
def metrics(
    db: DbOption,
    period_end: Annotated[str, typer.Option(help="Last day of the period, a quarter end (YYYY-MM-DD)")],
    window: Window = Window.twelve,
    group: Group = Group.marac,
    format: Format = Format.csv,
    region: Annotated[str | None, typer.Option(help="Only MARACs in this region")] = None,
    pfa: Annotated[str | None, typer.Option("--pfa", help="Only MARACs in this police force area")] = None,
    population: Annotated[
        str, typer.Option(help="Population measure: females_16plus or females_18plus")
    ] = "females_16plus",
    base: Annotated[
        str, typer.Option(help="Population base: census2021 or mye2023 (ONS mid-2023 estimates)")
    ] = "census2021",
    published: Annotated[
        bool,
        typer.Option(
            "--published",
            help="The figures an export carries: every count rounded to a multiple of 5 and every figure worked "
            "out from the rounded counts (docs/disclosure-control.md)",
        ),
    ] = False,
    missing: MissingQuartersOption = MissingQuarters.population_time,
) -> None:
    """Print the SafeLives indicators, one row per group, as CSV or JSON (with --published, as exports carry them)."""
    try:
        end = date.fromisoformat(period_end)
        chosen = period(end, window.value)
    except ValueError as exc:
        err.print(f"--period-end {period_end}: {exc}" if not isinstance(exc, PeriodError) else str(exc))
        raise typer.Exit(2) from None
    try:
        dataset = Dataset.from_tables(store.read_tables(db), population_measure=population, population_base=base)
    except (FileNotFoundError, ValueError) as exc:
        err.print(str(exc))
        raise typer.Exit(2) from None
    for column, value, kind in (("region", region, "region"), ("police_force_area", pfa, "police force area")):
        if value is None:
            continue
        held = sorted(dataset.maracs[column].drop_nulls().unique().to_list())
        match = next((h for h in held if h.casefold() == value.strip().casefold()), None)
        if match is None:
            err.print(
                terminal_text(f'No MARACs in the {kind} "{value}"; the registry has: {", ".join(held)}.'),
                highlight=False,
            )
            raise typer.Exit(2)
        dataset = scoped(dataset, **{column: match})
    if published:
        from metrics.disclosure import NoSecret
        from metrics.disclosure import published as rounded

        try:
            dataset = rounded(dataset)
        except NoSecret as exc:
            err.print(str(exc).replace("PATH", str(db)), highlight=False)
            raise typer.Exit(2) from None
        err.print("Published figures: counts rounded to a multiple of 5, every figure worked out from them.")
    grouping = "sub_area" if group is Group.bcu else group.value
    frame = missing_quarters.compute(dataset, chosen, grouping, missing.value).with_columns(
        pl.lit(dataset.synthetic).alias("synthetic")
    )
    err.print(method_line(missing.value), highlight=False)
    columns = [c for c in value_columns(dataset) if c in frame.columns]
    frame = frame.select([*columns, *(c for c in frame.columns if c not in columns)])
    if dataset.synthetic:
        err.print("Synthetic demo data: not real MARAC figures.")
    for row in frame.filter(pl.col("area_share_covered") < COMPLETE_AREA).iter_rows(named=True):
        err.print(
            f"{row['group_name']}: the registry's MARACs cover {row['area_share_covered']:.0%} of its local authorities, "
            "so its figures are for those MARACs only (see area_share_covered).",
            highlight=False,
        )
    if format is Format.csv:
        sys.stdout.write(frame.write_csv())
    else:
        sys.stdout.write(frame.write_json() + "\n")


@app.command()
def reference(db: DbOption) -> None:
    """Copy the shipped reference data (populations, geography, ranges) into a database now.

    Every load does this too, after an upgrade brings new figures; it never touches the database's own registry.
    """
    with store.writing(db) as conn:
        changed = conn.execute("SELECT count(*) FROM load_log WHERE outcome = 'reference'").fetchall()[0][0]
    err.print(
        f"Reference data in {db} is up to date ({changed} refresh(es) recorded in the load log).", highlight=False
    )


@app.command(name="log")
def load_log(db: DbOption, last: int = 20) -> None:
    """Show the most recent load attempts: file, outcome, rows and message."""
    log = store.read_tables(db)["load_log"].tail(last)
    table = Table("id", "when (UTC)", "file", "outcome", "rows", "by", "message")
    for row in log.iter_rows(named=True):
        table.add_row(
            str(row["load_id"]),
            str(row["finished_at"])[:19],
            terminal_text(row["file_name"]),
            row["outcome"],
            str(row["rows"] or ""),
            terminal_text(row["loaded_by"] or ""),
            terminal_text(row["message"] or ""),
        )
    out.print(table)


@app.command()
def check(
    files: Annotated[list[Path], typer.Argument(help="Return files (CSV or XLSX), or folders holding them")],
    db: DbOption,
    replace: Annotated[
        bool, typer.Option(help="Check as `marac load --replace` would load: quarters may lose most of their meetings")
    ] = False,
) -> None:
    """Check returns as a load would, against what the database holds, without writing anything.

    Prints every error and warning, including a quarter already held (a load would replace it),
    cases more than 50% away from the previous quarter or a year earlier, no victim/survivor
    characteristics recorded, and meetings outside the return's quarter. Exit 1 if any file would be refused.
    """
    from loaders.upload import check_uploads

    files = expand(files)
    if not files:
        err.print("No CSV or XLSX files to check.")
        raise typer.Exit(2)
    checked = check_uploads(db, [(p.name, p.read_bytes()) for p in files], replace=replace)
    for f in checked.files:
        for p in f.report.problems:
            err.print(_problem_line(p), style="red" if p.severity == "error" else "yellow")
    counts = {k: sum(1 for f in checked.files if f.outcome == k) for k in ("would load", "unchanged", "refused")}
    warnings = sum(len(f.report.warnings) for f in checked.files)
    err.print(
        f"{counts['would load']} would load, {counts['unchanged']} unchanged, {counts['refused']} would be refused, "
        f"{warnings} warning(s). Nothing was written.",
        highlight=False,
    )
    if counts["refused"]:
        raise typer.Exit(1)


@app.command()
def history(
    db: DbOption,
    marac: Annotated[str, typer.Option(help="MARAC code, e.g. E09000012")],
    quarter: Annotated[str | None, typer.Option(help='One quarter, e.g. "2021-22 Q1" (default: all)')] = None,
) -> None:
    """Every version of a MARAC's returns ever loaded, who loaded each, and what changed cell by cell."""
    from loaders.history import history as versions_of
    from loaders.return_checks import fy_quarter_in
    from metrics.periods import quarter_label

    chosen = None
    if quarter is not None:
        chosen = fy_quarter_in(quarter)
        if chosen is None:
            err.print(f'--quarter {quarter!r}: give a financial-year quarter such as "2021-22 Q1".', highlight=False)
            raise typer.Exit(2)
    code = marac.strip().upper()
    found = versions_of(db, code, chosen)
    if not found:
        err.print(f"No returns held for {code}" + (f" in {quarter}" if quarter else "") + ".", highlight=False)
        raise typer.Exit(1)
    for q in found:
        heading = Text(f"{terminal_text(code)} {quarter_label(q.quarter_start)}", style="bold")
        out.print(heading + f": {len(q.versions)} version(s)")
        for v in q.versions:
            state = "current" if v.current else f"replaced by load {v.replaced_by}"
            out.print(
                f"  load {v.load_id}  {v.loaded_at:%Y-%m-%d %H:%M} UTC  by {terminal_text(v.loaded_by or 'unknown')}  "
                f"{terminal_text(v.file_name)}  {v.summary()}  ({state})",
                soft_wrap=True,
            )
            for change in v.changes:
                out.print(f"      {change.text()}", soft_wrap=True)


boundaries_app = typer.Typer(
    help="Local authority boundaries for the map: load a GeoJSON, GeoPackage or shapefile; list what is held.",
    no_args_is_help=True,
)
app.add_typer(boundaries_app, name="boundaries")
__import__("marac_cli.layout").layout.register(app)  # `marac layout …`: marac_cli/layout.py
__import__("marac_cli.published").published.register(app, terminal_text)  # adds `marac published`


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _boundary_summary(result: BoundaryLoad) -> str:
    """One line saying what a boundary load did, after the problem lines."""
    if result.outcome == "refused":
        return f"Refused {result.file}: {_plural(len(result.report.errors), 'error', 'errors')}; no boundaries were changed."
    if result.outcome == "unchanged":
        return (
            f"{result.file} is identical to load {result.same_as}, whose {result.report.rows} boundaries are still current; "
            "nothing changed."
        )
    notes = [f"{result.replaced} replacing earlier ones, kept as history"] if result.replaced else []
    notes += [f"{result.repaired} repaired"] if result.repaired else []
    notes += (
        [f"{result.skipped} skipped: not England or Wales local authorities in the reference list"]
        if result.skipped
        else []
    )
    return (
        f"Loaded {_plural(result.loaded, 'local authority boundary', 'local authority boundaries')} from {result.file}"
        + (f" ({', '.join(notes)})." if notes else ".")
    )


@boundaries_app.command("load")
def boundaries_load(
    file: Annotated[Path, typer.Argument(help="GeoJSON, GeoPackage, shapefile (.shp) or a .zip holding one")],
    db: DbOption,
    who: Annotated[str | None, typer.Option(help="Name recorded in the load log (default: your login)")] = None,
    layer: Annotated[str | None, typer.Option(help="Layer to load, when the file has several")] = None,
) -> None:
    """Load local authority boundaries; each code's shape replaces the one held (kept as history). Exit 1 if refused."""
    from loaders.boundaries import load_boundaries

    for path, missing in (
        (db, f"No database at {db}. Run `marac demo --db {db}` or `marac load FILE --db {db}` first."),
        (file, f"No file at {file}."),
    ):
        if not path.exists():
            err.print(missing, highlight=False)
            raise typer.Exit(2)
    result = load_boundaries(db, file, who=who, layer=layer)
    for p in result.report.problems:
        err.print(_problem_line(p), style="red" if p.severity == "error" else "yellow")
    err.print(terminal_text(_boundary_summary(result)))
    if result.refused:
        raise typer.Exit(1)


@boundaries_app.command("list")
def boundaries_list(db: DbOption) -> None:
    """Show the boundaries held: how many, from which file(s), loaded when and by whom."""
    from loaders.boundaries import boundary_status

    if not db.exists():
        err.print(f"No database at {db}.", highlight=False)
        raise typer.Exit(2)
    status = boundary_status(db)
    if not status.sources:
        err.print(f"No boundaries loaded in {db} yet: run `marac boundaries load FILE --db {db}`.", highlight=False)
        return
    table = Table("load", "when (UTC)", "file", "by", "boundaries")
    for s in status.sources:
        table.add_row(
            str(s.load_id),
            str(s.loaded_at)[:19],
            terminal_text(s.source_file),
            terminal_text(s.loaded_by or ""),
            str(s.shapes),
        )
    out.print(table)
    err.print(
        f"{_plural(status.shapes, 'local authority boundary', 'local authority boundaries')} held; "
        f"{status.superseded} earlier kept as history.",
        highlight=False,
    )


class TemplateFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


@app.command()
def template(
    out: Annotated[Path, typer.Option(help="File to write")],
    format: Annotated[TemplateFormat | None, typer.Option(help="csv or xlsx (default: from the --out suffix)")] = None,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db", help="Offer this database's registry of MARACs (default: the shipped one)", dir_okay=False
        ),
    ] = None,
) -> None:
    """Write a blank quarterly return: XLSX with instructions and Excel's checks on every column, or a CSV header row."""
    from loaders.template import template_csv, template_xlsx

    chosen = format.value if format else out.suffix.lower().lstrip(".")
    if chosen not in ("csv", "xlsx"):
        err.print(f"--out {out}: say --format csv or --format xlsx, or give the file a .csv or .xlsx name.")
        raise typer.Exit(2)
    maracs = Dataset.from_tables(store.read_tables(db)).maracs if db is not None else None
    out.write_bytes(template_xlsx(maracs) if chosen == "xlsx" else template_csv())
    err.print(
        f"Wrote {out}: a blank return"
        + (" with instructions and checks on every column." if chosen == "xlsx" else "."),
        highlight=False,
    )


class PackFormat(StrEnum):
    pdf = "pdf"
    pptx = "pptx"


@app.command()
def export(
    db: DbOption,
    scope: Annotated[
        str, typer.Option(help="marac:CODE (or name), sub_area:NAME (or bcu:NAME), region:NAME or pfa:NAME")
    ],
    period_end: Annotated[str, typer.Option(help="Last day of the period, a quarter end (YYYY-MM-DD)")],
    out: Annotated[Path, typer.Option(help="File to write; replaced only once the whole pack is made")],
    format: Annotated[PackFormat | None, typer.Option(help="pdf or pptx (default: from the --out suffix)")] = None,
    window: Window = Window.twelve,
    population: Annotated[
        str, typer.Option(help="Population measure: females_16plus or females_18plus")
    ] = "females_16plus",
    base: Annotated[str, typer.Option(help="Population base: census2021 or mye2023")] = "census2021",
    missing: MissingQuartersOption = MissingQuarters.population_time,
    sections: Annotated[
        str | None,
        typer.Option(
            help=f"The parts to include, comma-separated, from: {', '.join(PACK_SECTIONS)} (default: all that can be "
            "made); the title page always comes"
        ),
    ] = None,
) -> None:
    """Make a board pack (PDF or PowerPoint) for a MARAC, sub-area (e.g. a BCU), region or police force area, from the rounded counts every export uses."""
    from reporting.images import ExportError
    from reporting.packs import sections as pack_sections
    from reporting.packs.build import build_pack
    from reporting.packs.model import PackError
    from reporting.packs.render import render_pack

    chosen_format = format.value if format else out.suffix.lower().lstrip(".")
    if chosen_format not in ("pdf", "pptx"):
        err.print(f"--out {out}: say --format pdf or --format pptx, or give the file a .pdf or .pptx name.")
        raise typer.Exit(2)
    try:
        parts = pack_sections.parse(sections)
    except PackError as exc:
        err.print(f"--sections: {terminal_text(exc)}")
        raise typer.Exit(2) from None
    try:
        end = date.fromisoformat(period_end)
    except ValueError as exc:
        err.print(f"--period-end {period_end}: {exc}")
        raise typer.Exit(2) from None
    try:
        dataset = Dataset.from_tables(store.read_tables(db), population_measure=population, population_base=base)
        dataset = replace(dataset, missing_quarters_method=missing.value)
        pack = build_pack(dataset, scope, end, window.value, sections=parts)
    except (FileNotFoundError, ValueError) as exc:  # PackError is a ValueError
        err.print(str(exc), highlight=False)
        raise typer.Exit(2) from None
    if dataset.synthetic:
        err.print("Synthetic demo data: not real MARAC figures (the pack says so on every page).")
    target = out.resolve()
    partial = target.with_name(f".{target.name}.partial")
    try:
        with _progress() as bar:
            task = bar.add_task("Making the pack", total=1000)
            data = render_pack(
                pack,
                chosen_format,
                progress=lambda done, words: bar.update(task, completed=int(done * 1000), description=words),
            )
        partial.write_bytes(data)
        os.replace(partial, target)  # an older pack of the same name stays whole until the new one is ready
    except (ExportError, PackError, OSError) as exc:
        partial.unlink(missing_ok=True)
        err.print(f"Could not make {out}: {exc}", highlight=False)
        raise typer.Exit(1) from None
    err.print(
        f"Wrote {out} ({len(data) / 1_048_576:.1f} MB: {len(pack.sections)} section(s), {len(pack.figures)} charts).",
        highlight=False,
    )


#: what `marac serve` without --config gives Streamlit as its secrets file: a path that never exists (only whoever can
#: change this code could create it), so a stray .streamlit/secrets.toml in the working folder or the home folder
#: cannot switch sign-in on; Streamlit reads a missing file as "no secrets", silently
NO_SECRETS = Path(__file__).with_name("no-secrets.toml")


@app.command()
def serve(
    db: DbOption = DEFAULT_DB,
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8501,
    address: str = "127.0.0.1",
    build_demo: Annotated[
        bool, typer.Option("--demo", help="Build the synthetic demo first if the database does not exist")
    ] = False,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="The service's config file (e.g. marac.toml): people sign in through your identity provider and "
            "each sees what their role allows (README: Run it for your partnership)",
            dir_okay=False,
        ),
    ] = None,
    allow_unauthenticated: Annotated[
        bool,
        typer.Option(
            "--allow-unauthenticated",
            help="Without --config, serve on an address other machines can reach anyway: anyone who reaches the port "
            "sees every figure and can commit returns",
        ),
    ] = False,
    restricted: Annotated[
        bool,
        typer.Option(
            "--restricted",
            help="Without --config, pages too show only the published (rounded) figures, and Check a return is not "
            "offered",
        ),
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help="Run N dashboard servers behind one address, each person kept on theirs, so a room opening the link "
            "at once uses every core (one per core; needs Debian's haproxy; docs/serving.md)",
        ),
    ] = 1,
) -> None:
    """Open the dashboard on a database (default address 127.0.0.1).

    As it starts, the server runs every page once in the background (logged as "Warm-up: N pages
    run"), so the first visitor after a start finds the figures already worked out; and again
    a few seconds after a load, or a return committed on the Check a return page, changes the
    database.

    Downloads (CSV, XLSX, PNG, SVG, PDF) are made by the dashboard from the rounded counts
    (docs/disclosure-control.md); the table toolbar's own CSV export and the chart toolbar's
    camera, which would hand over the unrounded screen figures, are switched off.

    With --config, people sign in through the partnership's identity provider and see and do what
    their role (`marac users`) allows; any address may be served, normally 127.0.0.1 behind an
    HTTPS proxy. Without it, the one person at the machine has every right, so an address other
    machines can reach (0.0.0.0, a network interface's address, a host name) is refused unless
    --allow-unauthenticated says that is meant.
    """
    address = address.strip()
    if address.startswith("[") and address.endswith("]"):  # "[::1]", as in a URL: the server wants the bare address
        address = address[1:-1]
    signing_in = _sign_in(config, db, restricted=restricted, allow_unauthenticated=allow_unauthenticated, port=port)
    if signing_in is None and not _loopback(address):
        if not allow_unauthenticated:
            err.print(
                f"Not serving on {terminal_text(address)}: other machines can reach that address, and sign-in is not "
                f"configured, so anyone who reached port {port} could open Check a return and commit returns for any "
                "MARAC. Serve on 127.0.0.1 (the default), or configure sign-in with --config marac.toml (README: Run "
                "it for your partnership), or add --allow-unauthenticated to serve there anyway."
            )
            raise typer.Exit(2)
        exposed = (
            "sees every page, with the published (rounded) figures."
            if restricted
            else "sees every page's full figures (not only the published, rounded ones), and can open Check a "
            "return and commit returns for any MARAC."
        )
        err.print(
            f"WARNING: serving on {terminal_text(address)} without sign-in: anyone who reaches port {port} {exposed}",
            style="bold red",
        )
    if not db.exists():
        if not build_demo:
            err.print(
                f"No database at {db}. Run `marac demo --db {db}` or `marac load FILE --db {db}` first, or add --demo."
            )
            raise typer.Exit(2)
        demo(db=db, out_dir=None, seed=42)
    try:  # a database from before rounding secrets gets its own now: the dashboard publishes, but never writes
        if store.ensure_secret(db):
            err.print(f"{db} had no secret for rounding published figures: one has been added.")
    except (store.StoreError, OSError) as exc:
        err.print(f"{db} cannot be served: {exc}", highlight=False)
        raise typer.Exit(2) from None
    if signing_in is not None:
        _first_admin(db, signing_in.user_claim)
    app_path = Path(__file__).resolve().parents[1] / "dashboard" / "launch" / "server.py"
    secrets_file = str(signing_in.path.absolute()) if signing_in else str(NO_SECRETS)
    env = {k: v for k, v in os.environ.items() if k != service_config.ENV}  # sign-in only where --config says so
    env |= {"MARAC_DB": str(db.resolve()), "MARAC_VIEW": "restricted" if restricted else "full"}
    if signing_in is not None:
        env[service_config.ENV] = secrets_file
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app_path),
        "--server.address",
        address,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "viewer",
        "--server.fileWatcherType",
        "none",
        "--client.disableDataExport",
        "true",
        "--secrets.files",  # the one place Streamlit looks for [auth]: the config file, or nowhere
        secrets_file,
        # identity comes only from the signed sign-in cookie: a stray .streamlit/config.toml naming headers Streamlit
        # would copy into st.user (over the cookie's claims) is overridden here, and the agent API (which takes
        # identity from those headers) stays off
        "--server.trustedUserHeaders",
        "{}",
        "--server.enableAgentApi",
        "false",
        # no full garbage collection after every page run: it held the interpreter for 82% of a busy server's time,
        # and with it off the same server ran 2.3 times the runs a second for 6% more memory after a long run; Python's
        # own generational collection still runs (docs/performance.md, "Forty people at once")
        "--runner.postScriptGC",
        "false",
    ]
    for host in _allowed_hosts(address, signing_in, port):  # a page whose name is rebound to this machine is refused
        command += ["--server.allowedHosts", host]
    host = f"[{address}]" if ":" in address else address  # an IPv6 address is bracketed in a URL
    where = f"Dashboard at http://{terminal_text(host)}:{port}"
    count, proxy = _worker_count(workers)
    if count == 1:
        err.print(f"{where}  (Ctrl+C to stop)")
        _launch(command, env)
        return
    err.print(f"Starting {count} workers behind HAProxy on port {port}…")
    code = _launch_workers(
        command,
        env,
        count=count,
        address=address,
        port=port,
        proxy=proxy,
        sign_in_config=signing_in.path if signing_in else None,
        secrets_option="--secrets.files",
        secure_cookie=bool(signing_in and urlsplit(signing_in.redirect_uri).scheme == "https"),
        say=lambda words: err.print(words, highlight=False),
        ready=f"{where}  ({count} workers; Ctrl+C to stop)",
    )
    raise typer.Exit(code)


def _worker_count(asked: int) -> tuple[int, str]:
    """How many workers to run, and the proxy in front of them: one worker (and no proxy) when HAProxy is missing."""
    if asked == 1:
        return 1, ""
    proxy = workers_module.find_proxy()
    if proxy is None:
        err.print(
            f"WARNING: --workers {asked} needs HAProxy in front of the workers, and it is not installed here "
            "(Debian: apt-get install haproxy), so one worker serves: it uses one core.",
            style="yellow",
        )
        return 1, ""
    cores = os.cpu_count() or 1
    if asked > cores:
        err.print(
            f"WARNING: {asked} workers on {cores} core(s): workers beyond one per core add memory, not speed.",
            style="yellow",
        )
    return asked, proxy


def _sign_in(
    config: Path | None, db: Path, *, restricted: bool, allow_unauthenticated: bool, port: int
) -> service_config.ServiceConfig | None:
    """`--config` read and checked (exit 2 if it cannot be used), its warnings printed; None without it."""
    if config is None:
        return None
    if restricted:
        err.print(
            "--restricted does not go with --config: roles decide what each person sees; give viewers the viewer "
            f"role: marac users add --db {terminal_text(db)} --user ID --role viewer"
        )
        raise typer.Exit(2)
    if allow_unauthenticated:
        err.print(
            "--allow-unauthenticated does not go with --config, which has everyone sign in: leave one of them out."
        )
        raise typer.Exit(2)
    try:
        settings = service_config.read_config(config)
    except service_config.ConfigError as exc:
        err.print(terminal_text(exc))
        raise typer.Exit(2) from None
    notes = service_config.warnings(settings)
    back = urlsplit(settings.redirect_uri.replace("{port}", str(port)))
    if back.scheme == "http" and _loopback(back.hostname or "") and (back.port or 80) != port:  # no proxy between
        notes.append(
            f"{config}: [auth] redirect_uri sends people back to port {back.port or 80}, but the dashboard is served "
            f"on port {port}, so sign-in would end where nothing answers"
        )
    for note in notes:
        err.print(f"WARNING: {terminal_text(note)}", style="yellow")
    pinned = ", ".join(f"{name} {value}" for name, value in settings.required_claims.items())
    err.print(
        terminal_text(
            f"Sign-in through {urlsplit(settings.server_metadata_url).netloc}: people are known by their "
            f"{settings.user_claim} claim" + (f"; every sign-in must carry {pinned}" if pinned else "") + "."
        )
    )
    return settings


def _first_admin(db: Path, claim: str) -> None:
    """Say how to add the first admin, while nobody holds the role: until then a person who signs in sees nothing."""
    from loaders import users
    from loaders.roles import Role

    people = users.read_users(db)
    if any(u.role is Role.ADMIN for u in people):
        return
    who = (
        "nobody has a role, so whoever signs in sees only the page saying who to ask"
        if not people
        else "nobody can open the Users page or commit for any MARAC"
    )
    err.print(
        f"No admin in {terminal_text(db)} yet: {who}. Add the first with: marac users add --db {terminal_text(db)} "
        f"--user ID --role admin (ID: their {claim} claim)"
    )


def _allowed_hosts(address: str, signing_in: service_config.ServiceConfig | None, port: int) -> list[str]:
    """The Host names the server's websocket answers to (Streamlit's `server.allowedHosts`), against DNS rebinding:
    a web page whose own name the attacker points at 127.0.0.1 would otherwise drive this machine's dashboard.

    With sign-in, the name people reach it by (`redirect_uri`'s) and this machine's; without, this machine's and the
    address served. An address served with --allow-unauthenticated is reached by whatever names the network gives
    it, so no list is set: that mode is exposed anyway, and says so.
    """
    local = ["localhost", "127.0.0.1", "::1"]
    if signing_in is not None:
        public = urlsplit(signing_in.redirect_uri.replace("{port}", str(port))).hostname
        return list(dict.fromkeys([*([public] if public else []), *local]))
    if _loopback(address):
        return list(dict.fromkeys([*local, address.strip().lower()]))
    return []


def _loopback(address: str) -> bool:
    """Whether only this machine can reach `address`: a loopback IP or "localhost"; any other name may be anyone's."""
    if address.strip().lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False


#: `marac serve --workers N` with N > 1 runs the workers and their proxy here (replaced in tests)
_launch_workers = workers_module.serve_workers


def _launch(command: list[str], env: dict[str, str]) -> None:
    """Become the Streamlit server rather than starting it as a child, so stopping this process
    (Ctrl+C, SIGTERM from a service manager or a test) stops the server too."""
    sys.stderr.flush()
    os.execve(sys.executable, command, env)


# subcommands in modules of their own, attached once the names they import from here exist
from marac_cli import registry as _registry  # noqa: E402
from marac_cli import users as _users  # noqa: E402

app.add_typer(_registry.app, name="registry")
app.add_typer(_users.app, name="users")


def run() -> None:
    """Console entry: a database that cannot be used is a message and exit code 2, not a traceback."""
    try:
        app(standalone_mode=True)
    except (store.StoreError, FileNotFoundError) as exc:
        err.print(str(exc), highlight=False)
        sys.exit(2)


if __name__ == "__main__":
    run()
