"""What a 1280 px screen's tables show: a profile's comparators a group at a time, chosen by kind, not by place."""

from __future__ import annotations

import pandas as pd

from reporting import screen_tables

OWN = ["Indicator", "Value", "Verdict", "Expected range"]


def _profile(*comparators: str) -> pd.DataFrame:
    return pd.DataFrame(columns=[*OWN, *comparators])


def test_a_london_borough_sees_its_bcu_and_london_then_the_met_and_all_then_england() -> None:
    kinds = {"East BCU (3)": "sub_area", "London (32)": "region", "Metropolitan Police (32)": "pfa",
             "All MARACs (42)": "all", "England (same base)": "national", "UK": "national"}  # fmt: skip
    profile = _profile(*kinds)
    shown = {
        c: screen_tables.profile_columns(profile, kinds, "region", c)[4:] for c in screen_tables.PROFILE_COMPARISONS
    }
    assert shown == {
        "area": ["East BCU (3)", "London (32)"],
        "wider": ["Metropolitan Police (32)", "All MARACs (42)"],
        "national": ["England (same base)", "UK"],
    }
    assert screen_tables.profile_columns(profile, kinds, "region", "area")[:4] == OWN


def test_a_marac_with_no_sub_area_in_a_force_area_sees_its_force_first() -> None:
    """Lancashire's MARACs: no sub-area, home a police force area; the region is a wider area, not 'its area'."""
    kinds = {"North West (12)": "region", "Lancashire (10)": "pfa", "All MARACs (42)": "all", "England": "national"}
    profile = _profile(*kinds)
    assert screen_tables.profile_columns(profile, kinds, "pfa", "area")[4:] == ["Lancashire (10)"]
    assert screen_tables.profile_columns(profile, kinds, "pfa", "wider")[4:] == ["North West (12)", "All MARACs (42)"]
    # every comparator is in exactly one group
    groups = [screen_tables.profile_columns(profile, kinds, "pfa", c)[4:] for c in screen_tables.PROFILE_COMPARISONS]
    assert sorted(c for group in groups for c in group) == sorted(kinds)


def test_national_comparator_headers_are_short_and_distinct() -> None:
    same = "England, Census 2021 females aged 16+ (recomputed from SafeLives' force figures), 12 months to Mar 2025"
    published = "England, SafeLives' own base (as published), 12 months to Mar 2025"
    uk = "UK, SafeLives' own base (as published), 12 months to Sep 2024"
    assert [screen_tables.comparator_header(n) for n in (same, published, uk, "London (2 of 32)")] == [
        "England (same base)",
        "England (SafeLives)",
        "UK (SafeLives)",
        "London (2 of 32)",
    ]
