"""Filter widgets shared by pages, with keys bound to the URL so a view can be shared as a link."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import streamlit as st

from dashboard import data as store_data
from dashboard import presentation, shared
from metrics.dataset import Dataset
from metrics.definitions import INDICATORS, Indicator
from metrics.indicators import COMPLETE_AREA
from metrics.missing_quarters import METHODS
from metrics.periods import WINDOWS, Period
from reporting import definitions, link_words, missing_quarters_words, registry_words, tables
from reporting.markup import escape_markdown

#: the profile page's script; `st.switch_page` takes an absolute path to a page `st.navigation` registered
PROFILE_PAGE = Path(__file__).resolve().parent / "pages" / "borough_profile.py"
DEFINITIONS_PAGE = Path(__file__).resolve().parent / "pages" / "definitions.py"


def definition_link(indicator: Indicator | None = None) -> None:
    """A link beside a chart or table to what its indicator means (numerator, denominator, range, interval, caveats),
    or, for a table of every indicator, to the Definitions page itself."""
    if indicator is None:
        st.page_link(
            DEFINITIONS_PAGE, label="What each indicator means: definitions, ranges and caveats", icon=":material/info:"
        )
        return
    st.page_link(
        DEFINITIONS_PAGE,
        label=f"What {indicator.in_sentence} means: its definition, range and caveats",
        icon=":material/info:",
        query_params={definitions.PARAMETER: indicator.key},
    )


def view_tabs(labels: list[str], key: str) -> list:
    """A page's views as tabs, the open one kept in the URL (`?key=label`) so an agenda link opens that view.

    Only the open tab should be laid out (read each tab's `.open` first): every chart or styled table costs the
    browser a few tenths of a second on a first view, drawn or not (docs/performance.md).
    """
    return st.tabs(labels, key=key, on_change="rerun", bind="query-params")


def window_label(window: str) -> str:
    """How a window reads in its selectbox and so in the URL, e.g. 'Rolling 12 months'."""
    return WINDOWS[window].capitalize()


def end_label(end: date) -> str:
    """How a period end reads in its selectbox and so in the URL, e.g. '30 Sep 2025'."""
    return end.strftime("%d %b %Y")


def period_controls(dataset: Dataset, columns: list) -> tuple[date, str]:
    """Window and period end, both always written in the URL so an agenda link stays on its quarter; a financial year
    can only end on 31 March, and `?period_end=latest` is a standing link to the newest quarter held."""
    ends = store_data.period_ends(dataset)  # newest first
    window = written_choice(columns[0], "Period", list(WINDOWS), "window", window_label)
    if window == "fy":
        ends = [e for e in ends if e.month == 3]
    if not ends:
        st.info("No complete financial year (ending 31 March) is held yet: choose another period.")
        st.stop()
    end = written_choice(columns[1], "Ending", ends, "period_end", end_label, standing=link_words.LATEST)
    return end, window


def written_choice(column, label: str, options: list, key: str, format_func, *, standing: str | None = None):
    """A choice kept in the URL under `key` by its label, even when it is the first option.

    Streamlit leaves a bound choice's default out of the URL, so a link copied on the newest quarter would open a
    newer one once another is loaded. Here the URL is read only when it differs from what this page last wrote there
    (a link opened, an address edited): otherwise the box's own value stands, and is written back after every run.
    `standing`, if given, is a value the link may carry instead of a label to mean "the first option, whatever it is
    when the link is opened"; it stays in the URL while the first option is shown.
    """
    labels = [format_func(o) for o in options]
    asked, (written, shown) = asked_in_link(key), st.session_state.get(_WRITTEN.format(key), (None, None))
    if asked is not None and asked != written:
        if asked == standing:
            st.session_state[key] = options[0]
        elif asked in labels:
            st.session_state[key] = options[labels.index(asked)]
    elif standing and written == standing and st.session_state.get(key) == shown and shown != options[0]:
        # a standing link left open while a newer quarter was loaded: it moves on to it, as a fresh visit would (the
        # box still shows what the link last opened on, so nobody chose another)
        st.session_state[key] = options[0]
    if st.session_state.get(key, options[0]) not in options:  # e.g. a quarter end that no financial year has
        st.session_state[key] = options[0]
    with column:
        chosen = st.selectbox(label, options, format_func=format_func, key=key)
    if asked is not None and asked != written and asked != standing:
        name_unknown(key, asked, labels, format_func(chosen))
    keep = standing if standing and chosen == options[0] and standing in (asked, written) else format_func(chosen)
    st.query_params[key] = keep
    st.session_state[_WRITTEN.format(key)] = (keep, chosen)
    return chosen


#: where `written_choice` remembers what it last put in the URL under a key, and the option that showed
_WRITTEN = "_{}_in_link"


def asked_in_link(key: str) -> str | None:
    """What this run's URL asks of the choice bound to `key`, read before the choice is laid out: Streamlit drops a
    value that is none of the options without a word, and the choice opens on its default."""
    return st.query_params.get(key)


def name_unknown(key: str, asked: str | None, labels: list[str], shown: str, label: str = "") -> None:
    """Say so when a link asked (under `key`) for a choice that is not offered, and what is shown instead; `label`
    names a choice `link_words.NOUNS` does not."""
    if asked is not None and asked not in labels:
        said = link_words.unknown_choice(link_words.noun(key, label), asked, shown)
        if presentation.presenting():  # the choices sit folded under a button there: a warning among them is unseen
            st.toast(said, icon=":material/link_off:", duration="long")
        else:
            st.warning(said, icon=":material/link_off:")


def area_control(dataset: Dataset, column) -> str:
    """A region or police force area, as 'kind:name'."""
    options, first = shared.per_dataset(
        dataset, "area_choices", _area_choices, tables=("maracs", "area_coverage", *store_data.HELD_TABLES)
    )
    asked = asked_in_link("area")
    with column:
        area = st.selectbox(
            "Area", options, index=first, format_func=store_data.area_label, key="area", bind="query-params"
        )
    name_unknown("area", asked, [store_data.area_label(a) for a in options], store_data.area_label(area))
    return area


def _area_choices(dataset: Dataset) -> tuple[list[str], int]:
    """The areas offered and which one opens: worked out once per dataset, not on every run of every page."""
    options = store_data.areas(dataset)
    held = store_data.with_returns(dataset)
    members = {a: set(store_data.scoped_codes(dataset, a)) for a in options}
    # open on the area with most MARACs sending returns: the first of those (regions first, London leading) that its
    # MARACs with returns nearly fill, else the one they fill most (Lancashire's returns alone open Lancashire, not the
    # North West), so no one lands on an area of MARACs with nothing to show
    sending = {a: len(members[a] & held) for a in options}
    most = max(sending.values(), default=0)
    tied = [i for i, a in enumerate(options) if most and sending[a] == most]

    def filled(i: int) -> float:
        return most / max(len(members[options[i]]), 1)

    nearly_full = [i for i in tied if filled(i) >= COMPLETE_AREA]
    return options, (nearly_full or sorted(tied, key=filled, reverse=True) or [0])[0]


def registry_notes(dataset: Dataset, codes: list[str]) -> None:
    """Under a page's choices: which of its MARACs are only assumed, and which the chosen base cannot give a rate for."""
    maracs = dataset.maracs.filter(pl.col("marac_code").is_in(codes))
    for note in (
        registry_words.assumed_note(maracs, escape_markdown),
        registry_words.population_note(dataset.population_gaps, codes, dataset.base_label, escape_markdown),
    ):
        if note:
            st.caption(note)


def column_group(label: str, groups: dict[str, str], key: str) -> str:
    """Which group of a wide table's columns the screen shows (`groups`: key to words, the first shown to begin
    with), kept in the URL by its words: the whole does not fit a 1280 px screen, each group does; downloads hold
    every column."""
    first = next(iter(groups))
    chosen = st.segmented_control(
        label, list(groups), format_func=groups.get, key=key, default=first, bind="query-params"
    )
    return chosen or first


def matrix_part(key: str) -> str:
    """Which half of a matrix the screen shows (`tables.PARTS`): all nine indicators side by side do not fit."""
    return column_group("Indicators", tables.PARTS, key)


def missing_quarters_control() -> str:
    """How period figures treat a quarter a MARAC did not return, kept in the URL (`?missing_quarters=safelives`) like
    the population base, so a shared link shows the same figures: population-time unless SafeLives' rule is chosen."""
    return st.radio(
        "Missing quarters",
        list(METHODS),
        key=store_data.MISSING_QUARTERS_KEY,
        format_func=missing_quarters_words.option_label,
        bind="query-params",
        help="Population-time sets a MARAC's cases against its population for the quarters it returned only. "
        "SafeLives' own rule fills a missing quarter with the MARAC's previous quarter and leaves out a MARAC with "
        "two missing quarters in a row: choose it to reconcile with SafeLives' report.",
    )


def period_caption(chosen: Period, dataset: Dataset) -> str:
    local = f" Local share not White British: Census {dataset.ethnicity_year}." if dataset.ethnicity_year else ""
    label = chosen.label[0].upper() + chosen.label[1:]
    return (
        f"{label}: {chosen.start.strftime('%d %b %Y')} to {chosen.end.strftime('%d %b %Y')}. "
        f"Population base for rates: {dataset.base_label}. "
        f"{missing_quarters_words.method_line(dataset.missing_quarters_method)} "
        f"Ranges: {dataset.ranges.edition}.{local}"
    )


def indicator_control(
    column, options: tuple[Indicator, ...] = INDICATORS, key: str = "indicator", label: str = "Indicator"
) -> Indicator:
    """One indicator, kept in the URL by its label (e.g. `?indicator=Repeat+rate`), shared by the comparison pages.

    A choice carried from a page offering other indicators is dropped rather than shown against the wrong list.
    """
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]
    asked = asked_in_link(key)
    with column:
        chosen = st.selectbox(label, list(options), format_func=lambda i: i.label, key=key, bind="query-params")
    name_unknown(key, asked, [i.label for i in options], chosen.label, label)
    return chosen


def open_profile(dataset: Dataset, code: str, indicator: Indicator | None = None) -> None:
    """Go to a MARAC's profile, for the same period and indicator.

    Only the profile's own parameters are passed: Streamlit refuses to set, from here, a
    parameter that a widget on this page is bound to. The period travels in session state,
    under the same keys the profile's period choices use.
    """
    names = dict(dataset.maracs.select("marac_code", "marac_name").iter_rows())
    if code not in names:  # a click on something that is not a MARAC (a BCU's bar): stay
        return
    params = {"marac": names[code]}
    if indicator is not None:
        params["profile_indicator"] = indicator.label
    st.switch_page(PROFILE_PAGE, query_params=params)


def clicked_code(event: object) -> str | None:
    """The group code a click on a chart chose (bars and map markers carry it as customdata), if any."""
    points = (getattr(event, "selection", None) or {}).get("points", []) if event is not None else []
    for point in points:
        custom = point.get("customdata")
        if isinstance(custom, list):
            custom = custom[0] if custom else None
        if custom:
            return str(custom)
    return None
