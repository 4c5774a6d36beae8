"""Who may see and do what: the four roles a partnership gives people, and the rules every page and commit obey.

Held here, beside the store, rather than in the dashboard: the store enforces the commit rule itself (a coordinator's
file for another MARAC is refused by the loader, at the check and again at the commit), `marac users` checks a
role before saving it, and the dashboard asks the same functions which pages to offer. One set of rules, so no page
can drift from them. Pure: no Streamlit, no database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    VIEWER = "viewer"
    ANALYST = "analyst"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


#: what each role is for, as `marac users` and the pages say it
DESCRIPTIONS: dict[Role, str] = {
    Role.VIEWER: "every meeting page, with the published (rounded) figures only; no Check a return, no history",
    Role.ANALYST: "every page with full figures; downloads and packs rounded for publication",
    Role.COORDINATOR: "as analyst, plus Check a return and Commit for their own MARACs only",
    Role.ADMIN: (
        "as analyst, plus commits for any MARAC and the Users page; users, the registry, boundaries and layouts are "
        "changed with `marac` on the server"
    ),
}

#: pages (by URL path; "" is the default page) that need more than seeing figures
CHECK_PAGE = "check_return"
USERS_PAGE = "users"
#: pages only some roles are offered; every other page is offered to every role
_PAGE_ROLES: dict[str, frozenset[Role]] = {
    CHECK_PAGE: frozenset({Role.COORDINATOR, Role.ADMIN}),
    USERS_PAGE: frozenset({Role.ADMIN}),
}


@dataclass(frozen=True)
class Grant:
    """One person's role, and for a coordinator the MARAC codes they send returns for."""

    role: Role
    maracs: frozenset[str] = field(default_factory=frozenset)

    @property
    def published_only(self) -> bool:
        """Pages show only the disclosure-controlled (rounded) figures, as every download is."""
        return self.role is Role.VIEWER

    @property
    def sees_history(self) -> bool:
        """The Data quality page's cell-level history and recording completeness, worked out from exact counts."""
        return not self.published_only

    @property
    def may_check(self) -> bool:
        return may_open(self, CHECK_PAGE)

    @property
    def commits_any(self) -> bool:
        return self.role is Role.ADMIN

    def may_commit(self, code: str) -> bool:
        """Whether this person may commit a return for MARAC `code`."""
        if self.role is Role.ADMIN:
            return True
        return self.role is Role.COORDINATOR and code in self.maracs

    def not_theirs(self, codes: Iterable[str]) -> list[str]:
        """The MARAC codes among `codes` this person may not commit, sorted."""
        return sorted({c for c in codes if not self.may_commit(c)})

    @property
    def committable(self) -> frozenset[str] | None:
        """The codes this person may commit, or None for any code (an admin)."""
        if self.role is Role.ADMIN:
            return None
        return self.maracs if self.role is Role.COORDINATOR else frozenset()


def may_open(grant: Grant | None, page: str) -> bool:
    """Whether a page (its URL path) is offered to and served for this grant; nobody without a role opens any."""
    if grant is None:
        return False
    allowed = _PAGE_ROLES.get(page)
    return allowed is None or grant.role in allowed


def parse_role(text: str) -> Role:
    """A role from its name as typed (any case); ValueError naming the roles there are."""
    try:
        return Role(text.strip().lower())
    except ValueError:
        raise ValueError(f"{text!r} is not a role; expected one of {', '.join(r.value for r in Role)}") from None


#: the one person at a dashboard served without sign-in on their own machine (127.0.0.1): every page, any MARAC
LOCAL = Grant(Role.ADMIN)
#: the same, served with `--restricted`: published figures only, as for a partner's viewer
LOCAL_RESTRICTED = Grant(Role.VIEWER)
