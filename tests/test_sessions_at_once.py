"""The load benchmark's protocol client (benchmarks/streamlit_sessions.py) sees the views a browser would.

benchmarks/sessions_at_once.py times sessions that speak Streamlit's websocket protocol; its figures mean something
only if each step really shows what was asked. Against a real `marac serve` (two workers behind HAProxy where it is
installed, as the browser tests run): the period changes land (the Ending box and the period caption name the chosen
quarter end), the profile names the MARAC, nothing raises, and with two workers the proxy's cookie keeps each session
on a worker and puts a second person on the other. Correctness only: no timings are asserted.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

pytest.importorskip("websockets")

from benchmarks.streamlit_sessions import Session, comparison_shown, period_shown, profile_shown
from tests.helpers.browser import serving, warm_up_line

PAGE, INDICATOR = "regional_comparison", "Repeat rate"


async def scenario(port: int) -> dict:
    """One person's steps, and a second person opening the link while the first is still connected."""
    first, second = Session(port, timeout=60), Session(port, timeout=60)
    try:
        await first.connect(PAGE, {"indicator": INDICATOR})
        opened = await first.open(PAGE, {"indicator": INDICATOR})
        newest = opened.value("period_end")
        changed = {}
        for end in [e for e in opened.options("period_end") if e != newest][:3]:
            changed[end] = await first.choose("period_end", end)
        marac = opened.bar_names()[0]
        profile = await first.go_to("borough_profile", {"marac": marac})
        await second.connect(PAGE, {"indicator": INDICATOR})
        return {"opened": opened, "newest": newest, "changed": changed, "marac": marac, "profile": profile,
                "workers": (first.worker, second.worker)}  # fmt: skip
    finally:
        await first.close()
        await second.close()


def test_protocol_session_sees_the_views_asked(fixture_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "served.duckdb"
    shutil.copyfile(fixture_db, db)
    with serving(db, tmp_path / "server.log") as server:
        warm_up_line(server)
        seen = asyncio.run(scenario(int(server.url.rsplit(":", 1)[1])))
        workers = server.workers
    opened, changed, profile, marac = seen["opened"], seen["changed"], seen["profile"], seen["marac"]

    assert opened.exceptions == [] and opened.value("indicator") == INDICATOR
    assert comparison_shown(opened, INDICATOR) is None
    assert any(f" to {seen['newest']}." in text for text in opened.texts)
    assert len(changed) == 3  # the fixture's four quarters: the newest and three others
    for end, run in changed.items():
        assert run.exceptions == [] and run.value("period_end") == end
        assert any(f" to {end}." in text for text in run.texts), (end, run.texts[:4])
        assert not any(f" to {seen['newest']}." in text for text in run.texts)  # the caption moved with the choice
        assert period_shown(run, end) is None
    assert marac == "Hackney"  # the fixture's MARAC with returns
    assert profile.exceptions == [] and profile.value("marac") == "Hackney"
    assert any(text.startswith("**Hackney**") for text in profile.texts)
    assert profile_shown(profile, "Hackney") is None
    if workers == 2:  # HAProxy named each person's worker, and put the second on the one with fewer connections
        assert sorted(seen["workers"]) == ["w1", "w2"]
    else:
        assert seen["workers"] == ("", "")
