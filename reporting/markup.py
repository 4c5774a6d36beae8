"""User-supplied words (MARAC names, file names, who loaded a file) made safe to show in Markdown.

Streamlit renders `st.markdown` text as Markdown, with colon directives (`:red[…]`, `:material/…:`) and `$…$` as
LaTeX, so a file called `*urgent*_[x](http://…)` would print as emphasis and a link. Escaping every character
Markdown gives meaning shows the words exactly as they were typed. Streamlit also turns any bare address into a live
link *after* reading the escapes ("https\\://x\\.org", "www\\.x\\.org", "a@b\\.org" still became links for
every viewer, checked in Chromium), so a word joiner (U+2060: invisible, no width) goes before each "://" and "@" and
after "www": the words read the same and nothing can be followed. Only there: a joiner in "2025: of the" would
read the same but could not be found by a search or pasted as typed.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$~:])")
_JOIN = "\u2060"
_LINK_START = re.compile(r"(?=\\://)|(?=@)|(?i:(?<=www)(?=\\\.))")


def escape_markdown(text: object) -> str:
    """`text` with every Markdown-significant character backslash-escaped, and no address left to link, so it reads
    as typed and nobody can follow it."""
    return _LINK_START.sub(_JOIN, _SPECIAL.sub(r"\\\1", str(text)))
