"""User-supplied words shown in Markdown read exactly as typed."""

from __future__ import annotations

from reporting.markup import escape_markdown


def test_markdown_significant_characters_are_escaped() -> None:
    hostile = "*urgent*_[x](http://a.b) :red[no] $x$ <b>#1</b>"
    assert escape_markdown(hostile) == (
        r"\*urgent\*\_\[x\]\(http\u2060\:\/\/a\.b\) \:red\[no\] \$x\$ \<b\>\#1\<\/b\>".replace(r"\/", "/")
    ).replace(r"\u2060", "\u2060")  # a word joiner before each "://" (and "@", and after "www") breaks links
    assert escape_markdown("2025: of the") == r"2025\: of the"  # no joiner where no link could start
    assert escape_markdown("Tower Hamlets 2025-26 Q2.xlsx") == r"Tower Hamlets 2025\-26 Q2\.xlsx"
