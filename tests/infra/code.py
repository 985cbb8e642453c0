"""What the code reads, for the contract tests: environment names, defaults, per-service settings."""

from __future__ import annotations

import dataclasses
import importlib
import typing
from typing import Any

import msgspec

from billflow.platform import settings
from billflow.platform.settings import DeploySecretsSettings

# Names that exist only in the deployment, not in shared/platform settings.py. Keep this list
# short (empty is best); docs/deploy.md explains each one.
DEPLOY_ONLY_NAMES: dict[str, str] = {}

# Read by the AWS SDK or the interpreter, not by our settings; set where `make run` sets them.
STANDARD_NAMES = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "PYTHONUNBUFFERED"}

# Service key (as in Terraform) -> the package whose composition root reads its settings.
SERVICE_PACKAGES = {
    "api": "billflow.api",
    "pdf_worker": "billflow.pdf_worker",
    "emailer": "billflow.emailer",
    "extractor": "billflow.extractor",
    "webhooks": "billflow.webhooks",
    "planner": "billflow.api.planner",
}


def settings_structs() -> list[type[msgspec.Struct]]:
    return [
        value
        for value in vars(settings).values()
        if isinstance(value, type)
        and issubclass(value, msgspec.Struct)
        and value.__module__ == settings.__name__
    ]


def names_of(struct: type[msgspec.Struct]) -> set[str]:
    return {field.encode_name for field in msgspec.structs.fields(struct)}


def settings_names() -> set[str]:
    """Every environment variable named in settings.py (the msgspec ``name=`` of each field)."""
    names: set[str] = set()
    for struct in settings_structs():
        names |= names_of(struct)
    return names


def required_names(struct: type[msgspec.Struct]) -> set[str]:
    return {field.encode_name for field in msgspec.structs.fields(struct) if field.required}


def service_structs(service: str) -> list[type[msgspec.Struct]]:
    """The settings Structs a service's composition root loads (fields of its Settings: the API's
    in ``main``, a worker's in ``bootstrap``, inherited ones from the worker kit included)."""
    root = "main" if service == "api" else "bootstrap"
    composition = importlib.import_module(f"{SERVICE_PACKAGES[service]}.{root}")
    hints = typing.get_type_hints(composition.Settings)
    return [hints[f.name] for f in dataclasses.fields(composition.Settings)]


def service_names(service: str) -> set[str]:
    # Every service's Lambda entry point reads the deploy secrets (billflow.platform.secrets)
    # before its composition root loads the rest.
    names: set[str] = names_of(DeploySecretsSettings)
    for struct in service_structs(service):
        names |= names_of(struct)
    return names


def defaults(struct: type[msgspec.Struct]) -> Any:
    return msgspec.convert({}, struct)
