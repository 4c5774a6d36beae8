"""SafeLives' published MARAC figures by police force area, on SafeLives' own base or on one of ours, and set beside
the registry's own returns.

SafeLives publishes, for each force and financial year, its MARACs, cases, repeat cases and a rate per 10,000 adult
females on its own (older, smaller) base. This module recomputes that rate on a base the dashboard holds (Census 2021,
ONS mid-2023 estimates), summed over the force's local authorities, so the two can be read side by side and never
mixed. A base that lacks any of a force's authorities gives that force no rate, and says which authorities are
missing: a sum over the others would be a silently smaller population and a rate too high.

The figures are real and public; nothing here is rounded for disclosure. The reconciliation helpers
(`registry_counts`, `returns_against_published`) set a dataset's returns beside them: pass the published (rounded)
dataset wherever the result is shown to a restricted viewer or exported.

Pure functions of frames: no file or database I/O.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from metrics.dataset import BASE_LABELS, POPULATION_MEASURES, Dataset
from metrics.intervals import byar, wilson
from metrics.periods import fy_label, quarter_of
from metrics.ranges import Ranges, verdict
from metrics.significance import significance

#: the bases a published figure can be shown on: SafeLives' own, or one of the population table's
SAFELIVES_BASE = "safelives"
BASES: dict[str, str] = {SAFELIVES_BASE: "SafeLives' own base", **BASE_LABELS}
COMPLETE, PARTIAL, MISSING = "complete", "partial", "missing"
STATUSES = (COMPLETE, PARTIAL, MISSING)
#: the columns a published table needs (data/reference/safelives_published.csv)
COLUMNS = (
    "pfa_code",
    "pfa_name",
    "safelives_name",
    "financial_year",
    "period_start",
    "period_end",
    "maracs",
    "cases",
    "recommended_cases",
    "safelives_rate_per_10k",
    "repeat_cases",
    "repeat_rate",
    "status",
    "caveat",
    "source",
)


def financial_years(published: pl.DataFrame) -> list[str]:
    """The financial years the table holds, newest first ('2024-25', '2023-24' …)."""
    return sorted(published["financial_year"].unique().to_list(), reverse=True)


def force_populations(
    area: pl.DataFrame, population: pl.DataFrame, base: str, measure: str = "females_16plus"
) -> pl.DataFrame:
    """Per force: its adult female population on `base`, summed over its authorities, or null if any is missing.

    Columns: pfa_code, authorities (how many the force has), authorities_missing (names, sorted, of those with no
    figure on the base), adult_female_population (null unless every authority has a figure).
    """
    if measure not in POPULATION_MEASURES:
        raise ValueError(f"population measure {measure!r} is not one of {', '.join(POPULATION_MEASURES)}")
    held = population.filter(pl.col("base") == base).select("lad_code", pl.col(measure).alias("people"))
    return (
        area.select("lad_code", "lad_name", "pfa_code")
        .join(held, on="lad_code", how="left")
        .group_by("pfa_code")
        .agg(
            pl.len().alias("authorities"),
            pl.col("lad_name").filter(pl.col("people").is_null()).sort().alias("authorities_missing"),
            pl.col("people").sum().alias("summed"),
            pl.col("people").is_null().any().alias("incomplete"),
        )
        .select(
            "pfa_code",
            pl.col("authorities").cast(pl.Int64),
            "authorities_missing",
            pl.when(pl.col("incomplete"))
            .then(None)
            .otherwise(pl.col("summed"))
            .cast(pl.Float64)
            .alias("adult_female_population"),
        )
        .sort("pfa_code")
    )


def published_figures(
    published: pl.DataFrame,
    area: pl.DataFrame,
    population: pl.DataFrame,
    ranges: Ranges,
    *,
    base: str = "census2021",
    measure: str = "females_16plus",
) -> pl.DataFrame:
    """One row per force and financial year: SafeLives' published figures and the rate on `base`.

    Always: force (SafeLives' spelling), pfa_code, pfa_name, financial_year, period_start, period_end, status, caveat,
    source, maracs, cases, repeat_cases, recommended_cases and safelives_rate_per_10k (as published), and
    safelives_pct_of_recommended (cases ÷ SafeLives' recommended cases). On the chosen base: base, base_label,
    adult_female_population, authorities, authorities_missing, cases_per_10k, pct_of_recommended (of the recommended
    rate, `recommended_cases_per_10k`), their 95% intervals (`<column>_ci95_low`/`_high`: Byar's interval for the
    count, exact below 10), volume_verdict and pct_of_recommended_significance; and repeat_rate with its Wilson
    interval, repeat_verdict and repeat_rate_significance.

    On SafeLives' own base (`base="safelives"`) the rate is the published one, the % of recommended is cases ÷
    SafeLives' recommended cases, and the population is SafeLives' base recovered from its rate (cases ÷ rate ×
    10,000). A `missing` year has no figures at all (never zeros); a `partial` year keeps its figures and its status.
    """
    if base != SAFELIVES_BASE and base not in set(population["base"].unique().to_list()):
        held = ", ".join([SAFELIVES_BASE, *sorted(population["base"].unique().to_list())])
        raise ValueError(f"population base {base!r} is not held; the bases are {held}")
    absent = [c for c in COLUMNS if c not in published.columns]
    if absent:
        raise ValueError(f"the published table lacks column(s) {', '.join(absent)}")
    per_10k = ranges.value("recommended_cases_per_10k")
    counts = ("maracs", "cases", "repeat_cases", "recommended_cases", "safelives_rate_per_10k", "repeat_rate")
    missing = pl.col("status") == MISSING
    frame = published.select(
        pl.col("safelives_name").alias("force"),
        *(c for c in COLUMNS if c != "safelives_name"),
    ).with_columns(
        # a missing year carries no figures, whatever a hand-edited file holds
        *(pl.when(missing).then(None).otherwise(pl.col(c).cast(pl.Float64)).alias(c) for c in counts),
    )
    frame = frame.with_columns((pl.col("cases") / pl.col("recommended_cases")).alias("safelives_pct_of_recommended"))
    if base == SAFELIVES_BASE:
        frame = frame.with_columns(
            (pl.col("cases") / pl.col("safelives_rate_per_10k") * 10_000).alias("adult_female_population"),
            pl.lit(None, dtype=pl.Int64).alias("authorities"),
            pl.lit([], dtype=pl.List(pl.String)).alias("authorities_missing"),
            pl.col("safelives_rate_per_10k").alias("cases_per_10k"),
            pl.col("safelives_pct_of_recommended").alias("pct_of_recommended"),
            pl.col("recommended_cases").alias("recommended_on_base"),
        )
    else:
        frame = frame.join(force_populations(area, population, base, measure), on="pfa_code", how="left").with_columns(
            (pl.col("cases") / pl.col("adult_female_population") * 10_000).alias("cases_per_10k"),
            (pl.col("adult_female_population") / 10_000 * per_10k).alias("recommended_on_base"),
        )
        frame = frame.with_columns((pl.col("cases") / pl.col("recommended_on_base")).alias("pct_of_recommended"))
    frame = frame.with_columns(
        pl.lit(base).alias("base"),
        pl.lit(BASES.get(base, base) + ("" if base == SAFELIVES_BASE else f", {POPULATION_MEASURES[measure]}")).alias(
            "base_label"
        ),
        pl.col("repeat_rate").alias("repeat_rate"),
    )
    return _intervals(frame, ranges).sort("pfa_code", "financial_year")


def _intervals(frame: pl.DataFrame, ranges: Ranges) -> pl.DataFrame:
    """95% intervals, verdicts and what the intervals support, for volume and the repeat rate."""
    cases = frame["cases"].to_numpy().astype(float)
    low, high = byar(np.where(np.isnan(cases), np.nan, np.round(cases)))
    population = frame["adult_female_population"].to_numpy().astype(float)
    recommended = frame["recommended_on_base"].to_numpy().astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate_low, rate_high = low / population * 10_000, high / population * 10_000
        pct_low, pct_high = low / recommended, high / recommended
    repeat_low, repeat_high = wilson(frame["repeat_cases"].to_numpy().astype(float), cases)
    volume, repeat = ranges["volume"], ranges["repeat_rate"]
    columns = {
        "cases_per_10k_ci95_low": rate_low,
        "cases_per_10k_ci95_high": rate_high,
        "pct_of_recommended_ci95_low": pct_low,
        "pct_of_recommended_ci95_high": pct_high,
        "repeat_rate_ci95_low": repeat_low,
        "repeat_rate_ci95_high": repeat_high,
    }
    out = frame.with_columns(
        pl.Series(name, np.where(np.isfinite(values), values, np.nan), dtype=pl.Float64).fill_nan(None)
        for name, values in columns.items()
    )
    return out.with_columns(
        verdict(pl.col("pct_of_recommended"), volume).alias("volume_verdict"),
        verdict(pl.col("repeat_rate"), repeat).alias("repeat_verdict"),
        pl.Series(
            "pct_of_recommended_significance",
            significance(out["pct_of_recommended_ci95_low"], out["pct_of_recommended_ci95_high"], cases, volume),
            dtype=pl.String,
        ),
        pl.Series(
            "repeat_rate_significance",
            significance(out["repeat_rate_ci95_low"], out["repeat_rate_ci95_high"], cases, repeat),
            dtype=pl.String,
        ),
    ).drop("recommended_on_base")


def side_by_side(
    published: pl.DataFrame,
    area: pl.DataFrame,
    population: pl.DataFrame,
    ranges: Ranges,
    *,
    base: str,
    measure: str = "females_16plus",
) -> pl.DataFrame:
    """`published_figures` on `base`, with the same figures on SafeLives' own base beside them (`safelives_<column>`
    for cases_per_10k, its interval, pct_of_recommended, volume_verdict and pct_of_recommended_significance)."""
    chosen = published_figures(published, area, population, ranges, base=base, measure=measure)
    own = published_figures(published, area, population, ranges, base=SAFELIVES_BASE).select(
        "pfa_code",
        "financial_year",
        *(
            pl.col(c).alias(f"safelives_{c}")
            for c in (
                "cases_per_10k",
                "cases_per_10k_ci95_low",
                "cases_per_10k_ci95_high",
                "pct_of_recommended_ci95_low",
                "pct_of_recommended_ci95_high",
                "volume_verdict",
                "pct_of_recommended_significance",
            )
        ),
    )
    return chosen.join(own, on=["pfa_code", "financial_year"], how="left")


# ------------------------------------------------------------------------------------------------ reconciliation


def newest_complete(published: pl.DataFrame) -> pl.DataFrame:
    """Per force, its newest `complete` year: pfa_code, financial_year, maracs, cases (forces with none left out)."""
    return (
        published.filter(pl.col("status") == COMPLETE)
        .sort("financial_year")
        .group_by("pfa_code")
        .last()
        .select("pfa_code", "financial_year", pl.col("maracs").cast(pl.Float64), pl.col("cases").cast(pl.Float64))
        .sort("pfa_code")
    )


def registry_counts(dataset: Dataset, published: pl.DataFrame) -> pl.DataFrame:
    """Per force the registry covers: its MARACs in the registry beside SafeLives' count in the force's newest complete
    year.

    Columns: pfa_code, force (SafeLives' spelling where it publishes one, else the registry's), registry_maracs,
    safelives_maracs and safelives_year (null where SafeLives has no complete year for the force), differs.
    """
    names = published.select("pfa_code", "safelives_name").unique("pfa_code")
    registry = (
        dataset.maracs.filter(pl.col("pfa_code").is_not_null())
        .group_by("pfa_code")
        .agg(pl.len().cast(pl.Int64).alias("registry_maracs"), pl.col("police_force_area").first())
    )
    newest = newest_complete(published).select(
        "pfa_code", pl.col("financial_year").alias("safelives_year"), pl.col("maracs").alias("safelives_maracs")
    )
    return (
        registry.join(names, on="pfa_code", how="left")
        .join(newest, on="pfa_code", how="left")
        .select(
            "pfa_code",
            pl.coalesce("safelives_name", "police_force_area").alias("force"),
            "registry_maracs",
            "safelives_maracs",
            "safelives_year",
            (
                pl.col("safelives_maracs").is_not_null() & (pl.col("safelives_maracs") != pl.col("registry_maracs"))
            ).alias("differs"),
        )
        .sort("force")
    )


def returns_against_published(dataset: Dataset, published: pl.DataFrame) -> pl.DataFrame:
    """Per force the registry covers and financial year SafeLives publishes: the cases in the returns held for the
    force's registry MARACs beside SafeLives' published cases.

    Columns: pfa_code, force, financial_year, registry_maracs, maracs_with_returns (sent at least one quarter),
    maracs_all_quarters (sent all four), all_quarters (every registry MARAC of the force sent all four), held_cases
    (null where none sent anything), safelives_maracs, safelives_cases, status and caveat (SafeLives'), difference
    (held − published) and held_share (held ÷ published), and area_share_covered (the share of the force's local
    authorities the registry's MARACs cover, where the dataset knows it).
    """
    maracs = dataset.maracs.filter(pl.col("pfa_code").is_not_null()).select("marac_code", "pfa_code")
    registry = maracs.group_by("pfa_code").agg(pl.len().cast(pl.Int64).alias("registry_maracs"))
    meetings = dataset.meetings
    if meetings.is_empty():
        per_marac = pl.DataFrame(
            schema={"marac_code": pl.String, "financial_year": pl.String, "quarters": pl.Int64, "cases": pl.Float64}
        )
    else:
        days = meetings["meeting_date"].to_list()
        per_marac = (
            meetings.select("marac_code", pl.col("cases_discussed").cast(pl.Float64).alias("cases"))
            .with_columns(
                pl.Series("financial_year", [fy_label(d) for d in days], dtype=pl.String),
                pl.Series("quarter", [quarter_of(d) for d in days], dtype=pl.Date),
            )
            .group_by("marac_code", "financial_year")
            .agg(pl.col("quarter").n_unique().cast(pl.Int64).alias("quarters"), pl.col("cases").sum())
        )
    held = (
        per_marac.join(maracs, on="marac_code", how="inner")
        .group_by("pfa_code", "financial_year")
        .agg(
            pl.len().cast(pl.Int64).alias("maracs_with_returns"),
            (pl.col("quarters") >= 4).sum().cast(pl.Int64).alias("maracs_all_quarters"),
            pl.col("cases").sum().alias("held_cases"),
        )
    )
    coverage = (
        dataset.area_coverage.filter(pl.col("kind") == "pfa").select(
            pl.col("name").alias("pfa_name"), pl.col("coverage").alias("area_share_covered")
        )
        if not dataset.area_coverage.is_empty()
        else pl.DataFrame(schema={"pfa_name": pl.String, "area_share_covered": pl.Float64})
    )
    years = published.join(registry, on="pfa_code", how="inner").select(
        "pfa_code",
        "pfa_name",
        pl.col("safelives_name").alias("force"),
        "financial_year",
        "registry_maracs",
        pl.when(pl.col("status") == MISSING)
        .then(None)
        .otherwise(pl.col("maracs"))
        .cast(pl.Float64)
        .alias("safelives_maracs"),
        pl.when(pl.col("status") == MISSING)
        .then(None)
        .otherwise(pl.col("cases"))
        .cast(pl.Float64)
        .alias("safelives_cases"),
        "status",
        "caveat",
    )
    return (
        years.join(held, on=["pfa_code", "financial_year"], how="left")
        .join(coverage, on="pfa_name", how="left")
        .with_columns(
            pl.col("maracs_with_returns").fill_null(0),
            pl.col("maracs_all_quarters").fill_null(0),
        )
        .with_columns(
            (pl.col("maracs_all_quarters") == pl.col("registry_maracs")).alias("all_quarters"),
            (pl.col("held_cases") - pl.col("safelives_cases")).alias("difference"),
            (pl.col("held_cases") / pl.col("safelives_cases")).alias("held_share"),
        )
        .select(
            "pfa_code",
            "force",
            "financial_year",
            "registry_maracs",
            "maracs_with_returns",
            "maracs_all_quarters",
            "all_quarters",
            "held_cases",
            "safelives_maracs",
            "safelives_cases",
            "status",
            "caveat",
            "difference",
            "held_share",
            "area_share_covered",
        )
        .sort("force", "financial_year")
    )
