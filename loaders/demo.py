"""Synthetic demo returns: deterministic files that go through the real loader.

Nothing here is real data about anyone. Each force's volume is calibrated to SafeLives' published cases for it on
the demo's own base (Census 2021 adult females 16+): the Metropolitan Police's 32 borough MARACs at 107.9% of the
recommended volume in 2020-21 after a ~22% rise, Lancashire's ten at 119.0% in 2019-20, and the other years in the
shape SafeLives published (`_CALIBRATION`). The rest is drawn to be plausible against the Pan-London MARAC Review
and the Lancashire MARRAC evaluation: repeat rates averaging ~26%, police the top referrer in most boroughs at 9–46%
with IDVAs top elsewhere, ~40% of London victims/survivors racially minoritised; Lancashire ~73% police referrals
and ~4% racially minoritised. The MARACs are spread so that every verdict appears for every indicator (volume
below, within and above in each force). Every profile is drawn from a `random.Random` seeded with the MARAC code,
so the same seed always writes the same bytes.
"""

from __future__ import annotations

import csv
import math
import random
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from loaders.return_layout import BY_NAME, FIELD_NAMES

FIRST_QUARTER = date(2018, 4, 1)  # 2018-19 Q1
LAST_QUARTER = date(2025, 7, 1)  # 2025-26 Q2
SEED = 42

_SEASON = {4: 1.0, 7: 1.03, 10: 0.98, 1: 0.99}
#: how the remaining referrals split between partner agencies (before a little jitter)
_PARTNER_WEIGHTS = {
    "childrens_social_care": 12,
    "adult_social_care": 4,
    "primary_care": 3,
    "secondary_care": 5,
    "mental_health": 5,
    "substance_misuse": 2,
    "probation": 4,
    "voluntary_sector": 8,
    "mash": 8,
    "education": 2,
    "housing": 5,
    "other": 4,
}


@dataclass(frozen=True)
class Calibration:
    """The published volume a force's synthetic MARACs are scaled to: its share of the recommended volume in one
    financial year on Census 2021, and every year's volume relative to that year's."""

    year: int  # financial year starting
    pct_of_recommended: float
    year_factor: dict[int, float]


#: By force. The target is SafeLives' published cases for the force over its Census 2021 females 16+, / 40 per
#: 10,000 (data/reference/safelives_published.csv, population.csv). Each year's factor is SafeLives' own % of
#: recommended for the force that year over its % in the target year, so a year with MARACs missing from SafeLives'
#: figures does not read as a fall (every demo MARAC sends every return); a year without a usable figure repeats
#: the last one.
_CALIBRATION = {
    # 15,960 cases / 3,697,982 x 10,000 = 43.16 per 10,000 = 107.9%. SafeLives' % of recommended, 2018-19 to
    # 2024-25: 12,518/13,370, 13,066/13,370, 15,960/13,370, 16,839/12,960, 15,665/11,960, 15,365/13,040,
    # 16,585/13,760 = 93.6, 97.7, 119.4, 129.9, 131.0, 117.8, 120.5%; over 119.4%: 0.784, 0.819 (a 22% rise to
    # 2020-21), 1, 1.088, 1.097, 0.987, 1.010, and 2025-26 as 2024-25.
    "Metropolitan Police": Calibration(
        2020,
        15_960 / 3_697_982 * 10_000 / 40,
        {2018: 0.784, 2019: 0.819, 2020: 1.0, 2021: 1.088, 2022: 1.097, 2023: 0.987, 2024: 1.010, 2025: 1.010},
    ),
    # 3,045 cases / 639,769 x 10,000 = 47.60 per 10,000 = 119.0%. SafeLives' % of recommended, 2018-19 to 2022-23:
    # 3,776/2,440, 3,045/2,440, 2,484/2,440, 2,816/2,440, 2,740/2,200 = 154.8, 124.8, 101.8, 115.4, 124.5%; over
    # 124.8%: 1.240, 1, 0.816, 0.925, 0.998. 2023-24 and 2024-25 hold 2 of the 10 MARACs (819 and 976 cases over 480
    # recommended), too few to say the force's trend, so 2023-24 to 2025-26 repeat 2022-23.
    "Lancashire": Calibration(
        2019,
        3_045 / 639_769 * 10_000 / 40,
        {2018: 1.240, 2019: 1.0, 2020: 0.816, 2021: 0.925, 2022: 0.998, 2023: 0.998, 2024: 0.998, 2025: 0.998},
    ),
}
#: a force with no published target (the national-scale benchmark's): its tiers as drawn, on the Met's shape
_UNCALIBRATED = Calibration(2020, 0.0, _CALIBRATION["Metropolitan Police"].year_factor)


@dataclass(frozen=True)
class Profile:
    """How one synthetic MARAC behaves."""

    code: str
    population: float  # adult females, for the volume target
    volume: dict[int, float]  # share of the recommended volume, by financial year starting
    repeat_rate: float
    referral_mix: dict[str, float]
    racially_minoritised: float
    lgbt: float
    disabled: float
    male: float
    aged_16_17: float
    weekday: int
    every_days: int


def _tiers(rng: random.Random, codes: list[str], tiers: list[tuple[int, float, float]]) -> dict[str, float]:
    """Give each code a value from a tier (count, low, high), in a seeded shuffled order."""
    order = sorted(codes)
    rng.shuffle(order)
    out: dict[str, float] = {}
    for count, low, high in tiers:
        for code in order[len(out) : len(out) + count]:
            out[code] = rng.uniform(low, high)
    for code in order[len(out) :]:  # any left take the last tier
        out[code] = rng.uniform(tiers[-1][1], tiers[-1][2])
    return out


def _volumes(rows: list[dict], drawn: dict[str, float]) -> dict[str, dict[int, float]]:
    """Each MARAC's share of the recommended volume by year: its drawn share, scaled so that its force as a whole
    (population-weighted, as the metrics add MARACs up) hears the force's published share in the calibration year,
    times the force's year factor."""
    forces: dict[str, list[dict]] = {}
    for row in rows:
        forces.setdefault(row["police_force_area"], []).append(row)
    out: dict[str, dict[int, float]] = {}
    for force, members in forces.items():
        target = _CALIBRATION.get(force, _UNCALIBRATED)
        population = sum(r["adult_female_population"] for r in members)
        drawn_pct = sum(drawn[r["marac_code"]] * r["adult_female_population"] for r in members) / population
        in_year = drawn_pct * target.year_factor[target.year]
        scale = target.pct_of_recommended / in_year if target.pct_of_recommended else 1.0
        for row in members:
            out[row["marac_code"]] = {
                fy: drawn[row["marac_code"]] * scale * factor for fy, factor in target.year_factor.items()
            }
    return out


def _mix(rng: random.Random, police: float, idva: float) -> dict[str, float]:
    rest = 1 - police - idva
    weights = {a: w * rng.uniform(0.6, 1.4) for a, w in _PARTNER_WEIGHTS.items()}
    total = sum(weights.values())
    return {"police": police, "idva": idva, **{a: rest * w / total for a, w in weights.items()}}


#: the forces the demo writes returns for: London's 32 borough MARACs and Lancashire's ten (its tiers are tuned to them)
DEMO_FORCES = ("Metropolitan Police", "Lancashire")


def demo_maracs(maracs: pl.DataFrame) -> pl.DataFrame:
    """The registry's MARACs in the demo's forces; the rest of England and Wales gets no synthetic returns."""
    return maracs.filter(pl.col("police_force_area").is_in(DEMO_FORCES))


def profiles(maracs: pl.DataFrame, seed: int = SEED) -> list[Profile]:
    """One profile per MARAC in the registry frame (needs marac_code, region, population, local share); the demo
    passes its forces' MARACs (`demo_maracs`), a benchmark any it likes."""
    rng = random.Random(seed)
    london = [r for r in maracs.iter_rows(named=True) if r["region"] == "London"]
    others = [r for r in maracs.iter_rows(named=True) if r["region"] != "London"]
    lc, oc = [r["marac_code"] for r in london], [r["marac_code"] for r in others]
    # the spread of volume in the force's calibration year (below, within and above the 80-100% range once
    # scaled to its target); `_volumes` scales each force to its published figure
    volume = _tiers(rng, lc, [(3, 0.60, 0.72), (5, 0.84, 0.95), (24, 1.00, 1.36)]) | _tiers(
        rng, oc, [(1, 0.60, 0.68), (2, 0.84, 0.93), (7, 1.15, 1.55)]
    )
    by_year = _volumes(london + others, volume)
    repeat = _tiers(rng, lc, [(20, 0.15, 0.25), (9, 0.29, 0.39), (3, 0.41, 0.46)]) | _tiers(
        rng, oc, [(4, 0.20, 0.27), (5, 0.29, 0.38), (1, 0.42, 0.44)]
    )
    idva_top = set(sorted(lc, key=lambda c: rng.random())[:8])
    police_lancs = _tiers(rng, oc, [(1, 0.55, 0.59), (6, 0.69, 0.745), (3, 0.765, 0.82)])
    lgbt = _tiers(rng, lc, [(16, 0.008, 0.022), (16, 0.027, 0.05)]) | _tiers(
        rng, oc, [(8, 0.006, 0.02), (2, 0.026, 0.032)]
    )
    disabled = _tiers(rng, lc, [(1, 0.20, 0.23), (31, 0.05, 0.15)]) | _tiers(
        rng, oc, [(1, 0.20, 0.22), (9, 0.06, 0.16)]
    )
    male = _tiers(rng, lc, [(3, 0.03, 0.045), (5, 0.11, 0.14), (24, 0.055, 0.095)]) | _tiers(
        rng, oc, [(1, 0.035, 0.045), (1, 0.105, 0.12), (8, 0.055, 0.08)]
    )
    # the two areas with the smallest minoritised populations record victims/survivors in line with them
    lancs_in_line = {r["marac_code"] for r in sorted(others, key=lambda r: r["local_share_not_white_british"] or 1)[:2]}
    out: list[Profile] = []
    for row in london + others:
        code = row["marac_code"]
        r = random.Random(f"{seed}-{code}")
        local = row["local_share_not_white_british"] or 0.1
        if row["region"] == "London":
            if code in idva_top:
                idva = r.uniform(0.31, 0.47)
                police = r.uniform(0.09, min(0.28, idva - 0.03))
            else:
                police = r.uniform(0.28, 0.46)
                idva = r.uniform(0.12, police - 0.05)
            # Boroughs with a smaller minoritised population tend to be in line; most others fall short.
            minoritised = local * (r.uniform(1.0, 1.12) if local < 0.45 or r.random() < 0.12 else r.uniform(0.36, 0.6))
        else:
            police = police_lancs[code]
            idva = r.uniform(0.05, 0.10)
            minoritised = local * (r.uniform(1.02, 1.2) if code in lancs_in_line else r.uniform(0.1, 0.25))
        out.append(
            Profile(
                code=code,
                population=row["adult_female_population"],
                volume=by_year[code],
                repeat_rate=repeat[code],
                referral_mix=_mix(r, police, idva),
                racially_minoritised=min(minoritised, 0.95),
                lgbt=lgbt[code],
                disabled=disabled[code],
                male=male[code],
                aged_16_17=r.uniform(0.008, 0.022),
                weekday=r.randrange(0, 5),
                every_days=14 if row["region"] == "London" else r.choice((7, 14)),
            )
        )
    return out


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 40:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _binomial(rng: random.Random, n: int, p: float) -> int:
    return sum(1 for _ in range(n) if rng.random() < p)


def quarters(first: date = FIRST_QUARTER, last: date = LAST_QUARTER) -> Iterator[date]:
    q = first
    while q <= last:
        yield q
        q = date(q.year + (q.month + 3 > 12), (q.month + 2) % 12 + 1, 1)


def _meeting_dates(profile: Profile, quarter: date) -> list[date]:
    end = date(quarter.year + (quarter.month + 3 > 12), (quarter.month + 2) % 12 + 1, 1) - timedelta(days=1)
    anchor = date(2018, 1, 1) + timedelta(days=profile.weekday)  # a Monday plus the weekday
    day = anchor + timedelta(days=((quarter - anchor).days // profile.every_days + 1) * profile.every_days)
    out = []
    while day <= end:
        if day >= quarter:
            out.append(day)
        day += timedelta(days=profile.every_days)
    return out


def quarter_rows(profile: Profile, quarter: date, seed: int = SEED) -> list[dict[str, object]]:
    """The meeting rows of one synthetic quarterly return."""
    rng = random.Random(f"{seed}-{profile.code}-{quarter.isoformat()}")
    fy = quarter.year if quarter.month >= 4 else quarter.year - 1
    expected = profile.volume[fy] * 40 * profile.population / 10_000 / 4 * _SEASON[quarter.month]
    dates = _meeting_dates(profile, quarter)
    agencies = list(profile.referral_mix)
    weights = list(profile.referral_mix.values())
    rows = []
    for day in dates:
        cases = _poisson(rng, expected / len(dates))
        referrals = dict.fromkeys(agencies, 0.0)
        for _ in range(cases):
            first = rng.choices(agencies, weights)[0]
            if rng.random() < 0.06:  # referred jointly by two agencies: half each
                second = rng.choices(agencies, weights)[0]
                referrals[first] += 0.5
                referrals[second] += 0.5
            else:
                referrals[first] += 1
        if cases and rng.random() < 0.015:  # now and then one case's referrer went unrecorded
            top = max(referrals, key=referrals.get)
            referrals[top] -= 1 if referrals[top] >= 1 else referrals[top]
        rows.append(
            {
                "marac_code": profile.code,
                "meeting_date": day,
                "cases_discussed": cases,
                "repeat_cases": _binomial(rng, cases, profile.repeat_rate),
                "children_in_household": _poisson(rng, cases * 1.3),
                **{f"referrals_{a}": referrals[a] for a in agencies},
                "victims_racially_minoritised": _binomial(rng, cases, profile.racially_minoritised),
                "victims_lgbt": _binomial(rng, cases, profile.lgbt),
                "victims_disabled": _binomial(rng, cases, profile.disabled),
                "victims_male": _binomial(rng, cases, profile.male),
                "victims_aged_16_17": _binomial(rng, cases, profile.aged_16_17),
                "perpetrators_under_18": _binomial(rng, cases, 0.008),
            }
        )
    return rows


def _cell(value: object) -> object:
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    return value


def write_return(path: Path, rows: list[dict[str, object]], *, human: bool = False, uk_dates: bool = False) -> Path:
    """Write one return as CSV or XLSX (by suffix), with canonical or human headers."""
    headers = [BY_NAME[n].header if human else n for n in FIELD_NAMES]
    body = [
        [(r[n].strftime("%d/%m/%Y") if uk_dates and n == "meeting_date" else _cell(r[n])) for n in FIELD_NAMES]
        for r in rows
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "Return"
        sheet.append(headers)
        for line in body:
            sheet.append(line)
        notes = book.create_sheet("About")
        notes.append(["SYNTHETIC DEMO DATA: not real MARAC figures."])
        book.save(path)
        _fix_timestamps(path)
    else:
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(headers)
            writer.writerows(body)
    return path


_FIXED_TIME = (2025, 1, 1, 0, 0, 0)


def _fix_timestamps(path: Path) -> None:
    """Give a saved workbook fixed timestamps so the same figures always give the same bytes.

    openpyxl stamps the save time into docProps/core.xml and every zip entry; without this a
    re-run of the demo would look like a new version of each workbook to the loader.
    """
    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    stamp = "2025-01-01T00:00:00Z"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", lambda m: m.group(1) + stamp.encode(), data)
            target.writestr(zipfile.ZipInfo(name, date_time=_FIXED_TIME), data, compress_type=zipfile.ZIP_DEFLATED)


def write_demo_returns(maracs: pl.DataFrame, out_dir: Path, seed: int = SEED) -> list[Path]:
    """Every MARAC's return for every quarter, plus one resubmission that replaces an earlier file.

    London boroughs' newest quarter comes as XLSX with human headers, and Lancashire files
    use human headers and UK dates, so the demo exercises every path a real return takes.
    """
    paths: list[Path] = []
    all_quarters = list(quarters())
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "README.txt").write_text(
        "SYNTHETIC DEMO DATA: every return file in this folder was made up by `marac demo` to show how the\n"
        "MARAC performance dashboard works. None of it describes real people or real MARACs.\n",
        encoding="utf-8",
    )
    maracs = demo_maracs(maracs)
    for profile in profiles(maracs, seed):
        london = profile.code.startswith("E09")
        for quarter in all_quarters:
            label = _file_label(quarter)
            rows = quarter_rows(profile, quarter, seed)
            if london and quarter == all_quarters[-1]:
                paths.append(write_return(out_dir / f"{profile.code}_{label}.xlsx", rows, human=True))
            else:
                paths.append(
                    write_return(out_dir / f"{profile.code}_{label}.csv", rows, human=not london, uk_dates=not london)
                )
    # Hackney first sent 2025-26 Q1 with a meeting missing, then resubmitted it in full.
    hackney = next((p for p in profiles(maracs, seed) if p.code == "E09000012"), None)
    if hackney is not None:
        full = quarter_rows(hackney, all_quarters[-2], seed)
        first = write_return(
            out_dir / "resubmissions" / f"E09000012_{_file_label(all_quarters[-2])}_first.csv", full[:-1]
        )
        index = paths.index(out_dir / f"E09000012_{_file_label(all_quarters[-2])}.csv")
        paths.insert(index, first)
    return paths


def _file_label(quarter: date) -> str:
    fy = quarter.year if quarter.month >= 4 else quarter.year - 1
    number = ((quarter.month - 4) % 12) // 3 + 1
    return f"{fy}-{(fy + 1) % 100:02d}_Q{number}"
