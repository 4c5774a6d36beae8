"""A file a download button makes on click survives other sessions' runs until its browser fetches it.

Streamlit stores the clicked file under no session, and every run that ends sweeps such files
(the first sweep marks, the second deletes): two runs ending between the click and the fetch
made Chromium save a failed download named after the file's hash. See dashboard/launch/media.py.
"""

from __future__ import annotations

import contextlib

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.media_file_storage import MediaFileKind, MediaFileStorageError
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from dashboard.launch import media


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """keep_downloads installed for this test only, on a clock the test moves."""
    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", MemoryMediaFileStorage.load_and_get_id)
    monkeypatch.setattr(MediaFileManager, "_get_inactive_file_ids", MediaFileManager._get_inactive_file_ids)
    monkeypatch.setattr(MediaFileManager, "_marac_kept", None, raising=False)
    now = [1000.0]
    assert media.keep_downloads(grace=300, clock=lambda: now[0])
    return now


def clicked(manager: MediaFileManager) -> str:
    """What a click on a deferred CSV button does: run the callable and return the name the browser will fetch."""
    placeholder = manager.add_deferred(lambda: b"MARAC,Cases\nHackney,400\n", "text/csv", "1.4.2", file_name="x.csv")
    return manager.execute_deferred(placeholder).rsplit("/", 1)[1]


def two_other_runs_end(manager: MediaFileManager) -> None:
    manager.remove_orphaned_files()
    manager.remove_orphaned_files()


def test_without_the_grace_two_sweeps_lose_the_clicked_file() -> None:
    storage = MemoryMediaFileStorage("/media")
    manager = MediaFileManager(storage)
    assert getattr(MediaFileManager, "_marac_kept", None) is None  # Streamlit as shipped (only the server installs it)
    name = clicked(manager)
    assert storage.get_file(name).filename == "x.csv"
    two_other_runs_end(manager)
    with pytest.raises(MediaFileStorageError):  # the race the browser lost: it then saved "<hash>.csv", failed
        storage.get_file(name)


def test_the_clicked_file_outlives_other_runs_under_its_own_name(clock: list[float]) -> None:
    storage = MemoryMediaFileStorage("/media")
    manager = MediaFileManager(storage)
    name = clicked(manager)
    two_other_runs_end(manager)
    clock[0] += 299
    two_other_runs_end(manager)
    kept = storage.get_file(name)
    assert (kept.filename, kept.content) == ("x.csv", b"MARAC,Cases\nHackney,400\n")

    clock[0] += 2  # past the grace: swept as Streamlit would, so memory is not held for good
    two_other_runs_end(manager)
    with pytest.raises(MediaFileStorageError):
        storage.get_file(name)


def test_at_most_the_newest_files_are_kept_so_many_clicks_cannot_hold_memory(
    monkeypatch: pytest.MonkeyPatch, clock: list[float]
) -> None:
    monkeypatch.setitem(MediaFileManager._marac_kept, "max_files", 3)
    storage = MemoryMediaFileStorage("/media")
    manager = MediaFileManager(storage)
    names = []
    for n in range(5):
        placeholder = manager.add_deferred(lambda n=n: f"file {n}".encode(), "text/csv", f"b{n}", file_name=f"{n}.csv")
        names.append(manager.execute_deferred(placeholder).rsplit("/", 1)[1])
    two_other_runs_end(manager)
    kept = []
    for name in names:
        with contextlib.suppress(MediaFileStorageError):
            kept.append(storage.get_file(name).filename)
    assert kept == ["2.csv", "3.csv", "4.csv"]  # the two oldest were swept as Streamlit would


@pytest.mark.parametrize("faulty", [False, True])
def test_new_arguments_pass_through_and_a_fault_in_keeping_never_stops_a_download(
    monkeypatch: pytest.MonkeyPatch, faulty: bool
) -> None:
    """As if Streamlit had added an argument: it reaches Streamlit's own function; and if keeping a file fails (here
    the clock), the download still gets its file and the sweep is Streamlit's own."""
    calls: list[object] = []

    def newer(self: object, data: bytes, mimetype: str, kind: object, filename: str | None = None, *, extra=None):
        calls.append(extra)
        return "id1"

    def clock() -> float:
        if faulty:
            raise RuntimeError("clock gone")
        return 0.0

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", newer)
    monkeypatch.setattr(MediaFileManager, "_get_inactive_file_ids", lambda self: {"id1", "id2"})
    monkeypatch.setattr(MediaFileManager, "_marac_kept", None, raising=False)
    assert media.keep_downloads(grace=300, clock=clock)
    storage, manager = object.__new__(MemoryMediaFileStorage), object.__new__(MediaFileManager)
    kind = MediaFileKind.DOWNLOADABLE
    assert MemoryMediaFileStorage.load_and_get_id(storage, b"x", "text/csv", kind, "x.csv", extra=1) == "id1"
    assert calls == [1]
    assert manager._get_inactive_file_ids() == ({"id1", "id2"} if faulty else {"id2"})
