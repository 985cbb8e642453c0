"""``make run``: decide which local servers to start, write their environment, hand over to honcho.

Anything already configured wins: with ``DATABASE_URL``, ``AWS_ENDPOINT_URL`` or ``SMTP_HOST`` set,
that server is used and ours is not started.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import sys
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path

from billflow.devstack import infra

PG_PORT = 15432
LOCALSTACK_PORT = 4566
SMTP_PORT = 1025


def var_dir() -> Path:
    return infra.repo_root() / "var"


def _jwt_secret(var: Path) -> str:
    # Stable across restarts of `make run`, so tokens survive an API restart; never committed.
    path = var / "jwt-secret"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def local_environment(environ: Mapping[str, str], var: Path) -> tuple[dict[str, str], list[str]]:
    """The variables our own servers need, skipping any the user set; and which servers to start."""
    env: dict[str, str] = {}
    servers: list[str] = []
    if not environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:{PG_PORT}/postgres"
        servers.append("postgres")
    if not environ.get("AWS_ENDPOINT_URL"):
        env["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{LOCALSTACK_PORT}"
        env["AWS_ACCESS_KEY_ID"] = "test"  # LocalStack accepts any credentials
        env["AWS_SECRET_ACCESS_KEY"] = "test"
        servers.append("localstack")
    if not environ.get("SMTP_HOST"):
        env["SMTP_HOST"] = "127.0.0.1"
        env["SMTP_PORT"] = str(SMTP_PORT)
        servers.append("mail")
    defaults = {
        "AWS_REGION": "eu-west-1",
        "BILLFLOW_ADMIN_EMAIL": "admin@billflow.localhost",
        "BILLFLOW_ADMIN_PASSWORD": "billflow-admin",
        "BILLFLOW_JWT_SECRET": _jwt_secret(var),
        "BILLFLOW_LOG_LEVEL": "INFO",
        "BILLFLOW_WEBHOOKS_ALLOW_LOOPBACK": "true",  # http://127.0.0.1:<port> receivers, for trying it out
        "PYTHONUNBUFFERED": "1",
    }
    env.update({k: v for k, v in defaults.items() if not environ.get(k)})
    return env, servers


def up(extra_args: list[str]) -> None:
    var = var_dir()
    var.mkdir(exist_ok=True)
    env, servers = local_environment(os.environ, var)
    env_file = var / "run.env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in env.items()))
    env_file.chmod(0o600)
    (var / "prepared").unlink(missing_ok=True)
    print("Billflow is starting; the addresses follow once every service answers.", flush=True)
    honcho = shutil.which("honcho", path=str(Path(sys.executable).parent)) or "honcho"
    procfile = infra.repo_root() / "Procfile"
    processes = [*servers, *application_processes(procfile)]
    os.execv(
        honcho,
        [
            honcho,
            "-f",
            str(procfile),
            "-d",
            str(infra.repo_root()),
            "-e",
            str(env_file),
            "start",
            *extra_args,
            *processes,
        ],
    )


INFRASTRUCTURE = {"postgres", "localstack", "mail"}


def application_processes(procfile: Path) -> list[str]:
    """Every Procfile entry that is not one of our local servers: the services, all of them, and
    ``ready`` (which prints the addresses once they answer)."""
    names = [line.split(":", 1)[0].strip() for line in procfile.read_text().splitlines() if ":" in line]
    return [name for name in names if name and not name.startswith("#") and name not in INFRASTRUCTURE]


def wait_prepared(var: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not (var / "prepared").exists():
        if time.monotonic() > deadline:
            sys.exit("the API's set-up step did not finish in time")
        time.sleep(0.2)


def health_ports(procfile: Path) -> list[int]:
    """The workers' health ports, as the Procfile gives them (``BILLFLOW_HEALTH_PORT=...``)."""
    return [int(p) for p in re.findall(r"BILLFLOW_HEALTH_PORT=(\d+)", procfile.read_text())]


def health_urls(api_port: str, procfile: Path) -> list[str]:
    """What ``ready`` waits for: the API's /health, and each worker's /readyz (the worker kit's
    health server, billflow.platform.health, serves /livez, /readyz and /metrics, no /health)."""
    return [
        f"http://127.0.0.1:{api_port}/health",
        *(f"http://127.0.0.1:{p}/readyz" for p in health_ports(procfile)),
    ]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return bool(r.status == 200)
    except OSError:
        return False


def ready_banner(environ: Mapping[str, str], var: Path, mail_here: bool) -> str:
    port = environ.get("BILLFLOW_API_PORT", "8000")
    api = f"http://127.0.0.1:{port}"
    smtp = f"{environ.get('SMTP_HOST')}:{environ.get('SMTP_PORT', '25')}"
    mail = f"{var / 'mail' / 'new'} (one file per email; SMTP {smtp})" if mail_here else f"sent to {smtp}"
    password = (
        "billflow-admin"
        if environ.get("BILLFLOW_ADMIN_PASSWORD") == "billflow-admin"
        else "(BILLFLOW_ADMIN_PASSWORD)"
    )
    return (
        "\nBillflow is ready.\n"
        f"  API           {api}\n"
        f"  API docs      {api}/docs\n"
        f"  Web pages     {api}/app\n"
        f"  Caught mail   {mail}\n"
        f"  Log in with   {environ.get('BILLFLOW_ADMIN_EMAIL')} / {password}\n"
        "  Ctrl-C stops everything.\n"
    )


def announce_when_ready(timeout: float = 600) -> None:
    """Wait until the API and every worker answer their health checks, print the addresses and the
    admin login once, then stay (honcho stops everything when one of its processes ends)."""
    var = var_dir()
    procfile = infra.repo_root() / "Procfile"
    port = os.environ.get("BILLFLOW_API_PORT", "8000")
    urls = health_urls(port, procfile)
    deadline = time.monotonic() + timeout
    while not all(_answers(u) for u in urls):
        if time.monotonic() > deadline:
            print(f"not every service answered within {timeout:.0f} s: see the log above", flush=True)
            break
        time.sleep(0.5)
    else:
        mail_here = os.environ.get("SMTP_HOST") == "127.0.0.1" and os.environ.get("SMTP_PORT") == str(
            SMTP_PORT
        )
        print(ready_banner(os.environ, var, mail_here), flush=True)
    while True:
        time.sleep(3600)
