"""The script Streamlit runs for each visitor (named by `server.py`, which `marac serve` starts); it runs `dashboard/app.py`.

Streamlit treats a `pages/` folder beside the main script as an old-style multipage app:
a deep link such as /borough_profile then runs that page alone, skipping app.py and with
it the page set-up and the synthetic-data banner. Launching from this folder, which has
no `pages/` beside it, leaves navigation wholly to `st.navigation` in app.py.
"""

import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).resolve().parents[1] / "app.py"), run_name="__main__")
