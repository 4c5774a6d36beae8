"""Streamlit entry point: page set-up, the synthetic-data banner, and navigation."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `streamlit run` does not add the repo root

from dashboard import access, controls, data, downloads, page_width, presentation, print_style
from loaders import roles, store
from loaders.template import template_csv, template_xlsx
from metrics.dataset import BASE_LABELS, POPULATION_MEASURES
from reporting.theme import SYNTHETIC_NOTE, SYNTHETIC_STAMP

st.set_page_config(
    page_title="MARAC performance dashboard",
    page_icon="📊",
    layout="wide",
    initial_sidebar_state=presentation.sidebar_state(),
)
PAGES = Path(__file__).parent / "pages"
FIGURE_PAGES = [
    # the default page lives at "/" (Streamlit serves a default page at the root only, so a url_path would be a dead link)
    st.Page(PAGES / "regional_overview.py", title="Regional overview", default=True),
    st.Page(PAGES / "regional_comparison.py", title="Regional comparison", url_path="regional_comparison"),
    st.Page(PAGES / "map.py", title="Map", url_path="map"),
    st.Page(PAGES / "referrer_mix.py", title="Referrer mix", url_path="referrer_mix"),
    st.Page(PAGES / "equality.py", title="Equality", url_path="equality"),
    st.Page(PAGES / "trends.py", title="Trends", url_path="trends"),
    st.Page(PAGES / "what_changed.py", title="What changed", url_path="what_changed"),
    st.Page(PAGES / "borough_profile.py", title="Borough profile", url_path="borough_profile"),
    st.Page(PAGES / "board_pack.py", title="Board pack", url_path="board_pack"),
    st.Page(PAGES / "national_picture.py", title="National picture", url_path="national_picture"),
]
DATA_QUALITY = st.Page(PAGES / "data_quality.py", title="Data quality", url_path="data_quality")
# what each indicator means; it shows no figures, so every viewer has it, with or without returns held
DEFINITIONS = st.Page(PAGES / "definitions.py", title="Definitions", url_path="definitions")
# coordinators' and admins' own page (roles.CHECK_PAGE): it shows exact counts and commits returns
CHECK_PAGE = st.Page(PAGES / "check_return.py", title="Check a return", url_path=roles.CHECK_PAGE)
USERS_PAGE = st.Page(PAGES / "users.py", title="Users", url_path=roles.USERS_PAGE)
# the list of people and roles exists only where people sign in
EVERY_PAGE = [*FIGURE_PAGES, DATA_QUALITY, DEFINITIONS, CHECK_PAGE, *([USERS_PAGE] if access.signs_in() else [])]
# before anything is laid out: a person without a role sees only the page saying why (and how to sign in)
visitor = access.gate([p.url_path for p in EVERY_PAGE])
access.sidebar(visitor)
CHECK = CHECK_PAGE if roles.may_open(visitor.grant, roles.CHECK_PAGE) else None
# a page this person's role leaves out is not in their navigation; asked for by URL, it is refused by name rather
# than quietly swapped for the default page
asked = access.asked_for(EVERY_PAGE)
if asked is not None and not roles.may_open(visitor.grant, asked.url_path):
    access.refuse_page(visitor, asked.title)


def _only_check(message: str) -> None:
    """With no returns to show, still let a coordinator check and commit the first ones."""
    st.title("MARAC performance dashboard")
    if CHECK is None:
        st.error(message)
    else:
        st.info(message)
        st.navigation([CHECK, DEFINITIONS]).run()
    st.stop()


with st.sidebar:
    presentation.toggle()
    st.markdown("**Population base for rates**")
    st.radio(
        "Source",
        list(BASE_LABELS),
        key="population_base",
        format_func=BASE_LABELS.get,
        bind="query-params",
        help="Census 2021 and ONS mid-2023 estimates both cover every local authority of England and Wales (the "
        "17 districts merged in April 2023 share their unitary's mid-2023 figure as in Census 2021). A MARAC whose "
        "authorities a base lacks is left out of volume figures, and the page says which.",
    )
    st.radio(
        "Adult females",
        list(POPULATION_MEASURES),
        key="population_measure",
        format_func=POPULATION_MEASURES.get,
        bind="query-params",
        help="SafeLives' recommended volume is 40 cases a year per 10,000 adult females. Its own published "
        "rates use an older, smaller base, so rates here come out lower than SafeLives' figures.",
    )
    controls.missing_quarters_control()


def _registry_maracs():
    """This database's own MARACs for the template (the shipped default where there is no database yet)."""
    try:
        current = data.current()
    except store.StoreError:
        return None
    return current[0].maracs if current else None


# for those who send returns (a viewer or analyst checks none); without sign-in, the one person does
if CHECK is not None:
    with st.sidebar:
        st.markdown("**Blank quarterly return**")
        # made on click: the XLSX has an instructions sheet and Excel checks every cell as it is typed
        st.download_button(
            "Template (XLSX)",
            data=functools.partial(template_xlsx, _registry_maracs()),
            file_name="marac-quarterly-return.xlsx",
            mime=downloads.XLSX,
            on_click="ignore",
            icon=":material/download:",
            key="template_xlsx",
            help="One row per meeting; instructions on the first sheet; Excel checks each cell as it is typed",
        )
        st.download_button(
            "Template (CSV)",
            data=template_csv,
            file_name="marac-quarterly-return.csv",
            mime="text/csv",
            on_click="ignore",
            icon=":material/download:",
            key="template_csv",
            help="Just the header row",
        )

try:
    loaded = data.current()
except store.StoreError as problem:  # a file that is not (or no longer) a MARAC database: say so, not a traceback
    st.title("MARAC performance dashboard")
    st.error(f"The database cannot be read: {problem}")
    st.stop()
if loaded is None:
    _only_check(
        # no server path on screen: the README says where the database is kept and how to name another
        "There is no database yet. Check and commit returns below (the first commit creates it), load them with "
        "`marac load`, or build the demo with `marac demo` (see the README)."
    )
if loaded[0].meetings.is_empty() and loaded[0].nil_quarters.is_empty():  # a nil return is a return
    _only_check(
        "The database holds no returns yet. Check and commit some below, or load them with `marac load` (see the README)."
    )
navigation = st.navigation(
    [p for p in EVERY_PAGE if roles.may_open(visitor.grant, p.url_path)],
    position="hidden" if presentation.presenting() else "sidebar",
)
# the National picture shows SafeLives' real published figures, not the demo's, and says so at its top instead
# (in presentation mode a short stamp in the corner says it, beside the way out, and each chart carries its own)
if loaded[0].synthetic and navigation.url_path != "national_picture" and not presentation.presenting():
    st.warning(f"**{SYNTHETIC_NOTE}.** Every figure on this page is made up to show how the dashboard works.", icon="⚠️")

with st.sidebar:
    st.caption(data.status_line(loaded[0]))
print_style.apply()  # the browser's print gives the page's content, charts whole
if not presentation.presenting():
    page_width.apply()  # room for a table of figures at 1280 px

if presentation.presenting():
    # every page, including a profile opened by a click while presenting: large type and one way back out, placed here
    # once so no page has to remember it
    presentation.apply()
    synthetic = loaded[0].synthetic and navigation.url_path != "national_picture"
    presentation.corner(SYNTHETIC_STAMP if synthetic else None)

navigation.run()
