"""The service's config file (`marac serve --config marac.toml`): sign-in settings, read and checked before serving.

One TOML file does two jobs. Streamlit reads its `[auth]` table as secrets (`--secrets.files`) to run `st.login`
(OpenID Connect); the dashboard reads the same file through this module (the path in MARAC_AUTH_CONFIG) for what
Streamlit does not know: which ID-token claim people are known by (`user_claim`, matched against `marac users`),
which claims every sign-in must carry (`[auth.required_claims]`), and who a person without a role should ask.
Checked here, once, with messages naming the file, key and value, because Streamlit's own checks come only at the
first sign-in, in the browser, in words about `.streamlit/secrets.toml`. No secret's value is kept or printed.

Which claim to know people by. A display name is no identity (two people share one, and it changes), so the name
claims are refused. Microsoft Entra ID's `email` claim is often absent (an account without a mailbox) and is not
verified: a tenant's administrator can give an account any address, a partnership member's included. For Entra,
use `oid` (the account's object ID: stable, never reassigned, the same in every app of the tenant) or
`preferred_username` (the sign-in name: readable, but it changes when the person's name does), and pin the tenant
with `[auth.required_claims] tid = "<tenant-id>"`, so only the partnership's own accounts are accepted. `email`
stays the default, for providers that verify it (Google, or Okta and Keycloak as usually set up); `sub` suits any
provider, though Entra gives each app its own.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

#: the variable `marac serve --config` sets for the dashboard: the config file's absolute path (absent: no sign-in)
ENV = "MARAC_AUTH_CONFIG"
#: what [auth] must hold, and what each is, as a refusal says it
REQUIRED: dict[str, str] = {
    "redirect_uri": (
        "the address the identity provider sends people back to: this service's own https address ending in "
        "/oauth2callback, e.g. https://marac.example.gov.uk/oauth2callback"
    ),
    "cookie_secret": (
        "a random string of at least 32 characters that signs the sign-in cookie; make one with: "
        'python -c "import secrets; print(secrets.token_urlsafe(32))"'
    ),
    "client_id": "the application (client) ID of this service's registration with the identity provider",
    "client_secret": "the client secret of this service's registration with the identity provider",
    "server_metadata_url": (
        "the provider's OpenID configuration address, an https URL ending in /.well-known/openid-configuration"
    ),
}
OPTIONAL = ("user_claim", "required_claims", "client_kwargs")
SECRETS = frozenset({"cookie_secret", "client_secret"})
DEFAULT_CLAIM = "email"
MIN_COOKIE_SECRET = 32
MAX_CONTACT = 300
MAX_BYTES = 64 * 1024  # a config file is a dozen lines; a bigger one is the wrong file
_CLAIM_NAME = re.compile(r"[A-Za-z0-9_.:-]{1,100}")
_CLAIM_WORDS = "letters, digits, _ - . :"
_NAME_CLAIMS = frozenset({"name", "given_name", "family_name", "middle_name", "nickname"})
_ENTRA = "login.microsoftonline.com"
_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class ConfigError(ValueError):
    """The config file cannot be used; the message names the file, the key, the value and what was expected."""


@dataclass(frozen=True)
class ServiceConfig:
    """What the service needs from its config file besides Streamlit's own settings; no secrets are kept."""

    path: Path
    user_claim: str = DEFAULT_CLAIM
    required_claims: dict[str, str] = field(default_factory=dict)
    contact: str | None = None
    redirect_uri: str = ""
    server_metadata_url: str = ""


def read_config(path: Path | str) -> ServiceConfig:
    """The config file at `path`, checked whole; ConfigError saying the first thing wrong."""
    path = Path(path)
    document = _parse(path)
    for key in document:
        if key not in ("auth", "service"):
            raise ConfigError(f"{path}: unknown top-level key {key!r}; expected only the tables [auth] and [service]")
    auth = document.get("auth")
    if not isinstance(auth, dict):
        expected = ", ".join(REQUIRED)
        if auth is None:
            raise ConfigError(f"{path}: no [auth] table; expected one holding {expected}")
        raise ConfigError(f"{path}: auth is {_shown('auth', auth)}; expected an [auth] table holding {expected}")
    _check_keys(path, auth)
    for key in REQUIRED:
        _text(path, "[auth]", key, auth.get(key), REQUIRED[key])
    redirect_uri, metadata_url = auth["redirect_uri"], auth["server_metadata_url"]
    _url(path, "redirect_uri", redirect_uri, "/oauth2callback")
    _url(path, "server_metadata_url", metadata_url, "/.well-known/openid-configuration")
    secret = auth["cookie_secret"]
    if len(secret) < MIN_COOKIE_SECRET:
        raise ConfigError(
            f"{path}: [auth] cookie_secret is (hidden), {len(secret)} characters; expected at least "
            f'{MIN_COOKIE_SECRET} random characters; make one with: python -c "import secrets; '
            'print(secrets.token_urlsafe(32))"'
        )
    claim = auth.get("user_claim", DEFAULT_CLAIM)
    if not isinstance(claim, str) or not _CLAIM_NAME.fullmatch(claim):
        raise ConfigError(
            f"{path}: [auth] user_claim is {_shown('user_claim', claim)}; expected the name of the ID-token claim "
            f'people are known by ({_CLAIM_WORDS}), e.g. "oid" or "email"'
        )
    if claim in _NAME_CLAIMS:
        raise ConfigError(
            f'{path}: [auth] user_claim is "{claim}"; expected a claim that names one person for good, such as "oid", '
            '"sub", "email" or "preferred_username": a display name is shared and changes'
        )
    _client_kwargs(path, auth.get("client_kwargs", {}))
    required = _required_claims(path, auth.get("required_claims", {}))
    _entra_tenant(path, metadata_url, required)
    return ServiceConfig(
        path=path,
        user_claim=claim,
        required_claims=required,
        contact=_contact(path, document.get("service", {})),
        redirect_uri=redirect_uri,
        server_metadata_url=metadata_url,
    )


def configured() -> ServiceConfig | None:
    """The config `marac serve --config` gave this server (MARAC_AUTH_CONFIG), or None when sign-in is not set up."""
    path = os.environ.get(ENV)
    return read_config(path) if path else None


def warnings(config: ServiceConfig) -> list[str]:
    """What works but should be put right: a file other users can read, an identity claim Entra does not vouch for."""
    found = []
    try:
        mode = stat.S_IMODE(config.path.stat().st_mode) if os.name != "nt" else 0
    except OSError:
        mode = 0  # gone since it was read: serving will say so
    if mode & 0o077:
        found.append(
            f"{config.path} is open to other users of this machine (mode {mode:03o}), and it holds client_secret "
            f"and cookie_secret: run chmod 600 {config.path}"
        )
    if (
        urlsplit(config.server_metadata_url).hostname != _ENTRA
        and config.user_claim == "email"
        and "email_verified" not in config.required_claims
    ):
        found.append(
            f"{config.path}: people are known by their email claim; unless your provider issues only addresses it "
            'has verified, add [auth.required_claims] email_verified = "true", so nobody signs in as an address '
            "they typed"
        )
    if urlsplit(config.server_metadata_url).hostname == _ENTRA:
        if config.user_claim == "email":
            found.append(
                f"{config.path}: people are known by their email claim, which Microsoft Entra ID often leaves out and "
                'does not verify; use user_claim = "oid" (or "preferred_username") with the tenant pinned'
            )
        if "tid" not in config.required_claims:
            found.append(
                f'{config.path}: no tenant pinned; add [auth.required_claims] tid = "<tenant-id>", so only accounts '
                "of your own Microsoft Entra tenant are accepted whatever the metadata address says"
            )
    return found


def claim_problem(config: ServiceConfig, user_info: Mapping[str, Any]) -> str | None:
    """Why a signed-in person's ID-token claims (`st.user`) are not acceptable here, in words for them; else None.

    A required claim must carry exactly its configured value (a GUID in either case); a true/false or whole-number
    claim compares as its JSON text, so `email_verified = "true"` requires a verified address. The configured values
    are never shown.
    """
    if _claim_text(user_info.get(config.user_claim)) is None:
        return (
            f"Your sign-in did not include {config.user_claim}, the claim this service knows people by, so it cannot "
            "tell who you are."
        )
    for name, expected in config.required_claims.items():
        given = user_info.get(name)
        if given is None or (isinstance(given, str) and not given.strip()):
            return f"Your sign-in did not include {name}, which this service requires of every account."
        text = _claim_text(given)
        if not _same(text, expected):
            shown = f"{name} is {json.dumps(text, ensure_ascii=False)}," if text is not None else f"{name} is"
            return f"Your sign-in's {shown} not the one this service accepts: sign in with your partnership's account."
    return None


def identity(config: ServiceConfig, user_info: Mapping[str, Any]) -> str | None:
    """Who a signed-in person is here (their user_claim's value, as `marac users add --user` names them), or None
    when `claim_problem` refuses their claims: an account of another tenant has no identity to look a role up by."""
    if claim_problem(config, user_info) is not None:
        return None
    return _claim_text(user_info.get(config.user_claim))


def _same(given: str | None, expected: str) -> bool:
    """Exactly equal, or the same GUID in either case (Entra sends tid in lower case; a portal may show capitals)."""
    if given is None:
        return False
    if _GUID.fullmatch(given.lower()) and _GUID.fullmatch(expected.lower()):
        return given.lower() == expected.lower()
    return given == expected


def _claim_text(value: object) -> str | None:
    """A claim's value as text (true/false and whole numbers as JSON writes them), or None if it is none or empty."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value
    return None


def _parse(path: Path) -> dict[str, Any]:
    if path.suffix.lower() != ".toml":
        raise ConfigError(
            f"{path}: expected a file whose name ends in .toml, as Streamlit reads no other, e.g. marac.toml"
        )
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(f'{path}: no such file; the README ("Run it for your partnership") shows one') from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder; expected the config file") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from None
    if len(data) > MAX_BYTES:
        raise ConfigError(f"{path}: more than {MAX_BYTES // 1024} KB; expected a config file of a few lines")
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(f"{path}: not UTF-8 text (line {line}); expected a TOML file saved as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def _check_keys(path: Path, auth: dict[str, Any]) -> None:
    """Refuse a second provider, and any key Streamlit or this service would not use (a misspelling, say)."""
    for key, value in auth.items():
        if key in REQUIRED or key in OPTIONAL:
            continue
        if isinstance(value, dict):
            raise ConfigError(
                f"{path}: [auth.{key}] is a table of its own; this service signs people in through one provider, "
                "whose client_id, client_secret and server_metadata_url go in [auth] itself"
            )
        raise ConfigError(
            f"{path}: [auth] has the unknown key {key!r}; expected only: {', '.join([*REQUIRED, *OPTIONAL])}"
        )


def _text(path: Path, table: str, key: str, value: object, expected: str) -> None:
    if value is None:
        raise ConfigError(f"{path}: {table} has no {key}; expected {expected}")
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{path}: {table} {key} is {_shown(key, value)}; expected {expected}")


def _url(path: Path, key: str, value: str, ending: str) -> None:
    """An absolute http(s) URL ending in `ending`: https, unless only this machine can reach its host."""
    try:
        parts = urlsplit(value.replace("{port}", "8501"))  # Streamlit puts the server's port in for {port}
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        parts, host = None, None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not host
        or not parts.path.endswith(ending)
        or parts.query
        or parts.fragment
    ):
        raise ConfigError(
            f"{path}: [auth] {key} is {_shown(key, value)}; expected an absolute https URL ending in {ending}"
        )
    if parts.scheme == "http" and not _loopback(host):
        raise ConfigError(
            f"{path}: [auth] {key} is {_shown(key, value)}; expected https: plain http is only for this machine "
            "(127.0.0.1, ::1 or localhost), as sign-in codes and cookies travel over it"
        )


def _loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _required_claims(path: Path, table: object) -> dict[str, str]:
    if not isinstance(table, dict):
        raise ConfigError(
            f"{path}: [auth] required_claims is {_shown('required_claims', table)}; expected a table of claims and "
            'the exact values every sign-in must carry, e.g. [auth.required_claims] tid = "<tenant-id>"'
        )
    for name, value in table.items():
        if not _CLAIM_NAME.fullmatch(name):
            raise ConfigError(
                f"{path}: [auth.required_claims] has the key {name!r}; expected claim names ({_CLAIM_WORDS})"
            )
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(
                f"{path}: [auth.required_claims] {name} is {_shown(name, value)}; expected the exact text every "
                'sign-in\'s claim must carry, in quotes, e.g. tid = "<tenant-id>"'
            )
    return dict(table)


def _entra_tenant(path: Path, url: str, required: dict[str, str]) -> None:
    """Microsoft Entra ID: the tenant's own metadata address, not a shared one (common, organizations, consumers)
    that is for other organisations' accounts too, and the same tenant in it as in the pinned tid."""
    parts = urlsplit(url)
    if parts.hostname != _ENTRA:
        return
    tenant = parts.path.strip("/").split("/")[0].lower()
    if tenant in ("common", "organizations", "consumers"):
        raise ConfigError(
            f'{path}: [auth] server_metadata_url is {_shown("url", url)}, Microsoft Entra ID\'s shared "{tenant}" address; '
            f"expected your tenant's own: https://{_ENTRA}/<tenant-id>/v2.0/.well-known/openid-configuration"
        )
    pinned = required.get("tid", "").lower()
    if pinned and _GUID.fullmatch(tenant) and pinned != tenant:
        raise ConfigError(
            f'{path}: [auth.required_claims] tid is "{required["tid"]}" but server_metadata_url names the tenant '
            f'"{tenant}"; expected the same tenant ID in both'
        )


def _client_kwargs(path: Path, table: object) -> None:
    """Passed by Streamlit to the OpenID Connect client as they are; a scope without openid would get no ID token."""
    if not isinstance(table, dict):
        raise ConfigError(
            f"{path}: [auth] client_kwargs is {_shown('client_kwargs', table)}; expected a table, e.g. "
            '[auth.client_kwargs] scope = "openid email profile"'
        )
    scope = table.get("scope")
    if scope is not None and (not isinstance(scope, str) or "openid" not in scope.split()):
        raise ConfigError(
            f"{path}: [auth.client_kwargs] scope is {_shown('scope', scope)}; expected scopes separated by spaces, "
            'including openid (sign-in needs the ID token), e.g. "openid email profile"'
        )


def _contact(path: Path, service: object) -> str | None:
    if not isinstance(service, dict):
        raise ConfigError(f"{path}: service is {_shown('service', service)}; expected a [service] table")
    for key in service:
        if key != "contact":
            raise ConfigError(f"{path}: [service] has the unknown key {key!r}; expected only: contact")
    contact = service.get("contact")
    if contact is None:
        return None
    expected = (
        "who a signed-in person without a role should ask, as one line of text, e.g. "
        '"the MARAC coordinator team, marac@example.gov.uk"'
    )
    if not isinstance(contact, str) or not contact.strip() or any(ord(c) < 32 or ord(c) == 127 for c in contact):
        raise ConfigError(f"{path}: [service] contact is {_shown('contact', contact)}; expected {expected}")
    if len(contact) > MAX_CONTACT:
        raise ConfigError(
            f"{path}: [service] contact is {len(contact)} characters long; expected at most {MAX_CONTACT}"
        )
    return contact.strip()


def _shown(key: str, value: object) -> str:
    """A value as a refusal shows it: a secret as (hidden), text in quotes (escapes written out), else with its kind."""
    if key in SECRETS:
        return "(hidden)"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, int | float):
        return f"{value} (a number)"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return f"{value} (a date or time)"
