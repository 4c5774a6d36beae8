"""Referral sources (metrics/referrals.py), Newcombe's interval (metrics/intervals.py) and the new reference tables.

Hand-worked figures come from the fixture database (tests/helpers/fixture_db.py) (Hackney and Tower Hamlets, one meeting a
quarter in 2020-21; tests/helpers/fixture_db.py's docstring) and tests/helpers/metrics.py (its docstring).
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from loaders import reference, store
from loaders.return_layout import AGENCY_LABELS
from metrics.dataset import Dataset
from metrics.indicators import compute
from metrics.intervals import newcombe_difference
from metrics.periods import period, year_earlier
from metrics.referrals import referral_change, sector_mapping, sector_shares, top_referrers
from tests.helpers import metrics as fx

YEAR = period(date(2021, 3, 31), "12m")  # 2020-04-01 .. 2021-03-31
Q4 = period(date(2021, 3, 31), "quarter")  # 2021-01-01 .. 2021-03-31
SECTORS = [
    "Police",
    "IDVA",
    "Children's social care",
    "MASH",
    "Health services",
    "Other statutory services",
    "Voluntary sector and other",
]
HACKNEY, TOWER_HAMLETS = "E09000012", "E09000030"


@pytest.fixture(scope="module")
def london(fixture_db: Path) -> Dataset:
    return Dataset.from_tables(store.read_tables(fixture_db))


def long_rows(frame: pl.DataFrame, group: str, key: str, value: str) -> dict:
    return {r[key]: r[value] for r in frame.filter(pl.col("group_code") == group).iter_rows(named=True)}


# --------------------------------------------------------------------------- Newcombe (1998)


@pytest.mark.parametrize(
    ("k1", "n1", "k2", "n2", "expected"),
    [
        # Newcombe RG (1998), Statistics in Medicine 17:873-890, table II, method 10 (hybrid score, no continuity correction)
        (56, 70, 48, 80, (0.2000, 0.0524, 0.3339)),
        (9, 10, 3, 10, (0.6000, 0.1705, 0.8090)),
        (5, 56, 0, 29, (0.0893, -0.0381, 0.1926)),
        (0, 10, 0, 20, (0.0, -0.1611, 0.2775)),
        (10, 10, 0, 20, (1.0, 0.6791, 1.0)),
    ],
)
def test_newcombe_published_examples(k1, n1, k2, n2, expected) -> None:
    assert tuple(float(x) for x in newcombe_difference(k1, n1, k2, n2)) == pytest.approx(expected, abs=5e-5)


def test_newcombe_is_vectorised_and_nan_without_a_denominator() -> None:
    diff, low, high = newcombe_difference([56, 1], [70, 0], [48, 1], [80, 2])
    assert low[0] == pytest.approx(0.0524, abs=5e-5)
    assert all(x != x for x in (diff[1], low[1], high[1]))  # 1 of 0 is no proportion: NaN, not an error


# --------------------------------------------------------------------------- reference tables


def test_sectors_in_order_from_the_reference_table(london) -> None:
    mapping = sector_mapping(london.sectors, london.agencies)
    assert list(mapping) == SECTORS
    assert mapping == {
        "Police": ("police",),
        "IDVA": ("idva",),
        "Children's social care": ("childrens_social_care",),
        "MASH": ("mash",),
        "Health services": ("primary_care", "secondary_care", "mental_health", "substance_misuse"),
        "Other statutory services": ("adult_social_care", "probation", "education", "housing"),
        "Voluntary sector and other": ("voluntary_sector", "other"),
    }
    assert sorted(a for agencies in mapping.values() for a in agencies) == sorted(AGENCY_LABELS)  # each agency once


def test_a_sectors_file_that_drops_an_agency_is_refused(tmp_path: Path) -> None:
    ref = tmp_path / "reference"
    shutil.copytree(reference.REFERENCE_DIR, ref)
    lines = (ref / "referral_sectors.csv").read_text().splitlines(keepends=True)
    (ref / "referral_sectors.csv").write_text("".join(line for line in lines if not line.startswith("probation,")))
    with pytest.raises(reference.ReferenceError, match=r'referral_sectors\.csv: "probation" has no sector'):
        reference.read_reference(ref)


def test_an_event_ending_before_it_starts_is_refused(tmp_path: Path) -> None:
    ref = tmp_path / "reference"
    shutil.copytree(reference.REFERENCE_DIR, ref)
    text = (ref / "events.csv").read_text().replace("2020-11-05,2020-12-02", "2020-12-05,2020-12-02")
    (ref / "events.csv").write_text(text)
    with pytest.raises(reference.ReferenceError, match=r'events\.csv, row 3: event "lockdown_2" ends'):
        reference.read_reference(ref)


def test_an_event_without_an_end_or_a_renamed_column_is_refused_by_name(tmp_path: Path) -> None:
    ref = tmp_path / "reference"
    shutil.copytree(reference.REFERENCE_DIR, ref)
    original = (ref / "events.csv").read_text()
    (ref / "events.csv").write_text(original.replace("2020-11-05,2020-12-02", "2020-11-05,"))
    with pytest.raises(reference.ReferenceError) as refused:
        reference.read_reference(ref)
    assert str(refused.value) == (
        'events.csv, row 3: event "lockdown_2" needs a label, a start and an end (dates as yyyy-mm-dd)'
    )
    (ref / "events.csv").write_text(original.replace("event,label,start,end,source", "event,label,from,to,source"))
    with pytest.raises(reference.ReferenceError) as refused:
        reference.read_reference(ref)
    assert str(refused.value) == "events.csv: column(s) start, end missing; expected event, label, start, end"


def test_a_database_written_before_the_new_files_still_reads(fixture_db: Path, tmp_path: Path) -> None:
    old = tmp_path / "old.duckdb"
    shutil.copyfile(fixture_db, old)
    conn = duckdb.connect(str(old))  # make it look as if written before events.csv and referral_sectors.csv existed
    conn.execute("DROP TABLE event")
    conn.execute("DROP TABLE referral_sector")
    conn.execute("DELETE FROM meta WHERE key IN ('reference:events.csv', 'reference:referral_sectors.csv')")
    conn.close()
    dataset = Dataset.from_tables(store.read_tables(old))
    assert dataset.events.is_empty() and dataset.sectors.is_empty()
    frame = compute(dataset, YEAR, "marac")
    assert sector_mapping(dataset.sectors) == {}
    assert sector_shares(frame, dataset.sectors).columns == ["group_code", "group_name", "sector", "referrals", "share"]
    assert sector_shares(frame, dataset.sectors).is_empty()
    assert top_referrers(frame, dataset.agencies, dataset.agency_labels).height == 3 * frame.height  # needs no table
    # the next write brings the tables in
    with store.writing(old):
        pass
    refreshed = Dataset.from_tables(store.read_tables(old))
    assert refreshed.events.height == 4 and refreshed.sectors.height == 14


# --------------------------------------------------------------------------- sector shares


def test_sector_shares_hackney_and_tower_hamlets(london) -> None:
    # a year of four identical quarters. Hackney: police 200, IDVA 120, children's social care 78, housing 2 of 400.
    # Tower Hamlets: police 420, IDVA 120, MASH 60 of 600.
    out = sector_shares(compute(london, YEAR, "marac"), london.sectors)
    hackney = out.filter(pl.col("group_code") == HACKNEY)
    assert hackney["sector"].to_list() == SECTORS
    assert hackney["referrals"].to_list() == pytest.approx([200, 120, 78, 0, 0, 2, 0])
    assert hackney["share"].to_list() == pytest.approx([0.5, 0.3, 0.195, 0, 0, 0.005, 0])  # 0 where none, not null
    assert long_rows(out, TOWER_HAMLETS, "sector", "share") == pytest.approx(
        dict(zip(SECTORS, [0.7, 0.2, 0, 0.1, 0, 0, 0], strict=True))
    )
    # a MARAC with no returns has no figures rather than zeros
    camden = out.filter(pl.col("group_code") == "E09000007")
    assert camden["referrals"].to_list() == [None] * 7 and camden["share"].to_list() == [None] * 7


def test_sector_shares_for_a_group_sum_counts(london) -> None:
    # Central East BCU = Hackney + Tower Hamlets: police 200 + 420 = 620 of 400 + 600 = 1,000 -> 62%
    # (the mean of the two shares, (50% + 70%) / 2 = 60%, would be wrong); MASH 60 of 1,000 = 6%
    out = sector_shares(compute(london, YEAR, "sub_area"), london.sectors)
    east = long_rows(out, "Central East", "sector", "share")
    assert east["Police"] == pytest.approx(0.62)
    assert east["MASH"] == pytest.approx(0.06)
    assert sum(east.values()) == pytest.approx(1.0)


def test_sector_shares_take_a_mapping_too() -> None:
    # Beta, 12 months to March 2021: police 35.5, IDVA 7.5, mental health 7.5, housing 7.5, other 6 of 64
    data = fx.dataset()
    out = sector_shares(
        compute(data, YEAR, "marac"),
        {"Police": ["police"], "Everyone else": [a for a in data.agencies if a != "police"]},
    )
    assert long_rows(out, "MB", "sector", "referrals") == pytest.approx({"Police": 35.5, "Everyone else": 28.5})
    assert long_rows(out, "MB", "sector", "share") == pytest.approx({"Police": 35.5 / 64, "Everyone else": 28.5 / 64})
    with pytest.raises(ValueError, match="no referral counts for: courts"):
        sector_shares(compute(data, YEAR, "marac"), {"Courts": ["courts"]})


# --------------------------------------------------------------------------- top referrers


def test_top_three_referrers_hackney(london) -> None:
    out = top_referrers(compute(london, YEAR, "marac"), london.agencies, london.agency_labels)
    hackney = out.filter(pl.col("group_code") == HACKNEY)
    assert hackney.columns == ["group_code", "group_name", "rank", "agency", "agency_label", "referrals", "share"]
    assert hackney.select("rank", "agency", "agency_label").rows() == [
        (1, "police", "Police"),
        (2, "idva", "IDVA"),
        (3, "childrens_social_care", "Children's Social Care"),
    ]
    assert hackney["referrals"].to_list() == pytest.approx([200, 120, 78])
    assert hackney["share"].to_list() == pytest.approx([0.5, 0.3, 0.195])
    assert out.filter(pl.col("group_code") == "E09000007")["agency"].to_list() == [
        None,
        None,
        None,
    ]  # Camden: no returns


def test_ties_keep_safelives_order_as_compute_does() -> None:
    data = fx.dataset()
    frame = compute(data, YEAR, "marac")
    out = top_referrers(frame, data.agencies, AGENCY_LABELS)
    # Beta: police 35.5, then IDVA, mental health and housing all 7.5: SafeLives lists IDVA (2nd) before
    # Mental Health (7th) before Housing (13th), so IDVA is 2nd and mental health 3rd
    assert long_rows(out, "MB", "rank", "agency") == {1: "police", 2: "idva", 3: "mental_health"}
    # Gamma: police 80, IDVA 10, then MASH and education 5 each: MASH (11th) before Education (12th)
    assert long_rows(out, "MC", "rank", "agency") == {1: "police", 2: "idva", 3: "mash"}
    # the same codes as compute's top_referrer_1..3 for every MARAC
    for row in frame.iter_rows(named=True):
        ranked = long_rows(out, row["group_code"], "rank", "agency")
        assert [ranked[k] for k in (1, 2, 3)] == [row[f"top_referrer_{k}"] for k in (1, 2, 3)]


def test_fewer_than_three_referrers_leave_empty_ranks() -> None:
    # Delta, 12 months to June 2021: only 1 April 2021, police 10 of 10
    data = fx.dataset()
    out = top_referrers(compute(data, period(date(2021, 6, 30), "12m"), "marac"), data.agencies, AGENCY_LABELS)
    delta = out.filter(pl.col("group_code") == "MD")
    assert delta.select("rank", "agency", "referrals", "share").rows() == [
        (1, "police", 10.0, 1.0),
        (2, None, None, None),
        (3, None, None, None),
    ]


# --------------------------------------------------------------------------- police share on a year earlier


def test_police_share_change_alpha() -> None:
    # Alpha, January-March 2021: police 6.5 of 10 referrals = 0.65; January-March 2020: 50 of 50 = 1.0.
    # Difference -0.35. Wilson 95%: 6.5/10 -> 0.3537 to 0.8631; 50/50 -> 0.9287 to 1.0. Newcombe:
    # lower -0.35 - sqrt((0.65 - 0.3537)^2 + (1.0 - 1.0)^2) = -0.6463;
    # upper -0.35 + sqrt((0.8631 - 0.65)^2 + (1.0 - 0.9287)^2) = -0.1253: leaves out 0, so significant.
    data = fx.dataset()
    out = referral_change(compute(data, Q4, "marac"), compute(data, year_earlier(Q4), "marac"))
    assert out.columns == [
        "group_code",
        "group_name",
        "referrals_police",
        "referrals_total",
        "police_share",
        "referrals_police_previous",
        "referrals_total_previous",
        "police_share_previous",
        "police_share_change",
        "police_share_change_ci95_low",
        "police_share_change_ci95_high",
        "police_share_change_significant",
        "top_referrer",
        "top_referrer_previous",
    ]
    alpha = {r["group_code"]: r for r in out.iter_rows(named=True)}["MA"]
    assert (alpha["police_share"], alpha["police_share_previous"]) == pytest.approx((0.65, 1.0))
    assert alpha["police_share_change"] == pytest.approx(-0.35)
    assert (alpha["police_share_change_ci95_low"], alpha["police_share_change_ci95_high"]) == pytest.approx(
        (-0.6463, -0.1253), abs=1e-4
    )
    assert alpha["police_share_change_significant"] is True
    assert (alpha["top_referrer"], alpha["top_referrer_previous"]) == ("police", "police")


def test_police_share_change_without_a_year_earlier(london) -> None:
    # the London fixture holds 2020-21 only: Hackney 50% now, nothing in 2019-20, so no change to report
    out = referral_change(compute(london, YEAR, "marac"), compute(london, year_earlier(YEAR), "marac"))
    hackney = {r["group_code"]: r for r in out.iter_rows(named=True)}[HACKNEY]
    assert hackney["police_share"] == pytest.approx(0.5)
    assert hackney["top_referrer"] == "police" and hackney["top_referrer_previous"] is None
    assert hackney["police_share_previous"] is None and hackney["police_share_change"] is None
    assert hackney["police_share_change_significant"] is None


def test_police_share_change_not_significant_with_few_referrals() -> None:
    # Beta, 12 months to June 2021 (Q2 + Q4: police 24.5 of 44) against 12 months to June 2020 (Q1: 11 of 20):
    # 0.5568 - 0.55 = +0.0068, an interval far either side of 0
    data = fx.dataset()
    june = period(date(2021, 6, 30), "12m")
    out = referral_change(compute(data, june, "marac"), compute(data, year_earlier(june), "marac"))
    beta = {r["group_code"]: r for r in out.iter_rows(named=True)}["MB"]
    assert (beta["referrals_police"], beta["referrals_total"]) == pytest.approx((24.5, 44))
    assert (beta["referrals_police_previous"], beta["referrals_total_previous"]) == pytest.approx((11, 20))
    assert beta["police_share_change"] == pytest.approx(24.5 / 44 - 11 / 20)
    assert beta["police_share_change_ci95_low"] < 0 < beta["police_share_change_ci95_high"]
    assert beta["police_share_change_significant"] is False
