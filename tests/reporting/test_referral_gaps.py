"""Referral charts and tables say where recorded referrals fall short of cases, and show MARAC names as typed."""

from __future__ import annotations

import polars as pl

from metrics.ranges import Range
from metrics.referrals import sector_shares
from reporting import referral_gaps, tables
from reporting.referral_charts import police_change, sector_bars
from reporting.verdicts import Verdict

POLICE = Range("police_share", "range", 0.60, 0.75, "", "", "e")
HOSTILE = '<b>x</b> <a href="https://evil.example">y</a>'
ESCAPED = "&lt;b&gt;x&lt;/b&gt; &lt;a href=&quot;https://evil.example&quot;&gt;y&lt;/a&gt;"


def frame() -> pl.DataFrame:
    """Islington: 80 cases, 40 recorded referrals (30 police, 10 IDVA), so 80 - 40 = 40 cases without a source (50%,
    past 20%: withheld). Hackney: 40 cases, 34 recorded (17 police, 17 IDVA), 40 - 34 = 6 without (15%: judged).
    The hostile name: 100 cases, all 100 recorded (70 police, 30 IDVA)."""
    return pl.DataFrame(
        {
            "group_code": ["I", "H", "X"],
            "group_name": ["Islington", "Hackney", HOSTILE],
            "cases": [80, 40, 100],
            "referrals_total": [40.0, 34.0, 100.0],
            "referrals_police": [30.0, 17.0, 70.0],
            "referrals_idva": [10.0, 17.0, 30.0],
            "share_referrals_police": [0.75, 0.5, 0.7],
            "share_referrals_idva": [0.25, 0.5, 0.3],
            "referrals_unrecorded": [40.0, 6.0, 0.0],
            "police_share": [0.75, 0.5, 0.7],
            "police_verdict": ["incomplete", "below", "within"],
        }
    )


SECTORS = {"Police": ("police",), "IDVA": ("idva",)}


def test_sector_bars_name_the_shortfall_under_the_bar_and_in_its_hover() -> None:
    data = frame()
    fig = sector_bars(
        sector_shares(data, SECTORS),
        POLICE,
        title="t",
        subtitle="s",
        source="src",
        verdicts=referral_gaps.by_group(data),
    )
    police, idva = fig.data
    # police shares 50% (Hackney) < 70% (hostile) < 75% (Islington): drawn bottom to top
    assert list(fig.layout.yaxis.categoryarray) == ["Hackney", ESCAPED, "Islington"]
    assert list(fig.layout.yaxis.ticktext) == [
        "Hackney<br><sub>no source for 6 of 40 cases</sub>",
        ESCAPED,
        "Islington<br><sub>no source for 40 of 80 cases; police share not judged</sub>",
    ]
    assert list(police.hovertext) == [
        "Islington: Police 75.0% of recorded referrals (no source for 40 of 80 cases; police share not judged)",
        "Hackney: Police 50.0% of recorded referrals (no source for 6 of 40 cases)",
        f"{ESCAPED}: Police 70.0% of recorded referrals",
    ]
    assert idva.hovertemplate == "%{hovertext}<extra></extra>"
    assert HOSTILE not in fig.to_json()


def test_sector_bars_without_shortfalls_keep_plain_names() -> None:
    data = frame().filter(pl.col("group_code") == "X")
    fig = sector_bars(
        sector_shares(data, SECTORS),
        POLICE,
        title="t",
        subtitle="s",
        source="src",
        verdicts=referral_gaps.by_group(data),
    )
    assert fig.layout.yaxis.ticktext is None and list(fig.layout.yaxis.categoryarray) == [ESCAPED]


def test_police_change_shows_a_hostile_name_as_text() -> None:
    change = pl.DataFrame(
        {
            "group_code": ["X"],
            "group_name": [HOSTILE],
            "police_share": [0.7],
            "police_share_previous": [0.5],
            "police_share_change": [0.2],
            "police_share_change_significant": [True],
        }
    )
    fig = police_change(change, {"X": Verdict("within")}, POLICE, title="t", subtitle="s", source="src")
    assert HOSTILE not in fig.to_json()
    assert list(fig.data[-1].hovertext) == [f"{ESCAPED}: 70.0% now, within the expected range"]
    assert list(fig.data[-2].y) == [ESCAPED]
    assert list(fig.data[-2].hovertext) == [f"{ESCAPED}: 50.0% a year earlier"]


def test_referral_tables_carry_a_shortfall_column_and_the_caption_counts_the_withheld() -> None:
    data = frame()
    top = tables.top_three_table(data, ["police", "idva"], {"police": "Police", "idva": "IDVA"})
    assert top[referral_gaps.HEADER].tolist() == ["40 of 80 cases (police share not judged)", "6 of 40 cases", "none"]
    every = tables.agency_share_table(data, ["police", "idva"], {"police": "Police", "idva": "IDVA"})
    assert every.columns.tolist() == ["MARAC", "Referrals", referral_gaps.HEADER, "Police %", "IDVA %"]
    assert every[referral_gaps.HEADER].tolist() == top[referral_gaps.HEADER].tolist()
    # 2 MARACs short (Islington, Hackney); only Islington past 20% of cases
    assert referral_gaps.caption(referral_gaps.by_group(data)) == (
        " 2 MARACs recorded a referral source for fewer than all their cases; 1 of them, with no source for more "
        "than 20% of cases, is not judged."
    )
    complete = data.filter(pl.col("group_code") == "X")
    assert referral_gaps.HEADER not in tables.top_three_table(complete, ["police", "idva"], {}).columns
    assert referral_gaps.caption(referral_gaps.by_group(complete)) == ""
