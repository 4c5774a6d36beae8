"""The ONS mid-2023 population base (`data/reference/population_mye2023.csv`) against published figures.

The expected values are ONS's own, hand-checked from the transcribed MYE2 rows in
`data/reference/sources/mye2023/` (see SOURCE.md there), or, for the 17 districts merged in April 2023, worked out
by hand from the unitary's figure and Census 2021 shares.
"""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from loaders.reference import REFERENCE_DIR

MYE = REFERENCE_DIR / "population_mye2023.csv"
SOURCES = REFERENCE_DIR / "sources" / "mye2023"
MEASURES = ("females_16plus", "females_18plus", "persons_total")

#: April 2023 unitaries and the Census 2021 districts they replaced
UNITARIES = {
    "E06000063": ("E07000026", "E07000028", "E07000029"),  # Cumberland
    "E06000064": ("E07000027", "E07000030", "E07000031"),  # Westmorland and Furness
    "E06000065": tuple(f"E0700016{i}" for i in range(3, 10)),  # North Yorkshire
    "E06000066": ("E07000187", "E07000188", "E07000189", "E07000246"),  # Somerset
}


def read(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return {row["lad_code"]: row for row in csv.DictReader(f)}


@pytest.fixture(scope="module")
def mye() -> dict[str, dict[str, int]]:
    return {code: {m: int(row[m]) for m in MEASURES} for code, row in read(MYE).items()}


@pytest.fixture(scope="module")
def source_rows() -> dict[str, list[int]]:
    """The transcribed MYE2 - Females rows: code -> [All ages, 0, 1, ..., 89, 90+]."""
    with (SOURCES / "mye2_females_mid2023_rows.csv").open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.reader(line for line in f if not line.startswith("#")) if r]
    return {r[0]: [int(c.replace(",", "").strip()) for c in r[3:]] for r in rows}


@pytest.fixture(scope="module")
def build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mye2023_build", SOURCES / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_census_2021_authority_has_a_mid_2023_row(mye) -> None:
    areas = read(REFERENCE_DIR / "areas.csv")
    assert len(areas) == 331
    assert set(mye) == set(areas)
    rows = read(MYE).values()
    assert {r["base"] for r in rows} == {"mye2023"} and {r["reference_date"] for r in rows} == {"2023-06-30"}


def test_file_format() -> None:
    data = MYE.read_bytes()
    assert b"\r" not in data and data.endswith(b"\n") and not data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8").splitlines()
    assert lines[0] == "lad_code,base,reference_date,females_16plus,females_18plus,persons_total"
    codes = [line.split(",")[0] for line in lines[1:]]
    assert codes == sorted(codes) and len(codes) == 331


@pytest.mark.parametrize(
    ("code", "females_16plus", "females_18plus", "persons_total"),
    [
        # Hackney: All ages 137,470 - ages 0-15 (23,671) = 113,799; - age 16 (1,464) - age 17 (1,519) = 110,816
        ("E09000012", 113_799, 110_816, 263_282),
        # Hartlepool: 48,933 - 8,714 (ages 0-15) = 40,219; - 555 - 615 = 39,049
        ("E06000001", 40_219, 39_049, 95_366),
        # Isles of Scilly: 1,134 - 168 (ages 0-15) = 966; - 10 - 2 = 954
        ("E06000053", 966, 954, 2_229),
        ("W06000015", 161_977, 157_871, 383_536),  # Cardiff
        # unchanged from the 47-row London and Lancashire file this one replaced
        ("E06000008", 61_711, 59_371, 157_503),  # Blackburn with Darwen
        ("E06000009", 59_434, 57_938, 142_708),  # Blackpool
    ],
)
def test_published_figures(mye, code, females_16plus, females_18plus, persons_total) -> None:
    assert mye[code] == {
        "females_16plus": females_16plus,
        "females_18plus": females_18plus,
        "persons_total": persons_total,
    }


def test_the_lancashire_authorities_keep_their_total(mye) -> None:
    # Blackburn with Darwen, Blackpool and the 12 Lancashire county districts (E07000117-E07000128)
    lancashire = ["E06000008", "E06000009", *(f"E07000{n}" for n in range(117, 129))]
    assert sum(mye[c]["females_16plus"] for c in lancashire) == 655_886


def test_an_apportioned_district_worked_by_hand(mye) -> None:
    # Cumberland, females 16+: 118,089 (MYE2), shared by Census 2021 females 16+ of Allerdale 41,347, Carlisle 47,022
    # and Copeland 28,276 (116,645 in all). Exact shares: 41,858.85 / 47,604.11 / 28,626.04; whole parts add to
    # 118,088, so the one unit left goes to the largest remainder, Allerdale's.
    assert mye["E07000026"]["females_16plus"] == 41_859
    assert mye["E07000028"]["females_16plus"] == 47_604
    assert mye["E07000029"]["females_16plus"] == 28_626


@pytest.mark.parametrize("unitary", sorted(UNITARIES))
def test_the_parts_of_each_new_unitary_add_up_to_it_exactly(mye, source_rows, unitary) -> None:
    ages = source_rows[unitary]  # [All ages, 0, ..., 90+]
    with (SOURCES / "mye2_persons_mid2023_totals.csv").open(encoding="utf-8", newline="") as f:
        persons = {r["lad_code"]: int(r["persons_all_ages_mid2023"]) for r in csv.DictReader(f)}
    published = {"females_16plus": sum(ages[1 + 16 :]), "females_18plus": sum(ages[1 + 18 :])}
    published["persons_total"] = persons[unitary]
    parts = UNITARIES[unitary]
    assert {m: sum(mye[p][m] for p in parts) for m in MEASURES} == published
    assert unitary not in mye  # the output is on Census 2021 codes only


def test_cumberland_figures_are_onss() -> None:
    rows = read(SOURCES / "mye2_persons_mid2023_totals.csv")
    assert int(rows["E06000063"]["persons_all_ages_mid2023"]) == 276_876
    assert int(rows["E06000065"]["persons_all_ages_mid2023"]) == 627_629  # North Yorkshire


def test_england_and_wales_totals(mye, source_rows) -> None:
    assert source_rows["K04000001"][0] == 31_018_735  # ONS: females in England and Wales, mid-2023
    lads = [c for c in source_rows if c[:3] in ("E06", "E07", "E08", "E09", "W06")]
    assert len(lads) == 318
    assert [sum(col) for col in zip(*(source_rows[c] for c in lads), strict=True)] == source_rows["K04000001"]
    assert sum(r["persons_total"] for r in mye.values()) == 60_854_727  # ONS: persons, mid-2023
    assert sum(r["females_16plus"] for r in mye.values()) == sum(sum(source_rows[c][17:]) for c in lads)
    assert sum(r["females_16plus"] for r in mye.values()) == 25_553_458


def test_every_transcribed_row_adds_up(source_rows) -> None:
    assert len(source_rows) == 357
    assert all(len(v) == 92 for v in source_rows.values())
    assert [c for c, v in source_rows.items() if v[0] != sum(v[1:])] == []


def test_females_never_exceed_persons(mye) -> None:
    wrong = [c for c, r in mye.items() if not r["females_18plus"] <= r["females_16plus"] <= r["persons_total"]]
    assert wrong == []
    share = [r["females_16plus"] / r["persons_total"] for r in mye.values()]
    assert min(share) > 0.35 and max(share) < 0.5


def test_build_script_reproduces_the_file(build) -> None:
    assert build.render(build.build()) == MYE.read_bytes()


def test_apportioning_keeps_the_total(build) -> None:
    assert build.apportion(10, {"a": 1, "b": 1, "c": 1}) == {"a": 4, "b": 3, "c": 3}  # tie to the lower code
    assert build.apportion(7, {"x": 2, "y": 5}) == {"x": 2, "y": 5}
    assert build.apportion(118_089, {"E07000026": 41_347, "E07000028": 47_022, "E07000029": 28_276}) == {
        "E07000026": 41_859,
        "E07000028": 47_604,
        "E07000029": 28_626,
    }
