"""The map page under AppTest: a tile map for any area, each MARAC its authorities' tiles joined and labelled once, a
layout or registry loaded while the dashboard runs shown at the next run, and messages that name the command to run.

The West Yorkshire-like registry is built here (three MARACs over the force's five authorities), so the tests do not
depend on which MARACs the shipped registry holds. AppTest cannot read a Plotly figure as a figure, so the map is
checked through the JSON the page hands the browser.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from loaders import store
from loaders.demo import write_return
from reporting.markup import escape_markdown
from tests.helpers.fixture_db import meeting

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "launch" / "streamlit_app.py")
LEEDS, BRADFORD, CALDERDALE, KIRKLEES, WAKEFIELD = "E08000035", "E08000032", "E08000033", "E08000034", "E08000036"
WEST_YORKSHIRE = [
    ("WY-L", "Leeds", LEEDS, 1.0),
    ("WY-BC", "Bradford and Calderdale", BRADFORD, 1.0),
    ("WY-BC", "Bradford and Calderdale", CALDERDALE, 1.0),
    ("WY-KW", "Kirklees and Wakefield", KIRKLEES, 1.0),
    ("WY-KW", "Kirklees and Wakefield", WAKEFIELD, 1.0),
]


def set_registry(db: Path, rows: list[tuple[str, str, str, float]]) -> None:
    """Make these the registry's MARACs (code, name, authority, share): the `marac` and `marac_area` tables the
    metrics and the map read, written as any writer writes (a copy swapped in, so the data version changes)."""
    with store.writing(db) as conn:
        conn.execute("DELETE FROM marac_area")
        conn.executemany("INSERT INTO marac_area (marac_code, lad_code, share) VALUES (?, ?, ?)",
                         [(code, lad, share) for code, _, lad, share in rows])  # fmt: skip
        conn.execute("DELETE FROM marac")
        named = sorted({(code, name) for code, name, _, _ in rows})
        conn.executemany("INSERT INTO marac BY NAME SELECT ? AS marac_code, ? AS marac_name, "
                         "'West Yorkshire' AS police_force_area", named)  # fmt: skip


@pytest.fixture
def west_yorkshire(tmp_path: Path) -> Path:
    db = tmp_path / "west_yorkshire.duckdb"
    with store.writing(db):
        pass  # a new database: reference data and the shipped registry
    set_registry(db, WEST_YORKSHIRE)
    with store.writing(db) as conn:  # one quarter for Bradford and Calderdale: 100 cases, 30 repeats
        result = store.load_file(
            conn,
            write_return(tmp_path / "wy_bc.csv", [meeting("WY-BC", date(2021, 2, 9), cases_discussed=100,
                                                          repeat_cases=30, referrals_police=100)]),
        )  # fmt: skip
        assert result.outcome == "loaded", result.report.text()
    return db


def open_map(db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("MARAC_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("../pages/map.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def figure(at: AppTest) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def captions(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption)


def test_london_opens_on_london_squared_with_each_borough_labelled(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_map(fixture_db, monkeypatch)
    markers = figure(at)["data"][-1]
    hackney = markers["customdata"].index("E09000012")
    assert markers["text"][hackney] == "HCK<br>● 90.3%"  # London Squared's own abbreviation, verdict and value
    assert "London Squared" in captions(at) and "Not on this map" not in captions(at)


def test_a_west_yorkshire_like_registry_gets_a_hex_map_with_merged_maracs(
    west_yorkshire: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_map(west_yorkshire, monkeypatch)
    assert at.selectbox(key="area").value == "pfa:West Yorkshire"
    at.selectbox(key="indicator").select_index(1).run()  # repeat rate
    data = figure(at)["data"]
    markers = data[-1]
    assert set(markers["customdata"]) == {"WY-L", "WY-BC", "WY-KW"}
    labels = [t for t in markers["text"] if t]
    # each MARAC labelled once, however many hexes it joins; Bradford and Calderdale's one quarter: 30 of 100 repeats
    assert sorted(label.split("<br>")[0] for label in labels) == ["B&C", "K&W", "LEE"]
    assert "B&C<br>● 30.0%*" in labels  # * : its 95% interval reaches below the range's 28%
    fills = [t["name"] for t in data if t.get("fill") == "toself" and t.get("showlegend", True)]
    assert fills == ["● within the expected range (1)", "no figures for this period (2)"]
    hover = markers["hovertext"][markers["customdata"].index("WY-BC")]
    assert "Covers Bradford and Calderdale" in hover
    words = captions(at)
    assert "Open Innovations' hex map" in words and "hexagons joined into one shape, labelled once" in words


def test_a_layout_and_a_registry_loaded_while_the_dashboard_runs_show_at_its_next_run(
    west_yorkshire: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_map(west_yorkshire, monkeypatch)
    assert "Open Innovations' hex map" in captions(at)
    squares = tmp_path / "wy_squares.csv"
    squares.write_text(
        "layout,lad_code,col,row,abbreviation\n"
        f"west-yorkshire,{BRADFORD},0,0,BRD\nwest-yorkshire,{LEEDS},1,0,LDS\nwest-yorkshire,{CALDERDALE},0,1,CAL\n"
        f"west-yorkshire,{KIRKLEES},1,1,KIR\nwest-yorkshire,{WAKEFIELD},2,1,WAK\n"
    )
    assert store.load_tile_layout(west_yorkshire, squares, who="test").outcome == "layout"
    at.run()  # the same session, the same server: no restart
    assert not at.exception
    assert escape_markdown('placed as the layout "west-yorkshire" loaded into this database') in captions(at)
    markers = figure(at)["data"][-1]
    points = dict(zip(markers["customdata"], zip(markers["x"], markers["y"], strict=True), strict=True))
    assert points["WY-L"] == pytest.approx((1, 0))  # Leeds alone, in the square the file gives it
    assert sorted(t.split("<br>")[0] for t in markers["text"] if t) == ["B&C", "K&W", "LDS"]

    # the registry changes too: Leeds joins Kirklees and Wakefield
    set_registry(west_yorkshire, [r for r in WEST_YORKSHIRE if r[0] != "WY-L"] + [("WY-KW", "Kirklees and Wakefield",
                                                                                 LEEDS, 1.0)])  # fmt: skip
    at.run()
    assert not at.exception
    markers = figure(at)["data"][-1]
    assert set(markers["customdata"]) == {"WY-BC", "WY-KW"}
    assert "Covers Kirklees, Leeds and Wakefield" in markers["hovertext"][markers["customdata"].index("WY-KW")]


def test_a_marac_the_layout_cannot_place_is_named_with_the_command_to_load_one(
    west_yorkshire: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    partial = tmp_path / "partial.csv"  # takes the place of the shipped hexes, and has none for Wakefield
    partial.write_text(
        f"layout,lad_code,col,row,shape\nengland-wales,{BRADFORD},0,0,hex\nengland-wales,{LEEDS},1,0,hex\n"
        f"england-wales,{CALDERDALE},0,1,hex\nengland-wales,{KIRKLEES},1,1,hex\n"
    )
    assert store.load_tile_layout(west_yorkshire, partial).outcome == "layout"
    at = open_map(west_yorkshire, monkeypatch)
    assert set(figure(at)["data"][-1]["customdata"]) == {"WY-L", "WY-BC"}
    assert (
        "Not on this map: Kirklees and Wakefield (a local authority they cover has no place in the tile layout; "
        "load a layout that places it with `marac layout load`)."
    ) in captions(at)
    assert str(west_yorkshire) not in captions(at)  # no server path on screen: the README says where the database is
    assert "data/reference" not in captions(at)


def test_shipped_layouts_that_cannot_be_read_are_named_and_the_command_given(
    fixture_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import loaders.layout
    from dashboard import data
    from loaders.reference import ReferenceError

    def refuse(*_: object) -> None:
        raise ReferenceError("tile_layout.csv, row 16: two boroughs in one cell")

    db = tmp_path / "no_layouts.duckdb"
    shutil.copyfile(fixture_db, db)
    monkeypatch.setattr(loaders.layout, "read_tile_layout", refuse)
    data._shipped_layouts.clear()
    try:
        at = open_map(db, monkeypatch)
    finally:
        data._shipped_layouts.clear()
    assert at.error[0].value == escape_markdown(
        "The tile layouts shipped with the dashboard cannot be used: tile_layout.csv, row 16: two boroughs in one cell"
    ) + (
        ". Until they are reinstalled with the dashboard, only layouts loaded into this database (with "
        "`marac layout load`) and loaded boundaries can be mapped."
    )
    assert at.info[0].value == (
        "There is no tile layout for London and no boundaries are loaded for its MARACs. Load a tile layout that places "
        "its local authorities (a CSV or XLSX with columns layout, lad_code, col and row) with "
        "`marac layout load`, or local authority boundaries (GeoJSON, GeoPackage or shapefile, e.g. "
        "ONS's) with `marac boundaries load` (the README says how)."
    )
    assert str(db) not in at.error[0].value + at.info[0].value
    assert "data/reference/tile_layout.csv" not in at.error[0].value + at.info[0].value
