"""Finding secrets in the services' logs.

The e2e session's standing secrets (the admin's and the users' passwords, the JWT secret, the
admin's token, any real SMTP or AWS secret) are the same for every test, so both the e2e test that
makes its own hostile traffic and the check at the end of the e2e session search for them.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from tests.support.system import RunningSystem
from tests.support.users import PASSWORD

# LocalStack's "test" keys and other placeholders are too short to search for without matching
# ordinary words.
_SHORTEST_SEARCHABLE = 8


def standing_secrets(system: RunningSystem, admin_token: str) -> dict[str, str]:
    """What must never be logged, whichever test made the traffic: named for the report."""
    secrets = {
        "admin password": system.env["BILLFLOW_ADMIN_PASSWORD"],
        "users' password": PASSWORD,
        "JWT secret": system.env["BILLFLOW_JWT_SECRET"],
        "the admin's token": admin_token,
    }
    for name in ("SMTP_PASSWORD", "AWS_SECRET_ACCESS_KEY"):
        if len(system.env.get(name, "")) >= _SHORTEST_SEARCHABLE:
            secrets[name] = system.env[name]
    return secrets


def service_logs(log_dir: Path) -> dict[str, str]:
    """Every service log so far, by file name."""
    return {path.name: path.read_text(errors="replace") for path in log_dir.glob("*.log")}


def leaks(secrets: Mapping[str, str], logs: Mapping[str, str]) -> list[tuple[str, str]]:
    """(secret's name, log's name) for each secret found in a log."""
    return [(what, log) for what, value in secrets.items() for log, text in logs.items() if value in text]
