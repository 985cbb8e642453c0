"""Secrets from AWS Secrets Manager, merged into the environment once per cold start.

Two deploy-time variables, both optional (``make run`` uses neither):

- ``BILLFLOW_SECRETS_ARN``: a secret whose value is a JSON object of setting names to values
  (``BILLFLOW_JWT_SECRET``, ``SMTP_PASSWORD``, ...). They override the plain environment.
- ``BILLFLOW_DATABASE_SECRET_ARN``: the RDS-managed secret ``{"username", "password"}``; its
  password is put into ``DATABASE_URL``, which then never carries one in plain text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Protocol
from urllib.parse import quote, urlsplit, urlunsplit


class SecretsClient(Protocol):
    def get_secret_value(self, *, SecretId: str) -> Mapping[str, Any]: ...


def with_password(database_url: str, username: str | None, password: str) -> str:
    parts = urlsplit(database_url)
    user = quote(username or parts.username or "", safe="")
    host = parts.hostname or ""
    netloc = f"{user}:{quote(password, safe='')}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def environment_with_secrets(environ: Mapping[str, str], client: SecretsClient | None) -> dict[str, str]:
    """``environ`` with the secrets the two variables point at merged in."""
    env = dict(environ)
    if client is None:
        return env
    if arn := env.get("BILLFLOW_SECRETS_ARN"):
        values = json.loads(client.get_secret_value(SecretId=arn)["SecretString"])
        env.update({str(k): str(v) for k, v in values.items()})
    if (arn := env.get("BILLFLOW_DATABASE_SECRET_ARN")) and env.get("DATABASE_URL"):
        login = json.loads(client.get_secret_value(SecretId=arn)["SecretString"])
        env["DATABASE_URL"] = with_password(
            env["DATABASE_URL"], login.get("username"), str(login["password"])
        )
    return env


def lambda_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment a Lambda composition root reads: secrets merged when configured."""
    if not (environ.get("BILLFLOW_SECRETS_ARN") or environ.get("BILLFLOW_DATABASE_SECRET_ARN")):
        return dict(environ)
    import boto3  # only where secrets are configured

    client = boto3.client(
        "secretsmanager", region_name=environ.get("AWS_REGION"), endpoint_url=environ.get("AWS_ENDPOINT_URL")
    )
    return environment_with_secrets(environ, client)
