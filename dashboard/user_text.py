"""Words users typed (a name, a file name, a cell) shown inside Markdown exactly as typed, and never as a link.

`reporting.markup.escape_markdown` stops emphasis, links and directives, but Streamlit's Markdown
also turns any bare address into a live link *after* escapes are read: "https\\://x\\.org",
"www\\.x\\.org" and "a\\@b\\.org" still become links for every viewer. A word joiner (U+2060,
invisible, no width) before each ":" and "@" and after "www" breaks that detection while the
words read the same. (This belongs beside escape_markdown; it is here while that file is changed elsewhere.)
"""

from __future__ import annotations

import re

from reporting.markup import escape_markdown

_JOIN = "\u2060"
_LINK_START = re.compile(r"(?=\\:)|(?=@)|(?i:(?<=www)(?=\\\.))")


def shown_as_typed(text: object) -> str:
    """`text` for st.markdown, st.success and the like: escaped, and with nothing a viewer could follow."""
    return _LINK_START.sub(_JOIN, escape_markdown(text))
