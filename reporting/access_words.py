"""What the dashboard says about who is signed in and what their role allows: said once here, so the sign-in page,
the sidebar, a refused page and the Check a return page never word the same rule differently.

Identities and MARAC names are the partnership's own strings: every function takes `quote` (through
`reporting.markup.escape_markdown` on a page) and applies it to each of them.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping
from datetime import datetime

from loaders.roles import DESCRIPTIONS, Grant, Role

Quote = Callable[[str], str]

TITLE = "MARAC performance dashboard"
SIGN_IN = "Sign in"
SIGN_IN_AGAIN = "Sign in again"
SIGN_OUT = "Sign out"
SIGNED_OUT = (
    "This dashboard holds figures about people at risk of serious harm, so it is open only to people the partnership "
    "has given a role. Sign in with your organisation's account."
)
EXPIRED_TITLE = "Your sign-in has ended"
NO_ROLE_TITLE = "You have no role on this dashboard yet"
REFUSED_TITLE = "Not open to your role"
CLAIMS_TITLE = "This sign-in cannot be used here"
#: when the server's sign-in settings cannot be read while it runs: nothing is shown rather than everything
CONFIG_BROKEN = (
    "The dashboard's sign-in settings cannot be read, so no page is shown. Tell whoever runs the dashboard "
    "(the details are in its log)."
)
DEFAULT_CONTACT = "the person who runs this dashboard for your partnership"


def role_phrase(grant: Grant, names: Mapping[str, str], quote: Quote = str) -> str:
    """'viewer', 'admin', or 'coordinator for Hackney and Islington'."""
    if grant.role is not Role.COORDINATOR:
        return grant.role.value
    return f"coordinator for {maracs_phrase(grant, names, quote)}"


def maracs_phrase(grant: Grant, names: Mapping[str, str], quote: Quote = str) -> str:
    shown = sorted(quote(names.get(code, code)) for code in grant.maracs)
    if not shown:
        return "no MARAC"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def signed_in_line(identity: str, grant: Grant, names: Mapping[str, str], quote: Quote = str) -> str:
    return f"Signed in as **{quote(identity)}** ({role_phrase(grant, names, quote)})."


def expired(ended: datetime | None) -> str:
    when = f" at {ended:%H:%M} UTC" if ended is not None else ""
    return (
        f"You were signed out because your sign-in ended{when}: the identity provider gives each sign-in a fixed "
        "time. Sign in again to carry on."
    )


def no_role(identity: str, claim: str, contact: str | None, quote: Quote = str) -> str:
    return (
        f"You are signed in as **{quote(identity)}**, but nobody has given that account a role here, so no figures "
        f"are shown. Who to ask for one: {quote(contact or DEFAULT_CONTACT)}. They need your {quote(claim)} as shown "
        "above; the command they run is below."
    )


def add_command(identity: str) -> str:
    """The command an admin runs to give this person a role, for a code block (shown as typed, so not escaped)."""
    return f"marac users add --db PATH --user {shlex.quote(identity)} --role viewer"


#: beside a viewer's pages: why a colleague's figure can differ from theirs by a few
PUBLISHED_NOTE = (
    "You see the published figures: each MARAC's quarterly counts rounded to a multiple of 5, so no small number can "
    "be worked out. Colleagues with an analyst's role see the exact counts, so their figures can differ by a few."
)


def refused_page(title: str, grant: Grant, names: Mapping[str, str], quote: Quote = str) -> str:
    return (
        f"{quote(title)} is not part of your role ({role_phrase(grant, names, quote)}: "
        f"{DESCRIPTIONS[grant.role]}). Ask an admin if you need it."
    )


def committing_as(identity: str, grant: Grant, names: Mapping[str, str], quote: Quote = str) -> str:
    if grant.commits_any:
        return f"Committing as **{quote(identity)}** (signed in, admin: returns for any MARAC)."
    return f"Committing as **{quote(identity)}** (signed in; returns for {maracs_phrase(grant, names, quote)} only)."


def own_maracs(grant: Grant, names: Mapping[str, str], quote: Quote = str) -> str | None:
    """Said above the uploader to a coordinator: which returns they can commit, before they pick a file."""
    if grant.commits_any:
        return None
    return (
        f"You commit returns for {maracs_phrase(grant, names, quote)}. A file for any other MARAC is checked but "
        "refused, and not committed."
    )
