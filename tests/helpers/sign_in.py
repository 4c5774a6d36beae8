"""What the sign-in browser tests share: a real OpenID Connect provider, a dashboard configured to sign in through it,
a database whose people hold roles, and signing in as one of them through the provider's own page.

The provider is `oidc-provider-mock` (a test extra) on a free 127.0.0.1 port, with one predefined user for each role
(`PEOPLE`); its authorisation page offers each as a button labelled with the user's `sub`. The dashboard is
`marac serve --config FILE`, the file written as a partnership writes theirs (mode 600: it holds the cookie secret).
No pytest in here, as in tests/helpers/browser.py.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import tomllib
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.helpers.browser import ROOT, SETTLED, WAIT, Server, free_port, serving, stop

HACKNEY = "E09000012"
ISLINGTON = "E09000019"
CONTACT = "the MARAC team (marac@example.org)"
CLIENT_ID = "marac-test"


@dataclass(frozen=True)
class Person:
    sub: str  # the provider's subject: the label of this person's button on its authorisation page
    email: str  # the claim the dashboard identifies people by (user_claim = "email")
    name: str
    role: str | None  # None: signs in, but holds no role
    maracs: tuple[str, ...] = ()

    @property
    def claims(self) -> dict[str, str]:
        return {"sub": self.sub, "email": self.email, "name": self.name}


ADMIN = Person("u-admin", "admin@example.org", "Ada Admin", "admin")
HACKNEY_COORDINATOR = Person("u-hackney", "hackney@example.org", "Hal Hackney", "coordinator", (HACKNEY,))
ISLINGTON_COORDINATOR = Person("u-islington", "islington@example.org", "Isla Islington", "coordinator", (ISLINGTON,))
VIEWER = Person("u-viewer", "viewer@example.org", "Vic Viewer", "viewer")
ANALYST = Person("u-analyst", "analyst@example.org", "Ann Analyst", "analyst")
NOBODY = Person("u-nobody", "nobody@example.org", "Nob Nobody", None)
PEOPLE = (ADMIN, HACKNEY_COORDINATOR, ISLINGTON_COORDINATOR, VIEWER, ANALYST, NOBODY)

#: the provider's page loads a stylesheet from this CDN; there is no internet here, so the browser is refused it at once
CDN = "https://cdn.jsdelivr.net/**"


@dataclass
class Provider:
    url: str
    log: Path
    process: subprocess.Popen
    token_max_age: int

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200 and "authorization_endpoint" in json.loads(response.read())
    except (OSError, ValueError):
        return False


@contextmanager
def providing(log: Path, token_max_age: int, people: tuple[Person, ...] = PEOPLE) -> Iterator[Provider]:
    """`oidc-provider-mock` on a free 127.0.0.1 port with `people` predefined, its ID tokens lasting `token_max_age`
    seconds; up once its metadata answers, stopped (and waited for) on leaving. Raises with its log if it never
    comes up."""
    port = free_port()
    command = [sys.executable, "-m", "oidc_provider_mock", "--port", str(port), "--token-max-age", str(token_max_age)]
    for person in people:
        command += ["--user-claims", json.dumps(person.claims)]
    out = open(log, "w")  # noqa: SIM115 - the provider writes to it until `providing` closes it
    process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    provider = Provider(f"http://127.0.0.1:{port}", log, process, token_max_age)
    try:
        deadline = time.monotonic() + 60
        while not _answers(provider.metadata_url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the OpenID Connect provider did not start:\n" + provider.log_text())
            time.sleep(0.1)
        yield provider
    finally:
        stop(process)
        out.close()


def _toml(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's for these values)."""
    return json.dumps(value)


def write_config(path: Path, app_port: int, provider: Provider, contact: str = CONTACT) -> Path:
    """The server's config file, readable by its owner only (it holds the cookie secret and the client secret)."""
    auth = {
        "redirect_uri": f"http://127.0.0.1:{app_port}/oauth2callback",
        "cookie_secret": secrets.token_urlsafe(30),  # 40 characters
        "client_id": CLIENT_ID,
        "client_secret": "not-a-secret",
        "server_metadata_url": provider.metadata_url,
        "user_claim": "email",
    }
    text = "[auth]\n" + "".join(f"{k} = {_toml(v)}\n" for k, v in auth.items())
    text += f"\n[service]\ncontact = {_toml(contact)}\n"
    assert tomllib.loads(text) == {"auth": auth, "service": {"contact": contact}}
    path.unlink(missing_ok=True)
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as f:
        f.write(text)
    return path


def marac(*arguments: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the `marac` command as a partnership's admin does; raises with its output if it fails."""
    done = subprocess.run(
        [sys.executable, "-m", "marac_cli.main", *arguments],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise RuntimeError(f"marac {' '.join(arguments)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def add_people(db: Path, people: tuple[Person, ...] = PEOPLE) -> None:
    """Give each person with a role that role, with `marac users add` (the command an admin runs)."""
    for person in people:
        if person.role is None:
            continue
        maracs = [a for code in person.maracs for a in ("--marac", code)]
        marac("users", "add", "--db", str(db), "--user", person.email, "--role", person.role, *maracs)


def database_with_people(source: Path, directory: Path) -> Path:
    """A copy of the database at `source` (a real one, not the demo: the demo refuses commits) with `PEOPLE`'s roles."""
    directory.mkdir(parents=True, exist_ok=True)
    db = directory / "partnership.duckdb"
    shutil.copyfile(source, db)
    add_people(db)
    return db


@contextmanager
def serving_signed_in(db: Path, provider: Provider, directory: Path) -> Iterator[Server]:
    """`marac serve --db DB --config FILE --port PORT` signing in through `provider`; the config and the server's log
    in `directory`. Raises with the log if the server does not come up."""
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    config = write_config(directory / "marac.toml", port, provider)
    with serving(db, directory / "server.log", "--config", str(config), port=port) as server:
        yield server


def _abort(route: Any) -> None:
    route.abort()


def sign_in(page: Any, base_url: str, sub: str) -> None:
    """Sign in as the provider's predefined user `sub`, as a person does: open the dashboard, press "Sign in", then
    the user's button on the provider's own page; returns once the dashboard has run signed in.

    Streamlit sends a person back to the dashboard's root after the provider's redirect, whatever page they started
    from, so a test opens any other page after signing in.
    """
    from playwright.sync_api import expect

    page.unroute(CDN, _abort)  # idempotent: the route once, however many times a page signs in
    page.route(CDN, _abort)
    page.goto(base_url)
    page.wait_for_selector(SETTLED, timeout=WAIT)
    page.get_by_role("button", name="Sign in", exact=True).click()
    # the provider's page: its predefined users under their heading (a second form lists users who signed in before)
    predefined = page.get_by_role("form", name="Authenticate predefined users")
    predefined.get_by_role("button", name=sub, exact=True).click()
    page.wait_for_url(f"{base_url}/**", timeout=WAIT)
    page.wait_for_selector(SETTLED, timeout=WAIT)
    # Streamlit's own redirect from /oauth2callback lands on the root; the run there is the signed-in one
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_have_count(0, timeout=WAIT)
