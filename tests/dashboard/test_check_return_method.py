"""Check a return's before/after is worked out under the missing-quarters method chosen, and says which."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from reporting.missing_quarters_words import method_line
from tests.dashboard.test_app import APP, hackney_q4, writable_db  # noqa: F401  (writable_db is a fixture)


@pytest.mark.parametrize("method", ["population_time", "safelives"])
def test_the_before_after_names_the_chosen_method(writable_db: Path, tmp_path: Path, method: str) -> None:  # noqa: F811
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["missing_quarters"] = method
    at.run()
    at.switch_page("../pages/check_return.py").run()
    at.file_uploader(key="uploads").set_value(
        [("hackney 2020-21 Q4.csv", hackney_q4(tmp_path, "hackney 2020-21 Q4.csv", 90), "text/csv")]
    ).run()
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert method_line(method) in captions
    # Hackney sent all four 2020-21 quarters (400 cases held, 390 once its Q4 is corrected): nothing is filled, so
    # both methods give the same figures
    moved = next(d.value for d in at.dataframe if "Indicator" in d.value.columns).set_index("Indicator")
    assert moved.loc["Cases discussed", "Held now"] == "400" and moved.loc["Cases discussed", "If committed"] == "390"
