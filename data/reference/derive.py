#!/usr/bin/env python3
"""Re-derive the transcribed reference tables areas.csv, population.csv and national_england.csv.

Why this exists: the two files are copied from the real public data under ``shared/data``
(ONS Census 2021 figures and the LAD lookups described in its PROVENANCE.md). The
copy is mechanical but easy to get subtly wrong, so this script writes it down. A maintainer
can rerun it after a source file changes, or to check that the shipped files still match
their sources; it reproduces the shipped files byte for byte.

national_england.csv sums SafeLives' published police-force rows into England figures by
financial year, so the England comparator can be traced back to the forces it is made of.

registry.csv (the shipped default registry of MARACs, with London's BCUs and Lancashire's divisions),
safelives_ranges.csv and national_comparators.csv are hand-maintained, and ethnicity.csv and
population_mye2023.csv were transcribed from sources outside shared/ (see sources/ and README.md);
none of them is touched here. This script holds no hand-kept data.

Usage (from the repository root):
    python data/reference/derive.py [--shared ../shared/data] [--out data/reference]

Standard library only (csv); output is UTF-8, LF line endings, header row, sorted by the
first column.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SHARED = REPO_ROOT.parent / "shared" / "data"
DEFAULT_OUT = Path(__file__).resolve().parent

CENSUS2021_BASE = "census2021"
CENSUS2021_DATE = "2021-03-21"


def read_rows(path: Path) -> list[dict[str, str]]:
    """Read a CSV file (BOM tolerated) into a list of dicts."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def write_rows(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Write a header and rows sorted by the first column: UTF-8, LF, minimal quoting."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(sorted(rows, key=lambda r: r[0]))


def region_name(code: str, name: str) -> str:
    """Region name as published, except Wales ("WALES" in the source) in title case."""
    return "Wales" if code == "W92000004" else name


def derive_areas(shared: Path) -> list[list[str]]:
    """One row per Census 2021 LAD: region, country and police force area."""
    regions = read_rows(shared / "lookups" / "lad21_to_region_census2021.csv")
    pfas = {r["lad21cd"]: r for r in read_rows(shared / "lookups" / "lad21_to_pfa_derived.csv")}
    if set(pfas) != {r["lad21cd"] for r in regions}:
        raise SystemExit("region and PFA lookups hold different LAD code sets")
    return [
        [
            r["lad21cd"],
            r["lad21nm"],
            r["rgn21cd"],
            region_name(r["rgn21cd"], r["rgn21nm"]),
            r["ctry21nm"],
            pfas[r["lad21cd"]]["pfa_cd"],
            pfas[r["lad21cd"]]["pfa_nm_ons"],
        ]
        for r in regions
    ]


def derive_population(shared: Path) -> list[list[str]]:
    """Census 2021 female 16+ / 18+ and total persons per LAD, copied as published."""
    rows = read_rows(shared / "population" / "census2021_female_16plus_by_lad.csv")
    out: list[list[str]] = []
    for r in rows:
        if r["census_date"] != CENSUS2021_DATE:
            raise SystemExit(f"unexpected census_date {r['census_date']} for {r['lad21cd']}")
        out.append(
            [
                r["lad21cd"],
                CENSUS2021_BASE,
                CENSUS2021_DATE,
                str(int(r["females_16plus"])),
                str(int(r["females_18plus"])),
                str(int(r["persons_total"])),
            ]
        )
    return out


NATIONAL_HEADER = [
    "period_start",
    "period_end",
    "scope",
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
    "source",
]
#: forces in England (Home Office list); the SafeLives transcription in shared/ holds all but West Midlands
ENGLISH_FORCES = 39


def derive_national_england(shared: Path) -> list[list[str]]:
    """England by financial year from SafeLives' force rows: counts summed, rates recomputed from the sums.

    SafeLives publishes each force's rate on its own adult female base, so that base is
    recovered per force (cases / rate x 10,000) and the England rate is summed cases over
    summed bases, the way SafeLives forms its own totals. A force with no rate or no cases
    (Norfolk's "No Data" years and its published 0 for 2023-24) is left out of both sums.
    """
    rows = read_rows(shared / "marac" / "safelives_marac_by_pfa_2018-19_to_2024-25.csv")
    years: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        years.setdefault(r["financial_year"], []).append(r)
    out: list[list[str]] = []
    for year, forces in sorted(years.items()):
        held = [
            r
            for r in forces
            if r["cases_per_10k_adult_females"] and r["cases_discussed"] and float(r["cases_discussed"]) > 0
        ]
        left_out = sorted({r["pfa_name_safelives"] for r in forces} - {r["pfa_name_safelives"] for r in held})
        cases = sum(float(r["cases_discussed"]) for r in held)
        base = sum(float(r["cases_discussed"]) / float(r["cases_per_10k_adult_females"]) * 10_000 for r in held)
        repeats = sum(float(r["repeat_cases"]) for r in held)
        first = int(year[:4])
        missing = "West Midlands not in the transcription" + "".join(f"; no data for {name}" for name in left_out)
        out.append(
            [
                f"{first}-04-01",
                f"{first + 1}-03-31",
                "England",
                str(int(sum(float(r["marac_count"]) for r in held))),
                str(int(cases)),
                f"{cases / base * 10_000:.2f}",
                f"{repeats / cases:.4f}",
                "",
                "",
                "",
                "",
                "",
                "",
                (
                    f"SafeLives Marac data England and Wales, year ending March {first + 1}: {len(held)} of {ENGLISH_FORCES} "
                    f"English police force areas summed ({missing}); rate on SafeLives' own adult female base"
                ),
            ]
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared", type=Path, default=DEFAULT_SHARED, help=f"shared data directory (default: {DEFAULT_SHARED})"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output directory (default: {DEFAULT_OUT})")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    areas = derive_areas(args.shared)
    write_rows(
        args.out / "areas.csv",
        ["lad_code", "lad_name", "region_code", "region_name", "country_name", "pfa_code", "pfa_name"],
        areas,
    )
    write_rows(
        args.out / "population.csv",
        ["lad_code", "base", "reference_date", "females_16plus", "females_18plus", "persons_total"],
        derive_population(args.shared),
    )
    write_rows(args.out / "national_england.csv", NATIONAL_HEADER, derive_national_england(args.shared))


if __name__ == "__main__":
    main()
