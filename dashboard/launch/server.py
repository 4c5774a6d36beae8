"""What `marac serve` hands to `streamlit run`: the dashboard as an `st.App` that keeps its pages warm.

`streamlit run` finds the `app` below and serves it; the script it runs for each visitor is
`streamlit_app.py` beside this file (see there why not `dashboard/app.py` itself).
"""

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root, as app.py does

from dashboard.launch.media import keep_downloads
from dashboard.launch.warm_up import warming

keep_downloads()  # a file made by a click must outlive other sessions' runs until the browser fetches it


def data_version() -> str | None:
    """The database file's version, which a load changes.

    `dashboard.data` is imported here rather than above: imported before the runtime runs, its
    cached functions make Streamlit log "No runtime found" once each.
    """
    from dashboard import data

    return data.version(data.db_path())


def earlier_periods() -> list[tuple[str, str]]:
    """The overview and a profile (the pages whose figures the others share) at the quarter ends before the newest.

    A steering group looks at the newest quarter and then steps back through the ones before it: measured with forty
    sessions doing so (benchmarks/sessions_at_once.py), the first to ask for an earlier quarter computed it while the
    others waited for it, on every worker. `dashboard.launch.warm_up` runs these after every page.
    """
    from dashboard import data
    from dashboard.launch.views import earlier_views
    from metrics.missing_quarters import POPULATION_TIME

    path = data.db_path()
    version = data.version(path)
    if version is None:
        return []
    return earlier_views(data.period_ends(data.dataset(str(path), version, method=POPULATION_TIME)))


# pages warmed on start, and again whenever a load swaps in a new database file
app = st.App("streamlit_app.py", lifespan=warming(data_version, earlier_periods))
