"""The README's configuration table names exactly the variables the code reads."""

from __future__ import annotations

import re
from pathlib import Path

import msgspec
import pytest

from billflow.platform import settings

pytestmark = pytest.mark.contract

README = Path(__file__).parents[2] / "README.md"


def code_variables() -> set[str]:
    names: set[str] = set()
    for value in vars(settings).values():
        if isinstance(value, type) and issubclass(value, msgspec.Struct) and value is not msgspec.Struct:
            names |= {f.encode_name for f in msgspec.structs.fields(value)}
    return names


def readme_variables() -> set[str]:
    section = README.read_text().split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", section, flags=re.MULTILINE))


def test_every_setting_is_documented_and_every_documented_setting_exists() -> None:
    assert readme_variables() == code_variables()


def test_make_run_starts_every_service_in_the_procfile() -> None:
    from billflow.devstack.stack import INFRASTRUCTURE, application_processes

    procfile = README.parent / "Procfile"
    started = set(application_processes(procfile))
    assert started == {"api", "pdf_worker", "emailer", "extractor", "webhooks", "planner", "ready"}
    assert not started & INFRASTRUCTURE
