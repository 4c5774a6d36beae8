"""A partnership outside London and Lancashire, set up as a user would: its own registry file, then its returns.

West Yorkshire: Calderdale and Kirklees share one MARAC and Leeds is split between two (60% North, 40% South); its
sub-areas are called districts. Census 2021 females aged 16+ (data/reference/population.csv): Bradford 217,429;
Calderdale 86,348; Kirklees 178,489; Leeds 340,795; Wakefield 147,574.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from loaders import registry_store, store
from loaders.demo import write_return
from tests.helpers.fixture_db import fix_disclosure_key, meeting

HEADER = ["marac_code", "marac_name", "lad_code", "share", "sub_area", "sub_area_word"]
WEST_YORKSHIRE = [
    ["WY-BRD", "Bradford", "E08000032", "", "West", "district"],
    ["WY-CK", "Calderdale and Kirklees", "E08000033", "", "West", "district"],
    ["WY-CK", "Calderdale and Kirklees", "E08000034", "", "West", "district"],
    ["WY-LN", "Leeds North", "E08000035", "0.6", "East", "district"],
    ["WY-LS", "Leeds South", "E08000035", "0.4", "East", "district"],
    ["WY-WAK", "Wakefield", "E08000036", "", "East", "district"],
]
#: cases a quarter, one meeting a quarter through 2020-21; half referred by the police, half by an IDVA
CASES = {"WY-BRD": 200, "WY-CK": 250, "WY-LN": 150, "WY-LS": 100, "WY-WAK": 120}
QUARTERS = [date(2020, 5, 12), date(2020, 8, 11), date(2020, 11, 10), date(2021, 2, 9)]


def registry_file(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def returns(directory: Path, codes: list[str]) -> list[Path]:
    """Each MARAC's four quarterly returns of 2020-21, one meeting each."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for code in codes:
        half = CASES[code] / 2
        for n, day in enumerate(QUARTERS, start=1):
            rows = [meeting(code, day, cases_discussed=CASES[code], referrals_police=half, referrals_idva=half)]
            paths.append(write_return(directory / f"{code}_q{n}.csv", rows))
    return paths


def west_yorkshire_db(directory: Path, codes: list[str] | None = None) -> Path:
    """The partnership's database: its registry loaded, then returns for `codes` (every MARAC by default)."""
    db = directory / "wy.duckdb"
    with store.writing(db) as conn:
        fix_disclosure_key(conn)
        loaded = registry_store.load_registry(
            conn, registry_file(directory / "registry.csv", WEST_YORKSHIRE), who="test"
        )
        assert loaded.outcome == "loaded", loaded.read.report.text()
        for path in returns(directory / "returns", list(CASES) if codes is None else codes):
            result = store.load_file(conn, path, who="test")
            assert result.outcome == "loaded", result.report.text()
    return db
