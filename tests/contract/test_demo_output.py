"""`make demo` counts what it did in words that agree with the count."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = pytest.mark.contract


def _demo() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "scripts" / "demo.py"
    spec = importlib.util.spec_from_file_location("billflow_demo_script", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_one_client_invoice_is_singular_and_two_are_plural() -> None:
    counted = _demo().counted
    assert counted(1, "client invoice") == "1 client invoice"
    assert counted(2, "client invoice") == "2 client invoices"
    assert counted(0, "employee") == "0 employees"
    assert counted(1, "employee") == "1 employee"
