#!/usr/bin/env python3
"""Rebuild data/reference/safelives_published.csv: SafeLives' published MARAC figures by police force area and year.

Why this exists: the figures are SafeLives' own ("SafeLives Marac data England and Wales", the annual
`Cases` sheet by police force area), as transcribed in `shared/data/marac/` (PROVENANCE.md §5). The
transcription is keyed on SafeLives' force names, leaves out five forces, and writes a year that was not
submitted either as empty cells or as zeros. Copying it by hand would lose those distinctions, so this
script writes the copy down: every one of the 43 ONS police force areas (codes from areas.csv, joined on
`pfa_nm_safelives` of `shared/data/lookups/lad21_to_pfa_derived.csv`) for every financial year
2018-19 to 2024-25, each row marked `complete`, `partial` or `missing`, with the reason in words.

The reasons come from SafeLives' published footnotes and the audit of the transcription (PROVENANCE.md
§5), which are not in the data file, so they are kept here, in `PARTIAL` and the words of `caveat_for`:

- the West Midlands force and the four Welsh forces are not in the transcription: `missing`;
- Norfolk 2022-23 and 2024-25 are empty ("No Data") and 2023-24 is published as 0 MARACs and 0 cases
  with no rate (not submitted): all `missing`, never zero;
- footnoted undercounts are `partial`: Wigan (Greater Manchester) 2018-19 to 2020-21, one Met MARAC
  July 2021 to March 2022, three Met MARACs September 2022 to March 2023, one Lancashire MARAC July
  2022 to March 2023; Lancashire 2023-24 and 2024-25 (2 MARACs against 9-10 before, 480 recommended
  cases against 2,200-2,440: apparently a partial submission, though no footnote says so) too.

Figures are copied as published: counts as whole numbers where they are whole (SafeLives' repeat counts
can be fractional), SafeLives' rate per 10,000 adult females as its source text. `repeat_rate` is
repeat cases / cases, to 6 decimals: SafeLives' own percentage for 2018-19 is rounded to a whole number.

Usage (from the repository root); standard library only; output UTF-8, LF, header row, sorted by code
and year; it reproduces the shipped file byte for byte:
    python data/reference/sources/safelives_published/build.py [--shared ../shared/data] [--out FILE]
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[2]
DEFAULT_SHARED = REFERENCE.parents[2] / "shared" / "data"
DEFAULT_OUT = REFERENCE / "safelives_published.csv"
MARAC_FILE = Path("marac") / "safelives_marac_by_pfa_2018-19_to_2024-25.csv"
LOOKUP_FILE = Path("lookups") / "lad21_to_pfa_derived.csv"
YEARS = [f"{y}-{(y + 1) % 100:02d}" for y in range(2018, 2025)]

HEADER = [
    "pfa_code",
    "pfa_name",
    "safelives_name",
    "financial_year",
    "period_start",
    "period_end",
    "maracs",
    "cases",
    "recommended_cases",
    "safelives_rate_per_10k",
    "repeat_cases",
    "repeat_rate",
    "children_in_household",
    "status",
    "caveat",
    "source",
]

#: footnoted or evident undercounts: (SafeLives force name, financial year) -> why the year is partial
PARTIAL = {
    **{
        ("Greater Manchester", year): "SafeLives' footnote: Wigan's MARAC is missing from 2018-19 to 2020-21, so the "
        "force's figures undercount"
        for year in ("2018-19", "2019-20", "2020-21")
    },
    ("Metropolitan Police", "2021-22"): "SafeLives' footnote: one Metropolitan Police MARAC is missing from July 2021 "
    "to March 2022, so the force's figures undercount",
    ("Metropolitan Police", "2022-23"): "SafeLives' footnote: three Metropolitan Police MARACs are missing from "
    "September 2022 to March 2023, so the force's figures undercount",
    ("Lancashire", "2022-23"): "SafeLives' footnote: one Lancashire MARAC is missing from July 2022 to March 2023, so "
    "the force's figures undercount",
    **{
        ("Lancashire", year): "2 MARACs and 480 recommended cases against 9-10 MARACs and 2,200-2,440 before: "
        "apparently a partial submission (no SafeLives footnote says so)"
        for year in ("2023-24", "2024-25")
    },
}
NOT_TRANSCRIBED = {
    "West Midlands": "Not in the transcription of SafeLives' workbooks: 'West Midlands' is both a region row and a "
    "force row there, and the conversion dropped the force",
}
WELSH = (
    "Not in the transcription of SafeLives' workbooks: they cover England and Wales, but the transcription holds the "
    "English forces only"
)
NO_DATA = "SafeLives published 'No Data' for the force this year"
PUBLISHED_ZERO = "Published as 0 MARACs and 0 cases with no rate: the year was not submitted, so missing, not zero"
TRANSCRIPTION = (
    "marac_data_2018_2025.csv in slendeavours/ONS_Population_Estimates, commit bac3618f, via "
    "shared/data/marac/safelives_marac_by_pfa_2018-19_to_2024-25.csv"
)


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def count(text: str) -> str:
    """A published count as a whole number where it is one ('7.0' -> '7'), else as published ('4474.5')."""
    value = float(text)
    return str(int(value)) if value.is_integer() else repr(value)


def forces(reference: Path, shared: Path) -> dict[str, tuple[str, str]]:
    """ONS force code -> (ONS force name, SafeLives' spelling), for every force in areas.csv."""
    ons = {r["pfa_code"]: r["pfa_name"] for r in read_rows(reference / "areas.csv")}
    spelt: dict[str, str] = {}
    for r in read_rows(shared / LOOKUP_FILE):
        if spelt.setdefault(r["pfa_cd"], r["pfa_nm_safelives"]) != r["pfa_nm_safelives"]:
            raise SystemExit(f"{LOOKUP_FILE}: force {r['pfa_cd']} is spelt two ways")
    if set(ons) != set(spelt):
        raise SystemExit(f"areas.csv and {LOOKUP_FILE} hold different force codes")
    if len(ons) != 43:
        raise SystemExit(f"expected the 43 police force areas of England and Wales, found {len(ons)}")
    return {code: (ons[code], spelt[code]) for code in ons}


def build(reference: Path, shared: Path) -> list[list[str]]:
    by_code = forces(reference, shared)
    codes = {spelling: code for code, (_, spelling) in by_code.items()}
    published: dict[tuple[str, str], dict[str, str]] = {}
    for r in read_rows(shared / MARAC_FILE):
        name, year = r["pfa_name_safelives"], r["financial_year"]
        if name not in codes:
            raise SystemExit(f"{MARAC_FILE}: force {name!r} is not in {LOOKUP_FILE}")
        if year not in YEARS:
            raise SystemExit(f"{MARAC_FILE}: year {year!r} is not one of {YEARS[0]}..{YEARS[-1]}")
        if (name, year) in published:
            raise SystemExit(f"{MARAC_FILE}: {name} {year} appears twice")
        published[(name, year)] = r
    unknown = set(PARTIAL) - set(published)
    if unknown:
        raise SystemExit(f"partial years named for rows the file does not hold: {sorted(unknown)}")
    rows = []
    for code, (ons_name, spelling) in by_code.items():
        for year in YEARS:
            first = int(year[:4])
            r = published.get((spelling, year))
            submitted = r is not None and r["cases_discussed"] != "" and float(r["cases_discussed"]) > 0
            if r is None:
                caveat = NOT_TRANSCRIBED.get(spelling, WELSH if code.startswith("W") else "Not in the transcription")
            elif not submitted:
                caveat = NO_DATA if r["cases_discussed"] == "" else PUBLISHED_ZERO
            else:
                caveat = PARTIAL.get((spelling, year), "")
            status = "missing" if not submitted else ("partial" if caveat else "complete")
            figures = ["", "", "", "", "", "", ""]
            if submitted:
                cases = float(r["cases_discussed"])
                figures = [
                    count(r["marac_count"]),
                    count(r["cases_discussed"]),
                    count(r["recommended_cases"]),
                    r["cases_per_10k_adult_females"],
                    count(r["repeat_cases"]),
                    f"{float(r['repeat_cases']) / cases:.6f}",
                    count(r["children_in_household"]),
                ]
            source = (
                f"SafeLives Marac data England and Wales, year ending March {first + 1}, Cases sheet ({TRANSCRIPTION})"
            )
            rows.append(
                [
                    code,
                    ons_name,
                    spelling,
                    year,
                    f"{first}-04-01",
                    f"{first + 1}-03-31",
                    *figures,
                    status,
                    caveat,
                    source,
                ]
            )
    return sorted(rows, key=lambda row: (row[0], row[3]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help=f"default: {DEFAULT_SHARED}")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"default: {DEFAULT_OUT}")
    args = parser.parse_args()
    rows = build(REFERENCE, args.shared)
    with args.out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)


if __name__ == "__main__":
    main()
