"""What one session builds, the next is handed (dashboard/shared.py): the same chart for the same choices, another for
other choices, figures or roles, nothing changed by whoever draws it, and a load seen on the next run."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import plotly.graph_objects as go
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import shared
from loaders import store
from loaders.demo import write_return
from tests.helpers.fixture_db import meeting

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "launch" / "streamlit_app.py")


def test_a_figure_is_built_once_for_the_same_arguments_and_again_for_others() -> None:
    built = []

    def counting(*args, **kwargs):
        built.append(args)
        return go.Figure()

    counting.__module__, counting.__qualname__ = "reporting.probe", "counting"
    a = shared.figure(counting, pl.DataFrame({"x": [1, 2, 3]}), label="one")
    b = shared.figure(counting, pl.DataFrame({"x": [1, 2, 3]}), label="one")  # another frame, the same content
    assert a is b and len(built) == 1
    shared.figure(counting, pl.DataFrame({"x": [1, 2, 4]}), label="one")  # one value differs
    shared.figure(counting, pl.DataFrame({"x": [1.0, 2.0, 3.0]}), label="one")  # same values, another type
    shared.figure(counting, pl.DataFrame({"y": [1, 2, 3]}), label="one")  # another column
    shared.figure(counting, pl.DataFrame({"x": [1, 2, 3]}), label="two")  # another keyword
    shared.figure(counting, {"Hackney": pl.DataFrame({"x": [1]})}, label="one")  # frames inside a dict
    shared.figure(counting, {"Hackney": pl.DataFrame({"x": [2]})}, label="one")
    assert len(built) == 7


def test_only_reporting_s_own_builders_are_shared() -> None:
    """A page's function reads its page's choices from outside its arguments: keyed on its arguments alone, another
    visitor's choices would get this one's chart."""

    def ranked(frame: pl.DataFrame) -> go.Figure:
        return go.Figure()

    for build in (ranked, lambda frame: go.Figure(), go.Figure):
        with pytest.raises(ValueError, match="only reporting's own chart builders are shared"):
            shared.figure(build, pl.DataFrame({"x": [1]}))


def test_a_value_per_dataset_is_kept_while_its_very_tables_are_in_use(fixture_db: Path) -> None:
    from metrics.dataset import Dataset

    data = Dataset.from_tables(store.read_tables(fixture_db))
    calls = []

    def count(d: Dataset) -> int:
        calls.append(1)
        return d.maracs.height

    assert shared.per_dataset(data, "count", count) == shared.per_dataset(replace(data), "count", count)
    assert len(calls) == 1  # a copy of the dataset holding the same frames
    fewer = replace(data, maracs=data.maracs.head(3))
    assert shared.per_dataset(fewer, "count", count) == 3 and len(calls) == 2  # another registry: worked out again
    assert shared.per_dataset(data, "count", count) == data.maracs.height and len(calls) == 2


def test_a_value_per_dataset_does_not_keep_an_old_database_s_tables_alive(fixture_db: Path) -> None:
    """After a load the dataset caches drop the old tables; the values worked out from them must not hold them."""
    import gc
    import weakref

    from metrics.dataset import Dataset

    data = Dataset.from_tables(store.read_tables(fixture_db))
    old = replace(data, maracs=data.maracs.head(5))
    shared.per_dataset(old, "count", lambda d: d.maracs.height)
    gone = weakref.ref(old.maracs)
    del old
    gc.collect()
    assert gone() is None


def visit(db: Path, monkeypatch: pytest.MonkeyPatch, page: str, **params: str) -> AppTest:
    """A new visitor opening `page` by a link carrying `params`."""
    monkeypatch.setenv("MARAC_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    at.switch_page(f"../pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def comparison(db: Path, monkeypatch: pytest.MonkeyPatch, **params: str) -> AppTest:
    return visit(db, monkeypatch, "regional_comparison", **params)


def ranked_bars(at: AppTest) -> dict:
    """The ranked chart's spec (its title names the indicator)."""
    return next(json.loads(c.proto.spec) for c in at.get("plotly_chart"))


def test_a_second_visitor_gets_the_first_one_s_chart_and_other_choices_their_own(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = comparison(fixture_db, monkeypatch)
    second = comparison(fixture_db, monkeypatch)
    assert ranked_bars(first) == ranked_bars(second)
    repeat = comparison(fixture_db, monkeypatch, indicator="Repeat rate")
    bars = ranked_bars(repeat)
    assert bars != ranked_bars(first)
    assert bars["layout"]["title"]["text"].startswith("Repeat rate")
    hackney = next(t for t in bars["data"] if t.get("type") == "bar")
    # Hackney's 120 repeats of 400 cases and Tower Hamlets' 180 of 600: 30% each
    assert [round(x, 3) for x in hackney["x"] if x is not None][:2] == [0.3, 0.3]
    earlier = comparison(fixture_db, monkeypatch, period_end="31 Dec 2020", window="Rolling 12 months")
    # Hackney's 300 cases in the three quarters to December 2020 against three quarters of its 443.12 a year; 400 of
    # 443.12 in the year to March 2021
    assert ranked_bars(earlier)["data"][0]["x"][0] == pytest.approx(300 / (443.12 * 3 / 4))
    assert ranked_bars(first)["data"][0]["x"][0] == pytest.approx(400 / 443.12)


def test_presentation_mode_scales_a_copy_and_leaves_the_shared_chart_as_it_was(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = ranked_bars(comparison(fixture_db, monkeypatch))
    presented = ranked_bars(comparison(fixture_db, monkeypatch, present="true"))
    assert presented["layout"]["height"] != before["layout"].get("height")
    assert ranked_bars(comparison(fixture_db, monkeypatch)) == before


def test_a_load_is_drawn_on_the_next_run(fixture_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "live.duckdb"
    shutil.copyfile(fixture_db, db)
    at = comparison(db, monkeypatch)
    before = ranked_bars(at)
    with store.writing(db) as conn:
        extra = write_return(tmp_path / "hackney.csv", [meeting("E09000012", date(2021, 3, 2), cases_discussed=50)])
        assert store.load_file(conn, extra, who="test").outcome == "loaded"
    after = ranked_bars(at.run())
    assert after != before
    assert ranked_bars(comparison(db, monkeypatch)) == after  # and a new visitor gets the new one too


def bar_of(spec: dict, name: str) -> float | None:
    """The x of the bar labelled `name` (the ranked chart labels its bars on the y axis)."""
    for trace in spec["data"]:
        if trace.get("type") == "bar" and name in (trace.get("y") or []):
            return trace["x"][trace["y"].index(name)]
    raise AssertionError(f"no bar for {name}")


def test_a_restricted_viewer_never_gets_the_exact_chart_nor_the_analyst_the_rounded_one(
    planted_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MARAC_VIEW", raising=False)
    exact = ranked_bars(comparison(planted_db, monkeypatch))
    monkeypatch.setenv("MARAC_VIEW", "restricted")
    rounded = ranked_bars(comparison(planted_db, monkeypatch))
    monkeypatch.delenv("MARAC_VIEW")
    again = ranked_bars(comparison(planted_db, monkeypatch))
    # Camden's planted quarter holds 3 cases: exact for the analyst, rounded to 0 for the restricted viewer (the
    # test database's fixed rounding secret)
    assert bar_of(exact, "Camden") > 0 and bar_of(rounded, "Camden") == 0
    assert again == exact


def test_the_map_is_shared_too_and_another_colouring_is_another_map(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The map's shapes are a GeoDataFrame: keyed by their rows and every tile's geometry. Built once for two
    visitors, again for another colouring."""
    import functools

    import streamlit as st

    from reporting import maps

    builds = []
    real = maps.map_figure

    @functools.wraps(real)
    def counted(*args, **kwargs):
        builds.append(kwargs["colour_by"])
        return real(*args, **kwargs)

    monkeypatch.setattr(maps, "map_figure", counted)
    st.cache_resource.clear()

    def map_spec(**params: str) -> dict:
        return json.loads(visit(fixture_db, monkeypatch, "map", **params).get("plotly_chart")[0].proto.spec)

    first, second = map_spec(), map_spec()
    assert first == second and builds == ["verdict"]
    assert first["layout"]["title"]["text"].startswith("Cases as % of recommended volume: by verdict<br>")
    valued = map_spec(map_colour="Value")
    assert valued["layout"]["title"]["text"].startswith("Cases as % of recommended volume: by value (darker: higher)")
    assert builds == ["verdict", "value"]


def test_column_widths_are_measured_in_streamlit_s_own_type() -> None:
    """The font Streamlit serves is found and read at its regular weight: Chromium drew "Hammersmith and Fulham" 157 px
    wide, so with 16 px of cell padding (8 either side) its column needs at least 173 px, and no more than a few to spare."""
    from dashboard import table_display

    assert table_display._font() is not None
    assert 173 <= table_display.text_width(["Hammersmith and Fulham"]) <= 180
    # a header leaves room for its sort arrow; a chart's figures are not cut at the usual limit
    assert table_display.text_width(["Cases", "1"], header=True) > table_display.text_width(["Cases"])
    assert table_display.text_width(["x" * 80], widest=None) > table_display.WIDEST
