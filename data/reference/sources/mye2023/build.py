"""Rebuild `data/reference/population_mye2023.csv` from the transcribed ONS rows in this folder.

Why this script exists: the mid-2023 base is derived, not copied. ONS publishes mid-2023 estimates on April 2023
boundaries (318 LADs), while the product's geography is the Census 2021 set of 331 LADs. Two steps turn one into the
other, and both should be repeatable by anyone who doubts a figure:

1. Sum the transcribed single-year Female columns of `MYE2 - Females` (ages 16 or 18 to 90+) for each LAD, and take
   persons "All ages" from `MYE2 - Persons`.
2. For the 17 Census 2021 districts merged in April 2023 into Cumberland, Westmorland and Furness, North Yorkshire and
   Somerset, share each new unitary's figure among its predecessor districts in proportion to the same measure in
   Census 2021 (`data/reference/population.csv`), rounding by largest remainder so the parts add up exactly to the
   unitary's published figure. These 17 rows are therefore APPORTIONED estimates, not ONS figures.

Inputs (all in the repository, so no network and no `shared/` is needed):
- `mye2_females_mid2023_rows.csv` (this folder): the MYE2 - Females rows, verbatim, one comment line first;
- `mye2_persons_mid2023_totals.csv` (this folder): MYE2 - Persons "All ages" per code;
- `data/reference/population.csv`: the Census 2021 base, whose 331 codes are the output's codes.

Standard library only. From the repository root:

    python data/reference/sources/mye2023/build.py            # rewrites data/reference/population_mye2023.csv
    python data/reference/sources/mye2023/build.py --check    # exit 1 if the shipped file differs byte for byte
    python data/reference/sources/mye2023/build.py --out PATH # write elsewhere

`verify.py` (same folder) runs the checks recorded in SOURCE.md.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REFERENCE = HERE.parents[1]  # data/reference
FEMALES_ROWS = HERE / "mye2_females_mid2023_rows.csv"
PERSONS_TOTALS = HERE / "mye2_persons_mid2023_totals.csv"
CENSUS = REFERENCE / "population.csv"
OUTPUT = REFERENCE / "population_mye2023.csv"

BASE = "mye2023"
REFERENCE_DATE = "2023-06-30"
COLUMNS = ("lad_code", "base", "reference_date", "females_16plus", "females_18plus", "persons_total")
MEASURES = ("females_16plus", "females_18plus", "persons_total")

#: MYE2 "Geography" values of local authority districts (the other rows are countries, regions and counties)
LAD_GEOGRAPHIES = frozenset(
    {"Unitary Authority", "Non-metropolitan District", "Metropolitan District", "London Borough"}
)

#: April 2023 unitaries -> the Census 2021 districts they replaced (whole districts; ONS LAD 2023 changes)
SUCCESSORS: dict[str, tuple[str, ...]] = {
    "E06000063": ("E07000026", "E07000028", "E07000029"),  # Cumberland: Allerdale, Carlisle, Copeland
    "E06000064": ("E07000027", "E07000030", "E07000031"),  # Westmorland and Furness: Barrow-in-Furness, Eden,
    # South Lakeland
    "E06000065": (  # North Yorkshire: Craven, Hambleton, Harrogate, Richmondshire, Ryedale, Scarborough, Selby
        "E07000163",
        "E07000164",
        "E07000165",
        "E07000166",
        "E07000167",
        "E07000168",
        "E07000169",
    ),
    "E06000066": ("E07000187", "E07000188", "E07000189", "E07000246"),  # Somerset: Mendip, Sedgemoor,
    # South Somerset, Somerset West and Taunton
}

AGE_16 = 4 + 16  # column index of age 16 in a MYE2 row: Code, Name, Geography, All ages, 0, 1, ...
AGE_18 = 4 + 18
COLUMNS_PER_ROW = 4 + 91  # ... 89, 90+


def number(cell: str) -> int:
    """A MYE2 cell: thousands separators and padding spaces, as in the CSV export (" 31,018,735 ")."""
    return int(cell.replace(",", "").strip())


def lad_figures() -> dict[str, dict[str, int]]:
    """Mid-2023 figures for the 318 April 2023 LADs, keyed by code."""
    with FEMALES_ROWS.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.reader(line for line in f if not line.startswith("#")) if r]
    with PERSONS_TOTALS.open(encoding="utf-8", newline="") as f:
        persons = {r["lad_code"]: int(r["persons_all_ages_mid2023"]) for r in csv.DictReader(f)}
    figures: dict[str, dict[str, int]] = {}
    for row in rows:
        if len(row) != COLUMNS_PER_ROW:
            raise SystemExit(f"{row[0]}: {len(row)} columns, expected {COLUMNS_PER_ROW}")
        if row[2] not in LAD_GEOGRAPHIES:
            continue
        ages = [number(c) for c in row[4:]]
        if number(row[3]) != sum(ages):
            raise SystemExit(f"{row[0]}: single years add to {sum(ages)}, All ages is {number(row[3])}")
        if row[0] in figures:
            raise SystemExit(f"{row[0]}: two rows")
        figures[row[0]] = {
            "females_16plus": sum(number(c) for c in row[AGE_16:]),
            "females_18plus": sum(number(c) for c in row[AGE_18:]),
            "persons_total": persons[row[0]],
        }
    return figures


def census_figures() -> dict[str, dict[str, int]]:
    """The Census 2021 base (`population.csv`), keyed by the 331 Census 2021 LAD codes."""
    with CENSUS.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["base"] == "census2021"]
    return {r["lad_code"]: {m: int(r[m]) for m in MEASURES} for r in rows}


def apportion(total: int, weights: dict[str, int]) -> dict[str, int]:
    """Share `total` in proportion to `weights`, in whole numbers that add up to `total` exactly.

    Largest remainder (Hamilton): each part gets the whole part of its exact share; the units left over go one each
    to the parts with the largest fractional remainders, ties to the lower code. Exact integer arithmetic.
    """
    whole = sum(weights.values())
    if whole <= 0:
        raise SystemExit(f"cannot apportion {total} over weights adding to {whole}")
    parts = {code: total * w // whole for code, w in weights.items()}
    remainders = {code: total * w % whole for code, w in weights.items()}
    left = total - sum(parts.values())
    for code in sorted(weights, key=lambda c: (-remainders[c], c))[:left]:
        parts[code] += 1
    return parts


def build() -> list[dict[str, object]]:
    """One row per Census 2021 LAD, sorted by code."""
    lads = lad_figures()
    census = census_figures()
    if len(census) != 331:
        raise SystemExit(f"population.csv has {len(census)} census2021 codes, expected 331")
    predecessors = {old: new for new, olds in SUCCESSORS.items() for old in olds}
    out: dict[str, dict[str, int]] = {}
    for code in census:
        if code in lads:
            out[code] = dict(lads[code])
        elif code not in predecessors:
            raise SystemExit(f"{code}: no mid-2023 row and not a district merged in April 2023")
    for new, olds in SUCCESSORS.items():
        for measure in MEASURES:
            shares = apportion(lads[new][measure], {old: census[old][measure] for old in olds})
            for old, value in shares.items():
                out.setdefault(old, {})[measure] = value
    unused = set(lads) - set(out) - set(SUCCESSORS)
    if unused:
        raise SystemExit(f"mid-2023 LADs not used: {sorted(unused)}")
    return [{"lad_code": c, "base": BASE, "reference_date": REFERENCE_DATE, **out[c]} for c in sorted(out)]


def render(rows: list[dict[str, object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUTPUT, help="where to write (default: the shipped file)")
    parser.add_argument(
        "--check", action="store_true", help="compare with --out instead of writing; exit 1 if it differs"
    )
    args = parser.parse_args(argv)
    data = render(build())
    if args.check:
        same = args.out.exists() and args.out.read_bytes() == data
        print(f"{args.out}: {'identical' if same else 'DIFFERS from the rebuild'}")
        return 0 if same else 1
    args.out.write_bytes(data)
    rows = data.count(b"\n") - 1
    print(f"wrote {args.out} ({rows} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
