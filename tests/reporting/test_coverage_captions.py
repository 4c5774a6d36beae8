"""Sentences say what their figures rest on (reporting.coverage_words) and why a verdict is withheld."""

from __future__ import annotations

from datetime import date

from metrics.definitions import INDICATORS
from metrics.periods import period
from reporting.captions import caption
from tests.helpers import metrics as fx

YEAR = period(date(2021, 3, 31), "12m")


def test_a_withheld_referral_verdict_says_why_and_names_no_range() -> None:
    """Police share with 55 of 60 cases' sources unrecorded is withheld: the sentence gives the reason, not 'not judged
    of 60%-75%'."""
    police, ranges = INDICATORS.by_key("police_share"), fx.dataset().ranges
    row = {
        "cases": 60,
        "quarters_with_data": 4,
        "maracs_in_group": 1,
        "window": "12m",
        "referrals_total": 5,
        "referrals_unrecorded": 55,
        "police_share": 0.0,
        "police_verdict": "incomplete",
        "police_share_significance": "incomplete",
    }
    said = caption("Merton", row, police, ranges, YEAR)
    assert said.startswith("In the year to March 2021, the police made 0")
    assert said.endswith("; not judged: no source recorded for 55 of 60 cases.")
    assert "60%–75%" not in said


def test_a_volume_from_one_quarter_says_so_and_claims_no_verdict() -> None:
    """Alpha, 10 cases in its one quarter on 10 recommended for that quarter (10,000 x 0.25 x 40 / 10,000): 100.0%."""
    volume, ranges = INDICATORS.by_key("volume"), fx.dataset().ranges
    row = {
        "cases": 10,
        "cases_with_population": 10,
        "quarters_with_data": 1,
        "maracs_in_group": 1,
        "window": "12m",
        "pct_of_recommended": 1.0,
        "volume_verdict": "incomplete",
        "pct_of_recommended_significance": "incomplete",
    }
    assert caption("Alpha", row, volume, ranges, YEAR) == (
        "Alpha heard 10 cases in the year to March 2021, 100.0% of the recommended volume (1 of 4 quarters "
        "returned: one quarter's rate shown as a year's); too little of the period returned to judge against the "
        "expected range."
    )
    # the same figure from 3 of 4 quarters is judged, and says what it rests on
    judged = {**row, "quarters_with_data": 3, "volume_verdict": "within", "pct_of_recommended_significance": "within"}
    assert caption("Alpha", judged, volume, ranges, YEAR) == (
        "Alpha heard 10 cases in the year to March 2021, 100.0% of the recommended volume (3 of 4 quarters "
        "returned); within the expected range."
    )
