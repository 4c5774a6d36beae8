"""User-supplied words (MARAC names, file names, who loaded a file) made safe to show in Markdown.

Streamlit renders `st.markdown` text as Markdown, with colon directives (`:red[…]`, `:material/…:`) and `$…$` as
LaTeX, so a file called `*urgent*_[x](http://…)` would print as emphasis and a link. Escaping every character
Markdown gives meaning shows the words exactly as they were typed.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$~:])")


def escape_markdown(text: object) -> str:
    """`text` with every Markdown-significant character backslash-escaped, so it reads as typed."""
    return _SPECIAL.sub(r"\\\1", str(text))
