"""The service's config file: a good one read back, each refusal in its own words (never a secret's value), the
warnings, and which signed-in people's claims are accepted (Microsoft Entra ID's, including another tenant's)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from loaders.service_config import (
    ConfigError,
    ServiceConfig,
    claim_problem,
    configured,
    identity,
    read_config,
    warnings,
)

TENANT = "8f14e45f-ceea-467f-a8c4-5e3a5d0d8c21"
OTHER_TENANT = "c9f0f895-fb98-4b9d-8a1a-0c0e0d0b0a09"
SECRET = "k3Q9xV2mT7pL0sR4wZ8yB1nC6dF5gH2jK9qW3eR7tY0"  # 43 characters, as token_urlsafe(32) makes
CLIENT_SECRET = "Zx8~Q.client-secret-value"
METADATA = f"https://login.microsoftonline.com/{TENANT}/v2.0/.well-known/openid-configuration"
ENTRA = f"""\
[auth]
redirect_uri = "https://marac.example.gov.uk/oauth2callback"
cookie_secret = "{SECRET}"
client_id = "0a1b2c3d-0000-4000-8000-00000000abcd"
client_secret = "{CLIENT_SECRET}"
server_metadata_url = "{METADATA}"
user_claim = "oid"

[auth.required_claims]
tid = "{TENANT}"

[service]
contact = "the MARAC coordinator team, marac@example.gov.uk"
"""
#: a signed-in Entra account of the partnership's tenant, as st.user holds its ID token's claims
PERSON = {
    "is_logged_in": True,
    "iss": f"https://login.microsoftonline.com/{TENANT}/v2.0",
    "aud": "0a1b2c3d-0000-4000-8000-00000000abcd",
    "exp": 1_900_000_000,
    "sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
    "tid": TENANT,
    "oid": "00000000-0000-0000-66f3-3332eca7ea81",
    "preferred_username": "jo.bloggs@example.gov.uk",
    "name": "Jo Bloggs",
}


def write(tmp_path: Path, text: str, name: str = "marac.toml", mode: int = 0o600) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def refusal(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        read_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert SECRET not in message and CLIENT_SECRET not in message
    return message.removeprefix(f"{path}: ")


def test_an_entra_config_reads_back(tmp_path: Path) -> None:
    path = write(tmp_path, ENTRA)
    config = read_config(path)
    assert config == ServiceConfig(
        path=path,
        user_claim="oid",
        required_claims={"tid": TENANT},
        contact="the MARAC coordinator team, marac@example.gov.uk",
        redirect_uri="https://marac.example.gov.uk/oauth2callback",
        server_metadata_url=METADATA,
    )
    assert SECRET not in repr(config) and CLIENT_SECRET not in repr(config)
    assert warnings(config) == []


def test_the_optional_parts_default(tmp_path: Path) -> None:
    """A provider on this machine (as the browser tests run one): plain http, {port} for the server's port."""
    text = (
        '[auth]\nredirect_uri = "http://localhost:{port}/oauth2callback"\n'
        f'cookie_secret = "{SECRET}"\nclient_id = "marac"\nclient_secret = "{CLIENT_SECRET}"\n'
        'server_metadata_url = "http://127.0.0.1:9400/.well-known/openid-configuration"\n'
    )
    path = write(tmp_path, text)
    assert read_config(path) == ServiceConfig(
        path=path,
        user_claim="email",
        required_claims={},
        contact=None,
        redirect_uri="http://localhost:{port}/oauth2callback",
        server_metadata_url="http://127.0.0.1:9400/.well-known/openid-configuration",
    )


def test_configured_reads_the_file_serve_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MARAC_AUTH_CONFIG", raising=False)
    assert configured() is None
    monkeypatch.setenv("MARAC_AUTH_CONFIG", str(write(tmp_path, ENTRA)))
    assert configured() is not None and configured().user_claim == "oid"


def test_the_file_itself(tmp_path: Path) -> None:
    missing = tmp_path / "absent.toml"
    for path, expected in (
        (missing, f'{missing}: no such file; the README ("Run it for your partnership") shows one'),
        (
            write(tmp_path, ENTRA, name="marac.ini"),
            f"{tmp_path / 'marac.ini'}: expected a file whose name ends in .toml, as Streamlit reads no other, "
            "e.g. marac.toml",
        ),
        (
            write(tmp_path, "x" * 70_000, name="big.toml"),
            f"{tmp_path / 'big.toml'}: more than 64 KB; expected a config file of a few lines",
        ),
    ):
        with pytest.raises(ConfigError) as caught:
            read_config(path)
        assert str(caught.value) == expected
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    with pytest.raises(ConfigError) as caught:
        read_config(folder)
    assert str(caught.value) == f"{folder}: is a folder; expected the config file"
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b'[service]\ncontact = "caf\xe9"\n')
    with pytest.raises(ConfigError) as caught:
        read_config(latin)
    assert str(caught.value) == f"{latin}: not UTF-8 text (line 2); expected a TOML file saved as UTF-8"


def test_an_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, ENTRA)

    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refused)  # as for a file of another user's (root reads any, so not chmod)
    with pytest.raises(ConfigError) as caught:
        read_config(path)
    assert str(caught.value) == f"{path}: cannot be read (Permission denied)"


def test_toml_errors_give_line_and_column(tmp_path: Path) -> None:
    assert refusal(tmp_path, ENTRA.replace("client_id = ", "client_id ", 1)) == (
        "not valid TOML: Expected '=' after a key in a key/value pair (at line 4, column 11)"
    )


def test_the_tables(tmp_path: Path) -> None:
    assert refusal(tmp_path, "[service]\ncontact = 'x'\n") == (
        "no [auth] table; expected one holding redirect_uri, cookie_secret, client_id, client_secret, "
        "server_metadata_url"
    )
    assert refusal(tmp_path, 'auth = "yes"\n') == (
        'auth is "yes"; expected an [auth] table holding redirect_uri, cookie_secret, client_id, client_secret, '
        "server_metadata_url"
    )
    # Streamlit would put a top-level string into every process's environment
    assert refusal(tmp_path, 'API_KEY = "x"\n' + ENTRA) == (
        "unknown top-level key 'API_KEY'; expected only the tables [auth] and [service]"
    )
    assert (
        refusal(tmp_path, ENTRA + 'theme = "dark"\n') == "[service] has the unknown key 'theme'; expected only: contact"
    )


def test_one_provider_only_and_no_unknown_keys(tmp_path: Path) -> None:
    google = '\n[auth.google]\nclient_id = "x"\nclient_secret = "y"\n'
    assert refusal(tmp_path, ENTRA.replace("\n[auth.required_claims]", google + "\n[auth.required_claims]")) == (
        "[auth.google] is a table of its own; this service signs people in through one provider, whose client_id, "
        "client_secret and server_metadata_url go in [auth] itself"
    )
    assert refusal(tmp_path, ENTRA.replace('user_claim = "oid"', 'user_clam = "oid"')) == (
        "[auth] has the unknown key 'user_clam'; expected only: redirect_uri, cookie_secret, client_id, client_secret, "
        "server_metadata_url, user_claim, required_claims, client_kwargs"
    )
    assert refusal(tmp_path, ENTRA.replace('user_claim = "oid"', 'expose_tokens = "id"')).startswith(
        "[auth] has the unknown key 'expose_tokens'; expected only: "
    )


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (
            "redirect_uri",
            "the address the identity provider sends people back to: this service's own https address ending in "
            "/oauth2callback, e.g. https://marac.example.gov.uk/oauth2callback",
        ),
        (
            "cookie_secret",
            "a random string of at least 32 characters that signs the sign-in cookie; make one with: "
            'python -c "import secrets; print(secrets.token_urlsafe(32))"',
        ),
        ("client_id", "the application (client) ID of this service's registration with the identity provider"),
        ("client_secret", "the client secret of this service's registration with the identity provider"),
        (
            "server_metadata_url",
            "the provider's OpenID configuration address, an https URL ending in /.well-known/openid-configuration",
        ),
    ],
)
def test_each_required_key_missing_or_empty(tmp_path: Path, key: str, expected: str) -> None:
    lines = ENTRA.splitlines(keepends=True)
    (line,) = [x for x in lines if x.startswith(f"{key} = ")]
    assert refusal(tmp_path, ENTRA.replace(line, "")) == f"[auth] has no {key}; expected {expected}"
    shown = "(hidden)" if "secret" in key else '""'
    assert refusal(tmp_path, ENTRA.replace(line, f'{key} = ""\n')) == f"[auth] {key} is {shown}; expected {expected}"
    assert refusal(tmp_path, ENTRA.replace(line, f"{key} = 42\n")) == (
        f"[auth] {key} is {'(hidden)' if 'secret' in key else '42 (a number)'}; expected {expected}"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("marac.example.gov.uk/oauth2callback", "expected an absolute https URL ending in /oauth2callback"),
        ("https://marac.example.gov.uk/", "expected an absolute https URL ending in /oauth2callback"),
        ("https://marac.example.gov.uk/oauth2callback?x=1", "expected an absolute https URL ending in /oauth2callback"),
        ("ftp://marac.example.gov.uk/oauth2callback", "expected an absolute https URL ending in /oauth2callback"),
        (
            "https://marac.example.gov.uk:port/oauth2callback",
            "expected an absolute https URL ending in /oauth2callback",
        ),
        (
            "http://marac.example.gov.uk/oauth2callback",
            "expected https: plain http is only for this machine (127.0.0.1, ::1 or localhost), as sign-in codes and "
            "cookies travel over it",
        ),
        (
            "http://192.168.1.20:8501/oauth2callback",
            "expected https: plain http is only for this machine (127.0.0.1, ::1 or localhost), as sign-in codes and "
            "cookies travel over it",
        ),
    ],
)
def test_redirect_uri(tmp_path: Path, value: str, expected: str) -> None:
    text = ENTRA.replace("https://marac.example.gov.uk/oauth2callback", value)
    assert refusal(tmp_path, text) == f'[auth] redirect_uri is "{value}"; {expected}'


@pytest.mark.parametrize(
    "value",
    ["http://127.0.0.1:8501/oauth2callback", "http://localhost:{port}/oauth2callback", "http://[::1]:9/oauth2callback"],
)
def test_plain_http_is_for_this_machine(tmp_path: Path, value: str) -> None:
    text = ENTRA.replace("https://marac.example.gov.uk/oauth2callback", value)
    assert read_config(write(tmp_path, text)).redirect_uri == value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            f"https://login.microsoftonline.com/{TENANT}/oauth2/v2.0/authorize",
            "; expected an absolute https URL ending in /.well-known/openid-configuration",
        ),
        (
            "http://idp.example.gov.uk/.well-known/openid-configuration",
            "; expected https: plain http is only for this machine (127.0.0.1, ::1 or localhost), as sign-in codes "
            "and cookies travel over it",
        ),
        (
            "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration",
            ", Microsoft Entra ID's shared \"common\" address; expected your tenant's own: "
            "https://login.microsoftonline.com/<tenant-id>/v2.0/.well-known/openid-configuration",
        ),
    ],
)
def test_server_metadata_url(tmp_path: Path, value: str, expected: str) -> None:
    assert refusal(tmp_path, ENTRA.replace(METADATA, value)) == f'[auth] server_metadata_url is "{value}"{expected}'


def test_the_pinned_tenant_is_the_metadata_urls(tmp_path: Path) -> None:
    assert refusal(tmp_path, ENTRA.replace(f'tid = "{TENANT}"', f'tid = "{OTHER_TENANT}"')) == (
        f'[auth.required_claims] tid is "{OTHER_TENANT}" but server_metadata_url names the tenant "{TENANT}"; '
        "expected the same tenant ID in both"
    )
    upper = read_config(write(tmp_path, ENTRA.replace(f'tid = "{TENANT}"', f'tid = "{TENANT.upper()}"')))
    assert upper.required_claims == {"tid": TENANT.upper()}
    assert claim_problem(upper, PERSON) is None  # Entra sends it in lower case: the same tenant


def test_a_short_cookie_secret_is_refused_without_showing_it(tmp_path: Path) -> None:
    assert refusal(tmp_path, ENTRA.replace(SECRET, SECRET[:20])) == (
        "[auth] cookie_secret is (hidden), 20 characters; expected at least 32 random characters; make one with: "
        'python -c "import secrets; print(secrets.token_urlsafe(32))"'
    )
    assert SECRET[:20] not in refusal(tmp_path, ENTRA.replace(SECRET, SECRET[:20]))


def test_user_claim(tmp_path: Path) -> None:
    assert refusal(tmp_path, ENTRA.replace('user_claim = "oid"', 'user_claim = "o id"')) == (
        '[auth] user_claim is "o id"; expected the name of the ID-token claim people are known by '
        '(letters, digits, _ - . :), e.g. "oid" or "email"'
    )
    assert refusal(tmp_path, ENTRA.replace('user_claim = "oid"', "user_claim = true")).startswith(
        "[auth] user_claim is true (true/false); expected the name"
    )
    assert refusal(tmp_path, ENTRA.replace('user_claim = "oid"', 'user_claim = "name"')) == (
        '[auth] user_claim is "name"; expected a claim that names one person for good, such as "oid", "sub", '
        '"email" or "preferred_username": a display name is shared and changes'
    )
    for claim in ("preferred_username", "sub", "email", "extension_EmployeeId", "urn:zitadel:iam:user:id"):
        text = ENTRA.replace('user_claim = "oid"', f'user_claim = "{claim}"')
        assert read_config(write(tmp_path, text)).user_claim == claim


def test_required_claims(tmp_path: Path) -> None:
    assert refusal(tmp_path, ENTRA.replace("[auth.required_claims]\n", 'required_claims = "tid"\n[x]\n')).startswith(
        "unknown top-level key 'x'"
    )
    text = ENTRA.replace(f'[auth.required_claims]\ntid = "{TENANT}"\n', 'required_claims = ["tid"]\n')
    assert refusal(tmp_path, text) == (
        "[auth] required_claims is a list; expected a table of claims and the exact values every sign-in must carry, "
        'e.g. [auth.required_claims] tid = "<tenant-id>"'
    )
    assert refusal(tmp_path, ENTRA.replace(f'tid = "{TENANT}"', "tid = 7")) == (
        "[auth.required_claims] tid is 7 (a number); expected the exact text every sign-in's claim must carry, in "
        'quotes, e.g. tid = "<tenant-id>"'
    )
    assert refusal(tmp_path, ENTRA.replace(f'tid = "{TENANT}"', '"t id" = "x"')) == (
        "[auth.required_claims] has the key 't id'; expected claim names (letters, digits, _ - . :)"
    )


def test_client_kwargs(tmp_path: Path) -> None:
    good = ENTRA.replace("[service]", '[auth.client_kwargs]\nscope = "openid profile"\nprompt = "login"\n\n[service]')
    assert read_config(write(tmp_path, good)).user_claim == "oid"
    assert refusal(tmp_path, good.replace('"openid profile"', '"profile email"')) == (
        '[auth.client_kwargs] scope is "profile email"; expected scopes separated by spaces, including openid '
        '(sign-in needs the ID token), e.g. "openid email profile"'
    )
    assert refusal(tmp_path, ENTRA.replace('user_claim = "oid"', 'user_claim = "oid"\nclient_kwargs = "x"')) == (
        '[auth] client_kwargs is "x"; expected a table, e.g. [auth.client_kwargs] scope = "openid email profile"'
    )


def test_contact(tmp_path: Path) -> None:
    expected = (
        "expected who a signed-in person without a role should ask, as one line of text, e.g. "
        '"the MARAC coordinator team, marac@example.gov.uk"'
    )
    contact = 'contact = "the MARAC coordinator team, marac@example.gov.uk"'
    assert refusal(tmp_path, ENTRA.replace(contact, 'contact = "two\\nlines"')) == (
        f'[service] contact is "two\\nlines"; {expected}'
    )
    assert refusal(tmp_path, ENTRA.replace(contact, 'contact = "  "')) == f'[service] contact is "  "; {expected}'
    assert refusal(tmp_path, ENTRA.replace(contact, f'contact = "{"x" * 301}"')) == (
        "[service] contact is 301 characters long; expected at most 300"
    )
    assert refusal(tmp_path, 'service = "x"\n' + ENTRA.replace("[service]\n" + contact, "")) == (
        'service is "x"; expected a [service] table'
    )
    assert read_config(write(tmp_path, ENTRA.replace(contact, f'contact = "{"x" * 300}"'))).contact == "x" * 300


# --------------------------------------------------------------------------- warnings


def test_a_file_other_users_can_read_is_warned_of(tmp_path: Path) -> None:
    path = write(tmp_path, ENTRA, mode=0o644)
    assert warnings(read_config(path)) == [
        f"{path} is open to other users of this machine (mode 644), and it holds client_secret and cookie_secret: "
        f"run chmod 600 {path}"
    ]


def test_entra_without_a_stable_claim_or_a_pinned_tenant_is_warned_of(tmp_path: Path) -> None:
    text = ENTRA.replace('user_claim = "oid"\n', "").replace(f'[auth.required_claims]\ntid = "{TENANT}"\n', "")
    path = write(tmp_path, text)
    assert warnings(read_config(path)) == [
        f"{path}: people are known by their email claim, which Microsoft Entra ID often leaves out and does not "
        'verify; use user_claim = "oid" (or "preferred_username") with the tenant pinned',
        f'{path}: no tenant pinned; add [auth.required_claims] tid = "<tenant-id>", so only accounts of your own '
        "Microsoft Entra tenant are accepted whatever the metadata address says",
    ]
    keycloak = text.replace(METADATA, "https://sso.example.gov.uk/realms/marac/.well-known/openid-configuration")
    assert warnings(read_config(path := write(tmp_path, keycloak))) == [
        f"{path}: people are known by their email claim; unless your provider issues only addresses it has verified, "
        'add [auth.required_claims] email_verified = "true", so nobody signs in as an address they typed'
    ]
    verified = keycloak + '[auth.required_claims]\nemail_verified = "true"\n'
    assert warnings(read_config(write(tmp_path, verified))) == []


# --------------------------------------------------------------------------- claims


@pytest.fixture
def entra(tmp_path: Path) -> ServiceConfig:
    return read_config(write(tmp_path, ENTRA))


def test_a_partnership_account_is_known_by_its_oid(entra: ServiceConfig) -> None:
    assert claim_problem(entra, PERSON) is None
    assert identity(entra, PERSON) == "00000000-0000-0000-66f3-3332eca7ea81"


def test_another_tenants_account_is_refused_and_has_no_identity(entra: ServiceConfig) -> None:
    visitor = {**PERSON, "tid": OTHER_TENANT}
    assert claim_problem(entra, visitor) == (
        f'Your sign-in\'s tid is "{OTHER_TENANT}", not the one this service accepts: sign in with your '
        "partnership's account."
    )
    assert TENANT not in claim_problem(entra, visitor)
    assert identity(entra, visitor) is None


@pytest.mark.parametrize("missing", [None, "", "   "])
def test_a_sign_in_without_the_claims(entra: ServiceConfig, missing: str | None) -> None:
    without_oid = {k: v for k, v in PERSON.items() if k != "oid"} | ({"oid": missing} if missing is not None else {})
    assert claim_problem(entra, without_oid) == (
        "Your sign-in did not include oid, the claim this service knows people by, so it cannot tell who you are."
    )
    assert identity(entra, without_oid) is None
    without_tid = {k: v for k, v in PERSON.items() if k != "tid"} | ({"tid": missing} if missing is not None else {})
    assert claim_problem(entra, without_tid) == (
        "Your sign-in did not include tid, which this service requires of every account."
    )
    assert identity(entra, without_tid) is None


def test_true_false_claims_compare_as_json_writes_them(tmp_path: Path) -> None:
    text = ENTRA.replace('user_claim = "oid"', 'user_claim = "email"').replace(
        f'tid = "{TENANT}"', f'tid = "{TENANT}"\nemail_verified = "true"'
    )
    config = read_config(write(tmp_path, text))
    person = {**PERSON, "email": "jo.bloggs@example.gov.uk", "email_verified": True}
    assert identity(config, person) == "jo.bloggs@example.gov.uk"
    assert claim_problem(config, {**person, "email_verified": False}) == (
        'Your sign-in\'s email_verified is "false", not the one this service accepts: sign in with your '
        "partnership's account."
    )
    assert claim_problem(config, {**person, "email_verified": ["true"]}) == (
        "Your sign-in's email_verified is not the one this service accepts: sign in with your partnership's account."
    )


# --------------------------------------------------------------------------- the README


def test_the_readmes_config_file_reads_and_every_key_is_described(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## Run it for your partnership\n")[1].split("\n## ")[0]
    example = section.split("```toml\n")[1].split("```")[0]
    text = example.replace("<tenant-id>", TENANT).replace('"..."', f'"{SECRET}"')
    config = read_config(write(tmp_path, text))
    assert (config.user_claim, config.required_claims, warnings(config)) == ("oid", {"tid": TENANT}, [])
    described = set(re.findall(r"^\| `([^`]+)`", section, flags=re.M))
    assert described == {
        "redirect_uri",
        "cookie_secret",
        "client_id",
        "server_metadata_url",
        "user_claim",
        "[auth.required_claims]",
        "[auth.client_kwargs]",
        "[service] contact",
    }
    assert "| `client_id`, `client_secret` |" in section
