"""How much data stands behind a figure, and when there is too little to judge it.

A MARAC that sent one quarter's return of four has a rate (population-time counts the quarter it sent), but that rate
is one quarter's shown as a year's: a seasonal or one-off quarter would decide the verdict. Below `COMPLETE_ENOUGH`
of the window's MARAC-quarters, volume verdicts are withheld as "incomplete". Likewise referral shares are over the
referrals with a recorded source; where more than `REFERRAL_GAP_LIMIT` of cases have none, the referral verdicts are
withheld, because the missing sources could change them either way.
"""

from __future__ import annotations

#: the share of a window's MARAC-quarters (3 of 4 for one MARAC over a year) below which volume is not judged
COMPLETE_ENOUGH = 0.75
#: the share of cases with no recorded referral source above which referral verdicts are not judged
REFERRAL_GAP_LIMIT = 0.2
#: the verdict (and significance) value of a figure there is too little data to judge
INCOMPLETE = "incomplete"
