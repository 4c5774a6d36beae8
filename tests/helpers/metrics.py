"""A small, made-up MARAC dataset built in memory for the metrics tests (no database).

Round populations and invented codes so every expected figure can be worked by hand.

    MARAC        code  LADs (16+ / 18+)                      BCU      region  police force area
    Alpha        MA    LA1 10,000 / 9,000                     BCU-N1   North   Northshire
    Beta         MB    LA2 15,000 / 14,000 + LA3 5,000 / 4,000 BCU-N1   North   Northshire
    Gamma        MC    LA4 20,000 / 19,000                    BCU-S1   South   Southshire
    Delta        MD    LA5 10,000 / 9,500                     BCU-S1   South   Southshire

Ethnicity (persons / White British -> share not White British):
    LA1 25,000 / 20,000 -> 0.20          (Alpha 0.20)
    LA2 30,000 / 27,000 -> 0.10  \
    LA3 10,000 /  5,000 -> 0.50  /  Beta, population-weighted: 8,000 / 40,000 = 0.20
                                      (a plain mean of the two LAD shares would be 0.30)
    LA4 50,000 / 45,000 -> 0.10          (Gamma 0.10)
    LA5 20,000 / 19,000 -> 0.05          (Delta 0.05)

Meetings. In the 12 months 2020-04-01..2021-03-31 (quarters Q1..Q4 of 2020-21):
    Alpha  one meeting a quarter, the last on 31 March 2021 (inside the period);
           also 31 March 2020 (cases 50) and 1 April 2021 (cases 60), both just outside.
    Beta   Q1, Q2, none in Q3, two meetings in Q4 (3 of 4 quarters).
    Gamma  one meeting a quarter.
    Delta  no meeting in the period: only 31 March 2020 (cases 30) and 1 April 2021 (cases 10).

12-month totals (2020-04-01..2021-03-31):
           cases repeat  police  idva  csc  mh   mash educ hous other | rm lgbt dis male 16-17 child perp
    Alpha    40    12     26.5    6.5  4.5  -    -    -    -    2.5   |  8   1    8    2    1    50    1
    Beta     64    16     35.5    7.5  -    7.5  -    -    7.5  6     | 16   1   12    8    2    70    0
    Gamma   100    45     80     10    -    -    5    5    -    -     |  8   3   19   11    1   120    2
    Delta   (none)
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from metrics.dataset import Dataset

RANGES_CSV = Path(__file__).resolve().parents[2] / "data" / "reference" / "safelives_ranges.csv"

#: SafeLives order, which is also the order of the referral columns
AGENCIES = [
    "police",
    "idva",
    "childrens_social_care",
    "adult_social_care",
    "primary_care",
    "secondary_care",
    "mental_health",
    "substance_misuse",
    "probation",
    "voluntary_sector",
    "mash",
    "education",
    "housing",
    "other",
]
REFERRAL_COLUMNS = [f"referrals_{a}" for a in AGENCIES]
COUNT_COLUMNS = [
    "cases_discussed",
    "repeat_cases",
    "children_in_household",
    *REFERRAL_COLUMNS,
    "victims_racially_minoritised",
    "victims_lgbt",
    "victims_disabled",
    "victims_male",
    "victims_aged_16_17",
    "perpetrators_under_18",
]

Q1, Q2, Q3, Q4 = date(2020, 4, 1), date(2020, 7, 1), date(2020, 10, 1), date(2021, 1, 1)
BEFORE, AFTER = date(2020, 1, 1), date(2021, 4, 1)  # quarters just outside the 12 months


def _meeting(
    marac: str,
    quarter_start: date,
    meeting_date: date,
    cases: int,
    repeat: int = 0,
    *,
    referrals: dict[str, float] | None = None,
    rm: int = 0,
    lgbt: int = 0,
    disabled: int = 0,
    male: int = 0,
    aged_16_17: int = 0,
    children: int = 0,
    perpetrators: int = 0,
) -> dict:
    referrals = referrals or {}
    unknown = set(referrals) - set(AGENCIES)
    assert not unknown, unknown
    return {
        "marac_code": marac,
        "quarter_start": quarter_start,
        "meeting_date": meeting_date,
        "cases_discussed": cases,
        "repeat_cases": repeat,
        "children_in_household": children,
        **{f"referrals_{a}": float(referrals.get(a, 0.0)) for a in AGENCIES},
        "victims_racially_minoritised": rm,
        "victims_lgbt": lgbt,
        "victims_disabled": disabled,
        "victims_male": male,
        "victims_aged_16_17": aged_16_17,
        "perpetrators_under_18": perpetrators,
    }


MEETINGS = [
    # Alpha: 12 + 8 + 10 + 10 = 40 cases; repeats 4 + 2 + 3 + 3 = 12
    # police 8.5 + 5 + 6.5 + 6.5 = 26.5; idva 2 + 1.5 + 1.5 + 1.5 = 6.5; csc 1 + 1.5 + 1 + 1 = 4.5; other 0.5 + 0 + 1 + 1 = 2.5
    _meeting("MA", BEFORE, date(2020, 3, 31), 50, 50, referrals={"police": 50}, rm=50, lgbt=50, disabled=50, male=50),
    _meeting(
        "MA",
        Q1,
        date(2020, 5, 14),
        12,
        4,
        referrals={"police": 8.5, "idva": 2, "childrens_social_care": 1, "other": 0.5},
        rm=8,
        lgbt=1,
        disabled=8,
        male=2,
        aged_16_17=1,
        children=50,
        perpetrators=1,
    ),
    _meeting("MA", Q2, date(2020, 8, 13), 8, 2, referrals={"police": 5, "idva": 1.5, "childrens_social_care": 1.5}),
    _meeting(
        "MA",
        Q3,
        date(2020, 11, 12),
        10,
        3,
        referrals={"police": 6.5, "idva": 1.5, "childrens_social_care": 1, "other": 1},
    ),
    _meeting(
        "MA",
        Q4,
        date(2021, 3, 31),
        10,
        3,
        referrals={"police": 6.5, "idva": 1.5, "childrens_social_care": 1, "other": 1},
    ),
    _meeting("MA", AFTER, date(2021, 4, 1), 60, 0, referrals={"idva": 60}),
    # Beta: 20 + 20 + 12 + 12 = 64 cases; repeats 5 + 4 + 3 + 4 = 16
    # police 11 + 11.5 + 6.5 + 6.5 = 35.5; idva 2.5 + 2.5 + 1.5 + 1 = 7.5; mental health 2.5 + 2.5 + 1.5 + 1 = 7.5;
    # housing 2 + 2.5 + 1.5 + 1.5 = 7.5; other 2 + 1 + 1 + 2 = 6
    _meeting(
        "MB",
        Q1,
        date(2020, 6, 10),
        20,
        5,
        referrals={"police": 11, "idva": 2.5, "mental_health": 2.5, "housing": 2, "other": 2},
        rm=16,
        lgbt=1,
        disabled=12,
        male=8,
        aged_16_17=2,
        children=70,
    ),
    _meeting(
        "MB",
        Q2,
        date(2020, 9, 9),
        20,
        4,
        referrals={"police": 11.5, "idva": 2.5, "mental_health": 2.5, "housing": 2.5, "other": 1},
    ),
    _meeting(
        "MB",
        Q4,
        date(2021, 1, 13),
        12,
        3,
        referrals={"police": 6.5, "idva": 1.5, "mental_health": 1.5, "housing": 1.5, "other": 1},
    ),
    _meeting(
        "MB",
        Q4,
        date(2021, 2, 10),
        12,
        4,
        referrals={"police": 6.5, "idva": 1, "mental_health": 1, "housing": 1.5, "other": 2},
    ),
    # Gamma: 25 a quarter = 100 cases; repeats 12 + 11 + 11 + 11 = 45
    # police 4 x 20 = 80; idva 4 x 2.5 = 10; mash 2.5 + 2.5 = 5; education 2.5 + 2.5 = 5
    _meeting(
        "MC",
        Q1,
        date(2020, 4, 1),
        25,
        12,
        referrals={"police": 20, "idva": 2.5, "mash": 2.5},
        rm=8,
        lgbt=3,
        disabled=19,
        male=11,
        aged_16_17=1,
        children=120,
        perpetrators=2,
    ),
    _meeting("MC", Q2, date(2020, 7, 15), 25, 11, referrals={"police": 20, "idva": 2.5, "mash": 2.5}),
    _meeting("MC", Q3, date(2020, 10, 14), 25, 11, referrals={"police": 20, "idva": 2.5, "education": 2.5}),
    _meeting("MC", Q4, date(2021, 1, 20), 25, 11, referrals={"police": 20, "idva": 2.5, "education": 2.5}),
    # Delta: nothing in 2020-04-01..2021-03-31
    _meeting("MD", BEFORE, date(2020, 3, 31), 30, 9, referrals={"police": 30}),
    _meeting("MD", AFTER, date(2021, 4, 1), 10, 3, referrals={"police": 10}),
]


def tables() -> dict[str, pl.DataFrame]:
    marac = pl.DataFrame(
        {
            "marac_code": ["MA", "MB", "MC", "MD"],
            "marac_name": ["Alpha", "Beta", "Gamma", "Delta"],
            "police_force_area": ["Northshire", "Northshire", "Southshire", "Southshire"],
            "grouping_status": ["published", "published", "published", "published"],
            "note": [None, None, None, None],
            "sub_area": ["BCU-N1", "BCU-N1", "BCU-S1", "BCU-S1"],
            "sub_area_word": ["BCU"] * 4,
        },
        schema_overrides={"note": pl.String},
    )
    marac_area = pl.DataFrame(
        {
            "marac_code": ["MA", "MB", "MB", "MC", "MD"],
            "lad_code": ["LA1", "LA2", "LA3", "LA4", "LA5"],
            "share": [1.0, 1.0, 1.0, 1.0, 1.0],
        }
    )
    area = pl.DataFrame(
        {
            "lad_code": ["LA1", "LA2", "LA3", "LA4", "LA5"],
            "lad_name": ["Aton", "Bton", "Cton", "Dton", "Eton"],
            "region_code": ["RN", "RN", "RN", "RS", "RS"],
            "region_name": ["North", "North", "North", "South", "South"],
            "country_name": ["England"] * 5,
            "pfa_code": ["PN", "PN", "PN", "PS", "PS"],
            "pfa_name": ["Northshire", "Northshire", "Northshire", "Southshire", "Southshire"],
        }
    )
    census = pl.DataFrame(
        {
            "lad_code": ["LA1", "LA2", "LA3", "LA4", "LA5"],
            "base": ["census2021"] * 5,
            "reference_date": [date(2021, 3, 21)] * 5,
            "females_16plus": [10_000, 15_000, 5_000, 20_000, 10_000],
            "females_18plus": [9_000, 14_000, 4_000, 19_000, 9_500],
            "persons_total": [30_000, 35_000, 12_000, 55_000, 22_000],
        }
    )
    # a second base with silly numbers: it must not leak into the census 2021 figures
    other_base = census.with_columns(
        pl.lit("mye2022").alias("base"),
        pl.lit(date(2022, 6, 30)).alias("reference_date"),
        pl.col("females_16plus") * 7,
        pl.col("females_18plus") * 7,
    )
    population = pl.concat([census, other_base])
    ethnicity = pl.DataFrame(
        {
            "lad_code": ["LA1", "LA2", "LA3", "LA4", "LA5"],
            "lad_name": ["Aton", "Bton", "Cton", "Dton", "Eton"],
            "census_year": [2021] * 5,
            "persons": [25_000, 30_000, 10_000, 50_000, 20_000],
            "persons_white_british": [20_000, 27_000, 5_000, 45_000, 19_000],
            "share_not_white_british": [0.20, 0.10, 0.50, 0.10, 0.05],
        }
    )
    safelives_range = pl.read_csv(RANGES_CSV, schema_overrides={"lower": pl.Float64, "upper": pl.Float64})
    meeting = pl.DataFrame(
        [{"load_id": 1, "source_row": i + 2, **row} for i, row in enumerate(MEETINGS)],
        schema_overrides={
            **{c: pl.Int64 for c in COUNT_COLUMNS},
            **{c: pl.Float64 for c in REFERRAL_COLUMNS},
            "quarter_start": pl.Date,
            "meeting_date": pl.Date,
        },
    ).select("load_id", "source_row", "marac_code", "quarter_start", "meeting_date", *COUNT_COLUMNS)
    # a known rounding secret, so published (rounded) figures are the same on every run
    meta = pl.DataFrame(
        {"key": ["population_base", "synthetic", "disclosure_key"], "value": ["census2021", "false", "ab" * 32]}
    )
    return {
        "marac": marac,
        "marac_area": marac_area,
        "area": area,
        "population": population,
        "ethnicity": ethnicity,
        "safelives_range": safelives_range,
        "meeting": meeting,
        "meta": meta,
    }


def dataset(**kwargs) -> Dataset:
    return Dataset.from_tables(tables(), **kwargs)
