"""Shipped reference data (registry, geography, population, ethnicity, SafeLives ranges).

The CSVs in `data/reference/` are the single source; they are copied into each database
so a database is self-contained and its figures can be traced to the reference files
(by sha256) that were current when it was written.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "data" / "reference"

#: table name -> (files stacked into it, column types other than text; codes stay text)
TABLES: dict[str, tuple[tuple[str, ...], dict[str, type[pl.DataType]]]] = {
    "area": (("areas.csv",), {}),
    # one file per population base: Census 2021 for every authority, ONS mid-2023 estimates where transcribed
    "population": (("population.csv", "population_mye2023.csv"), {"reference_date": pl.Date}),
    "ethnicity": (("ethnicity.csv",), {}),
    "marac": (("maracs.csv",), {}),
    "marac_area": (("marac_areas.csv",), {"share": pl.Float64}),
    "safelives_range": (("safelives_ranges.csv",), {"lower": pl.Float64, "upper": pl.Float64}),
}


def file_hashes(directory: Path = REFERENCE_DIR) -> dict[str, str]:
    return {file: hashlib.sha256((directory / file).read_bytes()).hexdigest() for files, _ in TABLES.values() for file in files}


def read_reference(directory: Path = REFERENCE_DIR) -> dict[str, pl.DataFrame]:
    """Each reference table as a frame; text columns stay text (codes like E09000012)."""
    frames: dict[str, pl.DataFrame] = {}
    for table, (files, overrides) in TABLES.items():
        frame = pl.concat([pl.read_csv(directory / file, infer_schema_length=0) for file in files])  # all text first
        casts = {c: t for c, t in overrides.items() if c in frame.columns}
        numeric = [c for c in frame.columns if c in _NUMERIC and c not in casts]
        frame = frame.with_columns(
            *(pl.col(c).str.to_date() if t == pl.Date else pl.col(c).cast(t) for c, t in casts.items()),
            *(pl.col(c).cast(pl.Float64) for c in numeric),
        )
        frames[table] = frame
    return frames


_NUMERIC = {"females_16plus", "females_18plus", "persons_total", "persons", "persons_white_british", "share_not_white_british", "census_year"}
