"""``python -m billflow.devstack COMMAND``: the pieces of ``make run``.

up                 start everything under honcho (what `make run` does)
postgres           run the embedded PostgreSQL in the foreground
localstack         run LocalStack in the foreground
mail               run the mail catcher in the foreground
prepare            wait for the servers, apply migrations, create bucket and queues
run [--prepare] -- CMD...   wait for `prepare` (or do it), then exec CMD
ready              once every service answers, print the addresses and the admin login
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from urllib.parse import urlparse

from billflow.devstack import infra
from billflow.devstack.provision import provision
from billflow.devstack.stack import (
    LOCALSTACK_PORT,
    PG_PORT,
    SMTP_PORT,
    announce_when_ready,
    up,
    var_dir,
    wait_prepared,
)


def prepare() -> None:
    """Wait for PostgreSQL and LocalStack, migrate, provision. Idempotent."""
    from billflow.platform.postgres.migrate import apply_migrations

    url = os.environ["DATABASE_URL"]
    parsed = urlparse(url)
    if parsed.hostname:
        infra.wait_for_port(parsed.hostname, parsed.port or 5432, timeout=60)
    applied = infra.retry(lambda: apply_migrations(url), attempts=50, delay=0.2)
    print(f"migrations applied: {applied or 'none pending'}", flush=True)
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    if endpoint:
        infra.wait_for_localstack(endpoint)
        print(f"provisioned: {', '.join(provision(os.environ))}", flush=True)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m billflow.devstack")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("up")
    p = sub.add_parser("postgres")
    p.add_argument("--data", type=Path, default=var_dir() / "postgres")
    p.add_argument("--port", type=int, default=PG_PORT)
    p.add_argument("--throwaway", action="store_true", help="fsync off: for test databases")
    p = sub.add_parser("localstack")
    p.add_argument("--data", type=Path, default=var_dir() / "localstack")
    p.add_argument("--port", type=int, default=LOCALSTACK_PORT)
    p = sub.add_parser("mail")
    p.add_argument("--maildir", type=Path, default=var_dir() / "mail")
    p.add_argument("--port", type=int, default=SMTP_PORT)
    sub.add_parser("prepare")
    sub.add_parser("ready")
    p = sub.add_parser("run")
    p.add_argument("--prepare", action="store_true")
    p.add_argument("cmd", nargs=argparse.REMAINDER)
    args, rest = parser.parse_known_args(argv)

    match args.command:
        case "up":
            up(rest)
        case "postgres":
            infra.exec_postgres(args.data.resolve(), args.port, durable=not args.throwaway)
        case "localstack":
            infra.exec_localstack(args.port, args.data.resolve())
        case "mail":
            infra.exec_mail_catcher(args.port, args.maildir.resolve())
        case "prepare":
            prepare()
        case "ready":
            announce_when_ready()
        case "run":
            if args.prepare:
                prepare()
                (var_dir() / "prepared").touch()
            else:
                wait_prepared(var_dir())
            cmd = [c for c in args.cmd if c != "--"]
            os.execvp(cmd[0], cmd)


main(sys.argv[1:])
