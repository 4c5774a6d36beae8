"""What the sign-in gate costs a page run: the Regional overview run warm, without sign-in and signed in.

Every run works out its person again on the server (dashboard.access: the config file's stat, the ID token's claims,
the role looked up in the users read once per database version), and pages ask whether figures are published many
times a run. This measures whether that is noticeable: the same warm page run without sign-in (the local admin),
signed in as an analyst (the same exact figures) and as a viewer (published figures), each run REPEAT times in one
AppTest session after a first run that fills the caches; medians and the slowest printed.

Run: `python benchmarks/sign_in_cost.py [--db PATH] [--repeat N]` (default: a synthetic demo database built in a
temporary folder). Results go in docs/performance.md by hand.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from loaders import users  # noqa: E402

APP = str(ROOT / "dashboard" / "launch" / "streamlit_app.py")
CONFIG = """[auth]
redirect_uri = "http://127.0.0.1:8501/oauth2callback"
cookie_secret = "{secret}"
client_id = "marac-benchmark"
client_secret = "not-a-secret"
server_metadata_url = "http://127.0.0.1:9400/.well-known/openid-configuration"
user_claim = "email"
"""


def timed_runs(user: dict | None, repeat: int) -> list[float]:
    at = AppTest.from_file(APP, default_timeout=300)
    if user is not None:
        at.user = user
    at.run()  # fills the caches: not counted
    assert not at.exception, [e.value for e in at.exception]
    seconds = []
    for _ in range(repeat):
        began = time.perf_counter()
        at.run()
        seconds.append(time.perf_counter() - began)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a database to copy (default: build the synthetic demo)")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="marac-sign-in-") as folder:
        db = Path(folder) / "bench.duckdb"
        if args.db:
            db.write_bytes(args.db.read_bytes())
        else:
            subprocess.run([sys.executable, "-m", "marac_cli.main", "demo", "--db", str(db)], cwd=ROOT, check=True)
        users.add_user(db, "analyst@example.org", "analyst", who="benchmark")
        users.add_user(db, "viewer@example.org", "viewer", who="benchmark")
        config = Path(folder) / "marac.toml"
        config.write_text(CONFIG.format(secret="b" * 40))
        os.environ["MARAC_DB"] = str(db)
        expires = time.time() + 3600
        rows = [("without sign-in (local admin)", None, False)]
        rows += [
            (f"signed in, {role}", {"is_logged_in": True, "email": f"{role}@example.org", "exp": expires}, True)
            for role in ("analyst", "viewer")
        ]
        print(f"Regional overview, warm page runs, {args.repeat} each:")
        for label, user, signed in rows:
            if signed:
                os.environ["MARAC_AUTH_CONFIG"] = str(config)
            else:
                os.environ.pop("MARAC_AUTH_CONFIG", None)
            seconds = timed_runs(user, args.repeat)
            print(
                f"  {label:32} median {statistics.median(seconds) * 1000:6.1f} ms   slowest {max(seconds) * 1000:6.1f} ms"
            )


if __name__ == "__main__":
    main()
