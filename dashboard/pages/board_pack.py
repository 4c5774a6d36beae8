"""Board pack: the same PDF or PowerPoint as `marac export`, made with a progress bar and downloaded."""

from __future__ import annotations

import streamlit as st

from dashboard import controls, data, downloads
from reporting import sub_areas
from reporting.images import ExportError
from reporting.packs import sections as pack_sections
from reporting.packs.build import build_pack
from reporting.packs.model import PackError
from reporting.packs.render import render_pack

dataset, version = data.current()
path = str(data.db_path())
maracs = dataset.maracs

st.title("Board pack")
st.caption(
    "A ready-to-send paper for a steering group: a title page, every indicator against the SafeLives ranges, what "
    "changed since last quarter, a page per indicator with its chart and a sentence saying what it shows, data quality "
    "and a method note. Every count in it is rounded to a multiple of 5 and every figure worked out from the rounded "
    "counts, as in every download."
)

held = data.with_returns(dataset)
term = sub_areas.word(maracs.filter(maracs["marac_code"].is_in(list(held))))
KINDS = {"marac": "One MARAC", "sub_area": f"One {term}", "region": "One region", "pfa": "One police force area"}
row = st.columns([1, 1, 1, 1])
kind = row[0].selectbox("Pack for", list(KINDS), format_func=KINDS.get, key="pack_kind", bind="query-params")
if kind == "marac":
    names = dict(maracs.select("marac_code", "marac_name").iter_rows())
    options = sorted((c for c in names if c in held), key=names.get)
    label = names.get
else:
    column = {"sub_area": "sub_area", "region": "region", "pfa": "police_force_area"}[kind]
    options = sorted(maracs.filter(maracs["marac_code"].is_in(list(held)))[column].drop_nulls().unique().to_list())
    label = str
if not options:
    st.info("No returns are held yet, so there is nothing to put in a pack.")
    st.stop()
chosen_name = row[1].selectbox("Which", options, format_func=label, key="pack_scope")
end, window = controls.period_controls(dataset, row[2:])
chosen = data.chosen_period(end, window)
fmt = st.radio(
    "Format",
    ["pdf", "pptx"],
    format_func={"pdf": "PDF", "pptx": "PowerPoint (editable)"}.get,
    horizontal=True,
    key="pack_format",
)
parts = st.multiselect(
    "Sections",
    list(pack_sections.AVAILABLE),
    default=list(pack_sections.AVAILABLE),
    format_func=pack_sections.SECTIONS.get,
    key="pack_sections",
    help="The title page always comes. A group's summary and its page per indicator are its own; a section per MARAC "
    "holds each MARAC's summary and charts.",
)
scope = f"{kind}:{chosen_name}"
st.caption(controls.period_caption(chosen, dataset))

request = (path, version, dataset.population_key, scope, end, window, fmt, dataset.missing_quarters_method, *parts)
if not parts:
    st.info("Choose at least one section: the title page comes with any of them.")
if st.button("Make the board pack", type="primary", icon=":material/description:", disabled=not parts):
    bar = st.progress(0.0, text="Working out the figures…")
    try:
        pack = build_pack(
            dataset,
            scope,
            end,
            window,
            shown=data.published_dataset(path, version, dataset.population_key),
            sections=parts,
        )
        made = render_pack(pack, fmt, progress=lambda done, words: bar.progress(min(done, 1.0), text=words))
    except (PackError, ExportError) as problem:
        bar.empty()
        st.error(f"The pack could not be made: {problem}")
        st.stop()
    bar.progress(
        1.0, text=f"Ready: {len(pack.sections)} section(s), {len(pack.figures)} charts, {len(made) / 1_048_576:.1f} MB."
    )
    st.session_state["board_pack"] = (request, made, pack.title)

ready = st.session_state.get("board_pack")
if ready and ready[0] == request:  # only offer the file made for exactly these choices
    _, made, title = ready
    stem = downloads.slug(title.removeprefix("MARAC performance: "), end, window)
    st.download_button(
        f"Download the {'PDF' if fmt == 'pdf' else 'PowerPoint'}",
        data=made,
        file_name=f"marac-board-pack-{stem}.{fmt}",
        mime="application/pdf" if fmt == "pdf" else downloads.PPTX,
        on_click="ignore",
        icon=":material/download:",
        key="pack_download",
    )
