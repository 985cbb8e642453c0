"""Every Terraform file parses as HCL2 (no Terraform binary can run here)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hcl2.api import load as load_hcl2

from tests.infra.terraform import TERRAFORM, parse, tf_files, unwrap

pytestmark = pytest.mark.contract


def test_there_is_terraform_to_check() -> None:
    assert len(tf_files()) >= 10


@pytest.mark.parametrize("path", tf_files(), ids=lambda p: str(p.relative_to(TERRAFORM)))
def test_every_terraform_file_parses_as_hcl2(path: Path) -> None:
    with path.open() as f:
        parsed = load_hcl2(f)
    assert parsed, f"{path} parsed to nothing"


def test_the_aws_provider_is_pinned_to_one_minor_line() -> None:
    terraform = unwrap(parse(TERRAFORM / "versions.tf")["terraform"])
    providers = {name: unwrap(spec) for name, spec in unwrap(terraform["required_providers"]).items()}
    assert providers["aws"]["source"] == "hashicorp/aws"
    assert providers["aws"]["version"].startswith("~> 5.100.")
    for name, spec in providers.items():
        assert spec["version"].startswith("~> "), f"{name} is not pinned to a minor line"
