"""Run the checks recorded in SOURCE.md on the mid-2023 transcription and on `population_mye2023.csv`.

Why: the Female rows were transcribed from a third-party copy read through a search index, so every figure is checked
against figures published alongside it (All ages against its single years; districts against their county, region
and country rows; females against persons from an independent verbatim copy), and the result is compared for
plausibility with the ONS mid-2022 workbook. Prints the figures SOURCE.md quotes; exits 1 if a check fails.

Needs `shared/data/population/` (the verbatim ONS persons CSV and mid-2022 workbook) for checks 4 and 6, and openpyxl
(a project dependency) for check 6; both are skipped, and said to be, when absent. From the repository root:

    python data/reference/sources/mye2023/verify.py [--shared PATH]
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import build

ENGLAND_AND_WALES, ENGLAND, WALES = "K04000001", "E92000001", "W92000004"
ONS_EW_FEMALES = 31_018_735  # ONS, mid-2023: females in England and Wales
ONS_EW_PERSONS = 60_854_727

failures: list[str] = []


def check(ok: bool, what: str) -> None:
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        failures.append(what)


def source_rows() -> list[list[str]]:
    with build.FEMALES_ROWS.open(encoding="utf-8", newline="") as f:
        return [r for r in csv.reader(line for line in f if not line.startswith("#")) if r]


def add(columns: list[list[int]]) -> list[int]:
    return [sum(c) for c in zip(*columns, strict=True)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=build.REFERENCE.parents[2] / "shared" / "data")
    args = parser.parse_args(argv)

    rows = source_rows()
    values = {r[0]: [build.number(c) for c in r[3:]] for r in rows}
    lads = [r[0] for r in rows if r[2] in build.LAD_GEOGRAPHIES]
    print(f"{len(rows)} transcribed rows, {len(lads)} LADs")

    # 1. every row's single years add up to its All ages
    bad = [c for c, v in values.items() if v[0] != sum(v[1:])]
    check(not bad and len(values) == len(rows), f"1. All ages = sum of 0..90+ in all {len(rows)} rows {bad or ''}")

    # 2. districts add up to every published aggregate above them (ONS order: a region or Wales, then its areas; a
    #    county or metropolitan county, then its districts)
    region, county, members, districts = None, None, {}, {}
    for r in rows:
        code, kind = r[0], r[2]
        if kind == "Region" or code == WALES:
            region, county = code, None
            members[region] = []
        elif kind in ("County", "Metropolitan County"):
            county = code
            districts[county] = []
        elif kind in build.LAD_GEOGRAPHIES:
            members[region].append(code)
            if code[:3] in ("E07", "E08"):
                districts[county].append(code)
    mismatched = [g for g, cs in {**members, **districts}.items() if add([values[c] for c in cs]) != values[g]]
    check(
        not mismatched,
        f"2. districts add up, age by age, to all {len(members)} region rows (Wales included) and all "
        f"{len(districts)} county and metropolitan county rows {mismatched or ''}",
    )
    total = add([values[c] for c in lads])
    check(total == values[ENGLAND_AND_WALES], "2. the 318 LADs add up, age by age, to the England and Wales row")
    check(total[0] == ONS_EW_FEMALES, f"2. England and Wales females = {total[0]:,} (ONS publishes {ONS_EW_FEMALES:,})")
    england = add([values[c] for c in lads if c.startswith("E")])
    wales = add([values[c] for c in lads if c.startswith("W")])
    check(england == values[ENGLAND] and wales == values[WALES], f"2. England {england[0]:,}, Wales {wales[0]:,}")
    fem16 = sum(sum(values[c][1 + 16 :]) for c in lads)
    fem18 = sum(sum(values[c][1 + 18 :]) for c in lads)
    print(f"      E&W females 16+ {fem16:,}, 18+ {fem18:,}")

    # 3. persons totals kept here: same codes, adding to ONS's E&W
    with build.PERSONS_TOTALS.open(encoding="utf-8", newline="") as f:
        persons = {r["lad_code"]: int(r["persons_all_ages_mid2023"]) for r in csv.DictReader(f)}
    check(set(persons) == set(values), "3. persons totals held for exactly the 357 Female codes")
    check(
        sum(persons[c] for c in lads) == persons[ENGLAND_AND_WALES] == ONS_EW_PERSONS,
        f"3. LAD persons add up to E&W {persons[ENGLAND_AND_WALES]:,} (ONS publishes {ONS_EW_PERSONS:,})",
    )
    check(all(values[c][0] <= persons[c] for c in values), "3. females (all ages) <= persons in every row")

    # 4. against the verbatim ONS MYE2 - Persons CSV in shared/
    verbatim = args.shared / "population" / "mye23tablesew_mye2_persons_mid2023.csv"
    if verbatim.exists():
        with verbatim.open(encoding="utf-8-sig", newline="") as f:
            ons = {r[0]: r for r in csv.reader(f) if r and r[0] and r[0] != "Code"}
        check(set(ons) == set(values), f"4. the verbatim persons CSV has the same {len(ons)} codes")
        check(all(build.number(ons[c][3]) == persons[c] for c in ons), "4. persons All ages agree for every code")
        check(all(ons[c][1] == r[1] and ons[c][2] == r[2] for r in rows for c in [r[0]]), "4. names and types agree")
        above = [(c, i) for c in values for i, v in enumerate(values[c]) if v > build.number(ons[c][3 + i])]
        check(not above, f"4. females <= persons at every single year of age in every row {above[:5] or ''}")
    else:
        print(f"skip  4. {verbatim} not found")

    # 5. the shipped file
    shipped = build.OUTPUT.read_bytes()
    check(shipped == build.render(build.build()), "5. population_mye2023.csv is exactly what build.py writes")
    with build.OUTPUT.open(encoding="utf-8", newline="") as f:
        out = {r["lad_code"]: {m: int(r[m]) for m in build.MEASURES} for r in csv.DictReader(f)}
    with (build.REFERENCE / "areas.csv").open(encoding="utf-8", newline="") as f:
        areas = {r["lad_code"] for r in csv.DictReader(f)}
    check(set(out) == areas and len(out) == 331, f"5. one row for each of the {len(areas)} codes of areas.csv")
    lad_figures = build.lad_figures()
    direct = [c for c in out if c in lad_figures]
    check(all(out[c] == lad_figures[c] for c in direct), f"5. {len(direct)} rows are ONS figures unchanged")
    for new, olds in build.SUCCESSORS.items():
        sums = {m: sum(out[o][m] for o in olds) for m in build.MEASURES}
        check(sums == lad_figures[new], f"5. {new}: its {len(olds)} apportioned districts add up to {sums}")
    check(
        all(out[c]["females_18plus"] <= out[c]["females_16plus"] <= out[c]["persons_total"] for c in out),
        "5. females 18+ <= 16+ <= persons in every row",
    )

    # 6. plausibility against ONS mid-2022 (verbatim workbook, same April 2023 boundaries)
    workbook = args.shared / "population" / "mye22final_ons_uk_mid2022_lad2023.xlsx"
    try:
        import openpyxl
    except ImportError:
        openpyxl = None
    if openpyxl is None or not workbook.exists():
        print("skip  6. mid-2022 workbook or openpyxl not available")
    else:
        book = openpyxl.load_workbook(workbook, read_only=True)
        mid2022 = {
            r[0]: sum(r[4 + 16 : 4 + 91])
            for r in book["MYE2 - Females"].iter_rows(values_only=True)
            if r[0] in lad_figures
        }
        persons2022 = {r[0]: r[3] for r in book["MYE2 - Persons"].iter_rows(values_only=True) if r[0] in lad_figures}
        check(
            set(mid2022) == set(lad_figures) == set(persons2022), f"6. mid-2022 has the same {len(mid2022)} LAD codes"
        )
        names = {r[0]: r[1] for r in rows}
        change = {c: lad_figures[c]["females_16plus"] / mid2022[c] - 1 for c in mid2022}
        persons_change = {c: lad_figures[c]["persons_total"] / persons2022[c] - 1 for c in mid2022}
        ew22 = sum(mid2022.values())
        ew23 = sum(f["females_16plus"] for f in lad_figures.values())
        print(f"      E&W females 16+: mid-2022 {ew22:,}, mid-2023 {ew23:,} ({ew23 / ew22 - 1:+.2%})")
        ordered = sorted(change.values())
        print(
            f"      LAD change: median {ordered[len(ordered) // 2]:+.2%}, range {ordered[0]:+.2%} to {ordered[-1]:+.2%};"
            f" {sum(abs(v) > 0.03 for v in ordered)} beyond +-3%, {sum(v < 0 for v in ordered)} falling"
        )
        print("      largest changes in females 16+ (persons all ages beside):")
        for code in sorted(change, key=lambda c: -abs(change[c]))[:10]:
            print(
                f"      {code} {names[code]}: {mid2022[code]:,} -> {lad_figures[code]['females_16plus']:,} "
                f"({change[code]:+.2%}; persons {persons_change[code]:+.2%})"
            )
        gap = {c: change[c] - persons_change[c] for c in change}
        widest = max(gap, key=lambda c: abs(gap[c]))
        check(
            all(abs(v) < 0.02 for v in gap.values()),
            f"6. in every LAD females 16+ moves within 2 points of persons (widest {names[widest]}, {gap[widest]:+.2%})",
        )

    print(f"\n{len(failures)} check(s) failed" if failures else "\nall checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
