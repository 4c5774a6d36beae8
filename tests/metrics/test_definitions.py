"""Each indicator defined once (metrics/definitions.py): the catalogue, and every figure read from it.

The toy indicator below (perpetrators aged 17 or under as a share of cases) exists only inside `INDICATORS.adding`:
with no other edit it is computed, judged, given intervals and withheld with its count. Figures are worked by hand
from tests/helpers/metrics.py (its docstring has the 12-month counts).
"""

from __future__ import annotations

from datetime import date

import pytest

from metrics.dataset import Dataset
from metrics.indicators import compute, quarterly
from metrics.periods import period
from metrics.rolling import rolling_year
from metrics.suppression import derived_columns, protected_columns
from tests.helpers import metrics as fx

YEAR = period(date(2021, 3, 31), "12m")  # 2020-04-01 .. 2021-03-31
AGENCIES = fx.AGENCIES


@pytest.fixture(scope="module")
def data() -> Dataset:
    return fx.dataset()


def _published_columns(data: Dataset) -> list[str]:
    """Every column a page or export can carry: a 12-month MARAC frame (with change on a year earlier) and the
    rolling 12-month trend columns."""
    frame = compute(data, YEAR, "marac")
    rolling = rolling_year(quarterly(data, "marac"), data.ranges.value("recommended_cases_per_10k"))
    return list(dict.fromkeys([*frame.columns, *rolling.columns]))


def _agency(agency: str) -> list[str]:
    share = f"share_referrals_{agency}"
    return [share, *(f"{share}_{end}" for end in ("ci95_low", "ci95_high", "ci998_low", "ci998_high"))]


#: what each protected count gave back before the definitions carried it, captured from the hand-kept lists in
#: metrics/suppression.py as they stood (commit 991f0f3): reading the definitions must withhold exactly these
DERIVED_BEFORE: dict[str, list[str]] = {
    "cases": [
        "pct_of_recommended",
        "pct_of_recommended_ci95_low",
        "pct_of_recommended_ci95_high",
        "pct_of_recommended_ci998_low",
        "pct_of_recommended_ci998_high",
        "pct_of_recommended_significance",
        "pct_of_recommended_12m",
        "volume_verdict",
        "cases_per_10k",
        "cases_per_10k_ci95_low",
        "cases_per_10k_ci95_high",
        "cases_per_10k_ci998_low",
        "cases_per_10k_ci998_high",
        "cases_per_10k_12m",
        "annualised_cases",
        "cases_with_population",
        "idva_fte_for_current_volume",
        "admin_fte_for_current_volume",
        "annual_cost_estimate",
        "volume_rate_ratio",
        "volume_rate_ratio_ci95_low",
        "volume_rate_ratio_ci95_high",
        "volume_change_significant",
    ],
    "repeat_cases": [
        "repeat_rate",
        "repeat_rate_ci95_low",
        "repeat_rate_ci95_high",
        "repeat_rate_ci998_low",
        "repeat_rate_ci998_high",
        "repeat_rate_significance",
        "repeat_rate_previous",
        "repeat_rate_change",
        "repeat_rate_change_ci95_low",
        "repeat_rate_change_ci95_high",
        "repeat_rate_change_significant",
        "repeat_rate_12m",
        "repeat_verdict",
    ],
    "children_in_household": [],
    "perpetrators_under_18": [],
    "referrals_police": [
        "police_share",
        "police_share_ci95_low",
        "police_share_ci95_high",
        "police_share_ci998_low",
        "police_share_ci998_high",
        "police_share_significance",
        "police_share_12m",
        "police_verdict",
        "partner_agency_share",
        *_agency("police"),
    ],
    **{f"referrals_{a}": _agency(a) for a in AGENCIES if a != "police"},
    **{
        f"victims_{group}": [
            f"share_{group}",
            f"share_{group}_ci95_low",
            f"share_{group}_ci95_high",
            f"share_{group}_ci998_low",
            f"share_{group}_ci998_high",
            *([f"share_{group}_significance"] if verdict else []),
            f"share_{group}_12m",
            *([verdict] if verdict else []),
        ]
        for group, verdict in (
            ("racially_minoritised", "racially_minoritised_verdict"),
            ("lgbt", "lgbt_verdict"),
            ("disabled", "disabled_verdict"),
            ("male", "male_verdict"),
            ("aged_16_17", None),
        )
    },
    "cases_previous": [
        "cases_per_10k_previous",
        "volume_rate_ratio",
        "volume_rate_ratio_ci95_low",
        "volume_rate_ratio_ci95_high",
        "volume_change_significant",
    ],
    "repeat_cases_previous": [
        "repeat_rate_previous",
        "repeat_rate_change",
        "repeat_rate_change_ci95_low",
        "repeat_rate_change_ci95_high",
        "repeat_rate_change_significant",
    ],
}


def test_every_protected_count_withholds_what_it_did_before(data) -> None:
    columns = _published_columns(data)
    assert sorted(protected_columns(columns)) == sorted(DERIVED_BEFORE)
    assert {count: derived_columns(count, columns) for count in DERIVED_BEFORE} == DERIVED_BEFORE


def test_the_frames_carry_every_column_the_pins_name(data) -> None:
    """A pin naming a column no frame has would pass whatever derived_columns did."""
    columns = set(_published_columns(data))
    assert {c for names in DERIVED_BEFORE.values() for c in names} - columns == set()
