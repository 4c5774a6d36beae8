"""Files a download button makes on click stay fetchable for a while, so a download always arrives under its own name.

Why: a download button given a callable (`dashboard.downloads`: files are made only when clicked)
has Streamlit run it when the button is clicked, store the bytes and hand the browser a
`/media/<hash>.csv` address to fetch. That stored file belongs to no session, and every script
run that ends, in any session, sweeps such files: the first sweep marks it, the second deletes
it. When two runs end between the click and the browser's fetch (another visitor, the warm-up
after a start or a load, a busy machine), the fetch finds nothing, and Chromium saves a failed
download named after the address's hash (`23d6528a….csv`, "file wasn't available") instead of
`london-2021-03-31-maracs-volume.csv`. Real users can get this, not only tests.

`keep_downloads(grace)` makes the sweep spare a downloadable file for `grace` seconds after it
was stored; after that it is swept as before. It wraps two internals of Streamlit 1.67's media
manager; if they are missing (a Streamlit upgrade) it says so in the log and leaves Streamlit
as it is: downloads then work as well as Streamlit's own sweep lets them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from streamlit.logger import get_logger

LOG = get_logger("marac.media")
#: seconds a file made by a click can wait for its browser to fetch it (a pack's PDF can be a few MB on a slow link)
GRACE = 300.0
#: at most this many files, and this many bytes, are kept past Streamlit's sweep (the oldest go first): many clicks
#: cannot hold memory without bound
MAX_KEPT_FILES = 64
MAX_KEPT_BYTES = 256 * 1_048_576


def keep_downloads(
    grace: float = GRACE,
    clock: Callable[[], float] = time.monotonic,
    max_files: int = MAX_KEPT_FILES,
    max_bytes: int = MAX_KEPT_BYTES,
) -> bool:
    """Make Streamlit's orphan sweep spare downloadable files younger than `grace` seconds; True if installed.

    Fails safe: the wrappers pass every argument through, and if keeping a file goes wrong (an internal changed
    shape) they log it and do what Streamlit alone would have done.
    """
    try:
        from streamlit.runtime.media_file_manager import MediaFileManager
        from streamlit.runtime.media_file_storage import MediaFileKind
        from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

        real_store = MemoryMediaFileStorage.load_and_get_id
        real_inactive = MediaFileManager._get_inactive_file_ids
    except (ImportError, AttributeError) as problem:
        LOG.warning("Downloads: cannot keep clicked files for their fetch (%s); Streamlit's own sweep applies", problem)
        return False
    previous = getattr(MediaFileManager, "_marac_kept", None)
    if previous is not None:  # installed already (a second start in one process): change its limits only
        previous.update(grace=grace, max_files=max_files, max_bytes=max_bytes)
        return True
    stored: dict[str, tuple[float, int]] = {}  # downloadable file id -> (when it was last stored, its size)
    settings: dict[str, Any] = {"grace": grace, "max_files": max_files, "max_bytes": max_bytes}

    def keep(file_id: str, data: object) -> None:
        stored.pop(file_id, None)
        stored[file_id] = (clock(), len(data) if isinstance(data, bytes | bytearray) else 0)
        while len(stored) > settings["max_files"] or sum(size for _, size in stored.values()) > settings["max_bytes"]:
            del stored[next(iter(stored))]  # the oldest: swept as Streamlit would

    def load_and_get_id(self: Any, *args: Any, **kwargs: Any) -> str:
        file_id = real_store(self, *args, **kwargs)
        try:
            data = args[0] if args else kwargs.get("path_or_data")
            kind = args[2] if len(args) > 2 else kwargs.get("kind")
            if kind == MediaFileKind.DOWNLOADABLE:
                keep(file_id, data)
        except Exception:  # never let keeping a file stop a download
            LOG.warning("Downloads: could not keep a clicked file for its fetch", exc_info=True)
        return file_id

    def inactive_file_ids(self: Any, *args: Any, **kwargs: Any) -> set[str]:
        inactive = real_inactive(self, *args, **kwargs)
        try:
            now = clock()
            for file_id, (at, _) in list(stored.items()):
                if now - at > settings["grace"]:
                    del stored[file_id]
            return set(inactive) - stored.keys()
        except Exception:
            LOG.warning("Downloads: could not spare clicked files from the sweep", exc_info=True)
            return inactive

    MemoryMediaFileStorage.load_and_get_id = load_and_get_id  # type: ignore[method-assign]
    MediaFileManager._get_inactive_file_ids = inactive_file_ids  # type: ignore[method-assign]
    MediaFileManager._marac_kept = settings  # type: ignore[attr-defined]
    return True
