"""Shipped reference data (geography, population, ethnicity, SafeLives ranges, referral
sectors, events such as the COVID-19 lockdowns).

The CSVs in `data/reference/` are the single source; they are copied into each database
so a database is self-contained and its figures can be traced to the reference files
(by sha256) that were current when it was written.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl

from loaders.return_layout import AGENCY_LABELS


def _reference_dir() -> Path:
    """Where the shipped reference files are: inside the installed package `marac_reference` (pyproject maps it to
    data/reference, so a wheel carries them), or beside the code in a checkout that was never installed."""
    from importlib.util import find_spec

    spec = find_spec("marac_reference")  # a folder of data (no __init__), so a namespace package: use its folder
    for folder in (spec.submodule_search_locations or []) if spec else []:
        if (Path(folder) / "areas.csv").is_file():
            return Path(folder)
    return Path(__file__).resolve().parents[1] / "data" / "reference"


REFERENCE_DIR = _reference_dir()

#: table name -> (files stacked into it, column types other than text; codes stay text)
TABLES: dict[str, tuple[tuple[str, ...], dict[str, type[pl.DataType]]]] = {
    "area": (("areas.csv",), {}),
    # one file per population base: Census 2021 for every authority, ONS mid-2023 estimates where transcribed
    "population": (("population.csv", "population_mye2023.csv"), {"reference_date": pl.Date}),
    "ethnicity": (("ethnicity.csv",), {}),
    "safelives_range": (("safelives_ranges.csv",), {"lower": pl.Float64, "upper": pl.Float64}),
    "cost": (("costs.csv",), {"value": pl.Float64}),
    "national": (
        ("national_comparators.csv", "national_england.csv"),
        {
            "period_start": pl.Date,
            "period_end": pl.Date,
            **{
                c: pl.Float64
                for c in (
                    "maracs",
                    "cases",
                    "cases_per_10k",
                    "repeat_rate",
                    "partner_agency_share",
                    "share_racially_minoritised",
                    "share_lgbt",
                    "share_disabled",
                    "share_male",
                    "share_aged_16_17",
                )
            },
        },
    ),
    # display grouping of SafeLives' referring agencies into sectors (referral-sources page)
    "referral_sector": (("referral_sectors.csv",), {"sector_order": pl.Int64}),
    # dated events shaded on trend charts (the 2020-21 COVID-19 lockdowns in England)
    "event": (("events.csv",), {"start": pl.Date, "end": pl.Date}),
    # SafeLives' published MARAC figures by police force area and financial year (real data; National picture page)
    "safelives_published": (
        ("safelives_published.csv",),
        {
            "period_start": pl.Date,
            "period_end": pl.Date,
            **{
                c: pl.Float64
                for c in (
                    "maracs",
                    "cases",
                    "recommended_cases",
                    "safelives_rate_per_10k",
                    "repeat_cases",
                    "repeat_rate",
                    "children_in_household",
                )
            },
        },
    ),
}


def file_hashes(directory: Path = REFERENCE_DIR) -> dict[str, str]:
    return {
        file: hashlib.sha256((directory / file).read_bytes()).hexdigest()
        for files, _ in TABLES.values()
        for file in files
    }


class ReferenceError(ValueError):
    """A reference file a user edited cannot be read; the message names file, row, column and value."""


def _typed(frame: pl.DataFrame, file: str, column: str, kind: type[pl.DataType]) -> pl.Series:
    raw = frame[column]
    typed = raw.str.to_date(strict=False) if kind == pl.Date else raw.str.strip_chars().cast(kind, strict=False)
    bad = (typed.is_null() & raw.is_not_null() & (raw.str.strip_chars() != "")).arg_true()
    if len(bad):
        row = int(bad[0])
        expected = "a date as yyyy-mm-dd" if kind == pl.Date else "a number (fractions as decimals, e.g. 0.28, not 28%)"
        raise ReferenceError(f'{file}, row {row + 2}, column "{column}": "{raw[row]}" is not {expected}')
    return typed


def read_reference(directory: Path = REFERENCE_DIR) -> dict[str, pl.DataFrame]:
    """Each reference table as a frame; text columns stay text (codes like E09000012)."""
    frames: dict[str, pl.DataFrame] = {}
    for table, (files, overrides) in TABLES.items():
        parts = []
        for file in files:
            frame = pl.read_csv(directory / file, infer_schema_length=0)  # all text first
            missing = [c for c in _REQUIRED.get(table, ()) if c not in frame.columns]
            if missing:
                raise ReferenceError(
                    f"{file}: column(s) {', '.join(missing)} missing; expected {', '.join(_REQUIRED[table])}"
                )
            casts = {c: t for c, t in overrides.items() if c in frame.columns}
            casts |= {c: pl.Float64 for c in frame.columns if c in _NUMERIC and c not in casts}
            parts.append(frame.with_columns(_typed(frame, file, c, t).alias(c) for c, t in casts.items()))
        frames[table] = pl.concat(parts)
        if table in _CHECKS:
            _CHECKS[table](frames[table], files[0])
    return frames


def _check_sectors(frame: pl.DataFrame, file: str) -> None:
    """Each SafeLives agency in exactly one sector and each sector at one position, so shares add up to 1."""
    agencies = frame["agency"].to_list()
    unknown = [a for a in agencies if a not in AGENCY_LABELS]
    twice = sorted({a for a in agencies if agencies.count(a) > 1})
    missing = [a for a in AGENCY_LABELS if a not in agencies]
    blank = frame.filter(pl.col("sector").is_null() | pl.col("sector_order").is_null())["agency"].to_list()
    orders = (
        frame.group_by("sector").agg(pl.col("sector_order").n_unique()).filter(pl.col("sector_order") > 1)["sector"]
    )
    for problem, names in (
        ("is not a SafeLives agency code", unknown),
        ("is listed more than once", twice),
        ("has no sector", missing),
        ("needs both a sector and a sector_order", blank),
        ("has more than one sector_order", orders.to_list()),
    ):
        if names:
            raise ReferenceError(f'{file}: "{names[0]}" {problem} (SafeLives agency codes: {", ".join(AGENCY_LABELS)})')


def _check_events(frame: pl.DataFrame, file: str) -> None:
    """Every event has a start and an end, and ends on or after it starts (a chart shades from one to the other)."""
    blank = (frame["start"].is_null() | frame["end"].is_null() | frame["label"].is_null()).arg_true()
    if len(blank):
        row = int(blank[0])
        raise ReferenceError(
            f'{file}, row {row + 2}: event "{frame["event"][row]}" needs a label, a start and an end '
            "(dates as yyyy-mm-dd)"
        )
    backwards = (frame["end"] < frame["start"]).arg_true()
    if len(backwards):
        row = int(backwards[0])
        raise ReferenceError(
            f'{file}, row {row + 2}: event "{frame["event"][row]}" ends ({frame["end"][row]}) '
            f"before it starts ({frame['start'][row]})"
        )


_CHECKS = {"referral_sector": _check_sectors, "event": _check_events}
#: columns the checks and pages rely on, so an edited file with one renamed is refused by name, not by a traceback
_REQUIRED = {"referral_sector": ("agency", "sector", "sector_order"), "event": ("event", "label", "start", "end")}


_NUMERIC = {
    "females_16plus",
    "females_18plus",
    "persons_total",
    "persons",
    "persons_white_british",
    "share_not_white_british",
    "census_year",
}
