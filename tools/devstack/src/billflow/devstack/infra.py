"""Starting the local infrastructure as plain processes: PostgreSQL, LocalStack, a mail catcher.

Each ``*_argv`` function returns the command that runs one server in the foreground, so honcho
(``make run``) and the test fixtures start them the same way.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

PG_SYSTEM_USER = "pgserver"  # PostgreSQL refuses to run as root; pgserver uses this user too


def repo_root() -> Path:
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "Makefile").exists() and (parent / "services").is_dir():
            return parent
    return Path.cwd()


def localstack_python() -> str:
    return os.environ.get("BILLFLOW_LOCALSTACK_PYTHON") or str(repo_root() / ".venv-localstack/bin/python")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_bin(name: str) -> str:
    # pgserver ships PostgreSQL 16 binaries inside its wheel; we run them in the foreground
    # ourselves (pgserver's own API daemonises and listens on a Unix socket only). Importing it
    # asks platformdirs for a runtime folder it never uses here, which warns when the machine has
    # no XDG_RUNTIME_DIR (a root shell, CI): that one warning is not the user's concern.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        from pgserver._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


def _pg_user() -> pwd.struct_passwd | None:
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(PG_SYSTEM_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", PG_SYSTEM_USER], check=True)
        return pwd.getpwnam(PG_SYSTEM_USER)


def init_postgres(data_dir: Path) -> None:
    """initdb once, owned by the user PostgreSQL will run as."""
    user = _pg_user()
    data_dir.mkdir(parents=True, exist_ok=True)
    if user:
        shutil.chown(data_dir, user.pw_uid, user.pw_gid)
    data_dir.chmod(0o700)
    if not (data_dir / "PG_VERSION").exists():
        subprocess.run(
            [
                _pg_bin("initdb"),
                "-D",
                str(data_dir),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--no-instructions",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            user=user.pw_uid if user else None,
            group=user.pw_gid if user else None,
        )


def exec_postgres(data_dir: Path, port: int, *, durable: bool = True) -> None:
    """Replace this process by PostgreSQL on 127.0.0.1:``port`` (signals go straight to it).

    ``durable=False`` turns fsync off: for throwaway test databases only.
    """
    init_postgres(data_dir)
    argv = [
        _pg_bin("postgres"),
        "-D",
        str(data_dir),
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
        "-k",
        str(data_dir),
        "-c",
        "max_connections=200",
    ]
    if not durable:
        argv += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
    user = _pg_user()
    if user:  # last: after this, root's files (this Python's standard library) may be unreadable
        os.setgid(user.pw_gid)
        os.setuid(user.pw_uid)
    os.execv(argv[0], argv)


def localstack_env(port: int, data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "GATEWAY_LISTEN": f"127.0.0.1:{port}",
        "SERVICES": "s3,sqs,ses,events",
        "LOCALSTACK_VOLUME_DIR": str(data_dir),
        "DNS_ADDRESS": "0",  # no DNS server of its own; nothing here needs one
        "SKIP_SSL_CERT_DOWNLOAD": "1",
        "DISABLE_EVENTS": "1",  # no analytics calls home
        "SQS_ENDPOINT_STRATEGY": "path",  # queue URLs on the gateway's own host and port
    }


def exec_localstack(port: int, data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    python = localstack_python()
    if not Path(python).exists():
        sys.exit(f"LocalStack is not installed at {python}: run `make setup` first")
    # `make run` only: LocalStack logs a line per request at INFO, so every long poll of every
    # queue would fill the terminal. Warnings and errors still show; LS_LOG=info brings it back.
    env = {**localstack_env(port, data_dir), "LS_LOG": os.environ.get("LS_LOG", "warn")}
    os.execve(python, [python, "-m", "localstack.runtime.main"], env)


def exec_mail_catcher(port: int, maildir: Path) -> None:
    """A real SMTP server (aiosmtpd) that files every message it accepts in a Maildir."""
    for sub in ("tmp", "new", "cur"):  # a Maildir; aiosmtpd creates them only for a new folder
        (maildir / sub).mkdir(parents=True, exist_ok=True)
    os.execv(
        sys.executable,
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{port}",
            "-c",
            "aiosmtpd.handlers.Mailbox",
            str(maildir),
        ],
    )


def retry(fn: Callable[[], T], *, attempts: int, delay: float) -> T:
    """Call ``fn`` until it returns, at most ``attempts`` times (a server that accepts TCP before
    it accepts logins, a LocalStack still starting)."""
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except Exception:
            if attempt == attempts:
                raise
            time.sleep(delay)
    raise AssertionError("unreachable")


def wait_for_port(host: str, port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((host, port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing listens on {host}:{port} after {timeout}s") from None
            time.sleep(0.1)


def wait_for_localstack(endpoint: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{endpoint}/_localstack/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"LocalStack at {endpoint} is not healthy after {timeout}s")
        time.sleep(0.2)
