"""How a page prints from the browser (File › Print, or Chromium's print to PDF): the page's content only, charts and
tables whole on a page.

Streamlit lays a page out inside a scrolling box beside a fixed sidebar, so a browser prints the sidebar and only the
part of the page on screen, cutting charts at the page's edge and across pages. Display settings only.
"""

from __future__ import annotations

import streamlit as st

#: A4 landscape with narrow margins: the widest page a ranked chart of 32 MARACs keeps readable on
PRINT_ZOOM = 0.66
PRINT_CSS = """
<style>
@media print {
  @page { size: A4 landscape; margin: 10mm; }
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
  [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stElementToolbar"],
  [data-testid="stDownloadButton"], [data-testid="stBaseButton-secondary"], [data-testid="stPageLink"],
  [data-testid="stStatusWidget"] { display: none !important; }
  html, body, [data-testid="stApp"], [data-testid="stAppViewContainer"], [data-testid="stMain"],
  [data-testid="stMainBlockContainer"] {
    overflow: visible !important; height: auto !important; min-height: 0 !important; position: static !important;
  }
  [data-testid="stMain"] { margin-left: 0 !important; width: 100% !important; }
  [data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: 0 !important; }
  [data-testid="stPlotlyChart"], [data-testid="stDataFrame"], [data-testid="stTable"], [data-testid="stMetric"],
  [data-testid="stAlert"] { break-inside: avoid; page-break-inside: avoid; }
  [data-testid="stPlotlyChart"] .modebar-container { display: none !important; }
  /* a chart is drawn at the screen's width and height (32 ranked MARACs: about 1,050 px tall); at two thirds it fits
     an A4 landscape page (about 1,045 x 715 px) whole, on a screen up to 1,600 px wide */
  [data-testid="stPlotlyChart"] { zoom: PRINT_ZOOM; }
}
</style>
""".replace("PRINT_ZOOM", str(PRINT_ZOOM))


def apply() -> None:
    """On every page: the print stylesheet (nothing changes on screen)."""
    st.html(PRINT_CSS)
