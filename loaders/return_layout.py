"""The canonical quarterly return: its columns, their human headers and how each is read.

One row per MARAC meeting. Coordinators type headers in many ways ("Date of MARAC",
"Referrals: Police", "cases_discussed"), so headers are matched after folding case,
spaces and punctuation away.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    CODE = "code"
    DATE = "date"
    COUNT = "count"  # whole number >= 0
    SHARE_COUNT = "share_count"  # number >= 0, fractions allowed (split referrals)


@dataclass(frozen=True)
class Field:
    name: str
    header: str  # the human header written in templates
    kind: Kind
    meaning: str
    aliases: tuple[str, ...] = ()


_AGENCIES: tuple[tuple[str, str], ...] = (
    ("police", "Police"),
    ("idva", "IDVA"),
    ("childrens_social_care", "Children's Social Care"),
    ("adult_social_care", "Adult Social Care"),
    ("primary_care", "Primary Care"),
    ("secondary_care", "Secondary Care / Acute Trust"),
    ("mental_health", "Mental Health"),
    ("substance_misuse", "Substance Misuse"),
    ("probation", "Probation"),
    ("voluntary_sector", "Voluntary Sector"),
    ("mash", "Multi-Agency Safeguarding Hub (MASH)"),
    ("education", "Education"),
    ("housing", "Housing"),
    ("other", "Other (incl. MARAC transfers)"),
)

#: agency code -> label as SafeLives words it
AGENCY_LABELS: dict[str, str] = dict(_AGENCIES)

FIELDS: tuple[Field, ...] = (
    Field(
        "marac_code",
        "MARAC code",
        Kind.CODE,
        "The MARAC's code in the registry (for a London borough, its ONS code).",
        ("marac", "marac id"),
    ),
    Field(
        "meeting_date",
        "Date of MARAC",
        Kind.DATE,
        "Date the meeting was held (dd/mm/yyyy or yyyy-mm-dd).",
        ("meeting date", "date of meeting", "marac date", "date"),
    ),
    Field(
        "cases_discussed",
        "Number of cases discussed",
        Kind.COUNT,
        "Cases discussed at this meeting.",
        ("cases", "cases discussed"),
    ),
    Field(
        "repeat_cases",
        "Number of repeat cases",
        Kind.COUNT,
        "Cases that are repeats (a further incident within 12 months of the last MARAC).",
        ("repeat cases", "repeats"),
    ),
    Field(
        "children_in_household",
        "Number of children in household",
        Kind.COUNT,
        "Children living in the households of the cases discussed.",
        ("children", "children in household"),
    ),
    *(
        Field(
            f"referrals_{code}",
            f"Referrals: {label}",
            Kind.SHARE_COUNT,
            f"Cases referred by {label}; a case referred by two agencies counts 0.5 to each.",
            (f"referrals from {label}",),
        )
        for code, label in _AGENCIES
    ),
    Field(
        "victims_racially_minoritised",
        "Victims: Black, Asian or racially minoritised",
        Kind.COUNT,
        "Victims/survivors who are Black, Asian or racially minoritised.",
        ("victims bame", "victims bme", "victims racially minoritised"),
    ),
    Field(
        "victims_lgbt",
        "Victims: LGBT+",
        Kind.COUNT,
        "Victims/survivors who are lesbian, gay, bisexual or trans.",
        ("victims lgbt",),
    ),
    Field(
        "victims_disabled",
        "Victims: disabled",
        Kind.COUNT,
        "Victims/survivors with a disability.",
        ("victims with a disability",),
    ),
    Field("victims_male", "Victims: male", Kind.COUNT, "Victims/survivors who are male.", ()),
    Field(
        "victims_aged_16_17",
        "Victims: aged 16-17",
        Kind.COUNT,
        "Victims/survivors aged 16 or 17.",
        ("victims aged 16 to 17",),
    ),
    Field(
        "perpetrators_under_18",
        "Perpetrators: aged 17 or under",
        Kind.COUNT,
        "Perpetrators aged 17 or under.",
        ("perpetrators aged under 18", "perpetrators under 18"),
    ),
)

FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)
BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
COUNT_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.kind in (Kind.COUNT, Kind.SHARE_COUNT))
REFERRAL_FIELDS: tuple[str, ...] = tuple(f"referrals_{code}" for code, _ in _AGENCIES)
VICTIM_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.name.startswith("victims_"))


def fold(header: str) -> str:
    """Fold a header to letters and digits only, so case, spaces and punctuation don't matter."""
    return re.sub(r"[^0-9a-z+]", "", header.lower().replace("&", "and"))


def _header_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for f in FIELDS:
        for text in (f.name, f.header, *f.aliases):
            index[fold(text)] = f.name
    return index


HEADER_INDEX: dict[str, str] = _header_index()


def match_header(header: str) -> str | None:
    """The canonical field a header stands for, or None if it is not one of ours."""
    return HEADER_INDEX.get(fold(header))
