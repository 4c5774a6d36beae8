"""The SafeLives indicators for a period and a grouping, with verdicts against the ranges.

Groups (sub-area, region, police force area, all) are built by summing counts and populations
over their MARACs and only then dividing, never by averaging MARAC rates. Volume is set
against population-time: a MARAC's population counts for the quarters it sent returns for,
so missing returns lower neither its rate nor its group's, and the coverage columns say
how complete each figure is.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

import numpy as np
import polars as pl

from metrics.change import with_change
from metrics.coverage import COMPLETE_ENOUGH, INCOMPLETE, REFERRAL_GAP_LIMIT
from metrics.dataset import Dataset
from metrics.definitions import INDICATORS, Indicator
from metrics.intervals import byar, wilson
from metrics.periods import Period, quarter_end, year_earlier
from metrics.ranges import Ranges, verdict
from metrics.significance import significance

Grouping = Literal["marac", "sub_area", "region", "pfa", "all"]
GROUPINGS: dict[str, str] = {
    "marac": "MARAC",
    "sub_area": "sub-area",
    "region": "region",
    "pfa": "police force area",
    "all": "all MARACs",
}
#: an area's totals stand for the area only if the registry's MARACs cover this share of its local
#: authorities: London's 32 boroughs of 33 (the City is outside London's MARAC figures) pass;
#: "North West" when only Lancashire's MARACs are held does not, as it would read as the region
COMPLETE_AREA = 0.9
_GROUP_COLUMN = {"sub_area": "sub_area", "region": "region", "pfa": "police_force_area"}
#: columns carried onto each group row so pages can filter and label without recomputing
_PARENTS = {
    "marac": ["sub_area", "sub_area_word", "region", "police_force_area", "grouping_status"],
    "sub_area": ["sub_area_word", "region", "police_force_area"],
    "pfa": ["region"],
}


def _count_columns(dataset: Dataset) -> list[str]:
    skip = {"load_id", "source_row", "marac_code", "quarter_start", "meeting_date"}
    return [c for c in dataset.meetings.columns if c not in skip]


def _per_marac(dataset: Dataset, start, end, by_quarter: bool) -> pl.DataFrame:
    """Counts per MARAC (and quarter): a nil return ("no meetings this quarter") is a quarter with data and 0 cases."""
    counts = _count_columns(dataset)
    per_quarter = (
        dataset.meetings.lazy()
        .filter(pl.col("meeting_date").is_between(start, end))
        .group_by(["marac_code", "quarter_start"])
        .agg(*(pl.col(c).sum() for c in counts), pl.len().alias("meetings"))
        .collect()
    )
    nil = dataset.nil_quarters
    if nil.height:
        nil = nil.filter(pl.col("quarter_start").is_between(start, end))
        if nil.height:
            zeros = nil.select(
                pl.col("marac_code").cast(pl.String),
                pl.col("quarter_start").cast(per_quarter.schema["quarter_start"]),
                *(pl.lit(0, dtype=per_quarter.schema[c]).alias(c) for c in [*counts, "meetings"]),
            )
            per_quarter = pl.concat([per_quarter, zeros.select(per_quarter.columns)])
    if by_quarter:
        return per_quarter.with_columns(pl.lit(1, dtype=pl.UInt32).alias("quarters_with_data"))
    return per_quarter.group_by("marac_code").agg(
        *(pl.col(c).sum() for c in [*counts, "meetings"]),
        pl.col("quarter_start").n_unique().alias("quarters_with_data"),
    )


def _summarise(
    dataset: Dataset,
    per_marac: pl.DataFrame,
    grouping: str,
    quarters_in_period: int,
    extra_keys: list[str],
    detail: bool = True,
) -> pl.DataFrame:
    counts = _count_columns(dataset)
    maracs = dataset.maracs
    if grouping == "marac":
        maracs = maracs.with_columns(pl.col("marac_code").alias("group_code"), pl.col("marac_name").alias("group_name"))
    elif grouping == "all":
        maracs = maracs.with_columns(pl.lit("ALL").alias("group_code"), pl.lit("All MARACs").alias("group_name"))
    else:
        col = _GROUP_COLUMN[grouping]
        name = pl.col(col).fill_null(f"(no {GROUPINGS[grouping]})")
        maracs = maracs.with_columns(name.alias("group_code"), name.alias("group_name"))

    if extra_keys:  # one row per MARAC and extra key, so MARACs without data still appear
        frame = maracs.join(per_marac.select(extra_keys).unique(), how="cross").join(
            per_marac, on=["marac_code", *extra_keys], how="left"
        )
    else:
        frame = maracs.join(per_marac, on="marac_code", how="left")
    reporting = pl.col("quarters_with_data").fill_null(0) > 0
    with_population = pl.col("adult_female_population").is_not_null()
    parents = _PARENTS.get(grouping, [])
    grouped = frame.group_by(["group_code", "group_name", *extra_keys], maintain_order=True).agg(
        *(pl.col(p).drop_nulls().first() for p in parents),
        *(pl.col(c).filter(reporting).sum() for c in counts),
        pl.col("meetings").fill_null(0).sum(),
        pl.len().alias("maracs_in_group"),
        reporting.sum().alias("maracs_reporting"),
        pl.col("quarters_with_data").fill_null(0).sum(),
        # Volume compares cases with population, so both come only from MARACs that have both.
        pl.col("adult_female_population").filter(reporting & with_population).sum().alias("adult_female_population"),
        pl.col("cases_discussed").filter(reporting & with_population).sum().alias("cases_with_population"),
        # Person-time: a MARAC that sent two of four quarters is set against half a year of its
        # population, so a missing return lowers neither its rate nor its verdict.
        (pl.col("adult_female_population") * pl.col("quarters_with_data").fill_null(0) * 0.25)
        .filter(reporting & with_population)
        .sum()
        .alias("_population_years"),
        (reporting & with_population).sum().alias("maracs_with_population"),
        pl.col("adult_female_population").filter(with_population).sum().alias("_population_all"),
        pl.col("ethnicity_persons").filter(reporting).sum().alias("_eth_persons"),
        pl.col("ethnicity_not_white_british").filter(reporting).sum().alias("_eth_not_wb"),
    )
    return _indicators(dataset, grouped, quarters_in_period, detail)


def _share(num: str, den: str) -> pl.Expr:
    return pl.when(pl.col(den) > 0).then(pl.col(num) / pl.col(den)).otherwise(None)


#: the one indicator whose interval is not a proportion's: volume sets a count of cases against the recommended cases
#: (Byar's interval for the count), so it is left out of the Wilson intervals every other share gets
_VOLUME = "volume"


def _value(ind: Indicator) -> pl.Expr:
    """An indicator's figure from its definition: its numerator over its denominator (null where that is 0)."""
    return _share(ind.numerator_column or ind.numerator, ind.denominator).alias(ind.value)


def _judged(ind: Indicator, ranges: Ranges) -> pl.Expr:
    """An indicator's verdict against its range row, and against the local share where the definition says so."""
    local = pl.col("local_share_not_white_british") if ind.local_share else None
    return verdict(pl.col(ind.value), ranges[ind.range_key], local).alias(ind.verdict)


def _indicators(dataset: Dataset, grouped: pl.DataFrame, quarters_in_period: int, detail: bool = True) -> pl.DataFrame:
    """Indicators and verdicts; with `detail`, also intervals, significance, capacity and top referrers
    (a year-earlier comparison needs only the plain figures)."""
    ranges = dataset.ranges
    per_10k = ranges.value("recommended_cases_per_10k")
    agencies = dataset.agencies
    referral_cols = [f"referrals_{a}" for a in agencies]
    no_data = pl.col("maracs_reporting") == 0
    counts = [c for c in _count_columns(dataset) if c != "cases_discussed"]
    frame = (
        grouped.with_columns(
            pl.col("cases_discussed").alias("cases"),
            pl.when(no_data).then(None).otherwise(pl.sum_horizontal(referral_cols)).alias("referrals_total"),
            # a group with no returns has no counts at all, not zeros
            *(pl.when(no_data).then(None).otherwise(pl.col(c)).alias(c) for c in counts),
            (pl.col("quarters_with_data") / (pl.col("maracs_in_group") * quarters_in_period)).alias("coverage"),
            # the share of the group's population-time (MARACs with a population) its returns cover: what volume
            # stands on, so a large borough's missing quarter weighs more than a small one's
            pl.when(pl.col("_population_all") > 0)
            .then(pl.col("_population_years") / (pl.col("_population_all") * quarters_in_period * 0.25))
            .alias("volume_coverage"),
            pl.when(pl.col("_eth_persons") > 0)
            .then(pl.col("_eth_not_wb") / pl.col("_eth_persons"))
            .alias("local_share_not_white_british"),
        )
        .with_columns(
            pl.when(no_data).then(None).otherwise(pl.col("cases")).alias("cases"),
            pl.when(pl.col("maracs_with_population") == 0)
            .then(None)
            .otherwise(pl.col("adult_female_population"))
            .alias("adult_female_population"),
            (pl.col("maracs_reporting") - pl.col("maracs_with_population")).alias("maracs_without_population"),
        )
        .with_columns(
            (per_10k * pl.col("_population_years") / 10_000).alias("recommended_cases"),
            pl.when(pl.col("_population_years") > 0)
            .then(pl.col("cases_with_population") / pl.col("_population_years") * 10_000)
            .alias("cases_per_10k"),
        )
        .with_columns(
            pl.when(pl.col("maracs_with_population") == 0)
            .then(None)
            .otherwise(pl.col("recommended_cases"))
            .alias("recommended_cases"),
            (pl.col("cases_per_10k") * pl.col("adult_female_population") / 10_000).alias("annualised_cases"),
            # each indicator is its numerator over its denominator as its definition names them (volume's the
            # recommended cases just worked out); police_share comes out equal to share_referrals_police
            *(_value(ind) for ind in INDICATORS if ind.unit == "share"),
            *(_share(f"referrals_{a}", "referrals_total").alias(f"share_referrals_{a}") for a in agencies),
        )
        .with_columns((1 - pl.col("share_referrals_police")).alias("partner_agency_share"))
        .with_columns(
            *(_judged(ind, ranges) for ind in INDICATORS if ind.verdict is not None and ind.range_key is not None),
            pl.lit(dataset.base_label).alias("population_base"),
            pl.lit(f"Census {dataset.ethnicity_year}" if dataset.ethnicity_year else None, dtype=pl.String).alias(
                "local_share_source"
            ),
            pl.lit(ranges.edition).alias("range_edition"),
        )
    )
    if detail:
        frame = frame.with_columns(_capacity(dataset, per_10k))
        frame = frame.hstack(_uncertainty(dataset, frame, agencies))
        frame = frame.hstack(_top_referrers(frame, agencies))
    frame = _withheld(frame)
    return frame.drop("_eth_persons", "_eth_not_wb", "cases_discussed", "_population_years", "_population_all")


def _withheld(frame: pl.DataFrame) -> pl.DataFrame:
    """Verdicts there is too little data to judge, set to "incomplete" (with their significance).

    Volume below `COMPLETE_ENOUGH` of the window's population-time (for one MARAC, of its quarters): one quarter's
    rate shown as a year's is not judged.
    Shares of referrals where more than `REFERRAL_GAP_LIMIT` of cases have no recorded source: the missing sources
    could move the share either way. `referrals_unrecorded` says how many cases that is, wherever the verdict goes.
    """
    frame = frame.with_columns(
        pl.when(pl.col("cases").is_not_null() & pl.col("referrals_total").is_not_null())
        .then((pl.col("cases") - pl.col("referrals_total")).clip(lower_bound=0))
        .alias("referrals_unrecorded")
    )
    gap = pl.when(pl.col("cases") > 0).then(pl.col("referrals_unrecorded") / pl.col("cases")).otherwise(0.0)
    volume_short = pl.col("volume_coverage") < COMPLETE_ENOUGH
    sources_short = gap > REFERRAL_GAP_LIMIT
    withheld = []
    for ind in INDICATORS:
        if ind.verdict is None:
            continue
        if ind.key == _VOLUME:
            when = volume_short
        elif ind.denominator == "referrals_total":
            when = sources_short
        else:
            continue
        for column in (ind.verdict, f"{ind.value}_significance"):
            if column in frame.columns:
                withheld.append(
                    pl.when(pl.col(column).is_not_null() & when)
                    .then(pl.lit(INCOMPLETE))
                    .otherwise(pl.col(column))
                    .alias(column)
                )
    return frame.with_columns(withheld) if withheld else frame


def _capacity(dataset: Dataset, per_10k: float) -> list[pl.Expr]:
    """Staffing and cost a year's cases imply, at the current and at the recommended volume.

    SafeLives: about 100 referrals a year per full-time IDVA and one full-time MARAC
    administrator per 400 cases; cost per case from the reference data (default £245.82).
    """
    per_idva = dataset.ranges.value("idva_referrals_per_fte")
    per_admin = dataset.ranges.value("cases_per_admin_fte")
    current = pl.col("annualised_cases")
    recommended = per_10k * pl.col("adult_female_population") / 10_000  # a full year, whatever was returned
    cost = pl.lit(dataset.cost_per_case, dtype=pl.Float64)
    return [
        (current / per_idva).alias("idva_fte_for_current_volume"),
        (recommended / per_idva).alias("idva_fte_for_recommended_volume"),
        (current / per_admin).alias("admin_fte_for_current_volume"),
        (recommended / per_admin).alias("admin_fte_for_recommended_volume"),
        cost.alias("cost_per_case"),
        (current * cost).alias("annual_cost_estimate"),
    ]


def _share_parts(agencies: list[str]) -> list[tuple[str, str, str]]:
    """Every share with its numerator and denominator (value column, k, n): the indicators, then each agency."""
    return [
        *((i.value, i.numerator, i.denominator) for i in INDICATORS if i.unit == "share" and i.key != _VOLUME),
        *((f"share_referrals_{a}", f"referrals_{a}", "referrals_total") for a in agencies),
    ]


def _uncertainty(dataset: Dataset, frame: pl.DataFrame, agencies: list[str]) -> list[pl.Series]:
    """95% and 99.8% intervals for every share and rate, and significance verdicts where a range exists."""

    def col(name: str) -> np.ndarray:
        return frame[name].cast(pl.Float64).fill_null(np.nan).to_numpy()

    out: list[pl.Series] = []
    intervals: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def add(name: str, low: np.ndarray, high: np.ndarray) -> None:
        intervals[name] = (low, high)
        out.extend(
            pl.Series(f"{name}_{end}", values, dtype=pl.Float64, nan_to_null=True)
            for end, values in (("low", low), ("high", high))
        )

    years, recommended = col("_population_years"), col("recommended_cases")
    for confidence, tag in ((0.95, "ci95"), (0.998, "ci998")):
        for value, k, n in _share_parts(agencies):
            add(f"{value}_{tag}", *wilson(col(k), col(n), confidence))
        low, high = byar(col("cases_with_population"), confidence)
        with np.errstate(divide="ignore", invalid="ignore"):
            per_10k = np.where(years > 0, 10_000 / years, np.nan)
            of_recommended = np.where(recommended > 0, 1 / recommended, np.nan)
        add(f"cases_per_10k_{tag}", low * per_10k, high * per_10k)
        add(f"pct_of_recommended_{tag}", low * of_recommended, high * of_recommended)
    ranges = dataset.ranges
    for ind in INDICATORS:
        if ind.verdict is None or ind.range_key is None:
            continue
        local = col("local_share_not_white_british") if ind.local_share else None
        # certainty counts the indicator's own denominator: 5 recorded referrals are too few even among 60 cases
        verdicts = significance(*intervals[f"{ind.value}_ci95"], col(ind.counted), ranges[ind.range_key], local)
        out.append(pl.Series(f"{ind.value}_significance", verdicts, dtype=pl.String))
    return out


def _top_referrers(frame: pl.DataFrame, agencies: list[str]) -> pl.DataFrame:
    """Codes of the three agencies with the largest referral counts (ties keep SafeLives' order)."""
    tops: list[list[str | None]] = [[], [], []]
    values = frame.select(f"referrals_{a}" for a in agencies).rows()
    for row in values:
        ranked = sorted(((v, -i) for i, v in enumerate(row) if v), reverse=True)[:3]
        names = [agencies[-i] for _, i in ranked] + [None] * 3
        for k in range(3):
            tops[k].append(names[k])
    return pl.DataFrame(
        {f"top_referrer_{k + 1}": tops[k] for k in range(3)},
        schema={f"top_referrer_{k + 1}": pl.String for k in range(3)},
    )


def scoped(dataset: Dataset, **where: str | None) -> Dataset:
    """The dataset restricted to MARACs whose sub_area/region/police_force_area/marac_code match."""
    maracs = dataset.maracs
    for column, value in where.items():
        if value is not None:
            maracs = maracs.filter(pl.col(column) == value)
    codes = maracs["marac_code"].implode()
    return replace(
        dataset,
        meetings=dataset.meetings.filter(pl.col("marac_code").is_in(codes)),
        maracs=maracs,
        nil_quarters=dataset.nil_quarters.filter(pl.col("marac_code").is_in(codes)),
    )


def _figures(dataset: Dataset, period: Period, grouping: str, detail: bool = True) -> pl.DataFrame:
    per_marac = _per_marac(dataset, period.start, period.end, by_quarter=False)
    return _summarise(dataset, per_marac, grouping, len(period.quarters), [], detail)


def compute(dataset: Dataset, period: Period, grouping: str = "marac") -> pl.DataFrame:
    """One row per group with counts, population, indicators, verdicts and change on a year earlier."""
    if grouping not in GROUPINGS:
        raise ValueError(f'grouping "{grouping}" is not one of {", ".join(GROUPINGS)}')
    current = _figures(dataset, period, grouping)
    out = _with_area_coverage(
        dataset, with_change(current, _figures(dataset, year_earlier(period), grouping, detail=False)), grouping
    )
    return out.with_columns(
        pl.lit(period.start).alias("period_start"),
        pl.lit(period.end).alias("period_end"),
        pl.lit(period.window).alias("window"),
    ).sort("group_code" if grouping != "marac" else "group_name")


def _with_area_coverage(dataset: Dataset, frame: pl.DataFrame, grouping: str) -> pl.DataFrame:
    """For region and force-area rows, the share of the area's local authorities the registry's MARACs cover.

    A "North West" row built from Lancashire's MARACs alone covers 14 of 39 authorities; this
    column says so wherever the figures travel.
    """
    coverage = dataset.area_coverage
    if grouping not in ("region", "pfa") or coverage.is_empty():
        return frame.with_columns(pl.lit(None, dtype=pl.Float64).alias("area_share_covered"))
    shares = coverage.filter(pl.col("kind") == grouping).select(
        pl.col("name").alias("group_code"), pl.col("coverage").alias("area_share_covered")
    )
    return frame.join(shares, on="group_code", how="left")


def quarterly(dataset: Dataset, grouping: str = "marac", first: object = None, last: object = None) -> pl.DataFrame:
    """Each quarter's figures (annualised) per group: the trend view. Nil returns are held quarters too, so a MARAC
    whose only returns say "no meetings" has a trend of 0 cases."""
    held = dataset.held_quarters["quarter_start"]
    if held.is_empty():
        return pl.DataFrame()
    start = first or held.min()
    end = last or quarter_end(held.max())
    per = _per_marac(dataset, start, end, by_quarter=True)
    out = _summarise(dataset, per, grouping, 1, ["quarter_start"])
    return out.sort("group_code", "quarter_start")


#: columns beside the local share an indicator judged against it is printed with, between its figure and its verdict
_LOCAL_SHARE_COLUMNS = ("local_share_not_white_british", "local_share_source")


def value_columns(dataset: Dataset) -> list[str]:
    """The documented output columns, in order, for CLI and export.

    Each indicator's columns come from its definition, in the definitions' order: its denominator where no other
    place lists it, its figure, the local share it is judged against, its verdict and what it derives that no later
    place lists; the referral breakdown follows the first share of referrals. So a new definition's columns take
    their place with no edit here.
    """
    agencies = dataset.agencies
    head = [
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
    ]
    referral_breakdown = [
        "top_referrer_1",
        "top_referrer_2",
        "top_referrer_3",
        *(f"share_referrals_{a}" for a in agencies),
    ]
    counts = ["perpetrators_under_18", *(f"referrals_{a}" for a in agencies)]
    tail = [
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
    placed = {*head, *referral_breakdown, *counts, *tail}
    out = list(head)
    for ind in INDICATORS:
        block = [
            *([ind.denominator] if ind.denominator not in placed else []),
            ind.value,
            *(_LOCAL_SHARE_COLUMNS if ind.local_share else ()),
            *([ind.verdict] if ind.verdict else []),
            *(d for d in ind.derives if d not in placed),
        ]
        out += [c for c in block if c not in out]
        if ind.denominator == "referrals_total" and referral_breakdown[0] not in out:
            out += referral_breakdown
    out += [c for c in referral_breakdown if c not in out]
    # the counts on top of each share, in the definitions' order, then the counts no indicator is a share of
    out += [ind.numerator for ind in INDICATORS if ind.numerator not in placed and ind.numerator not in out]
    return [*out, *(c for c in [*counts, *tail] if c not in out)]
