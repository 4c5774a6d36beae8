"""Streamlit entry point: page set-up, the synthetic-data banner, and navigation."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `streamlit run` does not add the repo root

from dashboard import data, downloads  # noqa: E402
from dashboard.theme import SYNTHETIC_NOTE  # noqa: E402
from loaders import store  # noqa: E402
from loaders.template import template_csv, template_xlsx  # noqa: E402
from metrics.dataset import BASE_LABELS, POPULATION_MEASURES  # noqa: E402

st.set_page_config(page_title="MARAC performance dashboard", page_icon="📊", layout="wide")

PAGES = Path(__file__).parent / "pages"
navigation = st.navigation([
    st.Page(PAGES / "regional_overview.py", title="Regional overview", url_path="regional_overview", default=True),
    st.Page(PAGES / "borough_profile.py", title="Borough profile", url_path="borough_profile"),
    st.Page(PAGES / "board_pack.py", title="Board pack", url_path="board_pack"),
])

with st.sidebar:
    st.markdown("**Population base for rates**")
    st.radio("Source", list(BASE_LABELS), key="population_base", format_func=BASE_LABELS.get, bind="query-params",
             help="Census 2021 covers every local authority. ONS mid-2023 estimates are transcribed for the "
                  "London and Lancashire authorities only; MARACs without them are left out of volume figures.")
    st.radio("Adult females", list(POPULATION_MEASURES), key="population_measure", format_func=POPULATION_MEASURES.get,
             bind="query-params",
             help="SafeLives' recommended volume is 40 cases a year per 10,000 adult females. Its own published "
                  "rates use an older, smaller base, so rates here come out lower than SafeLives' figures.")

try:
    loaded = data.current()
except store.StoreError as problem:  # a file that is not (or no longer) a MARAC database: say so, not a traceback
    st.title("MARAC performance dashboard")
    st.error(f"The database cannot be read: {problem}")
    st.stop()
if loaded is None:
    st.title("MARAC performance dashboard")
    st.error(f"No database at {data.db_path()}. Build the demo with `marac demo --db {data.db_path()}` "
             f"or load returns with `marac load FILE --db {data.db_path()}`.")
    st.stop()
if loaded[0].synthetic:
    st.warning(f"**{SYNTHETIC_NOTE}.** Every figure on this page is made up to show how the dashboard works.", icon="⚠️")
if loaded[0].meetings.is_empty():
    st.info("The database holds no returns yet. Load some with `marac load FILE --db PATH`.")
    st.stop()

with st.sidebar:
    st.caption(data.status_line(loaded[0]))
    st.markdown("**Blank quarterly return**")
    # made on click: the XLSX has an instructions sheet and Excel checks every cell as it is typed
    st.download_button("Template (XLSX)", data=template_xlsx, file_name="marac-quarterly-return.xlsx", mime=downloads.XLSX,
                       on_click="ignore", icon=":material/download:", key="template_xlsx",
                       help="One row per meeting; instructions on the first sheet; Excel checks each cell as it is typed")
    st.download_button("Template (CSV)", data=template_csv, file_name="marac-quarterly-return.csv", mime="text/csv",
                       on_click="ignore", icon=":material/download:", key="template_csv", help="Just the header row")

navigation.run()
