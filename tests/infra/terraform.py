"""Reading infra/terraform for the contract tests: parse each file once, find blocks, resolve locals.

bc-python-hcl2 (imported as ``hcl2``) wraps every attribute value in a list and keeps
expressions as ``${...}`` strings; the helpers here undo the wrapping and follow ``local.x``
references, which is all the contract tests need (no Terraform evaluation).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from hcl2.api import load as load_hcl2

ROOT = Path(__file__).resolve().parents[2]
TERRAFORM = ROOT / "infra" / "terraform"

_LOCAL_REF = re.compile(r"^\$\{local\.([A-Za-z0-9_]+)((?:\.[A-Za-z0-9_]+)*)\}$")


def tf_files() -> list[Path]:
    return sorted(TERRAFORM.rglob("*.tf"))


@functools.cache
def parse(path: Path) -> dict[str, Any]:
    with path.open() as f:
        parsed: dict[str, Any] = load_hcl2(f)
    return parsed


def unwrap(value: Any) -> Any:
    """hcl2 puts attribute values in one-element lists; take them out."""
    while isinstance(value, list) and len(value) == 1 and not isinstance(value[0], str | int | float):
        value = value[0]
    if isinstance(value, list) and len(value) == 1:
        return value[0]
    return value


def blocks(kind: str, directory: Path = TERRAFORM) -> list[dict[str, Any]]:
    """Every top-level block of ``kind`` (resource, data, module, locals...) in one directory."""
    found: list[dict[str, Any]] = []
    for path in sorted(directory.glob("*.tf")):
        found += parse(path).get(kind, [])
    return found


def labelled(kind: str, type_: str | None = None, directory: Path = TERRAFORM) -> dict[str, dict[str, Any]]:
    """Blocks with labels: ``labelled("module")`` -> {name: body};
    ``labelled("resource", "aws_sqs_queue")`` -> {name: body}."""
    out: dict[str, dict[str, Any]] = {}
    for block in blocks(kind, directory):
        if type_ is None:
            out.update(block)
        else:
            out.update(block.get(type_, {}))
    return out


@functools.cache
def root_locals() -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for block in blocks("locals"):
        for key, value in block.items():
            merged[key] = unwrap(value)
    return merged


def resolve(value: Any) -> Any:
    """Follow ``${local.a.b}`` references through the root module's locals."""
    value = unwrap(value)
    if isinstance(value, str) and (m := _LOCAL_REF.match(value)):
        target: Any = root_locals()[m.group(1)]
        for part in filter(None, m.group(2).split(".")):
            target = unwrap(target)[part]
        return resolve(target)
    return value


def strings(value: Any) -> list[str]:
    """A list attribute as a flat list of strings, locals resolved."""
    value = resolve(value)
    if isinstance(value, str):
        return [value]
    out: list[str] = []
    for item in value:
        out += strings(item)
    return out


PROFILES = ("ha", "lean")
_ON_PROFILE = re.compile(r"^\$\{local\.(ha|lean) \? (.+) : (.+)\}$", re.DOTALL)


def on_profile(value: str, profile: str) -> str:
    """``${local.ha ? A : B}`` as it is with ``profile`` (``${A}`` for ha); other values as they
    are. The two profiles differ only through such choices (variables.tf, ``profile``)."""
    match = _ON_PROFILE.match(value.strip())
    if match is None:
        return value
    flag, when_true, when_false = match.groups()
    chosen = when_true if (flag == profile) else when_false
    return "${" + chosen.strip() + "}"
