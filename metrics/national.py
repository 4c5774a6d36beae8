"""SafeLives' published national figures as comparators: per scope, the latest figure at or before a period's end.

Two scopes ship: UK rolling-12-month snapshots (every published indicator) and England by
financial year (volume and repeat rate only, summed from SafeLives' police-force rows). Both
use SafeLives' own (older, smaller) adult female base, so volume compares only roughly with
rates on Census 2021; each row's source says so.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from metrics.dataset import Dataset


def national_series(dataset: Dataset) -> pl.DataFrame:
    """Every snapshot, with volume as a share of the recommended rate and the police share (1 − partner-agency)."""
    if dataset.national.is_empty():
        return dataset.national
    per_10k = dataset.ranges.value("recommended_cases_per_10k")
    return dataset.national.with_columns(
        (pl.col("cases_per_10k") / per_10k).alias("pct_of_recommended"),
        (1 - pl.col("partner_agency_share")).alias("police_share"),
    )


def national_comparator(dataset: Dataset, period_end: date) -> pl.DataFrame:
    """One row per scope shaped like `compute` output (the indicator columns SafeLives publishes), or an empty frame.

    The police share is 1 − SafeLives' partner-agency share (referrals from anyone but the police).
    A scope with nothing published by the period's end is left out.
    """
    national = dataset.national
    if national.is_empty():
        return pl.DataFrame()
    held = national_series(dataset).filter(pl.col("period_end") <= period_end).sort("period_end")
    if held.is_empty():
        return pl.DataFrame()
    latest = held.group_by("scope", maintain_order=True).last().sort("scope", descending=True)  # UK before England
    return latest.select(
        pl.format("{} (SafeLives, 12 months to {})", pl.col("scope"), pl.col("period_end").dt.strftime("%b %Y")).alias(
            "group_name"
        ),
        "scope",
        "period_start",
        "period_end",
        "maracs",
        "cases",
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
        "source",
    )
