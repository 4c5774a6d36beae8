"""Table exports: CSV and XLSX hold what the page prints, formulas are neutralised, small numbers never leave."""

from __future__ import annotations

import io
from datetime import date, datetime

import pandas as pd
import polars as pl
from openpyxl import load_workbook

from metrics.dataset import Dataset
from metrics.disclosure import published
from metrics.indicators import compute
from metrics.periods import period
from reporting import tables
from reporting.spreadsheet import DISCLOSURE_NOTE, TableFile, neutralise, to_csv, to_xlsx
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
            "LGBT+ %": ["1.0% of 3.5%", "not published"],  # words in a percent column, as the profile prints
        }
    )
    return TableFile(
        "MARACs in London",
        table,
        ["Source: test.", DISCLOSURE_NOTE],
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
        # 27.96 keeps the two decimals the screen uses beside "below"
        "'=cmd|' /C calc'!A0,400,27.96,▼ below,1.0% of 3.5%\r\n"
        "Hackney,–,30.0,● within,not published\r\n"
        "\r\n"
        "Source: test.\r\n"
        f'"{DISCLOSURE_NOTE}"\r\n'  # quoted: the note holds commas
    )


def test_xlsx_keeps_numbers_as_numbers_and_text_as_text() -> None:
    sheet = load_workbook(io.BytesIO(to_xlsx(_file(), made=datetime(2026, 1, 1)))).active
    assert (
        sheet["A1"].value == "MARACs in London" and sheet["A2"].value == "SYNTHETIC DEMO DATA: not real MARAC figures."
    )
    assert [c.value for c in sheet[4]] == ["MARAC", "Cases", "Repeat rate %", "Repeat verdict", "LGBT+ %"]
    assert [c.value for c in sheet[5]] == ["'=cmd|' /C calc'!A0", 400, 27.96, "▼ below", "1.0% of 3.5%"]
    assert sheet["A5"].data_type == "s"  # stored as text, never as a formula
    assert (sheet["B5"].number_format, sheet["C5"].number_format) == ("#,##0", "0.00")
    assert sheet["A8"].value == "Source: test." and sheet["A9"].value == DISCLOSURE_NOTE
    assert sheet.freeze_panes == "B5"


def test_an_exported_overview_prints_only_figures_worked_out_from_rounded_counts() -> None:
    # Gamma's 12 months hold 3 LGBT+ victims/survivors in 100 cases (3.0%): the export made from the published
    # (rounded) dataset prints its rounded count over its rounded cases, so 3.0 is nowhere
    data = Dataset.from_tables(fx.tables())
    chosen = period(date(2021, 3, 31), "12m")
    held = compute(data, chosen, "marac").filter(pl.col("group_name") == "Gamma").row(0, named=True)
    assert (held["victims_lgbt"], held["cases"]) == (3, 100)
    shown = published(data)
    maracs = compute(shown, chosen, "marac")
    gamma = maracs.filter(pl.col("group_name") == "Gamma").row(0, named=True)
    assert gamma["victims_lgbt"] % 5 == 0 and gamma["cases"] % 5 == 0
    _, victims = tables.overview_frames(maracs, data.ranges)
    printed = victims.set_index("MARAC").loc["Gamma", "LGBT+ %"]
    assert printed == round(gamma["victims_lgbt"] / gamma["cases"] * 100, 1) and printed != 3.0
    line = next(t for t in to_csv(TableFile("t", victims)).decode("utf-8").splitlines() if t.startswith("Gamma,"))
    assert f",{printed}," in line + "," and ",3.0," not in line + ","
