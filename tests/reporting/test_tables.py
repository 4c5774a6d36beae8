"""Display tables: verdict words, precision beside verdicts, and what an empty or partial figure says."""

from __future__ import annotations

import io
from datetime import date

import polars as pl
import pytest
from openpyxl import load_workbook

from metrics.dataset import Dataset
from metrics.definitions import INDICATORS
from metrics.indicators import compute
from metrics.periods import period
from reporting import coverage_words, tables
from reporting.spreadsheet import TableFile, to_csv, to_xlsx
from reporting.verdicts import Verdict, certainty_of
from tests.helpers import metrics as fx

YEAR = period(date(2021, 3, 31), "12m")


def test_a_marac_with_cases_but_no_population_says_so() -> None:
    t = fx.tables()
    t["population"] = t["population"].filter(pl.col("lad_code") != "LA4")  # Gamma has no population on this base
    data = Dataset.from_tables(t)
    volume, _ = tables.overview_frames(compute(data, YEAR, "marac"), data.ranges)
    verdicts = dict(zip(volume["MARAC"], volume["Volume verdict"], strict=True))
    # 40 and 64 cases a year: their 95% intervals (71%-139%, 82%-...) cross the range's bounds, so the verdicts are qualified
    assert verdicts == {
        "Alpha": "● within (could be chance)",
        "Beta": "▲ above (could be chance)",
        "Gamma": "– no population",
        "Delta": "– no data",
    }
    everyone = compute(data, YEAR, "all").row(0, named=True)
    assert (
        everyone["maracs_reporting"],
        everyone["maracs_with_population"],
        everyone["maracs_without_population"],
    ) == (3, 2, 1)


def test_share_and_local_share_are_printed_to_the_same_decimals() -> None:
    # 23.441% against a local share of 23.449%: one decimal would print 23.4% beside 23.4% and "below"
    frame = pl.DataFrame(
        {
            "group_name": ["A"],
            "cases": [100],
            "cases_per_10k": [40.0],
            "coverage": [1.0],
            "pct_of_recommended": [0.9],
            "volume_verdict": ["within"],
            "repeat_rate": [0.3],
            "repeat_verdict": ["within"],
            "police_share": [0.7],
            "police_verdict": ["within"],
            "share_racially_minoritised": [0.23441],
            "local_share_not_white_british": [0.23449],
            "racially_minoritised_verdict": ["below"],
            "share_lgbt": [0.03],
            "lgbt_verdict": ["within"],
            "share_disabled": [0.2],
            "disabled_verdict": ["within"],
            "share_male": [0.06],
            "male_verdict": ["within"],
            "share_aged_16_17": [0.01],
        }
    )
    _, victims = tables.overview_frames(frame, fx.dataset().ranges)
    html = tables.styled(victims).to_html()
    assert "23.44%" in html and "23.45%" in html and "23.4%<" not in html


def test_verdicts_say_when_the_interval_does_not_back_them() -> None:
    def qualifier(verdict: str | None, significance: str | None) -> str:
        return Verdict(verdict, certainty_of(verdict, significance)).qualifier

    assert qualifier("below", "below") == ""
    assert qualifier("below", "not distinguishable (lower)") == " (could be chance)"
    assert qualifier("within", "not distinguishable (lower and upper)") == " (could be chance)"
    assert qualifier("above", "too few to judge") == " (too few to judge)"
    assert qualifier(None, None) == "" and qualifier("within", None) == ""
    # the fill follows the verdict whatever the qualifier, so colour and words never disagree; it travels with the
    # words rather than being read back from them
    unsure, sure = tables.said(Verdict("below", "could be chance")), tables.said(Verdict("below", "clear"))
    assert (str(unsure), str(sure)) == ("▼ below (could be chance)", "▼ below")
    assert tables._fill(unsure) == tables._fill(sure) != tables._fill(tables.said(Verdict("within")))
    assert tables._fill("▼ below") == "background-color: #ffffff"  # plain text carries no colour


def test_certainty_by_marac_explains_each_verdict() -> None:
    # 3 LGBT+ victims/survivors of 150: 2.0%, Wilson 95% interval 0.68%-5.71% (hand-computed), range starts at 2.5%
    frame = pl.DataFrame(
        {
            "group_name": ["Small", "Large"],
            "share_lgbt": [0.02, 0.01],
            "share_lgbt_ci95_low": [0.006824, 0.007],
            "share_lgbt_ci95_high": [0.05715, 0.02496],
            "share_lgbt_ci998_low": [0.0040, 0.006],
            "share_lgbt_ci998_high": [0.0800, 0.0300],
            "lgbt_verdict": ["below", "below"],
            "share_lgbt_significance": ["not distinguishable (lower)", "below"],
        }
    )
    lgbt = next(i for i in tables.INDICATORS if i.key == "lgbt")
    table = tables.certainty_by_group(frame, lgbt, fx.dataset().ranges).set_index("MARAC")
    assert (
        table.loc["Small", "Why"]
        == "95% interval 0.7%–5.7%, the level is 2.5% or above: not distinguishable from the level"
    )
    assert table.loc["Small", "What the 95% interval supports"] == "not distinguishable from the level"
    # 2.496% would print as 2.5% with one decimal, seeming to touch the range: printed to 2.496%
    assert table.loc["Large", "95% interval"] == "0.700%–2.496%"
    assert table.loc["Large", "What the 95% interval supports"] == "does not meet the level"


def test_change_is_flagged_only_when_beyond_chance() -> None:
    from reporting import numbers

    steady = {
        "volume_rate_ratio": 1.05,
        "volume_rate_ratio_ci95_low": 0.9,
        "volume_rate_ratio_ci95_high": 1.22,
        "volume_change_significant": False,
        "cases_per_10k": 42.0,
        "cases_per_10k_previous": 40.0,
    }
    assert numbers.volume_change(steady) == (
        None,
        "No clear change on the same period a year earlier: 40.0 → 42.0 cases "
        "a year per 10,000 adult females (rate ratio 1.05, 95% interval 0.90–1.22, "
        "which includes no change).",
    )
    falling = {
        "repeat_rate_change": -0.04,
        "repeat_rate_change_ci95_low": -0.07,
        "repeat_rate_change_ci95_high": -0.01,
        "repeat_rate_change_significant": True,
        "repeat_rate": 0.26,
        "repeat_rate_previous": 0.30,
    }
    assert numbers.repeat_change(falling) == (
        "-4.0 points on a year earlier",
        "Down on the same period a year earlier, by "
        "more than chance explains: 30.0% → 26.0% (-4.0 points, 95% interval -7.0 to -1.0).",
    )
    assert numbers.repeat_change({}) == (None, "No repeat rate for the same period a year earlier to compare with.")


def _matrix_frame() -> pl.DataFrame:
    data = fx.dataset()
    return compute(data, YEAR, "marac"), data.ranges


def test_matrix_cells_sort_as_numbers_and_read_as_value_and_verdict() -> None:
    import copy
    import pickle

    frame, ranges = _matrix_frame()
    table = tables.matrix(frame, ranges)
    alpha = table.set_index("MARAC").loc["Alpha"]
    # Alpha: 12 repeats of 40 cases = 30.0%, within 28-40%; its 95% interval (18.1%-45.6%) crosses both bounds: "*" (could be chance)
    cell = alpha["Repeat %"]
    assert isinstance(cell, tables.Labelled) and float(cell) == 30.0
    assert cell.label == "30.0% ● within*" and cell.fill == "#dcefe3"
    assert alpha["Aged 16–17 %"].label == "2.5%" and alpha["Aged 16–17 %"].fill == ""  # no range: no verdict, no colour
    assert pickle.loads(pickle.dumps(cell)).label == cell.label == copy.deepcopy(cell).label  # caches keep the words
    delta = table.set_index("MARAC").loc["Delta"]
    assert delta["Repeat %"] is None  # no returns: empty, printed as a dash
    shown = tables.styled_matrix(table).to_html()
    assert "30.0% ● within*" in shown and "background-color: #dcefe3" in shown


def test_matrix_as_exported_text() -> None:
    frame, ranges = _matrix_frame()
    table = tables.matrix(frame, ranges)
    printed = tables.printed_matrix(table).set_index("MARAC")
    assert printed.loc["Alpha", "Cases"] == "40" and printed.loc["Alpha", "Repeat %"] == "30.0% ● within*"
    assert printed.loc["Beta", "Repeat %"] == table.set_index("MARAC").loc["Beta", "Repeat %"].label
    assert printed.loc["Delta", "Repeat %"] == "–"
    assert all(isinstance(v, str) for v in printed.to_numpy().ravel())  # a CSV of what the screen prints
    # Delta sent no returns: its numeric columns print a dash too, never pandas' "<NA>"
    assert printed.loc["Delta", "Cases"] == "–"
    assert "<NA>" not in " ".join(printed.to_numpy().ravel())


def test_matrix_subtotals_put_the_area_last() -> None:
    data = fx.dataset()
    groups, total = compute(data, YEAR, "sub_area"), compute(data, YEAR, "all")
    table = tables.matrix_totals(groups, total, data.ranges)
    assert list(table["Area"])[-1] == "All MARACs"
    assert len(table) == groups.height + 1


def test_referral_tables_when_nothing_is_left_to_show() -> None:
    """With no MARAC's referrals to export the tables are empty with their headings, not an error."""
    from metrics.referrals import referral_change

    frame = compute(fx.dataset(), YEAR, "marac")
    nothing = frame.head(0)
    assert (
        list(tables.referral_change_table(referral_change(nothing, nothing), {}).columns)
        == tables.REFERRAL_CHANGE_COLUMNS
    )
    assert tables.top_three_table(nothing, ["police"], {}).empty
    labels = {"police": "Police", "idva": "IDVA"}
    change = tables.referral_change_table(
        referral_change(frame, compute(fx.dataset(), period(date(2020, 3, 31), "12m"), "marac")), labels
    ).set_index("MARAC")
    assert change.columns.tolist() == tables.REFERRAL_CHANGE_COLUMNS[1:]


def test_range_summary_table() -> None:
    from metrics.summary import range_summary

    data = fx.dataset()
    table = tables.range_summary_table(range_summary(compute(data, YEAR, "marac")), data.ranges).set_index("Indicator")
    assert table.loc["Repeat rate", "Expected"] == "28%–40%"
    assert table["MARACs with figures"].max() <= 4
    # a screen's: each indicator by its table header, the local share's range short; the counts alike
    summary = range_summary(compute(data, YEAR, "marac"))
    short = tables.range_summary_table(summary, data.ranges, compact=True).set_index("Indicator")
    assert short.loc["Racially minoritised %", "Expected"] == "at least the local share"
    assert table.loc["Victims/survivors racially minoritised", "Expected"].startswith("at least the local share ")
    assert short.loc["Repeat rate %", "Expected"] == "28%–40%"
    assert short["Below"].tolist() == table["Below"].tolist() and short["Within"].tolist() == table["Within"].tolist()


def _alpha_one_quarter() -> Dataset:
    """The metrics fixture with Alpha's 2020-21 returns cut to its last quarter (31 March 2021, 10 cases): 10,000
    adult females for one quarter = 2,500 female-years, recommended 40 x 0.25 = 10 cases, 10 / 10 = 100.0%."""
    t = fx.tables()
    keep = (pl.col("marac_code") != "MA") | ~pl.col("meeting_date").is_between(date(2020, 4, 1), date(2021, 3, 30))
    t["meeting"] = t["meeting"].filter(keep)
    return Dataset.from_tables(t)


def test_the_volume_table_says_beside_each_volume_how_many_quarters_it_rests_on() -> None:
    data = _alpha_one_quarter()
    frame = compute(data, YEAR, "marac")
    volume, _ = tables.overview_frames(frame, data.ranges)
    columns = list(volume.columns)
    # right after the volume verdict, before the repeat rate
    assert columns[columns.index("Volume verdict") + 1] == "Quarters returned"
    rows = {r["MARAC"]: r for r in volume.to_dict("records")}
    assert rows["Alpha"]["Quarters returned"] == "1 of 4 quarters returned: one quarter's rate shown as a year's"
    assert rows["Alpha"]["Volume verdict"] == "◌ incomplete"
    assert rows["Alpha"][INDICATORS.by_key("volume").table_header] == pytest.approx(100.0)  # 10 / 10
    assert rows["Beta"]["Quarters returned"] == "3 of 4 quarters returned"  # no Q3 meeting
    assert rows["Gamma"]["Quarters returned"] == "all 4 quarters"
    assert rows["Delta"]["Quarters returned"] == "no quarters returned"
    # the whole: Alpha 1 + Beta 3 + Gamma 4 + Delta 0 = 8 of 4 x 4 = 16 MARAC-quarters; Gamma alone sent all 4
    everyone = compute(data, YEAR, "all")
    total = coverage_words.all_complete(everyone, frame)
    totals, _ = tables.overview_frames(total, data.ranges, name_header="Area")
    assert totals["Quarters returned"][0] == "1 of 4 MARACs sent all 4 quarters; 8 of 16 MARAC-quarters returned"


def test_the_matrix_cell_and_the_spreadsheet_carry_the_coverage() -> None:
    data = _alpha_one_quarter()
    frame = compute(data, YEAR, "marac")
    printed = tables.printed_matrix(tables.matrix(frame, data.ranges))
    alpha = printed[printed["MARAC"] == "Alpha"].iloc[0]
    assert alpha["Quarters returned"] == "1 of 4 quarters returned: one quarter's rate shown as a year's"
    assert alpha[INDICATORS.by_key("volume").header] == "100.0% ◌ incomplete · 1/4 qtrs"
    gamma = printed[printed["MARAC"] == "Gamma"].iloc[0]
    assert "qtrs" not in gamma[INDICATORS.by_key("volume").header]  # 100 / 80 = 125.0%, complete: nothing beside it

    volume, _ = tables.overview_frames(frame, data.ranges)
    text = to_csv(TableFile("MARACs", volume)).decode("utf-8-sig")
    assert "1 of 4 quarters returned: one quarter's rate shown as a year's" in text
    assert coverage_words.NOTE in text
    book = load_workbook(io.BytesIO(to_xlsx(TableFile("MARACs", volume))))
    cells = [c for row in book.active.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "1 of 4 quarters returned: one quarter's rate shown as a year's" in cells and coverage_words.NOTE in cells


def test_the_profile_puts_the_coverage_beside_the_volume_value() -> None:
    data = _alpha_one_quarter()
    frame = compute(data, YEAR, "marac")
    own = frame.filter(pl.col("group_code") == "MA")
    region = compute(data, YEAR, "region").filter(pl.col("group_code") == "North")
    table = tables.profile_frame({"Alpha": own, "North": region}, data.ranges)
    volume = table[table["Indicator"] == INDICATORS.by_key("volume").label].iloc[0]
    assert volume["Value"] == "100.0% (1 of 4 quarters returned)"
    # North: Alpha 1 + Beta 3 = 4 of 2 x 4 = 8 MARAC-quarters
    assert volume["North"].endswith("· 4/8 MARAC-qtrs")


def test_the_totals_rows_count_the_maracs_that_sent_every_quarter() -> None:
    data = _alpha_one_quarter()
    maracs = compute(data, YEAR, "marac")
    groups, total = compute(data, YEAR, "sub_area"), compute(data, YEAR, "all")
    volume, _ = tables.totals_frames(groups, total, data.ranges, maracs)
    said = dict(zip(volume["Area"], volume["Quarters returned"], strict=True))
    # BCU-N1: Alpha 1 + Beta 3 = 4 of 8, neither all 4; BCU-S1: Gamma 4 + Delta 0 = 4 of 8, Gamma all 4
    assert said["BCU-N1"] == "0 of 2 MARACs sent all 4 quarters; 4 of 8 MARAC-quarters returned"
    assert said["BCU-S1"] == "1 of 2 MARACs sent all 4 quarters; 4 of 8 MARAC-quarters returned"
    assert said["All MARACs"] == "1 of 4 MARACs sent all 4 quarters; 8 of 16 MARAC-quarters returned"
    # without the MARAC rows the MARAC count is not guessed
    bare, _ = tables.totals_frames(groups, total, data.ranges)
    assert bare["Quarters returned"].iloc[-1] == "8 of 16 MARAC-quarters returned"


def test_how_sure_puts_the_coverage_beside_the_volume_value() -> None:
    data = _alpha_one_quarter()
    frame = compute(data, YEAR, "marac")
    volume = INDICATORS.by_key("volume")
    sure = tables.certainty_by_group(frame.filter(pl.col("maracs_reporting") > 0), volume, data.ranges).set_index(
        "MARAC"
    )
    assert sure.loc["Alpha", "Value"] == "100.0% · 1/4 qtrs"  # 10 / 10, from one quarter
    assert sure.loc["Gamma", "Value"] == "125.0%"  # 100 / 80, all 4


def test_each_half_of_the_matrix_keeps_its_own_columns() -> None:
    """The screen shows the matrix in two halves that each fit 1280 px; their cells are the whole matrix's."""
    t = fx.tables()
    t["population"] = t["population"].filter(pl.col("lad_code") != "LA4")  # Gamma: cases but no population
    data = Dataset.from_tables(t)
    frame = compute(data, YEAR, "marac")
    whole = tables.matrix(frame, data.ranges).set_index("MARAC")
    volume = tables.matrix(frame, data.ranges, part="volume").set_index("MARAC")
    victims = tables.matrix(frame, data.ranges, part="victims").set_index("MARAC")
    assert list(whole.columns) == [
        "BCU", "Cases", "Per 10,000 adult females", "Quarters returned", "Volume %", "Repeat %", "Police %",
        "Racially minoritised %", "Local share not White British %", "LGBT+ %", "Disabled %", "Male %", "Aged 16–17 %",
    ]  # fmt: skip
    assert list(volume.columns) == list(whole.columns)[:7]
    assert list(victims.columns) == ["Cases", *list(whole.columns)[7:]]
    for half in (volume, victims):
        for column in half.columns:
            if column.endswith("%") and column != tables.LOCAL_HEADER:
                assert [getattr(c, "label", c) for c in half[column]] == [getattr(c, "label", c) for c in whole[column]]
    # the halves' coverage column is narrow on screen; the whole matrix (a download) has the full words
    assert (
        volume.loc["Alpha", "Quarters returned"] == "all 4 qtrs"
        and whole.loc["Alpha", "Quarters returned"] == "all 4 quarters"
    )
    # Alpha: 40 cases in the year on 10,000 adult females (LA1); Beta 64 on 15,000 (LA2) = 42.67 per 10,000
    assert volume.loc["Alpha", tables.PER_10K] == pytest.approx(40.0)
    printed = tables.printed_matrix(volume.reset_index()).set_index("MARAC")
    assert (printed.loc["Alpha", tables.PER_10K], printed.loc["Beta", tables.PER_10K]) == ("40.0", "42.7")
    # Gamma holds cases but has no population: its volume says so, as the overview's export does, and sorts last
    assert printed.loc["Gamma", "Volume %"] == "– no population" == tables.NO_POPULATION
    assert printed.loc["Delta", "Volume %"] == "–"  # no returns at all
    assert "– no population" in tables.styled_matrix(volume.reset_index()).to_html()


def test_how_sure_on_a_screen_names_what_each_interval_is_set_against() -> None:
    """The compact form puts the range or level in a column of its own in place of the sentence that repeats the
    interval around it, so the table fits 1280 px; the sentence stays in the download."""
    frame, ranges = _matrix_frame()
    repeat = INDICATORS.by_key("repeat_rate")
    full = tables.certainty_by_group(frame, repeat, ranges).set_index("MARAC")
    short = tables.certainty_by_group(frame, repeat, ranges, compact=True).set_index("MARAC")
    assert list(short.columns) == tables.COMPACT_CERTAINTY_COLUMNS
    # Alpha: 12 of 40 = 30.0% within 28%-40%, its interval across both bounds
    assert short.loc["Alpha", "Against"] == "range 28%–40%"
    assert full.loc["Alpha", "Why"].endswith(", range 28%–40%: not distinguishable from either bound")
    for column in ("Value", "95% interval", "99.8% interval", "What the 95% interval supports"):
        assert short[column].tolist() == full[column].tolist()
    assert short.loc["Delta", "Against"] == ""  # no returns: nothing is set against anything


def test_a_matrix_cell_says_when_referral_sources_are_missing_and_prints_the_local_share_alike() -> None:
    """Alpha's 40 cases with 2 of them without a recorded referral source: its police share cell carries "‡" (the
    legend beside the table says what it means); a share and its local share print to the same decimals."""
    frame, ranges = _matrix_frame()
    alpha = frame.filter(pl.col("group_name") == "Alpha").with_columns(
        referrals_unrecorded=pl.lit(2.0), share_racially_minoritised=pl.lit(0.23441),
        local_share_not_white_british=pl.lit(0.23449), racially_minoritised_verdict=pl.lit("below"),
    )  # fmt: skip
    cells = tables.matrix(alpha, ranges).iloc[0]
    assert cells["Police %"].label.endswith("‡")
    assert "‡" in tables.MATRIX_HELP
    # 23.441% against 23.449%: one decimal would print 23.4% beside 23.4% and "not met"
    assert cells["Racially minoritised %"].label.startswith("23.44% ▼ not met")
    assert cells["Local share not White British %"].label == "23.45%"
    assert float(cells["Local share not White British %"]) == pytest.approx(23.449)
