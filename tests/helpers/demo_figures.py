"""The synthetic demo's figures the tests rely on, each worked out once here, so recalibrating loaders/demo.py is
one edit to this module.

Two kinds. First, the targets the demo is drawn to: SafeLives' published cases over Census 2021 females 16+
(data/reference/safelives_published.csv and population.csv) and the Pan-London MARAC Review's figures, worked out
from their sources below. Second, what the seeded demo (seed 42, `marac demo`) then shows in the dashboard's
views, read off a freshly built demo database with `metrics.indicators.compute` as said beside each, and as the
pages word them (tests/dashboard/test_browser_pages.py checks them in a real browser). The demo is synthetic: none
of the second kind describes a real MARAC.
"""

from __future__ import annotations

# --- Calibration targets: published figures on the demo's base (Census 2021, females 16+) ---------------------

#: Metropolitan Police (32 borough MARACs), 2020-21: 15,960 cases / 3,697,982 x 10,000 = 43.16 per 10,000,
#: / 40 = 107.9% of the recommended volume (exact 95% interval 106.2%-109.6%)
MET_PCT_2020_21 = 15_960 / 3_697_982 * 10_000 / 40
#: the demo's cases are Poisson draws around the target (about 16,000, so +-0.8% of itself, +-0.9 points, one
#: standard deviation): its seeded draw must land within about two of them
MET_PCT_2020_21_RANGE = (1.06, 1.10)
#: Lancashire (10 MARACs), 2019-20: 3,045 / 639,769 x 10,000 = 47.60 per 10,000, / 40 = 119.0%
LANCASHIRE_PCT_2019_20 = 3_045 / 639_769 * 10_000 / 40
#: about 3,000 cases: +-1.8% of itself, +-2.2 points one standard deviation; the seeded draw lands within one
LANCASHIRE_PCT_2019_20_RANGE = (1.17, 1.21)
#: London's rise to 2020-21 (the review's ~22%): 15,960 / 13,066 - 1 = 22.1%
MET_RISE_2020_21 = 15_960 / 13_066 - 1
#: Lancashire's fall to 2019-20 on SafeLives' own % of recommended (the same 10 MARACs both years):
#: (3,045 / 2,440) / (3,776 / 2,440) - 1 = 3,045 / 3,776 - 1 = -19.4%
LANCASHIRE_FALL_2019_20 = 3_045 / 3_776 - 1
#: how far a year-on-year change may stray from its target: each year's Poisson noise (+-0.8% London, +-1.8%
#: Lancashire) twice over, and a little more
CHANGE_TOLERANCE = 0.04

# --- The reviews' other figures the demo keeps (12 months to March 2021) -----------------------------------------

LONDON_REPEAT_RATE = 0.26  # review: London's MARACs average 26% repeats
LONDON_POLICE_TOP = (0.6, 0.85)  # review: police the top referrer in about 75% of boroughs
LONDON_POLICE_SHARE_WHEN_TOP = (0.09, 0.47)  # review: 9%-46% where the police are top
LONDON_RACIALLY_MINORITISED = 0.40  # review: ~40% of London's victims/survivors
LANCASHIRE_POLICE_SHARE = 0.73  # MARRAC evaluation: ~73% of Lancashire's referrals from the police
LANCASHIRE_RACIALLY_MINORITISED = 0.04  # MARRAC evaluation: ~4%

# --- What the dashboard shows on the demo ------------------------------------------------------------------------
# The default view is London, the 12 months to 30 September 2025: compute(scoped(demo, region="London"),
# period(date(2025, 9, 30), "12m"), "marac" or "region"). London: 16,124 cases on 3,697,982 females 16+ = 43.60
# per 10,000 a year = 109.0% of recommended (a year earlier, to September 2024: 107.0%); repeat rate 27.3%; police
# share of referrals 33.2%; racially minoritised 41.3%. Counts of verdicts and their certainty are the MARACs'
# volume_verdict / repeat_verdict / police_verdict and *_significance columns.

#: London's coverage, said beside its totals: the region holds 33 MARACs of the shipped registry, the 32 boroughs
#: and the City of London (its own force, which the demo sends nothing for): 32 x 4 = 128 of 33 x 4 = 132 quarters
LONDON_COVERAGE = "(128 of 132 MARAC-quarters returned)"
OVERVIEW_RATE = "43.6 a year per 10,000 adult females"
VOLUME_FINDING = (
    "12 months to 30 September 2025: of the 32 London MARACs with figures, 4 are below (2 clearly, 2 could be "
    "chance), 6 within (1 clearly, 5 could be chance) and 22 above (20 clearly, 2 could be chance) the expected range "
    "for volume (80%–100% of recommended). Highest Barnet 138.2%, lowest Hackney 53.9%; London as a whole 109.0% "
    f"{LONDON_COVERAGE}."
)
REPEAT_FINDING = (
    "12 months to 30 September 2025: of the 32 London MARACs with figures, 20 are below (17 clearly, 3 could be "
    "chance), 8 within (4 clearly, 4 could be chance) and 4 above (2 clearly, 2 could be chance) the expected range "
    "for repeat rate (28%–40%). Highest Westminster 44.3%, lowest Bexley 13.6%; London as a whole 27.3% "
    f"{LONDON_COVERAGE}."
)
POLICE_FINDING = (
    "12 months to 30 September 2025: of the 32 London MARACs with figures, 32 are below, 0 within and 0 above "
    "the expected range for police share of referrals (60%–75%)."
)
#: London's recorded referrals fall 13 short of its 16,124 cases (the demo leaves a referrer unrecorded now and then)
REFERRER_FINDING = (
    "12 months to 30 September 2025: the police made 33.2% of referrals across London (128 of 132 MARAC-quarters "
    "returned; no source recorded for 13 of 16,124 cases). Of 32 MARACs, 32 are below, 0 within and 0 above the "
    "expected 60%–75%."
)
EQUALITY_HIGHEST_LOWEST = (
    f"Highest Newham 90.8%, lowest Kingston upon Thames 17.2%; London as a whole 41.3% {LONDON_COVERAGE}."
)
TRENDS_FINDING = (
    f"London (all its MARACs): 109.0% in the 12 months to September 2025 {LONDON_COVERAGE}, against 107.0% a year "
    f"earlier {LONDON_COVERAGE}."
)

#: the top bar of the ranked repeat-rate chart: Westminster, 209 repeats of 472 cases = 44.3%, over the 40% bound
#: with its 95% interval reaching below it (Central West BCU)
#: its hover, two lines: the figure with its 95% interval and counts, then the verdict with its certainty
TOP_REPEAT_BAR = [
    "Westminster: 44.3% (95% interval 39.9%–48.8%), 209 of 472 cases",
    "▲ above the expected range, though with this many cases that could be chance",
]
TOP_REPEAT_RATE = "44.3%"
#: the map's repeat-rate legend: the MARACs below, within and above 28%-40%, as REPEAT_FINDING counts them
MAP_REPEAT_LEGEND = (20, 8, 4)
#: verdicts whose 95% interval reaches a range bound, starred on the map: REPEAT_FINDING's "could be chance",
#: 3 below + 4 within + 2 above
MAP_REPEAT_STARRED = 9
#: the tile the map test hovers and clicks: Barnet, 167 repeats of 896 cases = 18.6%, a verdict its 95% interval
#: settles (16.2%-21.3%, wholly below 28%)
MAP_BOROUGH = "Barnet"
MAP_BOROUGH_BCU = "North West"
MAP_BOROUGH_LABEL = "BRN▼ 18.6%"
MAP_BOROUGH_CASES = "896"
MAP_BOROUGH_REPEAT_RATE = "18.6%"
MAP_BOROUGH_HOVER = [
    "Barnet",
    "Repeat rate: 18.6%",
    "below the expected range",
    "95% interval 16.2%–21.3%",
    "896 cases",
    "Click to open the profile",
]

# A shared link: London, financial year 2023-24 (period(date(2024, 3, 31), "fy")), then Lancashire.
SHARED_LONDON_POLICE = (
    "Financial year 2023-24: of the 32 London MARACs with figures, 32 are below, 0 within and 0 above the expected "
    "range for police share of referrals (60%–75%). Highest Brent 49.9%, lowest Hackney 9.1%; London as a whole 33.0% "
    f"{LONDON_COVERAGE}."
)
SHARED_LONDON_REPEAT = (
    "Financial year 2023-24: of the 32 London MARACs with figures, 20 are below (19 clearly, 1 could be chance), 9 "
    "within (3 clearly, 6 could be chance) and 3 above (1 clearly, 2 could be chance) the expected range for repeat "
    "rate (28%–40%). Highest Westminster 47.9%, lowest Camden 13.4%; London as a whole 26.8% "
    f"{LONDON_COVERAGE}."
)
SHARED_LANCASHIRE_REPEAT = (
    "Financial year 2023-24: of the 10 Lancashire MARACs with figures, 4 are below (2 clearly, 2 could be chance), "
    "5 within (1 clearly, 4 could be chance) and 1 above the expected range for repeat rate (28%–40%). Highest West "
    "Lancashire 50.0%, lowest Burnley and Pendle 17.7%; Lancashire as a whole 31.0%."
)
