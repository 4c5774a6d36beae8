"""A partnership's registry loaded from a file: checked like a return, versioned, exported and loaded back.

The partnership is West Yorkshire (`tests.helpers.partnership`: its populations are in that docstring).
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from loaders import registry_store, store
from metrics.dataset import Dataset
from metrics.indicators import compute
from metrics.periods import period
from tests.helpers.partnership import CASES, HEADER, WEST_YORKSHIRE, registry_file, west_yorkshire_db

YEAR = period(date(2021, 3, 31), "fy")


@pytest.fixture(scope="module")
def west_yorkshire(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return west_yorkshire_db(tmp_path_factory.mktemp("west_yorkshire"))


def by_code(frame: pl.DataFrame) -> dict[str, dict[str, object]]:
    return {r["group_code"]: r for r in frame.iter_rows(named=True)}


def test_a_partnership_outside_london_and_lancashire_gets_its_figures(west_yorkshire: Path) -> None:
    dataset = Dataset.from_tables(store.read_tables(west_yorkshire))
    assert set(dataset.maracs["marac_code"]) == set(CASES)  # the shipped default is replaced, not added to
    maracs = by_code(compute(dataset, YEAR, "marac"))
    # a MARAC covering two authorities has both populations; a split authority gives each part its share
    population = {code: row["adult_female_population"] for code, row in maracs.items()}
    assert population == pytest.approx(
        {
            "WY-BRD": 217_429,
            "WY-CK": 86_348 + 178_489,
            "WY-LN": 0.6 * 340_795,
            "WY-LS": 0.4 * 340_795,
            "WY-WAK": 147_574,
        }
    )
    assert maracs["WY-CK"]["cases"] == 1_000
    assert maracs["WY-CK"]["cases_per_10k"] == pytest.approx(1_000 / 264_837 * 10_000)  # 37.76
    assert maracs["WY-LS"]["pct_of_recommended"] == pytest.approx(400 / 136_318 * 10_000 / 40)  # 73.4%
    assert maracs["WY-CK"]["police_force_area"] == "West Yorkshire"
    assert maracs["WY-CK"]["sub_area"] == "West" and maracs["WY-CK"]["sub_area_word"] == "district"


def test_sub_area_and_force_totals_add_cases_and_populations(west_yorkshire: Path) -> None:
    dataset = Dataset.from_tables(store.read_tables(west_yorkshire))
    sub_areas = by_code(compute(dataset, YEAR, "sub_area"))
    assert set(sub_areas) == {"West", "East"}
    # West: Bradford 800 + Calderdale and Kirklees 1,000 = 1,800 cases on 217,429 + 264,837 = 482,266
    assert sub_areas["West"]["cases"] == 1_800
    assert sub_areas["West"]["adult_female_population"] == pytest.approx(482_266)
    assert sub_areas["West"]["cases_per_10k"] == pytest.approx(1_800 / 482_266 * 10_000)  # 37.32
    # East: Leeds North 600 + Leeds South 400 + Wakefield 480 = 1,480 on 340,795 + 147,574 = 488,369
    assert sub_areas["East"]["cases"] == 1_480
    assert sub_areas["East"]["cases_per_10k"] == pytest.approx(1_480 / 488_369 * 10_000)  # 30.31
    force = compute(dataset, YEAR, "pfa").row(0, named=True)
    assert (force["group_name"], force["cases"]) == ("West Yorkshire", 3_280)
    assert force["adult_female_population"] == pytest.approx(970_635)  # every authority once, Leeds's parts summed
    assert force["area_share_covered"] == pytest.approx(1.0)


def _snapshot(db: Path) -> tuple[list[tuple], list[tuple], list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return (
            conn.execute("SELECT * FROM registry_row ORDER BY version, source_row").fetchall(),
            conn.execute("SELECT * FROM marac ORDER BY marac_code").fetchall(),
            conn.execute("SELECT * FROM meeting ORDER BY load_id, source_row").fetchall(),
        )


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [*WEST_YORKSHIRE, ["WY-X", "Nowhere", "E09999999", "", "", ""]],
            'ERROR registry.csv, row 8, column "lad_code": no local authority of England and Wales has this code in '
            'the Census 2021 set (value "E09999999"); expected an ONS local authority code of the Census 2021 set, '
            "e.g. E08000035 (the 2023 unitaries such as North Yorkshire are listed by their former districts) "
            "[registry-unknown-area]",
        ),
        (
            [*WEST_YORKSHIRE, ["WY-BRD", "Bradford", "E08000032", "", "West", "district"]],
            'ERROR registry.csv, row 8, column "lad_code": E08000032 is already listed for WY-BRD on row 2 (value '
            '"E08000032"); expected each local authority once per MARAC (give one row a share if the MARAC covers '
            "part of it) [registry-duplicate-area]",
        ),
        (
            [r if r[0] != "WY-LS" else [*r[:3], "0.5", *r[4:]] for r in WEST_YORKSHIRE],
            'ERROR registry.csv, row 6, column "share": the shares of E08000035 add up to 1.1 across WY-LN, WY-LS '
            '(value "1.1"); expected shares of one authority adding up to at most 1 [registry-share-over-one]',
        ),
        (
            [r if r[0] != "WY-LS" else [*r[:3], "", *r[4:]] for r in WEST_YORKSHIRE],
            'ERROR registry.csv, row 6, column "share": E08000035 is covered by WY-LN, WY-LS, and this row gives no '
            "share; expected a share on every row of an authority split between MARACs, e.g. 0.6 and 0.4 "
            "[registry-split-without-share]",
        ),
        (
            [r if r[2] != "E08000034" else [r[0], "Kirklees", *r[2:]] for r in WEST_YORKSHIRE],
            'ERROR registry.csv, row 4, column "marac_name": WY-CK is named "Calderdale and Kirklees" on row 3 '
            '(value "Kirklees"); expected one name for each MARAC code on every row [registry-two-names]',
        ),
        (
            [*WEST_YORKSHIRE[:3], ["WY-LN", "Leeds North", "E08000035", "1.5", "East", "district"]],
            'ERROR registry.csv, row 5, column "share": the share is not a fraction from 0.01 to 1 (value "1.5"); '
            "expected the part of the authority's population the MARAC covers, written in digits, e.g. 0.6 or 60% "
            "(blank means all of it) [registry-bad-share]",
        ),
    ],
    ids=["unknown-authority", "authority-twice", "shares-over-one", "split-without-shares", "two-names", "bad-share"],
)
def test_a_bad_registry_is_refused_by_row_and_changes_nothing(
    west_yorkshire: Path, tmp_path: Path, rows: list[list[str]], expected: str
) -> None:
    before = _snapshot(west_yorkshire)
    done = subprocess.run(
        [sys.executable, "-m", "marac_cli.main", "registry", "load", str(registry_file(tmp_path / "registry.csv", rows)),
         "--db", str(west_yorkshire)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert expected in done.stderr.splitlines(), done.stderr
    assert "registry refused" in done.stderr and "the registry in use is unchanged" in done.stderr
    assert _snapshot(west_yorkshire) == before


def test_a_missing_column_is_named(west_yorkshire: Path, tmp_path: Path) -> None:
    path = registry_file(tmp_path / "registry.csv", [r[:2] + r[3:] for r in WEST_YORKSHIRE], HEADER[:2] + HEADER[3:])
    with store.writing(west_yorkshire) as conn:
        result = registry_store.load_registry(conn, path)
    assert result.refused
    assert result.read.report.text() == (
        'ERROR registry.csv, row 1: no column "lad_code"; expected a header row with marac_code, marac_name, '
        "lad_code (and optionally share, sub_area, sub_area_word, status, note) [missing-column]"
    )


def test_a_code_holding_returns_cannot_be_moved_to_another_marac_s_authorities(
    west_yorkshire: Path, tmp_path: Path
) -> None:
    before = _snapshot(west_yorkshire)
    moved = [r if r[0] != "WY-WAK" else [r[0], "Harrogate", "E07000165", *r[3:]] for r in WEST_YORKSHIRE]
    with store.writing(west_yorkshire) as conn:
        result = registry_store.load_registry(conn, registry_file(tmp_path / "registry.csv", moved))
    assert result.refused
    assert [p.line() for p in result.read.report.errors] == [
        'ERROR registry.csv, row 7, column "marac_code": the returns held under WY-WAK are for "Wakefield" '
        '(E08000036); this row gives the code to E07000165, another MARAC\'s authorities (value "WY-WAK"); expected '
        "WY-WAK on rows covering some of E08000036, or a new code for this MARAC [registry-code-clash]"
    ]
    assert _snapshot(west_yorkshire) == before


def test_a_marac_with_returns_can_be_renamed_or_split(west_yorkshire: Path, tmp_path: Path) -> None:
    db = tmp_path / "renamed.duckdb"
    db.write_bytes(west_yorkshire.read_bytes())
    renamed = [r if r[0] != "WY-WAK" else [r[0], "Wakefield District", *r[2:]] for r in WEST_YORKSHIRE]
    with store.writing(db) as conn:
        result = registry_store.load_registry(conn, registry_file(tmp_path / "renamed.csv", renamed))
    assert result.outcome == "loaded"
    assert [p.line() for p in result.read.report.warnings] == [
        'WARNING renamed.csv, row 7, column "marac_name": WY-WAK is renamed from "Wakefield" to "Wakefield District": '
        'its 4 quarters of returns held show under the new name (value "Wakefield District"); expected the name the '
        "MARAC is known by now [registry-renamed]"
    ]
    names = dict(Dataset.from_tables(store.read_tables(db)).maracs.select("marac_code", "marac_name").iter_rows())
    assert names["WY-WAK"] == "Wakefield District"


def test_a_dropped_code_cannot_come_back_as_another_marac(west_yorkshire: Path, tmp_path: Path) -> None:
    """Dropping a code, then giving it to other authorities, is the same move as giving it to them at once."""
    db = tmp_path / "two_steps.duckdb"
    db.write_bytes(west_yorkshire.read_bytes())
    without = [r for r in WEST_YORKSHIRE if r[0] != "WY-WAK"]
    moved = [*without, ["WY-WAK", "Harrogate", "E07000165", "", "", ""]]
    with store.writing(db) as conn:
        assert registry_store.load_registry(conn, registry_file(tmp_path / "without.csv", without)).outcome == "loaded"
        again = registry_store.load_registry(conn, registry_file(tmp_path / "moved.csv", moved))
    assert again.refused
    assert [p.code for p in again.read.report.errors] == ["registry-code-clash"]


def test_names_and_notes_that_would_run_as_markup_or_formulas_are_refused(west_yorkshire: Path, tmp_path: Path) -> None:
    before = _snapshot(west_yorkshire)
    cases = {
        '=HYPERLINK("http://e.vil")': "registry-bad-name",
        "Leeds <a href=x>": "registry-bad-name",
        "Leeds %{y}": "registry-bad-name",
        "Isling\x00ton": "hidden-character",
        "Bar\u202enet": "hidden-character",
    }
    for name, code in cases.items():
        rows = [*WEST_YORKSHIRE, ["WY-NEW", name, "E08000036", "", "East", "district"]]
        with store.writing(west_yorkshire) as conn:
            result = registry_store.load_registry(conn, registry_file(tmp_path / "names.csv", rows))
        assert [p.code for p in result.read.report.errors] == [code], name
    same = [*WEST_YORKSHIRE, ["WY-2", " bradford ", "E07000165", "", "East", "district"]]  # one name for two codes
    with store.writing(west_yorkshire) as conn:
        result = registry_store.load_registry(conn, registry_file(tmp_path / "same.csv", same))
    assert [p.line() for p in result.read.report.errors] == [
        'ERROR same.csv, row 8, column "marac_name": WY-BRD is already named "bradford" (value "bradford"); '
        "expected a name of its own for each MARAC, as pages, packs and links find a MARAC by name [registry-two-names]"
    ]
    assert _snapshot(west_yorkshire) == before


def test_codes_are_read_in_capitals_as_returns_are(tmp_path: Path) -> None:
    db = tmp_path / "lower.duckdb"
    with store.writing(db) as conn:
        loaded = registry_store.load_registry(
            conn, registry_file(tmp_path / "lower.csv", [["wy-lds", "Leeds", "e08000035", "", "", ""]])
        )
    assert loaded.outcome == "loaded"
    assert Dataset.from_tables(store.read_tables(db)).maracs["marac_code"].to_list() == ["WY-LDS"]


def test_a_marac_spanning_two_forces_loads_with_a_warning(tmp_path: Path) -> None:
    db = tmp_path / "two_forces.duckdb"
    rows = [["LEEDS-HG", "Leeds and Harrogate", "E08000035", "", "", ""],
            ["LEEDS-HG", "Leeds and Harrogate", "E07000165", "", "", ""]]  # fmt: skip
    with store.writing(db) as conn:
        result = registry_store.load_registry(conn, registry_file(tmp_path / "registry.csv", rows))
    assert result.outcome == "loaded"
    assert [p.line() for p in result.read.report.warnings] == [
        'WARNING registry.csv, row 2, column "lad_code": LEEDS-HG covers authorities in North Yorkshire and West '
        'Yorkshire; its figures are counted in West Yorkshire (value "E08000035, E07000165"); expected a MARAC '
        "inside one police force area (check the codes) [registry-two-forces]"
    ]
    assert Dataset.from_tables(store.read_tables(db)).maracs["police_force_area"].to_list() == ["West Yorkshire"]


def test_a_dropped_marac_keeps_its_returns_and_comes_back_with_them(west_yorkshire: Path, tmp_path: Path) -> None:
    db = tmp_path / "dropped.duckdb"
    db.write_bytes(west_yorkshire.read_bytes())
    meetings_before = _snapshot(db)[2]
    without_wakefield = [r for r in WEST_YORKSHIRE if r[0] != "WY-WAK"]
    with store.writing(db) as conn:
        result = registry_store.load_registry(conn, registry_file(tmp_path / "smaller.csv", without_wakefield))
    assert result.outcome == "loaded"
    assert [p.line() for p in result.read.report.warnings] == [
        "WARNING smaller.csv: WY-WAK (Wakefield) has 4 quarters of returns held and is not in this registry: the "
        'returns are kept, but not shown until it is back in a registry (value "WY-WAK"); expected every MARAC with '
        "returns held (leave it in, or load this registry to stop showing it) [registry-dropped-with-returns]"
    ]
    assert _snapshot(db)[2] == meetings_before  # not one meeting row deleted
    dataset = Dataset.from_tables(store.read_tables(db))
    assert "WY-WAK" not in set(dataset.maracs["marac_code"])
    assert compute(dataset, YEAR, "pfa")["cases"].to_list() == [3_280 - 480]
    with store.writing(db) as conn:
        back = registry_store.load_registry(conn, registry_file(tmp_path / "again.csv", WEST_YORKSHIRE))
        history = registry_store.history(conn)
    assert back.outcome == "loaded"
    assert compute(Dataset.from_tables(store.read_tables(db)), YEAR, "pfa")["cases"].to_list() == [3_280]
    # newest first: the registry back again (+1), the one without Wakefield (-1), the partnership's, the shipped one
    assert history.select("version", "source", "added", "removed").rows()[:3] == [
        (4, "loaded", 1, 0),
        (3, "loaded", 0, 1),
        (2, "loaded", 5, history.filter(pl.col("version") == 1)["maracs"][0]),
    ]
    assert history.filter(pl.col("version") == 1)["source"].to_list() == ["shipped"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_and_load_back_is_the_same_registry(west_yorkshire: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"registry{suffix}"
    done = subprocess.run(
        [sys.executable, "-m", "marac_cli.main", "registry", "export", "--db", str(west_yorkshire), "--out", str(out)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"Wrote 5 MARACs (6 rows) to {out}." in done.stderr
    before = _snapshot(west_yorkshire)
    with store.writing(west_yorkshire) as conn:
        again = registry_store.load_registry(conn, out)
    assert again.outcome == "unchanged", again.read.report.text()
    assert _snapshot(west_yorkshire)[:2] == before[:2]


def test_a_new_database_starts_on_the_shipped_registry(tmp_path: Path) -> None:
    db = tmp_path / "new.duckdb"
    with store.writing(db):
        pass
    dataset = Dataset.from_tables(store.read_tables(db))
    shipped = pl.read_csv(Path(store.reference.REFERENCE_DIR) / "registry.csv", infer_schema_length=0)
    assert set(dataset.maracs["marac_code"]) == set(shipped["marac_code"])
    # every authority of England and Wales is covered once: shares of each authority add up to 1
    areas = pl.read_csv(Path(store.reference.REFERENCE_DIR) / "areas.csv", infer_schema_length=0)
    covered = store.read_tables(db)["marac_area"].group_by("lad_code").agg(pl.col("share").sum())
    assert set(covered["lad_code"]) == set(areas["lad_code"])
    assert covered["share"].to_list() == pytest.approx([1.0] * covered.height)
    hackney = dataset.maracs.filter(pl.col("marac_code") == "E09000012").row(0, named=True)
    assert (hackney["sub_area"], hackney["sub_area_word"], hackney["grouping_status"]) == (
        "Central East",
        "BCU",
        "published",
    )
    leeds = dataset.maracs.filter(pl.col("marac_code") == "E08000035").row(0, named=True)
    assert (leeds["marac_name"], leeds["grouping_status"], leeds["sub_area"]) == ("Leeds", "assumed", None)


def test_a_database_from_before_registries_keeps_its_maracs_and_bcus(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    with store.writing(db) as conn:  # made as a database of before: its registry tables, and BCUs in its area table
        conn.execute("DROP TABLE registry_row; DROP TABLE registry_version")
        conn.execute("CREATE OR REPLACE TABLE marac AS SELECT marac_code, marac_name, police_force_area, "
                     "grouping_status, note FROM marac WHERE marac_code IN ('E09000012', 'E09000030')")  # fmt: skip
        conn.execute("CREATE OR REPLACE TABLE marac_area AS SELECT * FROM marac_area "
                     "WHERE marac_code IN ('E09000012', 'E09000030')")  # fmt: skip
        conn.execute("ALTER TABLE area ADD COLUMN bcu VARCHAR")
        conn.execute("UPDATE area SET bcu = 'Central East' WHERE lad_code IN ('E09000012', 'E09000030')")
    old = Dataset.from_tables(store.read_tables(db))  # read as it is, before any write
    assert old.maracs.select("marac_code", "sub_area", "sub_area_word").rows() == [
        ("E09000012", "Central East", "BCU"),
        ("E09000030", "Central East", "BCU"),
    ]
    with store.writing(db) as conn:  # its next write carries the MARACs over as registry version 1
        history = registry_store.history(conn)
    assert history.select("version", "source", "maracs").rows() == [(1, "carried over", 2)]
    assert Dataset.from_tables(store.read_tables(db)).maracs.select("marac_code", "sub_area").rows() == [
        ("E09000012", "Central East"),
        ("E09000030", "Central East"),
    ]


def test_a_partnership_starting_out_exports_the_default_to_edit(tmp_path: Path) -> None:
    db, out = tmp_path / "not-yet.duckdb", tmp_path / "registry.xlsx"
    done = subprocess.run(
        [sys.executable, "-m", "marac_cli.main", "registry", "export", "--db", str(db), "--out", str(out)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert not db.exists()  # nothing made until the partnership loads its own
    shipped = pl.read_csv(Path(store.reference.REFERENCE_DIR) / "registry.csv", infer_schema_length=0)
    assert f"wrote the shipped default registry ({shipped['marac_code'].n_unique()} MARACs, {shipped.height} rows)" in (
        done.stderr
    )
    with store.writing(db) as conn:  # loaded back unedited, it is the registry the database started on
        assert registry_store.load_registry(conn, out).outcome == "unchanged"


def test_history_prints_one_line_a_version(west_yorkshire: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "marac_cli.main", "registry", "history", "--db", str(west_yorkshire)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    shipped = pl.read_csv(Path(store.reference.REFERENCE_DIR) / "registry.csv", infer_schema_length=0)
    dropped = shipped["marac_code"].n_unique()  # the partnership's registry replaced every shipped MARAC
    assert lines[0].startswith("version 2 (in use) · ")
    assert lines[0].endswith(f" · by test · registry.csv (loaded) · 5 MARACs, 6 rows · +5 −{dropped} MARACs")
    assert lines[1].startswith("version 1 · ") and lines[1].endswith(
        f" · registry.csv (shipped) · {dropped} MARACs, {shipped.height} rows · +{dropped} −0 MARACs"
    )


def test_a_file_far_too_large_is_refused_without_reading_it_all(west_yorkshire: Path, tmp_path: Path) -> None:
    huge = tmp_path / "huge.csv"
    with open(huge, "wb") as f:  # 4 GB that take no disk: reading it all would take 4 GB of memory
        f.truncate(4 * 1024**3)
    before = _snapshot(west_yorkshire)
    with store.writing(west_yorkshire) as conn:
        result = registry_store.load_registry(conn, huge)
    assert result.refused
    assert [p.line() for p in result.read.report.errors] == [
        "ERROR huge.csv: the file is more than 10 MB; expected a registry of at most 10 MB (every local authority of England "
        "and Wales takes about 80 KB) [file-too-large]"
    ]
    assert _snapshot(west_yorkshire) == before
