"""Results built once and shared by every session: a steering group of forty opens the same few views in the same
minute, and every visitor after the first should pay little more than sending what the first one built.

Two kinds of sharing, both read-only (nothing handed out here may be changed by its caller: every session gets the
same object):
- `figure`: a chart from one of `reporting`'s builders, built once per distinct set of arguments. The builders are
  pure (same arguments, same chart), so the arguments are the whole key: frames hash by their content, and a
  figure for other choices, another period, another role's figures or a new database version has other arguments.
- `per_dataset`: a value worked out from a dataset's tables (the areas it offers, an area's MARACs), kept for as
  long as those very tables are the ones in use. The cached dataset of one database version hands the same frames
  to every run, so a new version (a load) is a miss; the old tables are held only weakly, so they go when the
  dataset caches let them go.

docs/performance.md ("Forty people at once") has what this saves.
"""

from __future__ import annotations

import dataclasses
import hashlib
import sys
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from metrics.dataset import Dataset

T = TypeVar("T")

#: how many built figures a server keeps: every view of every period for a few areas (a chart is 10-200 KB)
FIGURES_KEPT = 512
#: builders whose figures can be megabytes (a boundary map's outlines), kept in a cache of their own this size
LARGE_BUILDERS = ("reporting.maps",)
LARGE_FIGURES_KEPT = 32
#: how many values worked out from datasets are kept: a handful per database version and population base
DATASET_VALUES_KEPT = 256


def figure(build: Callable[..., go.Figure], *args: Any, **kwargs: Any) -> go.Figure:
    """`build(*args, **kwargs)`, built once for these arguments and shared: treat it as read-only (draw it, render
    it; to change it, copy it first, as presentation mode does).

    `build` must be one of `reporting`'s module-level builders: a page's own function could read its page's
    choices from outside its arguments, and the chart would then not be keyed on them. Arguments this cannot key
    (an object it does not know) build the chart unshared rather than risk handing out another one.
    """
    module, name = getattr(build, "__module__", ""), getattr(build, "__qualname__", "")
    if not module.startswith("reporting.") or "<" in name:
        raise ValueError(f"only reporting's own chart builders are shared, not {module}.{name}")
    try:
        key = repr((f"{module}.{name}", _keyed(args), _keyed(kwargs)))
    except _Unkeyable:
        return build(*args, **kwargs)
    cache = _large_figure if module in LARGE_BUILDERS else _figure
    return cache(hashlib.blake2b(key.encode(), digest_size=20).hexdigest(), build, args, kwargs)


@st.cache_resource(max_entries=FIGURES_KEPT, show_spinner=False)
def _figure(key: str, _build: Callable[..., go.Figure], _args: tuple, _kwargs: dict) -> go.Figure:
    """Keyed on `key` alone (a digest of the builder and its arguments, `_keyed`): Streamlit's own hashing of the
    arguments cost more than a quarter of building a chart."""
    return _build(*_args, **_kwargs)


@st.cache_resource(max_entries=LARGE_FIGURES_KEPT, show_spinner=False)
def _large_figure(key: str, _build: Callable[..., go.Figure], _args: tuple, _kwargs: dict) -> go.Figure:
    """`_figure` for `LARGE_BUILDERS`: a few maps, not hundreds, per server."""
    return _build(*_args, **_kwargs)


class _Unkeyable(TypeError):
    """An argument `_keyed` does not know how to turn into a key."""


#: plain values that are their own key (with their type: 1, 1.0 and True are equal but not the same argument)
_PLAIN = (str, bytes, int, float, bool, type(None), date, datetime, Enum)


def _keyed(value: object) -> object:
    """The argument as plain values whose repr differs wherever the value does: frames by their schema and a hash of
    every row, containers item by item (a dict in its order: it can set the order of a chart's lines), dataclasses
    field by field."""
    if isinstance(value, pl.DataFrame):
        try:
            rows = value.hash_rows(seed=0).to_list()
        except (pl.exceptions.PolarsError, TypeError):  # a column polars cannot hash: its bytes instead
            try:
                rows = [value.serialize()]
            except (pl.exceptions.PolarsError, TypeError, ValueError) as problem:
                raise _Unkeyable(f"a frame this cannot key ({problem})") from None
        return ("frame", [(column, str(kind)) for column, kind in value.schema.items()], value.height, rows)
    if _is_pandas_frame(value):
        return _pandas_keyed(value)
    if isinstance(value, pl.Series):
        return ("series", value.name, str(value.dtype), value.to_list())
    if isinstance(value, _PLAIN):
        return (type(value).__name__, value)
    if isinstance(value, dict):
        return (type(value).__name__, [(_keyed(k), _keyed(v)) for k, v in value.items()])
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
        return (type(value).__name__, [_keyed(v) for v in items])
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = [(f.name, _keyed(getattr(value, f.name))) for f in dataclasses.fields(value)]
        return (type(value).__qualname__, fields)
    raise _Unkeyable(type(value).__qualname__)


def _is_pandas_frame(value: object) -> bool:
    """A pandas frame (the map's shapes are a GeoDataFrame), told without importing pandas where nothing has."""
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(value, pandas.DataFrame)


def _pandas_keyed(frame: Any) -> tuple:
    """A pandas frame by its columns, their types, a hash of every row of the plain ones and a digest of every
    geometry's WKB (geometries are not hashable as values)."""
    import pandas as pd

    kinds = [(str(c), str(t)) for c, t in frame.dtypes.items()]
    shapes = [c for c, t in frame.dtypes.items() if str(t) == "geometry"]
    try:
        rows = pd.util.hash_pandas_object(frame.drop(columns=shapes), index=True).tolist()
        drawn = [hashlib.blake2b(b"".join(frame[c].to_wkb()), digest_size=20).hexdigest() for c in shapes]
    except (TypeError, ValueError, AttributeError) as problem:
        raise _Unkeyable(f"a frame this cannot key ({problem})") from None
    return ("pandas", kinds, rows, drawn)


_values: OrderedDict[tuple, tuple[tuple[weakref.ref, ...], object]] = OrderedDict()
_values_lock = threading.Lock()


def per_dataset(
    dataset: Dataset, what: str, compute: Callable[[Dataset], T], *, tables: tuple[str, ...] = ("maracs",)
) -> T:
    """`compute(dataset)`, worked out once for as long as the dataset's `tables` are the very frames in use and
    shared: `what` names the value, and `compute` must read nothing of the dataset but those tables.

    Keyed on the frames' identity, checked through weak references kept beside the value: an old database's
    tables are freed when the dataset caches drop them (nothing here holds them), and a key whose frames are gone
    never matches a new frame that happens to take the same address.
    """
    frames = tuple(getattr(dataset, t) for t in tables)
    key = (what, tables, *(id(f) for f in frames))
    with _values_lock:
        held = _values.get(key)
        if held is not None and all(ref() is frame for ref, frame in zip(held[0], frames, strict=True)):
            _values.move_to_end(key)
            return held[1]  # type: ignore[return-value]
    value = compute(dataset)  # outside the lock: two first visitors may both compute it, and get the same
    with _values_lock:
        _values[key] = (tuple(weakref.ref(f) for f in frames), value)
        while len(_values) > DATASET_VALUES_KEPT:
            _values.popitem(last=False)
    return value
