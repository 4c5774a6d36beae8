"""Table exports: CSV and XLSX hold what the page prints, formulas are neutralised, small numbers never leave."""

from __future__ import annotations

import io
from datetime import date, datetime

import pandas as pd
import polars as pl
from openpyxl import load_workbook

from metrics.dataset import Dataset
from metrics.indicators import compute
from metrics.periods import period
from metrics.shown import AreaFigures
from reporting import tables
from reporting.spreadsheet import TableFile, neutralise, suppression_note, to_csv, to_xlsx
from tests.helpers import metrics as fx


def test_cells_a_spreadsheet_would_run_are_neutralised() -> None:
    for text in ('=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(text) == "'" + text
    assert neutralise("Hackney") == "Hackney" and neutralise(-2.5) == -2.5 and neutralise(None) is None


def _file() -> TableFile:
    table = pd.DataFrame(
        {
            "MARAC": ["=cmd|' /C calc'!A0", "Hackney"],
            "Cases": pd.Series([400, None], dtype="Float64"),
            "Repeat rate %": pd.Series([27.96, 30.0], dtype="Float64"),
            "Repeat verdict": ["▼ below", "● within"],
            "LGBT+ %": ["<5", "withheld"],
        }
    )
    return TableFile(
        "MARACs in London",
        table,
        ["Source: test.", suppression_note(5)],
        synthetic=True,
        decimals={(0, "Repeat rate %"): 2},
    )


def test_csv_is_the_table_as_printed_with_title_and_notes() -> None:
    text = to_csv(_file()).decode("utf-8")
    assert text == (
        "\ufeffMARACs in London\r\n"
        "SYNTHETIC DEMO DATA: not real MARAC figures.\r\n"
        "\r\n"
        "MARAC,Cases,Repeat rate %,Repeat verdict,LGBT+ %\r\n"
        "'=cmd|' /C calc'!A0,400,27.96,▼ below,<5\r\n"  # 27.96 keeps the two decimals the screen uses beside "below"
        "Hackney,–,30.0,● within,withheld\r\n"
        "\r\n"
        "Source: test.\r\n"
        '"Counts of 1 to 4 are shown as <5, and figures worked out from them, or that would let them be worked back from a '
        'total, are withheld."\r\n'  # quoted: the note holds commas
    )


def test_xlsx_keeps_numbers_as_numbers_and_text_as_text() -> None:
    sheet = load_workbook(io.BytesIO(to_xlsx(_file(), made=datetime(2026, 1, 1)))).active
    assert (
        sheet["A1"].value == "MARACs in London" and sheet["A2"].value == "SYNTHETIC DEMO DATA: not real MARAC figures."
    )
    assert [c.value for c in sheet[4]] == ["MARAC", "Cases", "Repeat rate %", "Repeat verdict", "LGBT+ %"]
    assert [c.value for c in sheet[5]] == ["'=cmd|' /C calc'!A0", 400, 27.96, "▼ below", "<5"]
    assert sheet["A5"].data_type == "s"  # stored as text, never as a formula
    assert (sheet["B5"].number_format, sheet["C5"].number_format) == ("#,##0", "0.00")
    assert sheet["A8"].value == "Source: test." and sheet["A9"].value.startswith("Counts of 1 to 4 are shown as <5")
    assert sheet.freeze_panes == "B5"


def test_a_planted_small_count_never_reaches_an_exported_overview() -> None:
    # Beta's 3 LGBT+ victims/survivors (of 64 cases) is planted; Alpha and Beta make BCU "B1", so Alpha's count goes too
    t = fx.tables()
    data = Dataset.from_tables(t)
    chosen = period(date(2021, 3, 31), "12m")
    maracs, bcus, total = (compute(data, chosen, g) for g in ("marac", "bcu", "all"))
    planted = maracs.with_columns(
        pl.when(pl.col("group_name") == "Beta").then(3).otherwise(pl.col("victims_lgbt")).alias("victims_lgbt")
    )
    shares = pl.col("victims_lgbt") / pl.col("cases")
    planted = planted.with_columns(
        pl.when(pl.col("group_name") == "Beta").then(shares).otherwise(pl.col("share_lgbt")).alias("share_lgbt")
    )
    published = AreaFigures.suppressed(planted, bcus, total)
    _, victims = tables.overview_frames(published.maracs, data.ranges)
    by_name = victims.set_index("MARAC")
    assert by_name.loc["Beta", "LGBT+ %"] == "withheld"
    assert by_name.loc["Beta", "LGBT+ verdict"] == "withheld"
    beta_share = f"{3 / 64 * 100:.1f}"  # 4.7
    csv_text = to_csv(TableFile("t", victims)).decode("utf-8")
    assert beta_share not in csv_text
