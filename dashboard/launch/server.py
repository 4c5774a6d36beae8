"""What `marac serve` hands to `streamlit run`: the dashboard as an `st.App` that warms its pages on start.

`streamlit run` finds the `app` below and serves it; the script it runs for each visitor is
`streamlit_app.py` beside this file (see there why not `dashboard/app.py` itself).
"""

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root, as app.py does

from dashboard.launch.warm_up import warmed  # noqa: E402

app = st.App("streamlit_app.py", lifespan=warmed)
