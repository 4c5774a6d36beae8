"""A built pack drawn as PDF or PowerPoint bytes, its charts made by one long-lived browser."""

from __future__ import annotations

import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from PIL import Image as PILImage

from reporting.images import Job, shared_engine
from reporting.packs.model import Pack, PackError
from reporting.packs.pdf import write_pdf
from reporting.packs.pptx import write_pptx

FORMATS = ("pdf", "pptx")
#: board-pack charts: laid out at 1,100 px and drawn at 2x, sharp on a projector and in print without huge files
PACK_SCALE = 2


def compact_png(png: bytes) -> bytes:
    """The chart with at most 256 colours: a quarter of the size, which a 300-page pack needs to be emailed.

    Median cut keeps the faint period shading apart from white (a fast octree merges them).
    """
    image = PILImage.open(io.BytesIO(png)).convert("RGB").quantize(colors=256, method=PILImage.Quantize.MEDIANCUT)
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=6)
    return out.getvalue()


def render_pack(pack: Pack, fmt: str, engine=None, progress: Callable[[float, str], None] | None = None) -> bytes:
    """The pack as PDF or PPTX bytes; `progress(fraction, words)` is called as charts and pages are made."""
    if fmt not in FORMATS:
        raise PackError(f'format "{fmt}" is not one of {", ".join(FORMATS)}')
    figures = pack.figures

    def drawn(done: int, total: int) -> None:
        if progress:
            progress(0.9 * done / total, f"Drawing charts: {done} of {total}")

    if not figures:  # a pack of tables and words only: no browser to start
        images: list[bytes] = []
    elif fmt == "pdf":  # vector charts, merged onto the laid-out pages
        images = (engine or shared_engine()).render_many([Job(f, "pdf") for f in figures], progress=drawn)
    else:
        with ThreadPoolExecutor(max_workers=2) as pool:  # shrink each chart while the browser draws the next ones
            compacting = []
            (engine or shared_engine()).render_many(
                [Job(f, "png", scale=PACK_SCALE) for f in figures],
                progress=drawn,
                each=lambda png: compacting.append(pool.submit(compact_png, png)),
            )
            images = [future.result() for future in compacting]
    sections = len(pack.sections)
    laid = iter(range(1, sections + 1))

    def laying(name: str) -> None:
        if progress:
            progress(0.9 + 0.1 * next(laid) / sections, f"Laying out {name}")

    writer = write_pdf if fmt == "pdf" else write_pptx
    return writer(pack, images, laying)
