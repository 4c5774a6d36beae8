"""A nil return on the pages: the Check a return page says what it says and commits it, and the Data quality grid
shows "○ nil return" for the quarter, apart from missing (fixture database: tests/helpers/fixture_db.py, Hackney
E09000012 one meeting of 100 cases a quarter in 2020-21, Tower Hamlets the same with 150)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from reporting.markup import escape_markdown

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "launch" / "streamlit_app.py")
NIL = b"MARAC code,Date of MARAC,Number of cases discussed\nE09000012,10/02/2020,NIL\n"


@pytest.fixture
def writable_db(fixture_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "returns.duckdb"
    db.write_bytes(fixture_db.read_bytes())
    monkeypatch.setenv("MARAC_DB", str(db))
    return db


def nil_held(db: Path) -> list[tuple]:
    conn = duckdb.connect(str(db), read_only=True)
    try:
        return conn.execute("SELECT marac_code, quarter_start, superseded_by FROM nil_quarter ORDER BY ALL").fetchall()
    finally:
        conn.close()


def test_a_nil_return_is_checked_committed_and_shown_in_the_grid(writable_db: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("../pages/check_return.py").run()
    at.file_uploader(key="uploads").set_value([("hackney nil.csv", NIL, "text/csv")]).run()
    assert not at.exception
    files = at.dataframe[0].value
    assert (files["Outcome"][0], files["Quarters"][0]) == ("✓ would load", "Hackney 2019-20 Q4 (nil return)")  # by name
    assert [i.value for i in at.info if "nil return" in i.value] == [
        escape_markdown("hackney nil.csv")
        + ": nil return: no meetings in 2019-20 Q4 for Hackney. It counts that quarter as returned, with 0 cases."
    ]
    assert nil_held(writable_db) == []  # a check writes nothing

    at.text_input(key="who").input("Alice").run()
    at.button(key="commit").click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Committed by Alice at ")
    (held,) = nil_held(writable_db)
    assert (held[0], held[1].isoformat(), held[2]) == ("E09000012", "2020-01-01", None)

    # the Data quality grid, for the year to March 2021 and the four quarters before (2019-20 Q1 .. 2020-21 Q4):
    # 32 London MARACs x 8 quarters = 256; Hackney and Tower Hamlets sent 2020-21's four each (8) and Hackney's
    # nil 2019-20 Q4 is held too: 9 held, 256 - 9 = 247 missing
    at.switch_page("../pages/data_quality.py").run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric} == {
        "Returns held": "9",
        "Replaced by a later version": "0",
        "Nil returns (no meetings)": "1",
        "Missing": "247",
    }
    grid = at.dataframe[0].value.set_index("MARAC")
    assert grid.loc["Hackney", "2019-20 Q4"] == "○ nil return"
    assert grid.loc["Tower Hamlets", "2019-20 Q4"] == "✗ missing"
    assert grid.loc["Hackney", "2020-21 Q1"] == "✓ submitted"
    assert any('"○ nil return": the MARAC returned that it held no meetings' in c.value for c in at.caption)
