"""SafeLives indicators, verdicts and groupings (metrics/indicators.py, metrics/dataset.py).

The fixture (tests/helpers/metrics.py) is a made-up dataset; its docstring has the table of
counts and populations the hand-worked figures below come from. The 40 cases a year per
10,000 adult females and the ranges are read from the real data/reference/safelives_ranges.csv.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from metrics.dataset import Dataset
from metrics.definitions import INDICATORS
from metrics.indicators import GROUPINGS, compute, quarterly, scoped, value_columns
from metrics.periods import period
from tests.helpers import metrics as fx

YEAR = period(date(2021, 3, 31), "12m")  # 2020-04-01 .. 2021-03-31
Q4 = period(date(2021, 3, 31), "quarter")  # 2021-01-01 .. 2021-03-31
VERDICTS = [
    "volume_verdict",
    "repeat_verdict",
    "police_verdict",
    "racially_minoritised_verdict",
    "lgbt_verdict",
    "disabled_verdict",
    "male_verdict",
]


@pytest.fixture(scope="module")
def data() -> Dataset:
    return fx.dataset()


def rows(frame: pl.DataFrame) -> dict[str, dict]:
    return {r["group_code"]: r for r in frame.iter_rows(named=True)}


@pytest.fixture(scope="module")
def by_marac(data) -> dict[str, dict]:
    return rows(compute(data, YEAR, "marac"))


# --------------------------------------------------------------------------- dataset


def test_base_label(data):
    assert data.base_label == "Census 2021, females aged 16+"
    assert data.population_base == "census2021"
    assert data.ethnicity_year == 2021
    assert data.synthetic is False


def test_agencies_in_safelives_order(data):
    assert data.agencies == fx.AGENCIES


def test_marac_population_sums_its_local_authorities(data):
    pops = dict(data.maracs.select("marac_code", "adult_female_population").iter_rows())
    # Beta covers LA2 (15,000) and LA3 (5,000): 20,000; the mye2022 rows (x7) are ignored
    assert pops == pytest.approx({"MA": 10_000, "MB": 20_000, "MC": 20_000, "MD": 10_000})


def test_local_share_not_white_british_is_population_weighted(data):
    local = dict(data.maracs.select("marac_code", "local_share_not_white_british").iter_rows())
    # Beta: (30,000 - 27,000) + (10,000 - 5,000) = 8,000 not White British of 40,000 persons = 0.20,
    # not the plain mean of the LAD shares (0.10 + 0.50) / 2 = 0.30
    assert local["MB"] == pytest.approx(0.20)
    assert local == pytest.approx({"MA": 0.20, "MB": 0.20, "MC": 0.10, "MD": 0.05})


def test_unknown_population_measure_is_refused():
    with pytest.raises(
        ValueError, match="population measure 'females_65plus' is not one of females_16plus, females_18plus"
    ):
        fx.dataset(population_measure="females_65plus")


def test_unknown_population_base_is_refused():
    with pytest.raises(ValueError, match="population base 'census2031' is not in the reference data"):
        fx.dataset(population_base="census2031")


# --------------------------------------------------------------------------- one MARAC, 12 months


def test_one_row_per_marac_with_period_columns(data):
    out = compute(data, YEAR, "marac")
    assert out["group_code"].to_list() == ["MA", "MB", "MD", "MC"]  # sorted by name: Alpha, Beta, Delta, Gamma
    assert out["group_name"].to_list() == ["Alpha", "Beta", "Delta", "Gamma"]
    assert set(out["period_start"]) == {date(2020, 4, 1)}
    assert set(out["period_end"]) == {date(2021, 3, 31)}
    assert set(out["window"]) == {"12m"}
    assert set(out["population_base"]) == {"Census 2021, females aged 16+"}


def test_marac_rows_carry_their_parents(by_marac):
    assert {k: (r["sub_area"], r["region"], r["police_force_area"]) for k, r in by_marac.items()} == {
        "MA": ("BCU-N1", "North", "Northshire"),
        "MB": ("BCU-N1", "North", "Northshire"),
        "MC": ("BCU-S1", "South", "Southshire"),
        "MD": ("BCU-S1", "South", "Southshire"),
    }


def test_every_documented_column_is_present(data):
    out = compute(data, YEAR, "marac")
    assert [c for c in value_columns(data) if c not in out.columns] == []


def test_documented_columns_keep_their_order(data):
    """The CLI and export columns, in the order they were documented before the definitions supplied them."""
    assert value_columns(data) == [
        "group_code",
        "group_name",
        "period_start",
        "period_end",
        "window",
        "maracs_in_group",
        "maracs_reporting",
        "maracs_with_population",
        "meetings",
        "quarters_with_data",
        "coverage",
        "volume_coverage",
        "area_share_covered",
        "cases",
        "repeat_cases",
        "children_in_household",
        "adult_female_population",
        "population_base",
        "annualised_cases",
        "cases_per_10k",
        "recommended_cases",
        "pct_of_recommended",
        "volume_verdict",
        "repeat_rate",
        "repeat_verdict",
        "referrals_total",
        "police_share",
        "police_verdict",
        "partner_agency_share",
        "top_referrer_1",
        "top_referrer_2",
        "top_referrer_3",
        *(f"share_referrals_{a}" for a in fx.AGENCIES),
        "share_racially_minoritised",
        "local_share_not_white_british",
        "local_share_source",
        "racially_minoritised_verdict",
        "share_lgbt",
        "lgbt_verdict",
        "share_disabled",
        "disabled_verdict",
        "share_male",
        "male_verdict",
        "share_aged_16_17",
        "victims_racially_minoritised",
        "victims_lgbt",
        "victims_disabled",
        "victims_male",
        "victims_aged_16_17",
        "perpetrators_under_18",
        *(f"referrals_{a}" for a in fx.AGENCIES),
        "range_edition",
        "idva_fte_for_current_volume",
        "idva_fte_for_recommended_volume",
        "admin_fte_for_current_volume",
        "admin_fte_for_recommended_volume",
        "cost_per_case",
        "annual_cost_estimate",
        "cases_with_population",
        "referrals_unrecorded",
        "cases_previous",
        "cases_per_10k_previous",
        "repeat_cases_previous",
        "quarters_with_data_previous",
        "volume_coverage_previous",
        "volume_rate_ratio",
        "volume_rate_ratio_ci95_low",
        "volume_rate_ratio_ci95_high",
        "volume_change_significant",
        "repeat_rate_previous",
        "repeat_rate_change",
        "repeat_rate_change_ci95_low",
        "repeat_rate_change_ci95_high",
        "repeat_rate_change_significant",
    ]


def test_meetings_on_the_boundary(by_marac):
    # Alpha: 31 March 2021 (cases 10) is in; 31 March 2020 (50) and 1 April 2021 (60) are out
    a = by_marac["MA"]
    assert a["cases"] == 40  # 12 + 8 + 10 + 10
    assert a["meetings"] == 4
    assert a["referrals_idva"] == pytest.approx(6.5)  # not + 60 from 1 April 2021


def test_boundary_from_the_other_side(data):
    # 12 months to 30 June 2021 = 2020-07-01 .. 2021-06-30: 1 April 2021 is now in, 14 May 2020 out
    out = rows(compute(data, period(date(2021, 6, 30), "12m"), "marac"))
    assert out["MA"]["cases"] == 88  # 8 + 10 + 10 + 60
    assert out["MD"]["cases"] == 10  # Delta's only meeting in the window, 1 April 2021
    assert out["MD"]["quarters_with_data"] == 1
    assert out["MD"]["coverage"] == pytest.approx(0.25)  # 1 of 4 quarters
    # volume is set against the quarters returned: 40 x 10,000 / 10,000 x 1/4 = 10 recommended; 10 / 10
    assert out["MD"]["recommended_cases"] == pytest.approx(10.0)
    assert out["MD"]["pct_of_recommended"] == pytest.approx(1.0)


def test_volume_alpha_exactly_at_100_percent_is_within(by_marac):
    a = by_marac["MA"]
    assert a["cases"] == 40 and a["repeat_cases"] == 12
    assert a["adult_female_population"] == pytest.approx(10_000)
    assert a["annualised_cases"] == pytest.approx(40)  # 40 / 1 year
    assert a["cases_per_10k"] == pytest.approx(40.0)  # 40 / 10,000 x 10,000
    assert a["recommended_cases"] == pytest.approx(40.0)  # 40 per 10k x 10,000 / 10,000 x 1 year
    assert a["pct_of_recommended"] == pytest.approx(1.0)  # 40 / 40
    assert a["volume_verdict"] == "within"  # 1.0 is the inclusive upper bound


def test_volume_exactly_at_80_percent_is_within(data):
    # Alpha in July-September 2020: 8 cases; 40 x 10,000 / 10,000 x 1/4 = 10 recommended; 8 / 10 = 0.8
    a = rows(compute(data, period(date(2020, 9, 30), "quarter"), "marac"))["MA"]
    assert a["cases"] == 8
    assert a["recommended_cases"] == pytest.approx(10.0)
    assert a["cases_per_10k"] == pytest.approx(32.0)  # 8 x 4 / 10,000 x 10,000
    assert a["pct_of_recommended"] == pytest.approx(0.8)
    assert a["volume_verdict"] == "within"  # 0.8 is the inclusive lower bound


def test_volume_beta_judged_on_the_quarters_it_returned(by_marac):
    # Beta sent returns for 3 of 4 quarters: its 20,000 females count for three quarters of a year
    b = by_marac["MB"]
    assert b["cases"] == 64
    assert b["adult_female_population"] == pytest.approx(20_000)  # LA2 15,000 + LA3 5,000
    assert b["recommended_cases"] == pytest.approx(60.0)  # 40 x 2 x 3/4
    assert b["cases_per_10k"] == pytest.approx(64 / 15_000 * 10_000)  # 42.67 a year
    assert b["annualised_cases"] == pytest.approx(64 / 0.75)  # 85.33
    assert b["pct_of_recommended"] == pytest.approx(64 / 60)  # 1.067, not 64 / 80 = 0.8
    assert b["volume_verdict"] == "above"


def test_volume_gamma_above(by_marac):
    c = by_marac["MC"]
    assert c["cases"] == 100
    assert c["cases_per_10k"] == pytest.approx(50.0)  # 100 / 20,000 x 10,000
    assert c["recommended_cases"] == pytest.approx(80.0)
    assert c["pct_of_recommended"] == pytest.approx(1.25)  # 100 / 80
    assert c["volume_verdict"] == "above"


def test_volume_below_with_18plus_denominator():
    # females 18+: Alpha 9,000 -> recommended 36, 40 / 36 = 1.111 above;
    # Beta 14,000 + 4,000 = 18,000 for 3 of 4 quarters -> recommended 40 x 1.8 x 0.75 = 54, 64 / 54 = 1.185
    d = fx.dataset(population_measure="females_18plus")
    assert d.base_label == "Census 2021, females aged 18+"
    out = rows(compute(d, YEAR, "marac"))
    assert out["MA"]["adult_female_population"] == pytest.approx(9_000)
    assert out["MA"]["recommended_cases"] == pytest.approx(36.0)
    assert out["MA"]["cases_per_10k"] == pytest.approx(400_000 / 9_000)  # 40 / 9,000 x 10,000
    assert out["MA"]["pct_of_recommended"] == pytest.approx(40 / 36)
    assert out["MA"]["volume_verdict"] == "above"
    assert out["MB"]["adult_female_population"] == pytest.approx(18_000)
    assert out["MB"]["pct_of_recommended"] == pytest.approx(64 / 54)
    assert out["MC"]["pct_of_recommended"] == pytest.approx(100 / 76)  # 19,000 -> 76 recommended
    assert out["MA"]["population_base"] == "Census 2021, females aged 18+"
    everyone = rows(compute(d, YEAR, "all"))["ALL"]
    # 9,000 + 18,000 + 19,000 (Delta has no data) = 46,000 females; person-years 9,000 + 13,500 + 19,000
    # = 41,500 -> recommended 166; 204 / 166 = 1.229
    assert everyone["adult_female_population"] == pytest.approx(46_000)
    assert everyone["recommended_cases"] == pytest.approx(166.0)
    assert everyone["pct_of_recommended"] == pytest.approx(204 / 166)


def test_volume_below_80_percent():
    # 12 months to 30 June 2021: Beta has Q2 (20) + Q4 (12 + 12) = 44 cases in 2 returned quarters.
    # On the fixture's second base (7 x the females: 140,000) that is 40 x 14 x 2/4 = 280 recommended; 44 / 280 = 0.157
    out = rows(compute(fx.dataset(population_base="mye2022"), period(date(2021, 6, 30), "12m"), "marac"))
    assert out["MB"]["cases"] == 44
    assert out["MB"]["quarters_with_data"] == 2
    assert out["MB"]["recommended_cases"] == pytest.approx(280.0)
    assert out["MB"]["pct_of_recommended"] == pytest.approx(44 / 280)
    # 2 of 4 quarters: half the year's population-time, under the 3 of 4 a volume verdict needs
    assert out["MB"]["volume_coverage"] == pytest.approx(0.5)
    assert out["MB"]["volume_verdict"] == "incomplete"
    assert out["MB"]["pct_of_recommended_significance"] == "incomplete"


def test_other_population_base_is_used_when_chosen():
    d = fx.dataset(population_base="mye2022")
    assert d.base_label == "mye2022, females aged 16+"
    out = rows(compute(d, YEAR, "marac"))
    assert out["MA"]["adult_female_population"] == pytest.approx(70_000)  # 10,000 x 7 in the fixture
    assert out["MA"]["pct_of_recommended"] == pytest.approx(40 / 280)


def test_repeat_rate_and_verdicts(by_marac):
    assert by_marac["MA"]["repeat_rate"] == pytest.approx(0.30)  # 12 / 40
    assert by_marac["MA"]["repeat_verdict"] == "within"
    assert by_marac["MB"]["repeat_rate"] == pytest.approx(0.25)  # 16 / 64 < 28%
    assert by_marac["MB"]["repeat_verdict"] == "below"
    assert by_marac["MC"]["repeat_rate"] == pytest.approx(0.45)  # 45 / 100 > 40%
    assert by_marac["MC"]["repeat_verdict"] == "above"


def test_police_share_with_fractional_referrals(by_marac):
    a, b, c = by_marac["MA"], by_marac["MB"], by_marac["MC"]
    # Alpha: police 8.5 + 5 + 6.5 + 6.5 = 26.5 of 40 referrals = 0.6625 (60-75%: within)
    assert a["referrals_police"] == pytest.approx(26.5)
    assert a["referrals_total"] == pytest.approx(40.0)
    assert a["police_share"] == pytest.approx(0.6625)
    assert a["partner_agency_share"] == pytest.approx(0.3375)
    assert a["police_verdict"] == "within"
    # Beta: 35.5 of 64 = 0.5546875 below
    assert b["referrals_police"] == pytest.approx(35.5)
    assert b["police_share"] == pytest.approx(0.5546875)
    assert b["partner_agency_share"] == pytest.approx(0.4453125)
    assert b["police_verdict"] == "below"
    # Gamma: 80 of 100 = 0.8 above
    assert c["police_share"] == pytest.approx(0.80)
    assert c["partner_agency_share"] == pytest.approx(0.20)
    assert c["police_verdict"] == "above"


def test_partner_share_is_one_minus_police_share(by_marac):
    for code in ("MA", "MB", "MC"):
        r = by_marac[code]
        assert r["partner_agency_share"] == pytest.approx(1 - r["police_share"])
        assert r["share_referrals_police"] == pytest.approx(r["police_share"])


def test_share_of_referrals_by_agency(by_marac):
    a = by_marac["MA"]
    # Alpha: idva 6.5 / 40, children's social care 4.5 / 40, other 2.5 / 40
    assert a["share_referrals_idva"] == pytest.approx(0.1625)
    assert a["share_referrals_childrens_social_care"] == pytest.approx(0.1125)
    assert a["share_referrals_other"] == pytest.approx(0.0625)
    assert a["share_referrals_housing"] == pytest.approx(0.0)
    b = by_marac["MB"]
    # Beta: idva, mental health, housing 7.5 / 64 each; other 6 / 64
    for agency in ("idva", "mental_health", "housing"):
        assert b[f"share_referrals_{agency}"] == pytest.approx(0.1171875)
    assert b["share_referrals_other"] == pytest.approx(0.09375)
    for code in ("MA", "MB", "MC"):
        assert sum(by_marac[code][f"share_referrals_{x}"] for x in fx.AGENCIES) == pytest.approx(1.0)


def test_top_referrers_ties_keep_safelives_order(by_marac):
    # Alpha: police 26.5, idva 6.5, children's social care 4.5, other 2.5
    assert [by_marac["MA"][f"top_referrer_{k}"] for k in (1, 2, 3)] == ["police", "idva", "childrens_social_care"]
    # Beta: police 35.5, then idva = mental_health = housing = 7.5: SafeLives order keeps idva, mental_health
    assert [by_marac["MB"][f"top_referrer_{k}"] for k in (1, 2, 3)] == ["police", "idva", "mental_health"]
    # Gamma: police 80, idva 10, then mash = education = 5: mash comes first in SafeLives order
    assert [by_marac["MC"][f"top_referrer_{k}"] for k in (1, 2, 3)] == ["police", "idva", "mash"]


def test_top_referrer_can_be_a_partner_agency():
    # 12 months to 30 June 2021: Alpha's idva 1.5 + 1.5 + 1.5 + 60 = 64.5 beat police 5 + 6.5 + 6.5 = 18
    out = rows(compute(fx.dataset(), period(date(2021, 6, 30), "12m"), "marac"))
    assert [out["MA"][f"top_referrer_{k}"] for k in (1, 2, 3)] == ["idva", "police", "childrens_social_care"]
    assert out["MA"]["police_verdict"] == "below"  # 18 / 88 = 0.2045
    assert out["MA"]["police_share"] == pytest.approx(18 / 88)


def test_racially_minoritised_against_local_share(by_marac):
    a, b, c = by_marac["MA"], by_marac["MB"], by_marac["MC"]
    # Alpha: 8 / 40 = 0.20, equal to the local 0.20 -> within ("below if under, else within")
    assert a["share_racially_minoritised"] == pytest.approx(0.20)
    assert a["local_share_not_white_british"] == pytest.approx(0.20)
    assert a["racially_minoritised_verdict"] == "within"
    # Beta: 16 / 64 = 0.25 against the weighted local 0.20 -> within (against a plain mean 0.30 it would be below)
    assert b["share_racially_minoritised"] == pytest.approx(0.25)
    assert b["local_share_not_white_british"] == pytest.approx(0.20)
    assert b["racially_minoritised_verdict"] == "within"
    # Gamma: 8 / 100 = 0.08 under the local 0.10 -> below
    assert c["share_racially_minoritised"] == pytest.approx(0.08)
    assert c["local_share_not_white_british"] == pytest.approx(0.10)
    assert c["racially_minoritised_verdict"] == "below"


def test_lgbt_floor(by_marac):
    assert by_marac["MA"]["share_lgbt"] == pytest.approx(0.025)  # 1 / 40: exactly the 2.5% floor
    assert by_marac["MA"]["lgbt_verdict"] == "within"
    assert by_marac["MB"]["share_lgbt"] == pytest.approx(0.015625)  # 1 / 64
    assert by_marac["MB"]["lgbt_verdict"] == "below"
    assert by_marac["MC"]["share_lgbt"] == pytest.approx(0.03)  # 3 / 100
    assert by_marac["MC"]["lgbt_verdict"] == "within"


def test_disabled_floor(by_marac):
    assert by_marac["MA"]["share_disabled"] == pytest.approx(0.20)  # 8 / 40
    assert by_marac["MA"]["disabled_verdict"] == "within"
    assert by_marac["MB"]["share_disabled"] == pytest.approx(0.1875)  # 12 / 64 < 19%
    assert by_marac["MB"]["disabled_verdict"] == "below"
    assert by_marac["MC"]["share_disabled"] == pytest.approx(0.19)  # 19 / 100: exactly the floor
    assert by_marac["MC"]["disabled_verdict"] == "within"


def test_male_range(by_marac):
    assert by_marac["MA"]["share_male"] == pytest.approx(0.05)  # 2 / 40: exactly the lower bound
    assert by_marac["MA"]["male_verdict"] == "within"
    assert by_marac["MB"]["share_male"] == pytest.approx(0.125)  # 8 / 64 > 10%
    assert by_marac["MB"]["male_verdict"] == "above"
    assert by_marac["MC"]["share_male"] == pytest.approx(0.11)  # 11 / 100
    assert by_marac["MC"]["male_verdict"] == "above"


def test_male_below():
    # one quarter, Beta Q1 2020-21: 8 male of 20 cases = 0.4 above; Q2: 0 of 20 = 0 below
    out = rows(compute(fx.dataset(), period(date(2020, 9, 30), "quarter"), "marac"))
    assert out["MB"]["share_male"] == pytest.approx(0.0)
    assert out["MB"]["male_verdict"] == "below"


def test_aged_16_17_has_no_verdict(by_marac):
    assert by_marac["MA"]["share_aged_16_17"] == pytest.approx(0.025)  # 1 / 40
    assert by_marac["MB"]["share_aged_16_17"] == pytest.approx(0.03125)  # 2 / 64
    assert by_marac["MC"]["share_aged_16_17"] == pytest.approx(0.01)  # 1 / 100
    assert "aged_16_17_verdict" not in compute(fx.dataset(), YEAR, "marac").columns
    assert [i.verdict for i in INDICATORS if i.key == "aged_16_17"] == [None]


def test_other_counts_are_summed(by_marac):
    assert by_marac["MA"]["children_in_household"] == 50
    assert by_marac["MC"]["children_in_household"] == 120
    assert by_marac["MC"]["perpetrators_under_18"] == 2
    assert by_marac["MB"]["victims_racially_minoritised"] == 16


def test_coverage(by_marac):
    assert (by_marac["MA"]["quarters_with_data"], by_marac["MA"]["coverage"]) == (4, pytest.approx(1.0))
    # Beta: no meeting in Q3, two in Q4 -> 3 of 4 quarters, 4 meetings
    assert (by_marac["MB"]["quarters_with_data"], by_marac["MB"]["coverage"]) == (3, pytest.approx(0.75))
    assert by_marac["MB"]["meetings"] == 4
    for code in ("MA", "MB", "MC"):
        assert (by_marac[code]["maracs_in_group"], by_marac[code]["maracs_reporting"]) == (1, 1)


def test_marac_without_meetings_in_the_period(by_marac):
    d = by_marac["MD"]
    assert d["cases"] is None
    assert d["maracs_in_group"] == 1 and d["maracs_reporting"] == 0
    assert d["meetings"] == 0 and d["quarters_with_data"] == 0
    assert d["coverage"] == pytest.approx(0.0)
    for column in (
        "cases_per_10k",
        "pct_of_recommended",
        "repeat_rate",
        "police_share",
        "partner_agency_share",
        "share_racially_minoritised",
        "share_lgbt",
        "share_disabled",
        "share_male",
        "share_aged_16_17",
        "top_referrer_1",
        *VERDICTS,
    ):
        assert d[column] is None, column


def test_marac_without_meetings_has_no_annualised_or_recommended_cases(by_marac):
    assert by_marac["MD"]["annualised_cases"] is None
    assert by_marac["MD"]["recommended_cases"] is None


# --------------------------------------------------------------------------- one quarter, annualised


def test_quarter_window_annualises(data):
    out = rows(compute(data, Q4, "marac"))
    a, b, c = out["MA"], out["MB"], out["MC"]
    assert set(r["window"] for r in out.values()) == {"quarter"}
    # Alpha Q4: 10 cases (31 March in, 1 April out); x4 = 40 a year; 40 per 10k
    assert a["cases"] == 10
    assert a["annualised_cases"] == pytest.approx(40.0)
    assert a["cases_per_10k"] == pytest.approx(40.0)
    assert a["recommended_cases"] == pytest.approx(10.0)  # 40 x 0.25
    assert a["pct_of_recommended"] == pytest.approx(1.0)  # 10 / 10 = 40 / 40
    assert a["volume_verdict"] == "within"
    assert a["repeat_rate"] == pytest.approx(0.30)  # 3 / 10, shares are not annualised
    # Beta Q4: two meetings, 12 + 12 = 24 cases; x4 = 96; 96 / 20,000 x 10,000 = 48 per 10k
    assert (b["cases"], b["meetings"]) == (24, 2)
    assert b["annualised_cases"] == pytest.approx(96.0)
    assert b["cases_per_10k"] == pytest.approx(48.0)
    assert b["recommended_cases"] == pytest.approx(20.0)  # 80 x 0.25
    assert b["pct_of_recommended"] == pytest.approx(1.2)  # 24 / 20 = 96 / 80
    assert b["volume_verdict"] == "above"
    assert (b["quarters_with_data"], b["coverage"]) == (1, pytest.approx(1.0))
    # Gamma Q4: 25 -> 100 a year, 50 per 10k, 25 / 20 = 1.25
    assert c["cases_per_10k"] == pytest.approx(50.0)
    assert c["pct_of_recommended"] == pytest.approx(1.25)
    assert out["MD"]["cases"] is None


def test_quarter_and_year_agree_when_cases_are_steady(data):
    # Gamma has 25 cases every quarter, so every annualised quarter equals the 12-month figure
    year = rows(compute(data, YEAR, "marac"))["MC"]
    for end in (date(2020, 6, 30), date(2020, 9, 30), date(2020, 12, 31), date(2021, 3, 31)):
        q = rows(compute(data, period(end, "quarter"), "marac"))["MC"]
        assert q["cases_per_10k"] == pytest.approx(year["cases_per_10k"])
        assert q["pct_of_recommended"] == pytest.approx(year["pct_of_recommended"])


def test_financial_year_equals_12_months_to_31_march(data):
    fy = compute(data, period(date(2021, 3, 31), "fy"), "marac").drop("window")
    m12 = compute(data, YEAR, "marac").drop("window")
    assert fy.equals(m12)


# --------------------------------------------------------------------------- groups


def test_bcu_sums_counts_and_populations(data):
    out = rows(compute(data, YEAR, "sub_area"))
    assert list(out) == ["BCU-N1", "BCU-S1"]
    n = out["BCU-N1"]
    # Alpha + Beta: 40 + 64 = 104 cases; 10,000 + 20,000 = 30,000 females; recommended 40 (Alpha, 4 quarters)
    # + 60 (Beta, 3 of 4 quarters) = 100
    assert (n["region"], n["police_force_area"]) == ("North", "Northshire")
    assert n["cases"] == 104 and n["repeat_cases"] == 28
    assert n["adult_female_population"] == pytest.approx(30_000)
    assert n["recommended_cases"] == pytest.approx(100.0)
    assert n["cases_per_10k"] == pytest.approx(41.6)  # 104 / (10,000 + 15,000 person-years) x 10,000
    assert n["pct_of_recommended"] == pytest.approx(1.04)  # 104 / 100
    assert n["volume_verdict"] == "above"
    assert n["repeat_rate"] == pytest.approx(28 / 104)  # 28 / 104
    assert n["repeat_verdict"] == "below"
    assert n["referrals_total"] == pytest.approx(104.0)
    assert n["police_share"] == pytest.approx(62 / 104)  # (26.5 + 35.5) / 104 = 62 / 104
    assert n["police_verdict"] == "below"
    # local share: (5,000 + 8,000) / (25,000 + 40,000) = 0.20; victims (8 + 16) / 104 = 0.2308
    assert n["local_share_not_white_british"] == pytest.approx(0.20)
    assert n["share_racially_minoritised"] == pytest.approx(24 / 104)
    assert n["racially_minoritised_verdict"] == "within"
    assert (n["maracs_in_group"], n["maracs_reporting"], n["meetings"], n["quarters_with_data"]) == (2, 2, 8, 7)
    assert n["coverage"] == pytest.approx(0.875)  # (4 + 3) / (2 MARACs x 4 quarters)
    assert [n[f"top_referrer_{k}"] for k in (1, 2, 3)] == ["police", "idva", "other"]  # 62, 14, 8.5


def test_marac_without_data_adds_no_population_to_its_group(data):
    s = rows(compute(data, YEAR, "sub_area"))["BCU-S1"]
    # Gamma + Delta, but Delta held no meeting: Gamma's 20,000 only (not 30,000), 80 recommended
    assert s["cases"] == 100
    assert s["adult_female_population"] == pytest.approx(20_000)
    assert s["recommended_cases"] == pytest.approx(80.0)
    assert s["pct_of_recommended"] == pytest.approx(1.25)
    assert s["cases_per_10k"] == pytest.approx(50.0)
    assert (s["maracs_in_group"], s["maracs_reporting"]) == (2, 1)
    assert s["coverage"] == pytest.approx(0.5)  # 4 / (2 x 4)
    assert s["meetings"] == 4  # Delta's meetings are all outside the period
    # nor its ethnicity: Gamma's 0.10, not (5,000 + 1,000) / 70,000 = 0.0857
    assert s["local_share_not_white_british"] == pytest.approx(0.10)


def test_group_rates_are_ratios_of_sums_not_means_of_rates(data):
    maracs = rows(compute(data, YEAR, "marac"))
    group = rows(compute(data, YEAR, "sub_area"))["BCU-N1"]
    a, b = maracs["MA"], maracs["MB"]
    # repeat rate: mean of (0.30, 0.25) = 0.275; summed (12 + 16) / (40 + 64) = 28 / 104 = 0.2692
    mean_repeat = (a["repeat_rate"] + b["repeat_rate"]) / 2
    assert mean_repeat == pytest.approx(0.275)
    assert group["repeat_rate"] == pytest.approx((a["repeat_cases"] + b["repeat_cases"]) / (a["cases"] + b["cases"]))
    assert group["repeat_rate"] == pytest.approx(28 / 104)
    assert group["repeat_rate"] != pytest.approx(mean_repeat)
    # volume: mean of (1.0, 1.0667) = 1.0333; summed 104 / (40 + 60) = 1.04
    mean_pct = (a["pct_of_recommended"] + b["pct_of_recommended"]) / 2
    assert mean_pct == pytest.approx((1 + 64 / 60) / 2)
    assert group["pct_of_recommended"] == pytest.approx(
        (a["cases"] + b["cases"]) / (a["recommended_cases"] + b["recommended_cases"])
    )
    assert group["pct_of_recommended"] == pytest.approx(1.04)
    assert group["pct_of_recommended"] != pytest.approx(mean_pct)
    # police share: mean of (0.6625, 0.5547) = 0.6086 would be "within"; summed 62 / 104 = 0.5962 is "below"
    mean_police = (a["police_share"] + b["police_share"]) / 2
    assert mean_police == pytest.approx((26.5 / 40 + 35.5 / 64) / 2)
    assert group["police_share"] == pytest.approx(62 / 104)
    assert group["police_verdict"] == "below"


def test_region_grouping(data):
    out = rows(compute(data, YEAR, "region"))
    assert list(out) == ["North", "South"]
    assert out["North"]["cases"] == 104
    assert out["North"]["adult_female_population"] == pytest.approx(30_000)
    assert out["North"]["pct_of_recommended"] == pytest.approx(104 / 100)
    assert out["South"]["cases"] == 100
    assert out["South"]["adult_female_population"] == pytest.approx(20_000)  # Delta adds nothing
    assert (out["South"]["maracs_in_group"], out["South"]["maracs_reporting"]) == (2, 1)
    assert out["South"]["group_name"] == "South"


def test_pfa_grouping(data):
    out = rows(compute(data, YEAR, "pfa"))
    assert list(out) == ["Northshire", "Southshire"]
    assert out["Northshire"]["region"] == "North"
    assert out["Northshire"]["cases"] == 104
    assert out["Southshire"]["adult_female_population"] == pytest.approx(20_000)
    assert out["Southshire"]["pct_of_recommended"] == pytest.approx(1.25)


def test_all_maracs(data):
    out = compute(data, YEAR, "all")
    assert out.height == 1
    t = rows(out)["ALL"]
    assert t["group_name"] == "All MARACs"
    # 40 + 64 + 100 = 204 cases; 10,000 + 20,000 + 20,000 = 50,000 (Delta excluded); 200 recommended
    assert t["cases"] == 204 and t["repeat_cases"] == 73
    assert t["adult_female_population"] == pytest.approx(50_000)
    # person-years 10,000 + 15,000 (Beta, 3 quarters) + 20,000 = 45,000 -> 180 recommended
    assert t["recommended_cases"] == pytest.approx(180.0)
    assert t["cases_per_10k"] == pytest.approx(204 / 4.5)  # 204 / 45,000 x 10,000 = 45.33
    assert t["pct_of_recommended"] == pytest.approx(204 / 180)  # 1.133 (mean of MARAC figures would be 1.106)
    # 11 of 16 MARAC-quarters; by population-time 45,000 person-years of 60,000 (Delta's 10,000 sent nothing):
    # 0.75, just enough (3 of 4) for a volume verdict
    assert t["coverage"] == pytest.approx(11 / 16)
    assert t["volume_coverage"] == pytest.approx(0.75)
    assert t["volume_verdict"] == "above"
    assert t["repeat_rate"] == pytest.approx(73 / 204)  # 0.3578
    assert t["repeat_verdict"] == "within"
    assert t["police_share"] == pytest.approx(142 / 204)  # (26.5 + 35.5 + 80) / 204 = 0.6961
    assert t["police_verdict"] == "within"
    # local share: (5,000 + 8,000 + 5,000) / (25,000 + 40,000 + 50,000) = 0.156522; victims 32 / 204 = 0.156863
    assert t["local_share_not_white_british"] == pytest.approx(18_000 / 115_000)
    assert t["share_racially_minoritised"] == pytest.approx(32 / 204)
    assert t["racially_minoritised_verdict"] == "within"
    assert t["share_lgbt"] == pytest.approx(5 / 204)  # 0.0245 < 2.5%
    assert t["lgbt_verdict"] == "below"
    assert t["share_disabled"] == pytest.approx(39 / 204)  # 0.1912
    assert t["disabled_verdict"] == "within"
    assert t["share_male"] == pytest.approx(21 / 204)  # 0.1029
    assert t["male_verdict"] == "above"
    assert (t["maracs_in_group"], t["maracs_reporting"], t["quarters_with_data"]) == (4, 3, 11)
    assert t["coverage"] == pytest.approx(11 / 16)  # (4 + 3 + 4 + 0) / (4 x 4)
    assert [t[f"top_referrer_{k}"] for k in (1, 2, 3)] == ["police", "idva", "other"]  # 142, 24, 8.5


def test_every_grouping_has_the_same_totals(data):
    for grouping in GROUPINGS:
        out = compute(data, YEAR, grouping)
        assert out["cases"].sum() == 204, grouping
        assert out["adult_female_population"].sum() == pytest.approx(50_000), grouping
        assert out["referrals_police"].sum() == pytest.approx(142.0), grouping
        assert out["maracs_in_group"].sum() == 4, grouping


def test_unknown_grouping(data):
    with pytest.raises(ValueError, match='grouping "lad" is not one of marac, sub_area, region, pfa, all'):
        compute(data, YEAR, "lad")


def test_group_volume_uses_the_same_maracs_above_and_below_the_line():
    t = fx.tables()
    t["population"] = t["population"].filter(pl.col("lad_code") != "LA4")  # Gamma's population is unknown
    d = Dataset.from_tables(t)
    assert d.maracs.filter(pl.col("marac_code") == "MC")["adult_female_population"].to_list() == [None]
    everyone = rows(compute(d, YEAR, "all"))["ALL"]
    # Alpha + Beta: 104 cases against 40 + 60 = 100 recommended; never 204 / 100
    assert everyone["pct_of_recommended"] == pytest.approx(104 / 100)


# --------------------------------------------------------------------------- scoped and quarterly


def test_scoped_to_a_region(data):
    south = scoped(data, region="South")
    assert south.maracs["marac_code"].to_list() == ["MC", "MD"]
    assert set(south.meetings["marac_code"]) == {"MC", "MD"}
    out = rows(compute(south, YEAR, "marac"))
    assert sorted(out) == ["MC", "MD"]
    assert out["MC"]["pct_of_recommended"] == pytest.approx(1.25)
    t = rows(compute(south, YEAR, "all"))["ALL"]
    assert (t["cases"], t["maracs_in_group"], t["maracs_reporting"]) == (100, 2, 1)
    assert t["adult_female_population"] == pytest.approx(20_000)


def test_scoped_ignores_none_and_combines_filters(data):
    assert scoped(data, region="North", sub_area=None).maracs["marac_code"].to_list() == ["MA", "MB"]
    assert scoped(data, region="North", marac_code="MB").maracs["marac_code"].to_list() == ["MB"]
    assert scoped(data, police_force_area="Southshire").maracs["marac_code"].to_list() == ["MC", "MD"]
    assert scoped(data).maracs.equals(data.maracs)
    kept = scoped(data, sub_area="BCU-N1")
    assert kept.base_label == data.base_label and kept.ranges is data.ranges


def test_quarterly_per_marac(data):
    q = quarterly(data, "marac")
    quarters = [
        date(2020, 1, 1),
        date(2020, 4, 1),
        date(2020, 7, 1),
        date(2020, 10, 1),
        date(2021, 1, 1),
        date(2021, 4, 1),
    ]
    assert q.height == 4 * 6  # every MARAC in every quarter that has any data
    assert sorted(set(q["quarter_start"])) == quarters
    by = {(r["group_code"], r["quarter_start"]): r for r in q.iter_rows(named=True)}
    a = by[("MA", date(2020, 4, 1))]
    # Alpha Q1 2020-21: 12 cases -> 48 a year, 48 per 10k, recommended 10, 12 / 10 = 1.2
    assert a["cases"] == 12
    assert a["annualised_cases"] == pytest.approx(48.0)
    assert a["cases_per_10k"] == pytest.approx(48.0)
    assert a["recommended_cases"] == pytest.approx(10.0)
    assert a["pct_of_recommended"] == pytest.approx(1.2)
    assert a["volume_verdict"] == "above"
    assert a["repeat_rate"] == pytest.approx(4 / 12)
    # Alpha's 31 March 2020 meeting belongs to January-March 2020: 50 -> 200 a year, 50 / 10 = 5.0
    assert by[("MA", date(2020, 1, 1))]["pct_of_recommended"] == pytest.approx(5.0)
    # Beta Q3: no meeting -> no figures
    b3 = by[("MB", date(2020, 10, 1))]
    assert b3["cases"] is None and b3["pct_of_recommended"] is None and b3["volume_verdict"] is None
    assert b3["maracs_reporting"] == 0
    # Beta Q4: 24 cases -> 96, 48 per 10k, 24 / 20 = 1.2
    b4 = by[("MB", date(2021, 1, 1))]
    assert (b4["cases"], b4["meetings"]) == (24, 2)
    assert b4["cases_per_10k"] == pytest.approx(48.0)
    assert b4["pct_of_recommended"] == pytest.approx(1.2)
    # Delta Jan-Mar 2020: 30 cases -> 120 a year, 120 per 10k of 10,000, 30 / 10 = 3.0
    d0 = by[("MD", date(2020, 1, 1))]
    assert d0["cases_per_10k"] == pytest.approx(120.0)
    assert d0["pct_of_recommended"] == pytest.approx(3.0)
    assert d0["repeat_rate"] == pytest.approx(0.30)


def test_quarterly_matches_compute_for_each_quarter(data):
    q = quarterly(data, "marac")
    by = {(r["group_code"], r["quarter_start"]): r for r in q.iter_rows(named=True)}
    for end in (date(2020, 6, 30), date(2020, 9, 30), date(2020, 12, 31), date(2021, 3, 31)):
        p = period(end, "quarter")
        for code, r in rows(compute(data, p, "marac")).items():
            t = by[(code, p.start)]
            assert t["cases"] == r["cases"], (code, end)
            assert t["cases_per_10k"] == pytest.approx(r["cases_per_10k"]), (code, end)
            assert t["pct_of_recommended"] == pytest.approx(r["pct_of_recommended"]), (code, end)
            assert t["police_share"] == pytest.approx(r["police_share"]), (code, end)


def test_quarterly_groups_leave_out_maracs_without_data(data):
    q = quarterly(data, "sub_area")
    by = {(r["group_code"], r["quarter_start"]): r for r in q.iter_rows(named=True)}
    # BCU-N1 in Q3 2020-21: only Alpha met (10 cases); Beta's 20,000 females are left out
    n3 = by[("BCU-N1", date(2020, 10, 1))]
    assert n3["cases"] == 10
    assert n3["adult_female_population"] == pytest.approx(10_000)
    assert n3["recommended_cases"] == pytest.approx(10.0)
    assert n3["pct_of_recommended"] == pytest.approx(1.0)
    assert (n3["maracs_in_group"], n3["maracs_reporting"]) == (2, 1)
    assert n3["coverage"] == pytest.approx(0.5)
    # BCU-N1 in Q4: 10 + 24 = 34 cases on 30,000 -> 136 a year, 45.33 per 10k, 34 / 30 = 1.1333
    n4 = by[("BCU-N1", date(2021, 1, 1))]
    assert n4["cases"] == 34
    assert n4["cases_per_10k"] == pytest.approx(136 / 3)
    assert n4["pct_of_recommended"] == pytest.approx(34 / 30)


def test_quarterly_on_an_empty_dataset(data):
    empty = Dataset(data.meetings.clear(), data.maracs, data.ranges)
    assert quarterly(empty, "marac").is_empty()


def test_ranges_table_with_two_editions_is_refused():
    t = fx.tables()
    t["safelives_range"] = pl.concat([t["safelives_range"], t["safelives_range"].filter(pl.col("indicator") == "male")])
    with pytest.raises(ValueError, match="the ranges table lists male more than once; keep one edition at a time"):
        Dataset.from_tables(t)
