"""User-supplied words shown in Markdown read exactly as typed."""

from __future__ import annotations

from reporting.markup import escape_markdown


def test_markdown_significant_characters_are_escaped() -> None:
    hostile = "*urgent*_[x](http://a.b) :red[no] $x$ <b>#1</b>"
    assert escape_markdown(hostile) == (
        r"\*urgent\*\_\[x\]\(http\:\/\/a\.b\) \:red\[no\] \$x\$ \<b\>\#1\<\/b\>".replace(r"\/", "/")
    )
    assert escape_markdown("Tower Hamlets 2025-26 Q2.xlsx") == r"Tower Hamlets 2025\-26 Q2\.xlsx"
