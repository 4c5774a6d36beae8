"""Data quality: missing quarterly returns and demographic fields recorded as all zero (fixture in tests/helpers/metrics.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import polars as pl
import pytest

from metrics.periods import period
from metrics.quality import outliers, quality, recording_completeness, robust_z, submission_grid
from reporting.quality_tables import (
    STATUS_LEGEND,
    completeness_summary,
    completeness_table,
    submission_counts,
    submission_table,
)
from tests.helpers import metrics as fx

YEAR = period(date(2021, 3, 31), "12m")


def test_missing_quarters_and_unrecorded_fields() -> None:
    data = fx.dataset()
    # Gamma's one aged 16-17 victim/survivor is taken out, so that field is zero across its 100 cases
    data = replace(
        data,
        meetings=data.meetings.with_columns(
            pl.when(pl.col("marac_code") == "MC")
            .then(0)
            .otherwise(pl.col("victims_aged_16_17"))
            .alias("victims_aged_16_17")
        ),
    )
    rows = {r["marac_name"]: r for r in quality(data, YEAR).iter_rows(named=True)}
    assert (
        rows["Alpha"]["quarters_returned"],
        rows["Alpha"]["missing_quarters"],
        rows["Alpha"]["fields_all_zero"],
    ) == (4, [], [])
    assert (rows["Beta"]["quarters_returned"], rows["Beta"]["missing_quarters"]) == (
        3,
        ["2020-21 Q3"],
    )  # nothing in Oct-Dec
    assert rows["Gamma"]["fields_all_zero"] == ["aged 16–17"]
    # Delta sent nothing in the year: every quarter missing, and no field is called unrecorded without cases
    assert (rows["Delta"]["quarters_returned"], rows["Delta"]["fields_all_zero"]) == (0, [])
    assert rows["Delta"]["missing_quarters"] == ["2020-21 Q1", "2020-21 Q2", "2020-21 Q3", "2020-21 Q4"]
    assert quality(data, YEAR, ["MA"])["marac_name"].to_list() == ["Alpha"]


# ------------------------------------------------------------------ the region's data-quality views


def _versions(*rows: tuple[str, date, int, datetime, bool]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "marac_code": m,
                "quarter_start": q,
                "load_id": load,
                "loaded_at": at,
                "loaded_by": "x",
                "meetings": 1,
                "cases": 1,
                "current": current,
            }
            for m, q, load, at, current in rows
        ]
    )


def test_submission_grid_says_submitted_missing_or_replaced() -> None:
    data = replace(
        fx.dataset(),
        versions=_versions(
            ("MA", fx.Q1, 1, datetime(2020, 7, 10, 9, 0), True),
            ("MB", fx.Q1, 2, datetime(2020, 7, 11, 9, 0), False),  # Beta's Q1 sent, then replaced on 5 Aug
            ("MB", fx.Q1, 5, datetime(2020, 8, 5, 14, 30), True),
        ),
    )
    grid = submission_grid(data, [fx.Q1, fx.Q2], ["MA", "MB"])
    assert grid.select("marac_name", "quarter", "status", "versions", "loaded_at").rows() == [
        ("Alpha", "2020-21 Q1", "submitted", 1, datetime(2020, 7, 10, 9, 0)),
        ("Alpha", "2020-21 Q2", "missing", 0, None),
        ("Beta", "2020-21 Q1", "replaced", 2, datetime(2020, 8, 5, 14, 30)),  # when the version held now went in
        ("Beta", "2020-21 Q2", "missing", 0, None),
    ]
    table = submission_table(grid)
    assert table.to_dict("records") == [
        {"MARAC": "Alpha", "2020-21 Q1": "✓ submitted", "2020-21 Q2": "✗ missing"},
        {"MARAC": "Beta", "2020-21 Q1": "↻ replaced 05 Aug 2020", "2020-21 Q2": "✗ missing"},
    ]


def test_submission_grid_shows_a_nil_return_apart_from_missing() -> None:
    # Alpha returned Q2 as "no meetings" (load 3); Beta's Q1 meetings were replaced by a nil return (load 6); Beta's
    # Q2 has no return at all. A nil return is held, with 0 cases: "○ nil return", never "✗ missing".
    data = replace(
        fx.dataset(),
        versions=_versions(
            ("MA", fx.Q1, 1, datetime(2020, 7, 10, 9, 0), True),
            ("MA", fx.Q2, 3, datetime(2020, 10, 9, 9, 0), True),
            ("MB", fx.Q1, 2, datetime(2020, 7, 11, 9, 0), False),
            ("MB", fx.Q1, 6, datetime(2020, 8, 6, 10, 0), True),
        ),
        nil_quarters=pl.DataFrame({"marac_code": ["MA", "MB"], "quarter_start": [fx.Q2, fx.Q1]}),
    )
    grid = submission_grid(data, [fx.Q1, fx.Q2], ["MA", "MB"])
    assert grid.select("marac_name", "quarter", "status", "versions").rows() == [
        ("Alpha", "2020-21 Q1", "submitted", 1),
        ("Alpha", "2020-21 Q2", "nil", 1),
        ("Beta", "2020-21 Q1", "nil", 2),  # a nil return that replaced meetings is still a nil return
        ("Beta", "2020-21 Q2", "missing", 0),
    ]
    assert submission_table(grid).to_dict("records") == [
        {"MARAC": "Alpha", "2020-21 Q1": "✓ submitted", "2020-21 Q2": "○ nil return"},
        {"MARAC": "Beta", "2020-21 Q1": "○ nil return", "2020-21 Q2": "✗ missing"},
    ]
    assert submission_counts(grid) == {"submitted": 1, "replaced": 0, "nil": 2, "missing": 1}
    assert "○ nil return" in STATUS_LEGEND and "✗ missing" in STATUS_LEGEND


def test_recording_completeness_is_the_share_of_meetings_recording_each_field() -> None:
    # In 2020-21 Alpha, Beta and Gamma each hold 4 meetings, and only their Q1 meeting records any victim/survivor
    # characteristic: 1 of 4 = 25% for every field. Gamma's one aged 16-17 is taken out: 0 of 4, always zero.
    data = fx.dataset()
    data = replace(
        data,
        meetings=data.meetings.with_columns(
            pl.when(pl.col("marac_code") == "MC")
            .then(0)
            .otherwise(pl.col("victims_aged_16_17"))
            .alias("victims_aged_16_17")
        ),
    )
    frame = recording_completeness(data, YEAR)
    alpha = frame.filter(pl.col("marac_code") == "MA")
    assert alpha.select("field_label", "meetings", "meetings_recorded", "share_recorded").rows() == [
        ("racially minoritised", 4, 1, 0.25),
        ("LGBT+", 4, 1, 0.25),
        ("disabled", 4, 1, 0.25),
        ("male", 4, 1, 0.25),
        ("aged 16–17", 4, 1, 0.25),
    ]
    gamma = frame.filter(pl.col("marac_code") == "MC")
    assert gamma.filter(pl.col("always_zero"))["field_label"].to_list() == ["aged 16–17"]
    delta = frame.filter(pl.col("marac_code") == "MD")  # no meeting in the year: no share, and not "always zero"
    assert (
        delta["meetings"].to_list() == [0] * 5
        and delta["share_recorded"].null_count() == 5
        and not delta["always_zero"].any()
    )
    table = completeness_table(frame).set_index("MARAC")
    assert table.loc["Gamma", "aged 16–17"] == "⚠ always 0 in 4 meetings"
    assert table.loc["Alpha", "LGBT+"] == "25%" and table.loc["Delta", "male"] == "no meetings"
    summary = completeness_summary(frame).set_index("Victims/survivors")
    # 3 MARACs held meetings; 2 of them recorded anyone aged 16-17; 2 of their 12 meetings did
    assert summary.loc["aged 16–17"].to_dict() == {
        "MARACs recording any": "2 of 3",
        "Meetings with any recorded": "17%",
    }


def test_robust_z_by_hand() -> None:
    # median 12.5; absolute deviations 2.5 1.5 0.5 0.5 1.5 27.5 -> MAD 1.5; z(40) = 0.6745 x 27.5 / 1.5 = 12.366
    z = robust_z([10, 11, 12, 13, 14, 40])
    assert z[-1] == pytest.approx(12.36583, abs=1e-5) and z[0] == pytest.approx(-1.12417, abs=1e-5)
    # more than half equal: MAD 0, so the mean absolute deviation 0.8 stands in: z(9) = 4 / (1.2533 x 0.8) = 3.9895
    assert robust_z([5, 5, 5, 5, 9]) == [0.0, 0.0, 0.0, 0.0, pytest.approx(3.98947, abs=1e-5)]
    assert robust_z([7, 7, 7]) == [None, None, None]


def test_a_quarter_far_from_its_own_history_is_listed() -> None:
    # Alpha, eight quarters 2019-20 Q1 .. 2020-21 Q4: cases 10 11 12 13 14 12 11 40, repeats 3 each.
    # Cases: median 12, deviations 2 1 0 1 2 0 1 28 -> MAD 1; z(40) = 0.6745 x 28 = 18.9; z(14) = 1.35 (not listed).
    # Repeats never vary: no z, nothing listed.
    quarters = [date(2019, 4, 1), date(2019, 7, 1), date(2019, 10, 1), date(2020, 1, 1), fx.Q1, fx.Q2, fx.Q3, fx.Q4]
    meetings = pl.DataFrame(
        [
            fx._meeting("MA", q, q.replace(day=15), cases, 3)
            for q, cases in zip(quarters, [10, 11, 12, 13, 14, 12, 11, 40], strict=True)
        ]
    )
    data = replace(fx.dataset(), meetings=meetings)
    found = outliers(data, YEAR)
    assert found.select("marac_name", "quarter", "measure", "value", "median", "quarters_of_history").rows() == [
        ("Alpha", "2020-21 Q4", "cases discussed", 40.0, 12.0, 8)
    ]
    assert found["robust_z"][0] == pytest.approx(0.6745 * 28)
    # judged on history up to the period's end only, and listed only inside the period
    assert outliers(data, period(date(2020, 12, 31), "12m")).is_empty()
    # fewer than six quarters of history: no judgement
    assert outliers(replace(data, meetings=meetings.tail(5)), YEAR).is_empty()


def test_quarters_to_check_as_published_carry_only_rounded_counts() -> None:
    # Alpha's repeats, eight quarters: 30 31 29 30 32 30 31 then 2. Held, the last is listed with its 2; published
    # (the download, a restricted page) the quarters are rounded first, so whatever is listed shows a multiple of 5
    from metrics.disclosure import published

    quarters = [date(2019, 4, 1), date(2019, 7, 1), date(2019, 10, 1), date(2020, 1, 1), fx.Q1, fx.Q2, fx.Q3, fx.Q4]
    meetings = pl.DataFrame(
        [
            fx._meeting("MA", q, q.replace(day=15), 60, repeats)
            for q, repeats in zip(quarters, [30, 31, 29, 30, 32, 30, 31, 2], strict=True)
        ]
    )
    data = replace(fx.dataset(), meetings=meetings)
    held = outliers(data, YEAR)
    assert held.filter(pl.col("measure") == "repeat cases")["value"].to_list() == [2.0]
    shown = outliers(published(data), YEAR)
    assert shown.height and all(v % 5 == 0 for v in shown["value"])
    assert 2.0 not in shown["value"].to_list()
