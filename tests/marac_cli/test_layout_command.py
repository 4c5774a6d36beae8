"""`marac layout load|list|export`: a partnership's tile layout goes into the database, never the checkout; a refused
file is named problem by problem and changes nothing but the load log."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

import marac_cli.main as cli
from loaders import store

LANCS = (
    "layout,lad_code,col,row,abbreviation\nlancs,E07000121,1,0,LAN\nlancs,E07000117,3,1,BUR\nlancs,E07000122,3,0,PEN\n"
)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "marac.duckdb"
    with store.writing(path):
        pass  # a new database: reference data and the shipped registry
    return path


@pytest.fixture(autouse=True)
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """Room for every line whole, so the test reads what was printed rather than Rich's wrapping of it."""
    monkeypatch.setattr(cli.out, "width", 3000)
    monkeypatch.setattr(cli.err, "width", 3000)


def run(*args: str):
    return CliRunner().invoke(cli.app, ["layout", *args])


def held(db: Path) -> dict[str, pl.DataFrame]:
    """Every table but the load log, to show a refused file changed nothing else."""
    return {name: frame for name, frame in store.read_tables(db).items() if name not in ("load_log",)}


def test_a_layout_loads_into_the_database_is_logged_and_listed(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "lancs.csv"
    path.write_text(LANCS)
    done = run("load", str(path), "--db", str(db), "--who", "gis.team")
    assert done.exit_code == 0, done.output
    assert "Loaded 3 tile(s) in layout(s) lancs from lancs.csv. The dashboard's map draws them at its next run." in (
        done.output
    )
    layouts = store.read_tables(db)["tile_layout"]
    assert layouts.select("layout", "lad_code", "col", "row", "shape", "abbreviation", "name").rows() == [
        ("lancs", "E07000117", 3, 1, "square", "BUR", "Burnley"),
        ("lancs", "E07000121", 1, 0, "square", "LAN", "Lancaster"),
        ("lancs", "E07000122", 3, 0, "square", "PEN", "Pendle"),
    ]
    log = store.read_tables(db)["load_log"].row(-1, named=True)
    assert (log["file_name"], log["outcome"], log["loaded_by"], log["rows"]) == ("lancs.csv", "layout", "gis.team", 3)
    assert log["message"] == "loaded 3 tile(s) in layout(s) lancs"

    again = run("load", str(path), "--db", str(db))
    assert (
        again.exit_code == 0 and "holds the same cells as the layout(s) held (lancs); nothing changed" in again.output
    )
    assert store.read_tables(db)["load_log"]["outcome"][-1] == "unchanged"

    listed = run("list", "--db", str(db))
    assert listed.exit_code == 0
    rows = {line.split("│")[1].strip(): line for line in listed.output.splitlines() if line.count("│") > 3}
    assert {"london", "england-wales", "lancs"} <= set(rows)
    assert "shipped" in rows["england-wales"] and "lancs.csv" in rows["lancs"] and "gis.team" in rows["lancs"]


def test_a_new_file_for_a_layout_replaces_it_and_keeps_the_old_as_history(db: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text(LANCS)
    second.write_text("layout,lad_code,col,row\nlancs,E07000121,0,0\nlancs,E07000117,1,0\n")
    assert run("load", str(first), "--db", str(db)).exit_code == 0
    done = run("load", str(second), "--db", str(db))
    assert done.exit_code == 0 and "replacing 3 earlier (kept as history)" in done.output
    assert store.read_tables(db)["tile_layout"]["lad_code"].to_list() == ["E07000117", "E07000121"]


def test_a_refused_layout_file_names_every_problem_and_changes_nothing(db: Path, tmp_path: Path) -> None:
    good = tmp_path / "lancs.csv"
    good.write_text(LANCS)
    assert run("load", str(good), "--db", str(db)).exit_code == 0
    before = held(db)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "layout,lad_code,col,row\n"
        "lancs,E07000121,0,0\n"
        "lancs,E99999999,1,0\n"
        "lancs,E07000117,0,0\n"
        "lancs,E07000121,1,1\n"
        "lancs,E07000122,two,1\n"
    )
    done = run("load", str(bad), "--db", str(db))
    assert done.exit_code == 1
    assert done.output.splitlines() == [
        'ERROR bad.csv, row 3, column "lad_code": the code is not a local authority of England or Wales (value '
        '"E99999999"); expected an ONS local authority code of England or Wales (Census 2021 set), such as E07000117 '
        "for Burnley [layout-unknown-authority]",
        'ERROR bad.csv, row 4, column "lad_code": E07000117 (Burnley) is put in the cell at column 0, row 0 of layout '
        '"lancs", which row 2 already gives to E07000121 (Lancaster) (value "E07000117"); expected one local authority '
        "in each cell of a layout [layout-cell-taken]",
        'ERROR bad.csv, row 5, column "lad_code": E07000121 (Lancaster) is already placed in layout "lancs" on row 2 '
        '(value "E07000121"); expected each local authority once in a layout [layout-authority-twice]',
        'ERROR bad.csv, row 6, column "col": the column is not a whole number (value "two"); expected a whole number '
        "from 0 to 999 (0 at the left) [layout-not-whole-number]",
        "Refused bad.csv: 4 errors; no layout was changed.",
    ]
    after = held(db)
    assert after.keys() == before.keys()
    for name, frame in before.items():
        assert frame.equals(after[name]), name  # the layout held, the registry, the returns: all as they were
    log = store.read_tables(db)["load_log"].row(-1, named=True)
    assert (log["file_name"], log["outcome"]) == ("bad.csv", "refused")
    assert log["message"].startswith('refused: 4 error(s); first: ERROR bad.csv, row 3, column "lad_code"')


def test_a_hostile_file_is_refused_in_words_and_its_name_printed_safely(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "lay\x1b[2Jout.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 200)  # a zip header and nothing a workbook holds
    done = run("load", str(path), "--db", str(db))
    assert done.exit_code == 1
    assert "\x1b" not in done.output and "lay\\x1b[2Jout.xlsx" in done.output
    assert "Traceback" not in done.output and "no layout was changed" in done.output
    assert "tile_layout" not in store.read_tables(db)


def test_an_exported_layout_loads_back_as_a_partnership_s_own(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "hexes.csv"
    done = run("export", "england-wales", "--db", str(db), "--out", str(out))
    assert done.exit_code == 0 and 'Wrote layout "england-wales" (331 tiles)' in done.output
    assert out.read_text().splitlines()[0] == "layout,lad_code,col,row,shape,abbreviation,name"
    lancashire_only = tmp_path / "lancashire_hexes.csv"
    lines = out.read_text().splitlines()
    districts = {"E07000117", "E07000122", "E07000121"}
    lancashire_only.write_text(
        "\n".join([lines[0], *(line.replace("england-wales", "lancs-hex") for line in lines if line.split(",")[1] in
                                districts)]) + "\n"
    )  # fmt: skip
    assert run("load", str(lancashire_only), "--db", str(db)).exit_code == 0
    assert set(store.read_tables(db)["tile_layout"]["shape"]) == {"hex"}
    assert run("export", "nowhere", "--db", str(db), "--out", str(tmp_path / "x.csv")).exit_code == 2


def test_no_database_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "lancs.csv"
    path.write_text(LANCS)
    done = run("load", str(path), "--db", str(tmp_path / "none.duckdb"))
    assert done.exit_code == 2 and "No database at" in done.output
    assert not (tmp_path / "none.duckdb").exists()
