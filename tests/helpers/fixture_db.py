"""Shared fixtures: a small database built through the real loader, with figures worked out by hand.

Two Central East MARACs, 2020-21, one meeting a quarter each (real reference populations):

Hackney (E09000012): 100 cases a quarter -> 400 in the year; 110,780 females 16+ ->
  recommended 40 x 11.078 = 443.12 -> 90.27% (within). Repeats 30 -> 30% (within).
  Referrals police 50, IDVA 30, children's social care 19.5, housing 0.5 -> police 50% (below).
  Racially minoritised 60 -> 60% against a local share of 66.07% (Census 2021; below). LGBT+ 2 -> 2% (below).
  Disabled 20 -> 20% (within). Male 8 -> 8% (within). Aged 16-17 1 -> 1%.
Tower Hamlets (E09000030): 150 cases a quarter -> 600; 126,304 females 16+ -> recommended
  505.216 -> 118.76% (above). Repeats 45 -> 30%. Police 105 of 150 -> 70% (within).
  Racially minoritised 120 -> 80% against 77.06% (within). LGBT+ 6 -> 4% (within).
  Disabled 15 -> 10% (below). Male 18 -> 12% (above). Aged 16-17 3 -> 2%.
London (only these two report): 1,000 cases on 237,084 females -> recommended 948.336 ->
  105.45% (above); repeats 300 -> 30%; police 620 of 1,000 -> 62% (within); racially
  minoritised 240 + 480 = 720 -> 72.0% against (171,220 + 239,129) / (259,147 + 310,306)
  = 410,349 / 569,453 = 72.06% (below, by a hair: shown as 72.0% against 72.1%).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from loaders.demo import write_return
from loaders.return_layout import FIELD_NAMES

QUARTER_MEETINGS = [date(2020, 5, 12), date(2020, 8, 11), date(2020, 11, 10), date(2021, 2, 9)]


def meeting(code: str, day: date, **counts: float) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(FIELD_NAMES, 0)
    row.update(marac_code=code, meeting_date=day, **counts)
    return row


HACKNEY = dict(
    cases_discussed=100,
    repeat_cases=30,
    children_in_household=120,
    referrals_police=50,
    referrals_idva=30,
    referrals_childrens_social_care=19.5,
    referrals_housing=0.5,
    victims_racially_minoritised=60,
    victims_lgbt=2,
    victims_disabled=20,
    victims_male=8,
    victims_aged_16_17=1,
)
TOWER_HAMLETS = dict(
    cases_discussed=150,
    repeat_cases=45,
    children_in_household=200,
    referrals_police=105,
    referrals_idva=30,
    referrals_mash=15,
    victims_racially_minoritised=120,
    victims_lgbt=6,
    victims_disabled=15,
    victims_male=18,
    victims_aged_16_17=3,
)


def write_fixture_returns(directory: Path) -> list[Path]:
    paths = []
    for n, day in enumerate(QUARTER_MEETINGS, start=1):
        paths.append(write_return(directory / f"hackney_q{n}.csv", [meeting("E09000012", day, **HACKNEY)]))
        paths.append(
            write_return(
                directory / f"tower_hamlets_q{n}.xlsx", [meeting("E09000030", day, **TOWER_HAMLETS)], human=True
            )
        )
    return paths


# Camden's one planted quarter (2020-21 Q4): 3 cases, 1 repeat, 2 police referrals of 3, 1 LGBT+ victim/survivor.
# Every count is small, so nothing about Camden may leave the dashboard, and the London and BCU totals must not
# give it back: with Camden, London holds 1,003 cases.
CAMDEN_PLANTED = dict(
    cases_discussed=3,
    repeat_cases=1,
    referrals_police=2,
    referrals_idva=1,
    victims_lgbt=1,
    victims_male=1,
    victims_racially_minoritised=2,
    victims_disabled=1,
)


#: the rounding secret test databases hold, so their published (rounded) figures are the same on every run
TEST_DISCLOSURE_KEY = "7e57" * 16


def fix_disclosure_key(conn) -> None:
    """Give a test database a known rounding secret (a real one is random, made at its first write)."""
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('disclosure_key', ?)", [TEST_DISCLOSURE_KEY])


#: the police force areas of the hand-worked fixture's registry: London's 32 boroughs with their BCUs, Lancashire's ten
FIXTURE_FORCES = ("Metropolitan Police", "Lancashire")


def write_fixture_registry(path: Path) -> Path:
    """The fixture's own registry file: the shipped registry's rows for London's and Lancashire's MARACs only, so its
    figures (London is 32 of 33 authorities, the City being its own force) do not move with the shipped default."""
    import polars as pl

    from loaders.reference import REFERENCE_DIR

    areas = pl.read_csv(REFERENCE_DIR / "areas.csv", infer_schema_length=0)
    forces = areas.filter(pl.col("pfa_name").is_in(FIXTURE_FORCES))["lad_code"].implode()
    rows = pl.read_csv(REFERENCE_DIR / "registry.csv", infer_schema_length=0).filter(pl.col("lad_code").is_in(forces))
    path.parent.mkdir(parents=True, exist_ok=True)
    rows.write_csv(path)
    return path
