"""The meeting pages (comparison, map, referrer mix, equality, trends) under AppTest, on the fixture database.

Figures are the hand-worked ones in tests/helpers/fixture_db.py: Hackney 400 cases (90.27% of recommended, within),
Tower Hamlets 600 (118.76%, above), London 1,000 (105.45%, above), 2020-21. AppTest cannot read a
Plotly figure as a figure, so charts are checked through the JSON the page hands the browser.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "launch" / "streamlit_app.py")


@pytest.fixture
def app(fixture_db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("MARAC_DB", str(fixture_db))
    return AppTest.from_file(APP, default_timeout=60)


def open_page(at: AppTest, page: str) -> AppTest:
    at.run()
    at.switch_page(f"../pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown(markdown: str) -> str:
    """Markdown as the reader sees it: escapes taken out (names in a sentence are escaped, so they print as typed)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def finding(at: AppTest) -> str:
    """The key finding: the bold sentence above the chart."""
    return next(
        shown(m.value.strip("*"))
        for m in at.markdown
        if m.value.startswith("**")
        and m.value.endswith("**")
        and "Population base" not in m.value
        and "Blank quarterly" not in m.value
    )


def open_tab(at: AppTest, key: str, label: str) -> AppTest:
    """Open a tab as a click would (the pages draw only the open tab's content)."""
    at.session_state[key] = label
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def test_regional_comparison_says_where_each_marac_sits_and_lists_every_indicator(app: AppTest) -> None:
    at = open_page(app, "regional_comparison")
    assert at.title[0].value == "Regional comparison"
    # volume (the first indicator): Hackney 90.27% within, Tower Hamlets 118.76% above, London 1,000 / 948.336 = 105.448%
    assert finding(at) == (
        "12 months to 31 March 2021: of the 2 London MARACs with figures, 0 are below, 1 within and 1 above "
        "the expected range for volume (80%–100% of recommended). Highest Tower Hamlets 118.8%, lowest "
        "Hackney 90.3%; London as a whole 105.4% (8 of 128 MARAC-quarters returned)."
    )
    bars = figures(at)[0]["data"][0]
    assert bars["y"] == ["Hackney", "Tower Hamlets"] and bars["customdata"] == [
        "E09000012",
        "E09000030",
    ]  # a click opens the MARAC
    assert not at.dataframe  # the chart comes up alone; the tables are a tab away

    matrix = (
        open_tab(at, "comparison_view", "Matrix: every MARAC, every indicator").dataframe[0].value.set_index("MARAC")
    )
    assert len(matrix) == 32  # every London MARAC, reporting or not
    assert matrix.loc["Hackney", "Volume %"] == pytest.approx(
        100 * 400 / 443.12
    )  # a number, so the column sorts by value
    assert matrix.loc["Tower Hamlets", "Repeat %"] == pytest.approx(30.0)
    # the victims/survivors half, a click away (both halves do not fit 1280 px side by side)
    at.segmented_control(key="matrix_part").set_value("victims").run()
    victims = at.dataframe[0].value.set_index("MARAC")
    assert victims.loc["Hackney", "Local share not White British %"] == pytest.approx(100 * 171_220 / 259_147)
    assert "Local share not White British %" not in matrix.columns and "Volume %" not in victims.columns
    subtotals = open_tab(at, "comparison_view", "BCU and London subtotals").dataframe[0].value.set_index("Area")
    assert subtotals.index[-1] == "London" and len(subtotals) == 13  # 12 BCUs, then London
    assert subtotals.loc["Central East", "Volume %"] == pytest.approx(100 * 1000 / 948.336)


def test_comparison_follows_the_indicator_and_can_colour_by_bcu(app: AppTest) -> None:
    at = open_page(app, "regional_comparison")
    # repeat rate: 30% at both, within 28-40%, though 120 of 400 (25.7%-34.7%) and 180 of 600 (26.5%-33.8%) both
    # reach below 28%, so each could be chance
    at.selectbox(key="indicator").select_index(1).run()
    assert finding(at).startswith(
        "12 months to 31 March 2021: of the 2 London MARACs with figures, 0 are below, 2 within (all could be chance) "
        "and 0 above the expected range for repeat rate (28%–40%)."
    )
    at.segmented_control(key="colour_by").set_value("sub_area").run()
    bars = figures(at)[0]["data"]
    assert [trace["name"] for trace in bars if trace["type"] == "bar"] == ["Central East"]  # one legend entry per BCU
    assert not at.exception


def test_map_draws_every_london_borough_as_a_tile_with_its_verdict(app: AppTest) -> None:
    at = open_page(app, "map")
    figure = figures(at)[0]
    markers = figure["data"][-1]
    assert len(markers["customdata"]) == 32  # 32 boroughs; the City of London's tile is an outline only
    hackney = markers["customdata"].index("E09000012")
    assert markers["text"][hackney] == "HCK<br>● 90.3%"  # its London Squared abbreviation, verdict symbol and value
    assert "Click to open the profile" in markers["hovertext"][hackney]
    legend = {t["name"] for t in figure["data"] if t.get("showlegend", True) and t.get("fill") == "toself"}
    # 30 boroughs sent no returns in the fixture
    assert legend == {
        "● within the expected range (1)",
        "▲ above the expected range (1)",
        "no figures for this period (30)",
    }
    captions = " ".join(c.value for c in at.caption)
    assert "London Squared" in captions and "Not on this map" not in captions


def test_map_can_colour_by_value(app: AppTest) -> None:
    at = open_page(app, "map")
    at.segmented_control(key="map_colour").set_value("value").run()
    legend = [t["name"] for t in figures(at)[0]["data"] if t.get("fill") == "toself" and t.get("showlegend", True)]
    # 90.27% to 118.76% in at most 7 round steps: 5% steps from 90% (6 classes), two of them used
    assert legend == ["90% to under 95% (1)", "115% to under 120% (1)", "no figures for this period (30)"]


def test_referrer_mix_gives_the_police_share_and_top_referrers(app: AppTest) -> None:
    at = open_page(app, "referrer_mix")
    # police 50 of 100 referrals a quarter at Hackney (below 60-75%), 105 of 150 at Tower Hamlets (70%, within);
    # London 620 of 1,000
    assert finding(at) == (
        "12 months to 31 March 2021: the police made 62.0% of referrals across London (8 of 128 MARAC-quarters "
        "returned). Of 2 MARACs, 1 is below, "
        "1 within and 0 above the expected 60%–75%. Top referrer: the police in 2 MARACs."
    )
    bars = figures(at)[0]["data"]
    assert [b["name"] for b in bars] == [
        "Police",
        "IDVA",
        "Children's social care",
        "MASH",
        "Health services",
        "Other statutory services",
        "Voluntary sector and other",
    ]
    assert bars[0]["x"] == pytest.approx([0.5, 0.7]) and bars[0]["y"] == ["Hackney", "Tower Hamlets"]
    assert not at.dataframe  # the chart comes up alone; the tables are a tab away
    top = open_tab(at, "referrer_tab", "Top three referrers").dataframe[0].value.set_index("MARAC")
    assert list(top.loc["Hackney"]) == ["Police (50.0%)", "IDVA (30.0%)", "Children's Social Care (19.5%)"]
    assert list(top.loc["Tower Hamlets"]) == [
        "Police (70.0%)",
        "IDVA (20.0%)",
        "Multi-Agency Safeguarding Hub (MASH) (10.0%)",
    ]
    change = open_tab(at, "referrer_tab", "Change on a year earlier").dataframe[0].value.set_index("MARAC")
    assert change.loc["Hackney", "Now %"] == pytest.approx(50.0)
    assert change.loc["Hackney", "Change (points)"] == "–"  # nothing held for 2019-20
    every_at = open_tab(at, "referrer_tab", "Every agency")
    every = every_at.dataframe[0].value.set_index("MARAC")
    assert every.loc["Hackney", "Housing %"] == pytest.approx(0.5)  # 0.5 of 100 referrals a quarter
    # on screen London's four largest of 1,000 referrals: police 620, IDVA 240, children's social care 78, MASH 60
    # (housing's 2 is a click away); sixteen agencies side by side do not fit 1280 px
    largest = ["Police %", "IDVA %", "Children's Social Care %", "Multi-Agency Safeguarding Hub (MASH) %"]
    assert list(every_at.dataframe[0].proto.column_order) == ["MARAC", "Referrals", *largest]
    every_at.multiselect(key="referrer_agencies").select("Housing").run()
    assert list(every_at.dataframe[0].proto.column_order)[-1] == "Housing %"


def test_equality_page_sets_victims_against_ranges_and_local_population(app: AppTest) -> None:
    at = open_page(app, "equality")
    # racially minoritised: Hackney 60.0% against 66.1% (below), Tower Hamlets 80.0% against 77.1% (within);
    # London 720 / 1,000 = 72.0% against 72.06%. Hackney's 240 of 400 has a 95% interval of 55.1%-64.7%, wholly
    # below; Tower Hamlets' 480 of 600 76.6%-83.0% reaches its 77.1%, so its verdict could be chance
    assert finding(at) == (
        "12 months to 31 March 2021: of the 2 London MARACs with figures, 1 is below their local population "
        "share not White British and 1 at or above it (could be chance). Highest Tower Hamlets 80.0%, lowest Hackney "
        "60.0%; "
        "London as a whole 72.0% (8 of 128 MARAC-quarters returned)."
    )
    sentences = [
        shown(m.value)
        for m in open_tab(at, "equality_view", "Racially minoritised against the local population").markdown
    ]
    assert (
        "1 of 2 London MARACs see racially minoritised victims/survivors at or above their local population share not "
        "White British (could be chance); 1 below. London as a whole: 72.0% against a local share of 72.1%."
    ) in sentences
    # repeats 30% at both (2 of 2 within); LGBT+ Hackney 2% below, Tower Hamlets 4% within; disabled 20% and 10%; male 8% and 12%
    scatter = figures(at)[0]["data"]
    below = next(t for t in scatter if t.get("name", "").startswith("▼"))
    assert below["hovertext"] == [
        "Hackney (▼ does not meet): 60.0% of victims/survivors racially minoritised; local share 66.1%"
    ] and below["y"] == [0.6]
    sentences = [shown(m.value) for m in open_tab(at, "equality_view", "How many MARACs meet each range").markdown]
    # within, and clearly so (the 95% interval wholly inside): Hackney's volume (81.7%-99.6% of 80-100%), Tower
    # Hamlets' police share (420 of 600: 66.2%-73.5% of 60-75%) and LGBT+ (24 of 600: 2.7%-5.9%, floor 2.5%); every
    # other "within" has an interval reaching a bound
    assert (
        "Of London's MARACs with figures, the expected range is met for volume by 1 of 2 (50%); repeat rate by 2 of 2 "
        "(100%; none clearly); police share of referrals by 1 of 2 (50%); victims/survivors racially "
        "minoritised by 1 of 2 (50%; none clearly); victims/survivors LGBT+ by 1 of 2 (50%); victims/survivors disabled "
        "by 1 of 2 (50%; none clearly); victims/survivors male by 1 of 2 (50%; none clearly)."
    ) in sentences
    summary = at.dataframe[0].value.set_index("Indicator")
    assert list(summary.loc["Repeat rate %", ["MARACs with figures", "Below", "Within", "Above"]]) == [2, 0, 2, 0]
    assert at.selectbox(key="characteristic").options[0] == "Victims/survivors racially minoritised"


def test_trends_page_reads_the_rolling_year_against_the_national_figure(app: AppTest) -> None:
    at = open_page(app, "trends")
    # London's 12 months to March 2021 is the whole of 2020-21: 105.448%; nothing a year earlier. England's 2020-21 on
    # the same base, Census 2021 females 16+: 93,815 cases / 22,534,839 x 10,000 / 40 = 104.1%; as SafeLives published
    # it on its own base, 44.92 per 10,000 / 40 = 112.3%. The fixture's London is 2 of its 32 MARACs, each returning
    # all 4 quarters: 2 x 4 = 8 of 32 x 4 = 128 MARAC-quarters, said beside the figure
    assert finding(at) == (
        "London (all its MARACs): 105.4% in the 12 months to March 2021 (8 of 128 MARAC-quarters returned). England, "
        "Census 2021 females aged 16+ "
        "(recomputed from SafeLives' force figures): 104.1% (12 months to March 2021); England, SafeLives' own base "
        "(as published): 112.3%. Expected: 80%–100% of recommended."
    )
    chart = figures(at)[0]
    national = {t["name"]: t for t in chart["data"] if t["name"].startswith(("England", "UK"))}
    assert list(national) == [
        "England, Census 2021 females aged 16+ (recomputed from SafeLives' force figures)",
        "England, SafeLives' own base (as published)",
    ]  # the same-base series first, drawn solid; the published one dotted beside it (no UK snapshot ends in 2020-21)
    same, published = list(national.values())[:2]
    assert (same["line"]["dash"], published["line"]["dash"]) == ("solid", "dot")
    assert any("■ England on this page's base (Census 2021, females aged 16+)" in c.value for c in at.caption)
    at.multiselect(key="series").set_value(["area", "marac:E09000012"]).run()
    assert not at.exception
    # one line per series by default (the 12 months), not a thick and a dotted line each: 2 series, 2 lines
    drawn = [t["name"] for t in figures(at)[0]["data"] if t.get("mode", "").startswith("lines")]
    mine = [n for n in drawn if n.startswith(("London", "Hackney"))]
    assert mine == ["London (all its MARACs), 12 months", "Hackney, 12 months"], drawn
    assert any(c.value.startswith("Lines: the 12 months to the end of each quarter") for c in at.caption)
    shapes = figures(at)[0]["layout"]["shapes"]
    assert (
        sum(1 for s in shapes if s.get("yref") == "paper" and s.get("y1") == 0.025) == 3
    )  # the three lockdowns marked
    table = open_tab(at, "trends_view", "The figures behind it").dataframe[0].value.set_index("Quarter")
    assert table.loc["2020-21 Q4", "Hackney, 12 months %"] == pytest.approx(100 * 400 / 443.12)
    assert table.loc["2020-21 Q4", "Hackney, quarter %"] == pytest.approx(100 * 100 / (443.12 / 4))
    assert table["Hackney, 12 months %"].isna().sum() == 3  # the first three quarters have no full year before them


def test_presentation_mode_hides_the_chrome_and_steps_through_indicators(app: AppTest) -> None:
    app.query_params["present"] = "true"
    at = open_page(app, "regional_comparison")
    assert not at.title  # the heading is a smaller line beside the buttons
    # on volume, the first indicator: back wraps round to the last, forward is the repeat rate
    assert [(at.button(key=k).label, at.button(key=k).help) for k in ("indicator_previous", "indicator_next")] == [
        ("← Previous", "Victims/survivors aged 16–17 (← key)"),
        ("Next →", "Repeat rate (→ key)"),
    ]
    assert [b.key for b in at.button].count("leave_presentation") == 1  # one way out, placed by app.py for every page
    leave = at.button(key="leave_presentation")  # short, in the corner beside the synthetic-data stamp
    assert (leave.label, leave.help) == ("Leave", "Leave presentation mode: back to the full page (Esc)")
    assert "Synthetic demo data" not in [c.value for c in at.caption]  # the fixture is not the demo: no stamp
    at.button(key="indicator_next").click().run()
    assert at.selectbox(key="indicator").value.key == "repeat_rate"
    assert "repeat rate (28%–40%)" in finding(at)
    assert len(at.dataframe) == 0  # one chart fills the screen: no tables
    layout = figures(at)[0]["layout"]
    # sized for the height a 1280x720 screen leaves the chart; the page stretches it to the window's
    assert layout["height"] == 560
    # two bars: type grows the whole 1.45 times (14 -> 20 px), and the margins with it, so names are not cut
    assert layout["font"]["size"] == 20 and layout["margin"]["l"] == 290
    # the title over its subtitle as Plotly's own, so a title anchored at the chart's top keeps both lines
    assert layout["title"]["text"] == "Repeat rate" and layout["title"]["subtitle"]["text"].startswith("London")
    at.button(key="leave_presentation").click().run()
    assert at.title[0].value == "Regional comparison" and [t.label for t in at.tabs][:1] == ["Ranked chart"]


def test_a_restricted_viewer_sees_only_published_figures_on_the_meeting_pages(
    planted_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MARAC_DB", str(planted_db))
    monkeypatch.setenv("MARAC_VIEW", "restricted")
    at = open_page(AppTest.from_file(APP, default_timeout=60), "regional_comparison")
    # published, Camden's quarter of 3 cases rounds to 0 (test rounding secret), so its volume is 0%, and with 1 of 4
    # quarters returned it is not judged; London is the sum of the rounded quarters, 1,000 cases
    assert finding(at) == (
        "12 months to 31 March 2021: of the 3 London MARACs with figures, 0 are below, 1 within and 1 above the "
        "expected range for volume (80%–100% of recommended); 1 not judged (incomplete). 1 of them returned fewer "
        "than all 4 quarters. Highest Tower Hamlets 118.8%, lowest Camden 0.0% (1 of 4 quarters returned); London "
        "as a whole 95.9% (9 of 128 MARAC-quarters returned)."
    )
    matrix = (
        open_tab(at, "comparison_view", "Matrix: every MARAC, every indicator").dataframe[0].value.set_index("MARAC")
    )
    assert (matrix.loc["Camden", "Cases"], matrix.loc["Hackney", "Cases"]) == (0, 400)
    at.switch_page("../pages/referrer_mix.py").run()
    assert not at.exception
    # Camden's 2 police and 1 IDVA referrals round to 0 with its cases, so it has no share rather than the held
    # 66.7%; Hackney's and Tower Hamlets' (multiples of 5) are exact: London 620 police of 1,000 referrals
    # Camden's quarter counts among London's returns: 4 + 4 + 1 = 9 of 128
    assert finding(at).startswith(
        "12 months to 31 March 2021: the police made 62.0% of referrals across London (9 of 128 MARAC-quarters "
        "returned)."
    )
    drawn = str(figures(at))
    assert "Camden" not in drawn and "0.6666" not in drawn and "66.7" not in drawn
    at.switch_page("../pages/trends.py").run()
    assert not at.exception


def test_a_profile_opened_while_presenting_stays_large_with_its_way_out(app: AppTest) -> None:
    app.query_params["present"] = "true"
    at = open_page(app, "borough_profile")
    assert at.button(key="leave_presentation").label == "Leave"
    at.button(key="leave_presentation").click().run()
    assert not at.exception and not any(b.key == "leave_presentation" for b in at.button)


def test_map_offers_loaded_boundaries(fixture_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    import geopandas as gpd
    from shapely.geometry import box

    from loaders.boundaries import load_boundaries

    db = tmp_path / "with_boundaries.duckdb"
    shutil.copyfile(fixture_db, db)
    # Hackney and Tower Hamlets as two 4 km squares in British National Grid: a boundary file a partnership might load
    squares = gpd.GeoDataFrame(
        {"LAD22CD": ["E09000012", "E09000030"], "LAD22NM": ["Hackney", "Tower Hamlets"]},
        geometry=[box(532000, 184000, 536000, 188000), box(534000, 180000, 538000, 184000)],
        crs=27700,
    )
    squares.to_file(tmp_path / "two.geojson", driver="GeoJSON")
    assert load_boundaries(db, tmp_path / "two.geojson").outcome == "loaded"
    monkeypatch.setenv("MARAC_DB", str(db))
    at = open_page(AppTest.from_file(APP, default_timeout=60), "map")
    assert at.segmented_control(key="map_kind").options == ["Tile map (equal squares)", "Boundaries"]
    at.segmented_control(key="map_kind").set_value("boundaries").run()
    assert not at.exception
    markers = figures(at)[0]["data"][-1]
    assert sorted(markers["customdata"]) == ["E09000012", "E09000030"]
    # the click point of each borough lies inside its square, back in British National Grid metres
    points = dict(zip(markers["customdata"], zip(markers["x"], markers["y"], strict=True), strict=True))
    assert 532000 < points["E09000012"][0] < 536000 and 184000 < points["E09000012"][1] < 188000
    captions = " ".join(c.value for c in at.caption)
    assert (
        "Not on this map: Barking and Dagenham, Barnet," in captions
        and "a local authority they cover has no boundary loaded" in captions
    )


def test_trends_for_an_area_with_no_returns_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import date

    from loaders import store
    from loaders.demo import write_return
    from tests.helpers.fixture_db import meeting

    db = tmp_path / "lancashire.duckdb"
    with store.writing(db) as conn:  # one Lancashire meeting, nothing for London
        store.load_file(
            conn,
            write_return(
                tmp_path / "preston.csv",
                [meeting("E07000123", date(2021, 2, 9), cases_discussed=20, referrals_police=20)],
            ),
        )
    monkeypatch.setenv("MARAC_DB", str(db))
    at = open_page(AppTest.from_file(APP, default_timeout=60), "trends")
    at.selectbox(key="area").select("region:London").run()
    assert not at.exception
    assert at.info[0].value == "No returns are held for London's MARACs yet, so there is no trend to draw."
    at.multiselect(key="series").set_value(
        ["area", "marac:E09000012", "sub_area:Central East"]
    ).run()  # MARACs and BCUs too
    assert not at.exception
    assert at.info[0].value == "No returns are held for London's MARACs yet, so there is no trend to draw."


def test_comparison_draws_london_and_england_and_colours_by_significance_against_london(app: AppTest) -> None:
    # volume: London 1,000 of 948.336 recommended (105.45%); England on the same base 104.08% (the profile trend's
    # like-with-like mark, tests/dashboard/test_app.py)
    at = open_page(app, "regional_comparison")
    bars = figures(at)[0]
    lines = [(s["x0"], s["line"]["dash"]) for s in bars["layout"]["shapes"] if s["type"] == "line"]
    assert lines == [(pytest.approx(1000 / 948.336), "solid"), (pytest.approx(1.0408, abs=1e-4), "dash")]
    assert [t["name"] for t in bars["data"] if t.get("mode") == "lines"] == ["London 105.4%", "England 104.1%"]
    at.segmented_control(key="colour_by").set_value("significance").run()
    traces = {t["name"]: t["y"] for t in figures(at)[0]["data"] if t["type"] == "bar"}
    # Hackney 81.7%-99.6% lies wholly below London's 105.45%; Tower Hamlets 109%-129% wholly above
    assert traces == {"higher than London (95%)": ["Tower Hamlets"], "lower than London (95%)": ["Hackney"]}
    assert not at.exception


def test_a_chart_s_figures_are_a_click_away_as_a_table(app: AppTest) -> None:
    """The accessible alternative to the lead chart: the fold under it, once opened, lists each MARAC's figures in the
    words of its hover (value, interval, counts, verdict with its certainty); nothing is laid out until it is opened."""
    at = open_page(app, "regional_comparison")
    assert [e.label for e in at.expander].count("The chart's figures as a table") == 1
    assert not [d for d in at.dataframe if "Figures" in d.value.columns]  # closed: no table laid out
    at.session_state["ranked_pick_as_table"] = True  # opened, as a click opens it
    at.run()
    (table,) = [d.value for d in at.dataframe if "Figures" in d.value.columns]
    chart = figures(at)[0]
    bars = [t for t in chart["data"] if t["type"] == "bar"]
    said = [text.replace("<br>", "; ") for t in bars for text in t["hovertext"]]
    # Hackney 400 of 443.12 recommended: 90.3%; Tower Hamlets 600 of 505.216: 118.8%
    assert [f.split(":")[0] for f in table["Figures"]] == ["Hackney", "Tower Hamlets"]
    assert table["Figures"].str.startswith(("Hackney: 90.3%", "Tower Hamlets: 118.8%")).all()
    assert list(table["Figures"]) == said  # the chart's own words, nothing added or lost


def test_the_profile_s_spine_and_trend_have_their_figures_as_a_table_too(app: AppTest) -> None:
    """The spine and trend charts give their hovers as templates: their folds list each point as its hover reads."""
    at = open_page(app, "borough_profile")
    at.session_state["profile_view"] = "Spine chart: against the MARACs of its area"
    at.session_state["profile_spine_as_table"] = True
    at.session_state["profile_trend_as_table"] = True
    at.run()
    assert not at.exception
    spine, trend = [d.value for d in at.dataframe if "Figures" in d.value.columns]
    # Barking and Dagenham is not in the fixture: the profile opens on Hackney, 400 cases on 443.12 recommended
    assert spine["Figures"].str.startswith("Cases as % of recommended volume: 90.3%").any(), list(spine["Figures"])
    assert spine["Figures"].str.startswith("Repeat rate: ").any()
    # the 12 months to March 2021 (Hackney's only full year): 400 / 443.12 = 90.3%
    assert trend["Figures"].str.contains("2020-21 Q4").any() and trend["Figures"].str.contains("90.3%").any(), list(
        trend["Figures"]
    )
