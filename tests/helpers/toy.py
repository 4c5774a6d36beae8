"""A toy indicator that exists only while a test adds it (`INDICATORS.adding(TOY)`): a plain share of two counts every
return holds, cases with a perpetrator aged 17 or under of all cases, judged against the LGBT+ floor (2.5% or above).
Nothing but this definition names it, so finding it anywhere proves that place reads the definitions."""

from __future__ import annotations

from metrics.definitions import Indicator

TOY = Indicator(
    "perpetrators_under_18",
    "Perpetrators aged 17 or under",
    "share_perpetrators_under_18",
    "perpetrators_verdict",
    "lgbt",
    "share",
    "perpetrators_under_18",
    "cases",
    short="Perpetrators under 18",
    table="victims",
    in_sentence="perpetrators aged 17 or under",
    sentence="In {when}, {shown} of {name}'s cases had a perpetrator aged 17 or under",
    definition="Cases where a perpetrator was aged 17 or under, as a share of all cases discussed.",
)
