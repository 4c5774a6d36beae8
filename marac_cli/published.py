"""`marac published`: SafeLives' published MARAC figures for every police force area, as the National picture shows.

Real, public figures (SafeLives Marac data, by police force area and financial year), read from the reference data
shipped with the package: no database is needed. Each row gives SafeLives' own rate beside the rate and % of the
recommended volume recomputed on the chosen base, and its status (`complete`, `partial` or `missing`, with the
caveat saying why). A missing year prints empty cells, never zeros.

This module adds its command to the `marac` app through `register`, called once from `marac_cli.main`; it imports
nothing from `main` (so `python -m marac_cli.main` loads no second copy of it), and main passes its terminal printer.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated

import polars as pl
import typer
from rich.console import Console

from loaders.reference import ReferenceError, read_reference
from metrics.dataset import POPULATION_MEASURES
from metrics.published import BASES, MISSING, SAFELIVES_BASE, financial_years, published_figures
from metrics.ranges import Ranges
from reporting.national import REAL_DATA_NOTE


class Base(StrEnum):
    census2021 = "census2021"
    mye2023 = "mye2023"
    safelives = "safelives"


class Format(StrEnum):
    csv = "csv"
    json = "json"


#: the columns printed, in order: who and when, SafeLives' published figures, the same on the chosen base, the status
COLUMNS = (
    "force",
    "pfa_code",
    "financial_year",
    "maracs",
    "cases",
    "repeat_cases",
    "repeat_rate",
    "safelives_rate_per_10k",
    "safelives_pct_of_recommended",
    "base",
    "adult_female_population",
    "cases_per_10k",
    "cases_per_10k_ci95_low",
    "cases_per_10k_ci95_high",
    "pct_of_recommended",
    "volume_verdict",
    "status",
    "caveat",
    "authorities_missing",
)


def table(
    base: str, *, year: str | None = None, pfa: str | None = None, measure: str = "females_16plus"
) -> tuple[pl.DataFrame, list[str]]:
    """The printed table, and notes for stderr. Raises ValueError naming what there is when `year` or `pfa` is not."""
    reference = read_reference()
    published = reference["safelives_published"]
    years = financial_years(published)
    if year is not None and year.strip() not in years:
        raise ValueError(f'No figures for the year "{year}"; SafeLives publishes {", ".join(sorted(years))}.')
    frame = published_figures(
        published,
        reference["area"],
        reference["population"],
        Ranges.from_frame(reference["safelives_range"]),
        base=base,
        measure=measure,
    )
    if year is not None:
        frame = frame.filter(pl.col("financial_year") == year.strip())
    if pfa is not None:
        names: dict[str, str] = {}
        for code, force, ons in frame.select("pfa_code", "force", "pfa_name").unique().rows():
            names |= {force.casefold(): code, ons.casefold(): code, code.casefold(): code}
        code = names.get(pfa.strip().casefold())
        if code is None:
            forces = ", ".join(sorted(frame["force"].unique().to_list()))
            raise ValueError(f'No police force area "{pfa}"; SafeLives publishes: {forces}.')
        frame = frame.filter(pl.col("pfa_code") == code)
    notes = [
        f"{REAL_DATA_NOTE} (SafeLives Marac data, by police force area).",
        "Rates and % of recommended on SafeLives' own base, as published."
        if base == SAFELIVES_BASE
        else f"cases_per_10k and pct_of_recommended on {frame['base_label'][0] if frame.height else BASES[base]}; "
        "safelives_rate_per_10k and safelives_pct_of_recommended on SafeLives' own base, as published.",
        "A missing year has empty cells, never zeros; a partial year's caveat says what it undercounts.",
    ]
    lacking = (
        frame.filter(pl.col("adult_female_population").is_null() & (pl.col("status") != MISSING))
        .unique("pfa_code", keep="first")
        .sort("force")
    )
    for row in lacking.iter_rows(named=True):
        missing = row["authorities_missing"] or []
        notes.append(
            f"{row['force']}: no rate on {BASES[base]}, as {len(missing)} of its {row['authorities']} local "
            f"authorities have no figure there ({', '.join(missing[:3])}{', …' if len(missing) > 3 else ''})."
        )
    out = frame.with_columns(
        # whole counts print as whole numbers (SafeLives' repeat counts can be fractional, so they stay as published)
        pl.col("maracs", "cases").cast(pl.Int64),
        pl.when(pl.col("authorities_missing").list.len() > 0).then(pl.col("authorities_missing").list.join("; ")),
    ).select(COLUMNS)
    return out, notes


def register(app: typer.Typer, terminal_text: Callable[[object], str]) -> None:
    """Add `marac published` to the app; `terminal_text` escapes what it echoes back (the user's --year and --pfa)."""
    err = Console(stderr=True, soft_wrap=True, markup=False, emoji=False, highlight=False)

    @app.command(name="published")
    def published(
        base: Annotated[
            Base,
            typer.Option(
                help="Population base for the recomputed rate: census2021, mye2023 (ONS mid-2023 estimates) or "
                "safelives (SafeLives' own, as published)"
            ),
        ] = Base.census2021,
        format: Format = Format.csv,
        year: Annotated[str | None, typer.Option(help="Only this financial year, e.g. 2020-21")] = None,
        pfa: Annotated[
            str | None, typer.Option("--pfa", help="Only this police force area (name as SafeLives or ONS spell it)")
        ] = None,
        population: Annotated[
            str, typer.Option(help=f"Adult females: {' or '.join(POPULATION_MEASURES)}")
        ] = "females_16plus",
    ) -> None:
        """Print SafeLives' published MARAC figures by police force area and year, with the rate and % of the
        recommended volume on the chosen base, and each year's status (complete, partial, missing)."""
        try:
            frame, notes = table(base.value, year=year, pfa=pfa, measure=population)
        except (ValueError, ReferenceError) as exc:
            err.print(terminal_text(str(exc)))
            raise typer.Exit(2) from None
        for note in notes:
            err.print(terminal_text(note))
        if format is Format.csv:
            sys.stdout.write(frame.write_csv())
        else:
            sys.stdout.write(frame.write_json() + "\n")
