"""The National picture's charts, tables and words: a missing year is never drawn (no bar, no point, no zero), a
partial year is marked apart and never joined to the line, and both bases stand side by side."""

from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go
import polars as pl
import pytest

from loaders.reference import REFERENCE_DIR, read_reference
from metrics.published import side_by_side
from metrics.ranges import Ranges
from reporting import national
from reporting.theme import SYNTHETIC_NOTE

CASES, REPEAT = national.MEASURES["cases_per_10k"], national.MEASURES["repeat_rate"]
CENSUS = "Census 2021, females aged 16+"
MISSING_2023 = ["Dyfed-Powys", "Gwent", "Norfolk", "North Wales", "South Wales", "West Midlands"]


@pytest.fixture(scope="module")
def reference() -> dict[str, pl.DataFrame]:
    return read_reference()


@pytest.fixture(scope="module")
def ranges(reference) -> Ranges:
    return Ranges.from_frame(reference["safelives_range"])


@pytest.fixture(scope="module")
def frame(reference, ranges) -> pl.DataFrame:
    return side_by_side(
        reference["safelives_published"], reference["area"], reference["population"], ranges, base="census2021"
    )


@pytest.fixture(scope="module")
def tiles() -> pl.DataFrame:
    return pl.read_csv(REFERENCE_DIR / "force_tile_layout.csv", schema_overrides={"col": pl.Int64, "row": pl.Int64})


def bars(fig: go.Figure) -> list[go.Bar]:
    return [t for t in fig.data if isinstance(t, go.Bar)]


def texts(fig: go.Figure) -> str:
    return " ".join(str(a.text) for a in fig.layout.annotations) + " " + str(fig.layout.title.text)


def test_ranked_chart_draws_no_bar_for_a_missing_force(frame, ranges) -> None:
    fig = national.ranked_forces(frame, CASES, ranges, year="2023-24", base="census2021", base_label=CENSUS)
    assert [b.name for b in bars(fig)] == ["SafeLives' own base", CENSUS]
    for bar in bars(fig):
        assert len(bar.y) == 43  # every force has a row
        at = dict(zip(bar.y, bar.x, strict=True))
        for force in MISSING_2023:
            assert at[force] is None, force  # no bar, never a zero
        assert 0 not in [v for v in bar.x if v is not None]
    # each missing force is named in words where its bar would be, at the foot of the ranking
    notes = [a for a in fig.layout.annotations if a.yref == "y"]
    assert sorted(a.y for a in notes) == MISSING_2023
    assert all("not zero" in a.text for a in notes)
    assert list(fig.layout.yaxis.categoryarray[: len(MISSING_2023)]) == sorted(MISSING_2023, reverse=True)
    assert fig.layout.yaxis.categoryarray[-1] == "Humberside"  # 4,098 cases over 393,004: 104.3 per 10,000
    # the chosen base's bar for the Metropolitan Police: 15,365 / 3,697,982 x 10,000 = 41.5; SafeLives' own 47.1
    own, chosen = bars(fig)
    assert dict(zip(chosen.y, chosen.text, strict=True))["Metropolitan Police"] == "41.5 ▲ above"
    assert dict(zip(own.y, own.text, strict=True))["Metropolitan Police"] == "47.1 ▲ above"


def test_ranked_chart_hatches_a_partial_year_and_says_why(frame, ranges) -> None:
    fig = national.ranked_forces(frame, CASES, ranges, year="2023-24", base="census2021", base_label=CENSUS)
    for bar in bars(fig):
        shapes = dict(zip(bar.y, bar.marker.pattern.shape, strict=True))
        assert shapes["Lancashire"] == "/" and shapes["Kent"] == ""
        hover = dict(zip(bar.y, bar.hovertext, strict=True))["Lancashire"]
        assert "partial" in hover and "apparently a partial submission" in hover
        assert dict(zip(bar.y, bar.text, strict=True))["Lancashire"].endswith("◐")


def test_charts_are_sourced_to_safelives_and_carry_no_synthetic_mark(frame, ranges, tiles) -> None:
    figures = [
        national.ranked_forces(frame, CASES, ranges, year="2020-21", base="census2021", base_label=CENSUS),
        national.force_tile_map(frame, tiles, CASES, ranges, year="2020-21", own=False, base_label=CENSUS),
        national.force_trend(frame, "E23000001", CASES, ranges, base="census2021", base_label=CENSUS),
    ]
    for fig in figures:
        words = texts(fig)
        assert "SafeLives Marac data, published by police force area" in words
        assert SYNTHETIC_NOTE.upper() not in words


def test_trend_leaves_a_gap_for_a_missing_year_never_a_zero(frame, ranges) -> None:
    # Norfolk: no figures for 2022-23 to 2024-25 (2023-24 published as 0 MARACs and 0 cases)
    fig = national.force_trend(frame, "E23000024", REPEAT, ranges, base="census2021", base_label=CENSUS)
    years = list(fig.layout.xaxis.categoryarray)
    assert years == ["2018-19", "2019-20", "2020-21", "2021-22", "2022-23", "2023-24", "2024-25"]
    for trace in fig.data:
        points = dict(zip(trace.x, trace.y, strict=True))
        for year in ("2022-23", "2023-24", "2024-25"):
            assert points.get(year) is None
        assert 0 not in [v for v in trace.y if v is not None]
    line = fig.data[0]
    assert line.connectgaps is False
    assert line.y[0] == pytest.approx(467 / 1791)  # 2018-19: 467 repeats of 1,791 cases
    assert list(fig.layout.xaxis.ticktext[-3:]) == [f"{y}<br>no figures" for y in ("2022-23", "2023-24", "2024-25")]


def test_trend_marks_a_partial_year_hollow_and_apart_from_the_line(frame, ranges) -> None:
    # Lancashire 2022-23 (a footnoted missing MARAC), 2023-24 and 2024-25 (2 MARACs): partial
    fig = national.force_trend(frame, "E23000003", CASES, ranges, base="census2021", base_label=CENSUS)
    lines = [t for t in fig.data if t.mode == "lines+markers"]
    assert [t.name for t in lines] == ["SafeLives' own base", CENSUS]
    for line in lines:
        points = dict(zip(line.x, line.y, strict=True))
        assert [points[y] is None for y in ("2021-22", "2022-23", "2023-24", "2024-25")] == [False, True, True, True]
    hollow = [t for t in fig.data if t.mode == "markers"]
    assert len(hollow) == 2 and all(t.marker.symbol == "circle-open" for t in hollow)
    census = next(t for t in hollow if t.name.startswith(CENSUS))
    assert list(census.x) == ["2022-23", "2023-24", "2024-25"]
    assert census.y[1] == pytest.approx(819 / 639_769 * 10_000)  # 12.8: the partial count, marked, not joined
    assert "apparently a partial submission" in census.hovertext[1]
    assert "one Lancashire MARAC is missing" in census.hovertext[0]
    # 2019-20 on Census 2021: 3,045 / 639,769 x 10,000 = 47.6
    assert dict(zip(lines[1].x, lines[1].y, strict=True))["2019-20"] == pytest.approx(47.595, abs=0.001)


def test_tile_map_one_square_per_force_missing_dotted_partial_dashed(frame, ranges, tiles) -> None:
    fig = national.force_tile_map(frame, tiles, CASES, ranges, year="2023-24", own=False, base_label=CENSUS)
    labels = next(t for t in fig.data if t.name == "forces")
    assert len(labels.x) == 43
    by_tile = {text.split("</b>")[0].removeprefix("<b>"): text for text in labels.text}
    assert by_tile["NFK"].endswith("✗") and "0" not in by_tile["NFK"].split("<br>")[1]
    assert by_tile["LAN"] == "<b>LAN</b><br>▼ 12.8 ◐"
    assert by_tile["MET"] == "<b>MET</b><br>▲ 41.5"
    squares = [t for t in fig.data if t.fill == "toself"]
    dotted = next(t for t in squares if t.line.dash == "dot")
    assert dotted.name == f"{national.NOT_ZERO} (6)"
    dashed = [t for t in squares if t.line.dash == "dash"]
    assert len(dashed) == 1 and sum(v is None for v in dashed[0].x) == 1  # Lancashire's square alone
    # SafeLives' own base: the Metropolitan Police is above on both, at 47.1 on its own base
    own = national.force_tile_map(frame, tiles, CASES, ranges, year="2023-24", own=True, base_label=CENSUS)
    own_labels = next(t for t in own.data if t.name == "forces")
    assert "<b>MET</b><br>▲ 47.1" in own_labels.text


def test_tile_map_says_when_the_base_has_no_population(reference, ranges, tiles) -> None:
    # a base holding the 33 London authorities only: every other force has cases but no population on it
    population = pl.concat(
        [
            reference["population"],
            reference["population"]
            .filter((pl.col("base") == "census2021") & pl.col("lad_code").str.starts_with("E09"))
            .with_columns(pl.lit("london_only").alias("base")),
        ]
    )
    partial = side_by_side(reference["safelives_published"], reference["area"], population, ranges, base="london_only")
    fig = national.force_tile_map(partial, tiles, CASES, ranges, year="2020-21", own=False, base_label="London only")
    labels = fig.data[-1]
    hover = dict(zip([t.split("</b>")[0].removeprefix("<b>") for t in labels.text], labels.hovertext, strict=True))
    assert "no population on this base: 13 of 13 local authorities have no figure" in hover["KEN"]
    assert "no population" not in hover["MET"] and "no population" not in hover["COL"]
    assert national.no_base_forces(partial, "2020-21")[:2] == ["Avon and Somerset", "Bedfordshire"]
    assert "City of London" not in national.no_base_forces(partial, "2020-21")


def test_table_keeps_missing_years_empty_and_both_bases(frame, ranges) -> None:
    table = national.national_table(frame, ranges, base="census2021", base_label=CENSUS).set_index(["Force", "Year"])
    met = table.loc[("Metropolitan Police", "2020-21")]
    assert met["Cases"] == 15960 and met["Status"] == "complete"
    assert round(met[f"Rate per 10,000 ({CENSUS})"], 1) == 43.2
    assert round(met[f"% of recommended ({CENSUS})"], 1) == 107.9
    assert round(met["SafeLives % of recommended"], 1) == 119.4
    assert met[f"Volume verdict ({CENSUS})"] == "▲ above"
    norfolk = table.loc[("Norfolk", "2023-24")]
    assert norfolk["Status"] == "✗ missing" and norfolk.isna()["Cases"] and norfolk.isna()["MARACs"]
    assert "not zero" in norfolk["Why partial or missing"]
    assert table.loc[("Lancashire", "2024-25")]["Status"] == "◐ partial"


def test_a_screen_shows_the_table_a_part_at_a_time_and_says_why_under_it(frame, ranges) -> None:
    table = national.national_table(frame, ranges, base="census2021", base_label=CENSUS)
    parts = {part: national.table_part(table, part) for part in national.TABLE_PARTS}
    assert parts["volume"] == [
        "Force", "Year", "Status", "MARACs", "Cases",
        f"Rate per 10,000 ({CENSUS})", f"% of recommended ({CENSUS})", f"Volume verdict ({CENSUS})",
    ]  # fmt: skip
    assert parts["published"] == [
        "Force", "Year", "Status", "SafeLives rate per 10,000 (its base)", "SafeLives % of recommended",
    ]  # fmt: skip
    assert parts["repeats"] == ["Force", "Year", "Status", "Cases", "Repeat cases", "Repeat rate %", "Repeat verdict"]
    assert {c for part in parts.values() for c in part} | {"Why partial or missing"} == set(table.columns)
    assert [national.short_header(c) for c in parts["volume"][5:]] == [
        "Per 10,000",
        "% of recommended",
        "Volume verdict",
    ]
    # on SafeLives' own base there is no recomputed rate: the volume part shows SafeLives' own
    own = national.national_table(frame, ranges, base=national.SAFELIVES_BASE, base_label="SafeLives' base")
    assert "SafeLives % of recommended" in national.table_part(own, "volume")
    # each reason once, after the forces and years it covers: Norfolk sent nothing for 2023-24
    said = national.caveats_said(table)
    assert len(said) == len(set(table["Why partial or missing"]) - {""})
    norfolk = next(s for s in said if "Norfolk 2023-24" in s)
    assert "not zero" in norfolk


def test_headline_counts_the_forces_published(frame, ranges) -> None:
    words = national.headline(frame, "2023-24", ranges, base="census2021", base_label="Census 2021")
    # 38 English forces in the file, less Norfolk (not submitted): 37 of the 43
    assert words.startswith("In 2023-24, SafeLives published figures for 37 of the 43 police force areas.")
    assert national.missing_forces(frame, "2023-24") == MISSING_2023
    assert [f for f, _ in national.partial_forces(frame, "2022-23")] == ["Lancashire", "Metropolitan Police"]


def test_registry_sentences_say_where_counts_differ() -> None:
    counts = pl.DataFrame(
        {
            "pfa_code": ["E23000036", "E23000003", "E23000014"],
            "force": ["Avon and Somerset", "Lancashire", "West Midlands"],
            "registry_maracs": [6, 10, 7],
            "safelives_maracs": [7.0, 10.0, None],
            "safelives_year": ["2024-25", "2021-22", None],
            "differs": [True, False, False],
        }
    )
    assert national.registry_sentences(counts) == [
        "SafeLives counts 7 MARACs in Avon and Somerset (2024-25); the registry has 6.",
        "SafeLives counts 10 MARACs in Lancashire (2021-22), as the registry does.",
        "SafeLives publishes no complete year for West Midlands, so its count of MARACs cannot be set beside the "
        "registry's 7 MARACs.",
    ]


def test_reconciliation_table_words_its_coverage() -> None:
    frame = pl.DataFrame(
        {
            "pfa_code": ["PN", "PN"],
            "force": ["Northshire", "Northshire"],
            "financial_year": ["2019-20", "2020-21"],
            "registry_maracs": [2, 2],
            "maracs_with_returns": [0, 2],
            "maracs_all_quarters": [0, 1],
            "all_quarters": [False, False],
            "held_cases": [None, 104.0],
            "safelives_maracs": [3.0, 3.0],
            "safelives_cases": [90.0, 110.0],
            "status": ["complete", "partial"],
            "caveat": [None, "why"],
            "difference": [None, -6.0],
            "held_share": [None, 104 / 110],
            "area_share_covered": [0.5, 0.5],
        }
    )
    table = national.reconciliation_table(frame).set_index("Year")
    assert table.loc["2019-20", "Returns held"] == "✗ none"
    assert pd.isna(table.loc["2019-20", "Cases in returns held"])
    assert table.loc["2020-21", "Returns held"] == (
        "⚠ 2 of 2 MARACs sent returns, 1 all four quarters; the registry covers 50% of the force's local authorities"
    )
    assert table.loc["2020-21", "Held as % of published"] == pytest.approx(100 * 104 / 110)
    assert table.loc["2020-21", "SafeLives status"] == "◐ partial: why"


def test_a_partial_year_is_named_and_not_judged(frame, ranges) -> None:
    # 2022-23: Lancashire (one MARAC missing from July 2022) and the Met (three) published part of the year
    words = national.headline(frame, "2022-23", ranges, base="census2021", base_label="Census 2021")
    assert words.endswith(" 2 forces published only part of the year and are not judged.")
    year = frame.filter((pl.col("financial_year") == "2022-23") & (pl.col("status") == "complete"))
    tallied = sum(int(n) for n in re.findall(r"(\d+) (?:below|within|above)", words.split("; on Census")[0]))
    assert tallied == year.height  # the partial forces are in no count


def test_year_notes_name_what_a_year_leaves_out(frame) -> None:
    notes = national.year_notes(frame, "2022-23", base="census2021", base_label="Census 2021")
    assert notes[0].startswith("No figures published for 2022-23: ") and "West Midlands" in notes[0]
    assert [n.split(" 2022-23 is partial: ")[0] for n in notes[1:] if " is partial: " in n] == [
        "Lancashire",
        "Metropolitan Police",
    ]
