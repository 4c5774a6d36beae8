"""Where pages get their figures: cached calls into `metrics`, keyed on small values.

The dataset is read once per database version (the file identity changes whenever a
loader swaps in a new file), so a CLI load while the dashboard is open shows up on the
next interaction, and nothing ever holds the database open between runs. Caches are
keyed on the path, the version and the filters, never on frames.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import polars as pl
import streamlit as st

from loaders import store
from metrics.dataset import Dataset
from metrics.indicators import compute, quarterly, scoped
from metrics.periods import Period, is_quarter_end, period, quarter_end, quarter_label, quarter_of


def db_path() -> Path:
    return Path(os.environ.get("MARAC_DB", "data/demo.duckdb"))


def version(path: Path) -> str | None:
    return store.data_version(path)


DEFAULT_POPULATION = "census2021:females_16plus"


@st.cache_resource(max_entries=8, show_spinner="Reading the database…")
def dataset(path: str, data_version: str, population: str = DEFAULT_POPULATION) -> Dataset:
    """`population` is 'base:measure', e.g. 'mye2023:females_18plus'."""
    base, measure = population.split(":")
    return Dataset.from_tables(store.read_tables(path), population_base=base, population_measure=measure)


def current() -> tuple[Dataset, str] | None:
    """The dataset for the configured database, or None if there is none yet.

    The population base and measure are the ones chosen in the sidebar (kept in session state).
    """
    path = db_path()
    v = version(path)
    if v is None:
        return None
    population = f"{st.session_state.get('population_base', 'census2021')}:{st.session_state.get('population_measure', 'females_16plus')}"
    return dataset(str(path), v, population), v


def period_ends(data: Dataset) -> list[date]:
    """Quarter ends for which returns are held, newest first."""
    if data.meetings.is_empty():
        return []
    quarters = sorted(data.meetings["quarter_start"].unique().to_list(), reverse=True)
    return [quarter_end(q) for q in quarters if is_quarter_end(quarter_end(q))]


def status_line(data: Dataset) -> str:
    """What the figures rest on, for the sidebar: newest quarter held and when data last went in."""
    ends = period_ends(data)
    parts = [f"Returns held to {quarter_label(quarter_of(ends[0]))} ({len(data.maracs)} MARACs in the registry)"] if ends else []
    if data.last_loaded is not None:
        parts.append(f"last loaded {data.last_loaded.strftime('%d %b %Y %H:%M')} UTC")
    return "; ".join(parts) + "."


def regions(data: Dataset) -> list[str]:
    return sorted(data.maracs["region"].drop_nulls().unique().to_list(), key=lambda r: (r != "London", r))


@st.cache_data(max_entries=64, show_spinner=False)
def figures(path: str, data_version: str, population: str, end: date, window: str, grouping: str,
            region: str | None = None) -> pl.DataFrame:
    data = dataset(path, data_version, population)
    if region:
        data = scoped(data, region=region)
    return compute(data, period(end, window), grouping)


@st.cache_data(max_entries=64, show_spinner=False)
def trend(path: str, data_version: str, population: str, grouping: str, region: str | None = None) -> pl.DataFrame:
    data = dataset(path, data_version, population)
    if region:
        data = scoped(data, region=region)
    return quarterly(data, grouping)


def chosen_period(end: date, window: str) -> Period:
    return period(end, window)
