"""The "What changed" page under AppTest, on the dated database of `tests.helpers.quarter_change_db` (figures worked
by hand in tests/metrics/test_quarter_change.py), for a full and a restricted viewer."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from reporting.markup import escape_markdown
from tests.helpers.quarter_change_db import quarter_change_db

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "launch" / "streamlit_app.py")
#: the quarter January to March 2021, as a link asks for it
LINK = {"window": "One quarter, annualised", "period_end": "31 Mar 2021"}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return quarter_change_db(tmp_path_factory.mktemp("what_changed"))


def opened(db: Path, monkeypatch: pytest.MonkeyPatch, **params: str) -> AppTest:
    monkeypatch.setenv("MARAC_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in {**LINK, **params}.items():
        at.query_params[name] = value
    at.switch_page("../pages/what_changed.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _row(at: AppTest, marac: str, indicator: str, compared: str) -> list[object]:
    table = at.dataframe[0].value
    found = table[(table["MARAC"] == marac) & (table["Indicator"] == indicator)]
    return found[found["Compared with"].str.startswith(compared)].iloc[0].tolist()


def test_the_page_says_the_biggest_moves_and_lists_each_change(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = opened(db, monkeypatch)
    assert at.selectbox(key="area").value == "region:London"
    sentence = (
        "In London, against the previous quarter, 2 changes are beyond what chance explains, the clearest being "
        "victims/survivors male at Tower Hamlets, up 14.7 points (12.0% → 26.7%) and volume at Hackney, up 50% "
        "(36.1 → 54.2 cases a year per 10,000 adult females); against the same period a year earlier, 2 changes are "
        "beyond what chance explains, the clearest being victims/survivors male at Tower Hamlets, up 14.7 points "
        "(12.0% → 26.7%) and repeat rate at Hackney, up 16.3 points (25.0% → 41.3%)."
    )
    assert f"**{escape_markdown(sentence)}**" in [m.value for m in at.markdown]
    # the first row is the largest change beyond chance
    assert at.dataframe[0].value.iloc[0]["MARAC"] == "Tower Hamlets"
    # on screen each indicator short and each comparison without its period, which the caption above gives, so the
    # table fits 1280 px; the download keeps both in full (tests/reporting/test_change_tables.py)
    assert any("previous quarter's period (2020-21 Q3 (annualised))" in c.value for c in at.caption)
    assert _row(at, "Hackney", "Volume", "Previous quarter") == [
        "Hackney",
        "Volume",
        "Previous quarter",
        "36.1",
        "54.2",
        "+50%",
        "+16% to +93%",
        "yes",
    ]
    assert _row(at, "Hackney", "Repeat", "Previous quarter")[3:] == [
        "30.0%",
        "41.3%",
        "+11.3 points",
        "-0.9 to +22.7 points",
        "no: could be chance",
    ]
    returns = at.dataframe[1].value
    assert returns[["MARAC", "Quarter", "Loaded"]].values.tolist() == [
        ["Tower Hamlets", "2019-20 Q4", "20 May 2021"],
        ["Tower Hamlets", "2020-21 Q3", "05 May 2021"],
        ["Hackney", "2020-21 Q4", "15 Apr 2021"],
        ["Tower Hamlets", "2020-21 Q4", "10 Apr 2021"],
    ]
    assert returns["What"].str.split(":").str[0].tolist() == ["late", "replaced", "new", "new"]
    assert any("holds no due dates" in c.value for c in at.caption)


def test_the_choices_are_kept_in_the_link(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = opened(db, monkeypatch, changes_compared="A year earlier", changes_beyond_only="true")
    table = at.dataframe[0].value
    assert table[["MARAC", "Indicator"]].values.tolist() == [
        ["Tower Hamlets", "Male"],
        ["Hackney", "Repeat"],
    ]
    assert set(table["Compared with"]) == {"A year earlier"}


def test_a_restricted_viewer_sees_changes_from_the_rounded_counts(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the test databases' rounding secret, Hackney's 62 repeats of January-March 2021 round to 65 (43.3% of
    150 cases, not 41.3%), and Tower Hamlets' 18 male victims/survivors of October-December 2020 to 20 (13.3%)."""
    monkeypatch.setenv("MARAC_VIEW", "restricted")
    at = opened(db, monkeypatch)
    assert _row(at, "Hackney", "Repeat", "Previous quarter")[3:6] == ["30.0%", "43.3%", "+13.3 points"]
    assert _row(at, "Tower Hamlets", "Male", "Previous quarter")[3:5] == ["13.3%", "26.7%"]
    shown = " ".join([*(m.value for m in at.markdown), at.dataframe[0].value.to_csv()])
    assert "41.3%" not in shown and "12.0%" not in shown
