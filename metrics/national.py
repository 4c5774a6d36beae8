"""National comparators: SafeLives' published figures, and England recomputed on the MARACs' own population base.

SafeLives publishes UK rolling-12-month snapshots (every indicator) and, by financial year, figures for each police
force area, which sum to England (volume and repeat rate only). Both put volume over SafeLives' own (older, smaller)
adult female base, so a MARAC's rate on Census 2021 set beside them looks further below England than it is. Here
England's volume is also recomputed like with like: the cases SafeLives published for the English forces that
reported that year, over those forces' adult females on the dataset's own base and measure. That is the default
comparison; the published figure stays beside it. Every row carries its base in its label (`comparator`).

Which forces count, each year: a force with figures (status `complete` or `partial`) and a population on the base. A
`partial` force (SafeLives' footnote: a MARAC missing for part of the year) counts its published cases over its whole
population, exactly as SafeLives' own England total does, so both England figures are equally (slightly) low and the
row's `source` names the partial forces. A `missing` force (no figures) is left out of cases and population alike,
never counted as zero; so is a force whose population the base lacks, named in `source` too.

The repeat rate and the other shares need no population base: the recomputed row's repeat rate is the same forces'
repeat cases over their cases, so it agrees with SafeLives' England figure.

Pure functions of frames: no file or database I/O.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from metrics.dataset import BASE_LABELS, POPULATION_MEASURES, Dataset
from metrics.published import MISSING, PARTIAL, SAFELIVES_BASE, force_populations

#: the base words of a published row, and of a recomputed one (with the base and measure in front)
AS_PUBLISHED = "SafeLives' own base (as published)"
RECOMPUTED = "(recomputed from SafeLives' force figures)"
#: columns whose value depends on the population base; every other national figure is a share of cases or referrals
BASED_COLUMNS = ("cases_per_10k", "pct_of_recommended")
#: the columns of a comparator row besides SafeLives' published indicator columns
_SHARES = (
    "partner_agency_share",
    "share_racially_minoritised",
    "share_lgbt",
    "share_disabled",
    "share_male",
    "share_aged_16_17",
)


def recomputed_base_words(base: str, measure: str) -> str:
    """'Census 2021 females aged 16+ (recomputed from SafeLives' force figures)'."""
    return f"{BASE_LABELS.get(base, base)} {POPULATION_MEASURES[measure]} {RECOMPUTED}"


def england_on_base(
    published: pl.DataFrame,
    areas: pl.DataFrame,
    lad_population: pl.DataFrame,
    *,
    base: str,
    measure: str,
    per_10k: float,
) -> pl.DataFrame:
    """One row per financial year: England's published force cases over those forces' adult females on `base`.

    `published` is SafeLives' table by force (data/reference/safelives_published.csv), `areas` the area table (each
    authority's force and country) and `lad_population` the population table (rows on other bases are ignored).
    Columns: period_start, period_end, scope ('England'), maracs, cases, repeat_cases, adult_female_population,
    cases_per_10k, pct_of_recommended (of `per_10k`), repeat_rate, forces (how many counted), forces_partial,
    forces_without_figures and forces_without_population (SafeLives' names, sorted), source. A year no English force
    reported has no row. Empty when any input is.
    """
    if published.is_empty() or areas.is_empty() or lad_population.is_empty():
        return pl.DataFrame()
    english = areas.filter(pl.col("country_name") == "England")
    people = force_populations(english, lad_population, base, measure).select("pfa_code", "adult_female_population")
    forces = (
        published.join(english.select("pfa_code").unique(), on="pfa_code", how="semi")
        .join(people, on="pfa_code", how="left")
        .with_columns(((pl.col("status") != MISSING) & pl.col("cases").is_not_null()).alias("reported"))
        .with_columns((pl.col("reported") & pl.col("adult_female_population").is_not_null()).alias("counted"))
    )
    counted = pl.col("counted")
    years = (
        forces.group_by("financial_year")
        .agg(
            pl.col("period_start").min(),
            pl.col("period_end").max(),
            counted.sum().cast(pl.Int64).alias("forces"),
            pl.col("maracs").filter(counted).sum().cast(pl.Float64),
            pl.col("cases").filter(counted).sum().cast(pl.Float64),
            pl.col("repeat_cases").filter(counted).sum().cast(pl.Float64),
            pl.col("adult_female_population").filter(counted).sum().cast(pl.Float64),
            pl.col("safelives_name").filter(counted & (pl.col("status") == PARTIAL)).sort().alias("forces_partial"),
            pl.col("safelives_name").filter(~pl.col("reported")).sort().alias("forces_without_figures"),
            pl.col("safelives_name").filter(pl.col("reported") & ~counted).sort().alias("forces_without_population"),
        )
        .filter(pl.col("forces") > 0)
        .sort("period_end")
    )
    years = years.with_columns(
        pl.lit("England").alias("scope"),
        (pl.col("cases") / pl.col("adult_female_population") * 10_000).alias("cases_per_10k"),
        (pl.col("repeat_cases") / pl.col("cases")).alias("repeat_rate"),
    ).with_columns((pl.col("cases_per_10k") / per_10k).alias("pct_of_recommended"))
    words = f"{BASE_LABELS.get(base, base)}, {POPULATION_MEASURES[measure]}"
    sources = [_source(row, words) for row in years.iter_rows(named=True)]
    return years.with_columns(pl.Series("source", sources, dtype=pl.String)).drop("financial_year")


def _source(row: dict[str, object], words: str) -> str:
    """Where a recomputed England row comes from and which forces it counts, in words."""
    text = (
        f"Recomputed for this dashboard from SafeLives' published cases by police force area, year ending "
        f"{row['period_end']:%B %Y}: {row['forces']} English forces' {row['cases']:,.0f} cases over their "
        f"{row['adult_female_population']:,.0f} adult females ({words})"
    )
    if row["forces_partial"]:
        text += (
            f"; partial (a MARAC missing for part of the year, counted as published over the force's whole "
            f"population, as in SafeLives' own total): {', '.join(row['forces_partial'])}"
        )
    if row["forces_without_figures"]:
        text += f"; left out, no figures: {', '.join(row['forces_without_figures'])}"
    if row["forces_without_population"]:
        text += f"; left out, no population on this base: {', '.join(row['forces_without_population'])}"
    return text + "."


def national_series(dataset: Dataset) -> pl.DataFrame:
    """Every national figure, same-base rows first: volume as a share of the recommended rate, the police share
    (1 − partner-agency), and which base each row is on.

    Besides SafeLives' columns: base ('safelives' or the dataset's), base_label (e.g. "SafeLives' own base (as
    published)"), comparator ("England, Census 2021 females aged 16+ (recomputed from SafeLives' force figures)"),
    same_base (True where the row is on the dataset's base and measure, like the MARACs beside it),
    adult_female_population and forces (recomputed rows only).
    """
    per_10k = dataset.ranges.value("recommended_cases_per_10k")
    frames = []
    recomputed = england_on_base(
        dataset.published_forces,
        dataset.areas,
        dataset.lad_population,
        base=dataset.population_base,
        measure=dataset.population_measure,
        per_10k=per_10k,
    )
    if not recomputed.is_empty():
        words = recomputed_base_words(dataset.population_base, dataset.population_measure)
        frames.append(
            recomputed.with_columns(
                *(pl.lit(None, dtype=pl.Float64).alias(c) for c in _SHARES),
                pl.lit(dataset.population_base).alias("base"),
                pl.lit(words).alias("base_label"),
                pl.lit(True).alias("same_base"),
            )
        )
    if not dataset.national.is_empty():
        frames.append(
            dataset.national.with_columns(
                (pl.col("cases_per_10k") / per_10k).alias("pct_of_recommended"),
                pl.lit(SAFELIVES_BASE).alias("base"),
                pl.lit(AS_PUBLISHED).alias("base_label"),
                pl.lit(False).alias("same_base"),
            )
        )
    if not frames:
        return pl.DataFrame()
    series = pl.concat(frames, how="diagonal_relaxed")
    series = series.with_columns(
        pl.lit(None, dtype=dtype).alias(c)
        for c, dtype in (("adult_female_population", pl.Float64), ("forces", pl.Int64))
        if c not in series.columns
    )
    return series.with_columns(
        pl.format("{}, {}", pl.col("scope"), pl.col("base_label")).alias("comparator"),
        (1 - pl.col("partner_agency_share")).alias("police_share"),
    ).sort(["same_base", "scope", "period_end"], descending=[True, False, False], maintain_order=True)


def national_comparator(dataset: Dataset, period_end: date) -> pl.DataFrame:
    """One row per comparator (scope and base) shaped like `compute` output, or an empty frame: each the latest
    figure at or before the period's end, same-base England first, then England and the UK as published.

    `group_name` names the comparator, its base and its 12 months ("England, Census 2021 females aged 16+
    (recomputed from SafeLives' force figures), 12 months to Mar 2021"). The police share is 1 − SafeLives'
    partner-agency share. A comparator with nothing by the period's end is left out.
    """
    series = national_series(dataset)
    if series.is_empty():
        return pl.DataFrame()
    held = series.filter(pl.col("period_end") <= period_end).sort("period_end")
    if held.is_empty():
        return pl.DataFrame()
    latest = held.group_by("comparator", maintain_order=True).last()
    latest = latest.sort(["same_base", "scope"], descending=[True, False])  # like with like first; England before UK
    return latest.select(
        pl.format("{}, 12 months to {}", pl.col("comparator"), pl.col("period_end").dt.strftime("%b %Y")).alias(
            "group_name"
        ),
        "comparator",
        "scope",
        "base",
        "base_label",
        "same_base",
        "period_start",
        "period_end",
        "maracs",
        "cases",
        "adult_female_population",
        "cases_per_10k",
        "pct_of_recommended",
        "repeat_rate",
        "police_share",
        *_SHARES,
        "source",
    )
