"""Who is looking, and what their role lets them see and do: worked out on the server at every run, never taken from
the browser.

With sign-in configured (`marac serve --config marac.toml` sets MARAC_AUTH_CONFIG), a person is known by the claim the
config names in their ID token (`st.user`, which Streamlit fills from a cookie it signed), and their role is looked
up in the database's users (`loaders.users`) each run, so a role removed or changed holds from that person's next
click. Streamlit does not check the ID token's expiry once the cookie is set: `visitor` does, and an ended sign-in
sees only the page saying so. Without sign-in, the one person at a dashboard served on 127.0.0.1 has every right
(as an admin), or a viewer's with `--restricted`.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.logger import get_logger

from dashboard import data
from loaders import roles, service_config, store, users
from loaders.roles import Grant
from reporting import access_words as words
from reporting.markup import escape_markdown

LOG = get_logger("marac.access")  # Streamlit's own handler and level, so sign-ins are in the server's log
CONFIG_ENV = service_config.ENV


@dataclass(frozen=True)
class Visitor:
    """This run's person: `grant` is None unless they may see pages; `state` says why not."""

    state: str  # local | signed-in | warm-up | signed-out | expired | no-role | bad-claims | config-broken |
    # database-broken
    grant: Grant | None = None
    identity: str | None = None
    ends: datetime | None = None
    problem: str | None = None
    contact: str | None = None
    claim: str = "email"

    @property
    def signed_in(self) -> bool:
        return self.state == "signed-in"


def _config_path() -> Path | None:
    """The config file's path; None only when the variable is absent (set but blank is a broken config, not none)."""
    given = os.environ.get(CONFIG_ENV)
    if given is None:
        return None
    if not given.strip():
        raise service_config.ConfigError(f"{CONFIG_ENV} is set but empty")
    return Path(given.strip())


@st.cache_resource(max_entries=4, show_spinner=False)
def _config(path: str, stamp: float) -> service_config.ServiceConfig:
    return service_config.read_config(Path(path))


def sign_in_config() -> service_config.ServiceConfig | None:
    """The server's sign-in settings, re-read when the file changes; None when the dashboard has no sign-in.

    Raises `service_config.ConfigError` when the file was broken after the server started: `visitor` then
    shows nothing, rather than falling back to the no-sign-in rights.
    """
    path = _config_path()
    if path is None:
        return None
    if st.get_option("server.trustedUserHeaders"):  # request headers would be copied into st.user over the cookie's
        raise service_config.ConfigError(  # claims: anyone could say who they are
            "server.trustedUserHeaders is set in a Streamlit config file, so a request's headers could say who is "
            "signed in; serve with `marac serve --config`, which turns it off"
        )
    try:
        stamp = path.stat().st_mtime
    except OSError as problem:
        raise service_config.ConfigError(f"{path.name} cannot be read ({problem.strerror})") from None
    return _config(str(path), stamp)


def _is_warm_up(user: dict) -> bool:
    """The server's own warm-up session (`dashboard.launch.warm_up`), by its per-process token."""
    from dashboard.launch import warm_up  # the server's module: the same process, so the same token

    given = user.get(warm_up.WARM_UP_CLAIM)
    return isinstance(given, str) and secrets.compare_digest(given, warm_up.TOKEN)


def visitor() -> Visitor:
    """This run's person and what they may do (see the module docstring)."""
    try:
        config = sign_in_config()
    except service_config.ConfigError as problem:
        LOG.error("sign-in settings cannot be read: %s", problem)
        return Visitor("config-broken")
    user = st.user.to_dict() if config is not None else {}
    if config is None:
        local = roles.LOCAL_RESTRICTED if os.environ.get("MARAC_VIEW", "") == "restricted" else roles.LOCAL
        return Visitor("local", local)
    if _is_warm_up(user):
        return Visitor("warm-up", Grant(roles.Role.ANALYST), identity="warm-up")
    contact, claim = config.contact, config.user_claim
    if not user.get("is_logged_in"):
        return Visitor("signed-out", contact=contact, claim=claim)
    ends = _ends(user.get("exp"))
    if ends is None or ends.timestamp() <= time.time():  # no usable expiry is treated as ended: a sign-in must end
        return Visitor("expired", ends=ends, contact=contact, claim=claim)
    problem = service_config.claim_problem(config, user)
    identity = service_config.identity(config, user)
    if problem is None and identity is not None and users.claim_fault(identity):
        problem = (
            f"Your sign-in's {claim} holds characters that could pass for someone else's (look-alike, invisible or "
            "compatibility characters), so it cannot be used here. Ask your identity provider's administrator."
        )
    if problem is not None or identity is None:
        return Visitor("bad-claims", problem=problem, ends=ends, contact=contact, claim=claim)
    try:
        held = _users()
    except (users.UsersError, store.StoreError) as unreadable:  # the roles cannot be looked up: nobody gets one
        LOG.error("the users cannot be read: %s", unreadable)
        return Visitor("database-broken", problem=store.without_paths(str(unreadable)), ends=ends, claim=claim)
    found = users.find(held, identity)
    if found is None:
        return Visitor("no-role", identity=identity, ends=ends, contact=contact, claim=claim)
    return Visitor("signed-in", found.grant, identity=identity, ends=ends, contact=contact, claim=claim)


def _ends(exp: object) -> datetime | None:
    """When the ID token ends (its `exp`, seconds since 1970), or None when it has none a clock can read."""
    if isinstance(exp, bool) or not isinstance(exp, int | float):
        return None
    try:
        return datetime.fromtimestamp(exp, UTC)
    except (ValueError, OverflowError, OSError):  # NaN, infinity, or past the calendar's end
        return None


def _users() -> list[users.User]:
    path = data.db_path()
    version = data.version(path)
    return data.users(str(path), version) if version is not None else []


def grant() -> Grant | None:
    return visitor().grant


def published_only() -> bool:
    """Pages show only the published (rounded) figures: a viewer, or nobody with rights at all."""
    found = grant()
    return found is None or found.published_only


def asked_for(pages: list[Any]) -> Any | None:
    """Which of `pages` (st.Page) this run was asked for, by URL path or by page id, before Streamlit falls back to
    the default page for one not in the navigation; None where it cannot tell (navigation still serves only the
    pages it is given)."""
    name, page_hash = _intended()
    for page in pages:  # a request names its page by id when it has one (a click), else by URL path (a link)
        if (page._script_hash == page_hash) if page_hash else (name is not None and name == page.url_path):
            return page
    return None


def _intended() -> tuple[str | None, str | None]:
    """The page this run was asked for: its URL path (no slashes) and its page id, either None where not given."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        manager = ctx.pages_manager if ctx is not None else None
        name, page_hash = (manager.intended_page_name, manager.intended_page_script_hash) if manager else (None, None)
    except Exception:  # a Streamlit without these attributes
        return None, None
    return (name.strip("/") if isinstance(name, str) else None), (page_hash or None)


def signs_in() -> bool:
    """Whether this server signs people in (and so has users to manage); a broken setting counts as signing in."""
    return os.environ.get(CONFIG_ENV) is not None


def marac_names() -> dict[str, str]:
    try:
        loaded = data.current()
    except data.StoreError:
        return {}
    return dict(loaded[0].maracs.select("marac_code", "marac_name").iter_rows()) if loaded else {}


def _note_sign_in(who: Visitor) -> None:
    """One log line per session and identity: who signed in, with which role."""
    if who.signed_in and st.session_state.get("_access_logged") != (who.identity, who.grant):
        st.session_state["_access_logged"] = (who.identity, who.grant)
        LOG.info("signed in: %r as %s", who.identity, who.grant.role.value if who.grant else "-")


def gate(known: Iterable[str] = ()) -> Visitor:
    """Stop the run, showing only the page that says why, unless this person may see pages; else their Visitor.
    `known`: every page's URL path, so a link to one shows the gate without a "page not found"."""
    who = visitor()
    _note_sign_in(who)
    if who.grant is not None:
        return who
    _no_navigation(known)
    quote = escape_markdown
    st.title(words.TITLE)
    if who.state == "signed-out":
        st.info(words.SIGNED_OUT, icon=":material/lock:")
        st.button(words.SIGN_IN, type="primary", on_click=st.login, key="sign_in")
    elif who.state == "expired":
        st.header(words.EXPIRED_TITLE)
        st.warning(words.expired(who.ends), icon=":material/timer_off:")
        st.button(words.SIGN_IN_AGAIN, type="primary", on_click=st.login, key="sign_in_again")
        st.button(words.SIGN_OUT, on_click=_sign_out, args=(who.identity,), key="sign_out")
    elif who.state == "no-role":
        if st.session_state.get("_access_logged") != (who.identity, None):  # once a session, not every rerun
            st.session_state["_access_logged"] = (who.identity, None)
            LOG.warning("no role: %r signed in and was shown only the ask-your-admin page", who.identity)
        st.header(words.NO_ROLE_TITLE)
        st.info(words.no_role(who.identity or "", who.claim, who.contact, quote), icon=":material/person_off:")
        st.code(words.add_command(who.identity or ""), language=None)
        st.button(words.SIGN_OUT, on_click=_sign_out, args=(who.identity,), key="sign_out")
    elif who.state == "bad-claims":
        LOG.warning("sign-in refused: %r", who.problem)
        st.header(words.CLAIMS_TITLE)
        st.error(quote(who.problem or "your sign-in did not say who you are"), icon=":material/block:")
        st.button(words.SIGN_OUT, on_click=_sign_out, args=(None,), key="sign_out")
    elif who.state == "database-broken":
        st.error(f"The database cannot be read: {quote(who.problem or '')}")
        st.button(words.SIGN_OUT, on_click=_sign_out, args=(None,), key="sign_out")
    else:
        st.error(words.CONFIG_BROKEN)
    st.stop()


def _nothing() -> None:
    """The one page of a run that shows no page (the gate's words are laid out around it)."""


def _no_navigation(known: Iterable[str]) -> None:
    """Replace the browser's page list with none: a run that stops at the gate would otherwise leave the links of
    the person's last signed-in run in the sidebar (a sign-in that ends mid-session). Each known page is there as a
    hidden page that shows nothing, so a link to one (or a stale click) does not add "page not found" to the gate's
    words."""
    paths = [path for path in dict.fromkeys(known) if path]
    pages = [st.Page(_nothing, title=words.TITLE, default=True)]
    pages += [st.Page(_nothing, title=words.TITLE, url_path=path) for path in paths]
    st.navigation(pages, position="hidden")


def refuse_page(who: Visitor, title: str) -> None:
    """The page in place of one this person's role does not include (reached by URL or by a crafted request)."""
    LOG.warning("refused page %r to %r (%s)", title, who.identity or who.state, who.grant.role if who.grant else "-")
    st.title(words.REFUSED_TITLE)
    st.error(words.refused_page(title, who.grant, marac_names(), escape_markdown), icon=":material/block:")
    st.markdown("[Open the Regional overview](./)")
    st.stop()


def require(page: str, title: str) -> Visitor:
    """The check a page that needs more than seeing figures runs itself, at every run (navigation aside)."""
    who = visitor()
    if who.grant is None:  # app.py's gate stops such a run before any page; a page run any other way stops too
        st.stop()
    if not roles.may_open(who.grant, page):
        refuse_page(who, title)
    return who


def sidebar(who: Visitor) -> None:
    """Who is signed in and a way out, on every page of a signed-in dashboard."""
    if not who.signed_in or who.grant is None:
        return
    with st.sidebar:
        st.markdown(words.signed_in_line(who.identity or "", who.grant, marac_names(), escape_markdown))
        if who.grant.published_only:
            st.caption(words.PUBLISHED_NOTE)
        st.button(words.SIGN_OUT, on_click=_sign_out, args=(who.identity,), key="sign_out", icon=":material/logout:")


def _sign_out(identity: str | None) -> None:
    """Sign out (Streamlit clears the cookie and asks the provider to end its session), said in the log first."""
    LOG.info("signed out: %r", identity)
    st.logout()
