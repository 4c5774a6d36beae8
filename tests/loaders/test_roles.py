"""The role rules for every role and page: what each is offered, who sees only published figures, who commits what."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.roles import CHECK_PAGE, LOCAL, LOCAL_RESTRICTED, USERS_PAGE, Grant, Role, may_open, parse_role

PAGES_DIR = Path(__file__).resolve().parents[2] / "dashboard" / "pages"
#: every page the dashboard has, by URL path ("" is the default page, the Regional overview)
FIGURE_PAGES = [
    "",
    "regional_comparison",
    "map",
    "referrer_mix",
    "equality",
    "trends",
    "what_changed",
    "borough_profile",
    "board_pack",
    "national_picture",
    "data_quality",
    "definitions",
]
HACKNEY, ISLINGTON = "E09000012", "E09000019"
GRANTS = {
    "viewer": Grant(Role.VIEWER),
    "analyst": Grant(Role.ANALYST),
    "coordinator": Grant(Role.COORDINATOR, frozenset({HACKNEY})),
    "admin": Grant(Role.ADMIN),
}
#: (role, pages beyond the figure pages it is offered, published figures only, MARACs it may commit out of the two)
EXPECTED = {
    "viewer": (set(), True, set()),
    "analyst": (set(), False, set()),
    "coordinator": ({CHECK_PAGE}, False, {HACKNEY}),
    "admin": ({CHECK_PAGE, USERS_PAGE}, False, {HACKNEY, ISLINGTON}),
}


def test_every_page_file_is_covered_here() -> None:
    """A page added to the dashboard must be added here, so its rule is decided rather than inherited."""
    on_disk = {p.stem for p in PAGES_DIR.glob("*.py")}
    named = {"regional_overview" if p == "" else p for p in FIGURE_PAGES} | {CHECK_PAGE, USERS_PAGE}
    assert on_disk == named


@pytest.mark.parametrize("role", list(GRANTS))
def test_each_role_is_offered_exactly_its_pages(role: str) -> None:
    grant = GRANTS[role]
    extra, published, commits = EXPECTED[role]
    offered = {p for p in [*FIGURE_PAGES, CHECK_PAGE, USERS_PAGE] if may_open(grant, p)}
    assert offered == set(FIGURE_PAGES) | extra
    assert grant.published_only is published
    assert grant.sees_history is not published
    assert {c for c in (HACKNEY, ISLINGTON) if grant.may_commit(c)} == commits
    assert grant.may_check is (CHECK_PAGE in extra)


@pytest.mark.parametrize("page", [*FIGURE_PAGES, CHECK_PAGE, USERS_PAGE])
def test_nobody_without_a_role_opens_any_page(page: str) -> None:
    assert not may_open(None, page)


def test_a_coordinator_commits_only_their_own_maracs_and_an_admin_any() -> None:
    two = Grant(Role.COORDINATOR, frozenset({HACKNEY, ISLINGTON}))
    assert two.not_theirs([ISLINGTON, "E09000030", HACKNEY, "E09000030"]) == ["E09000030"]
    assert two.committable == frozenset({HACKNEY, ISLINGTON})
    assert Grant(Role.ADMIN).committable is None  # any code, even one added to the registry later
    assert Grant(Role.ANALYST).committable == frozenset()
    assert Grant(Role.VIEWER).not_theirs([HACKNEY]) == [HACKNEY]
    # a coordinator grant whose MARAC list was emptied commits nothing
    assert not Grant(Role.COORDINATOR).may_commit(HACKNEY)


def test_without_sign_in_the_one_local_person_is_an_admin_or_with_restricted_a_viewer() -> None:
    assert LOCAL.role is Role.ADMIN and LOCAL.committable is None
    assert LOCAL_RESTRICTED.published_only and not may_open(LOCAL_RESTRICTED, CHECK_PAGE)


def test_roles_are_read_in_any_case_and_others_refused_by_name() -> None:
    assert parse_role(" Coordinator ") is Role.COORDINATOR
    with pytest.raises(ValueError) as refused:
        parse_role("superuser")
    assert str(refused.value) == "'superuser' is not a role; expected one of viewer, analyst, coordinator, admin"
