"""checkov finds nothing wrong in infra/terraform (with either profile, lean or ha) or the
Dockerfiles; every skip says why."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from tests.infra.terraform import ROOT, TERRAFORM

pytestmark = pytest.mark.contract

DOCKERFILES = sorted(ROOT.glob("services/*/Dockerfile"))


def _checkov(*args: str) -> list[dict[str, Any]]:
    # --skip-download: no network (checkov would otherwise fetch guideline links from its vendor).
    command = [sys.executable, "-m", "checkov.main", "--skip-download", "--output", "json", *args]
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "LOG_LEVEL": "ERROR"}
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=180, env=env, cwd=ROOT, check=False
    )
    assert done.returncode in (0, 1), done.stderr[-3000:]
    report = json.loads(done.stdout)
    return report if isinstance(report, list) else [report]


def _failures(reports: list[dict[str, Any]]) -> list[str]:
    return [
        f"{c['check_id']} {c['resource']} ({c['file_path']}:{c['file_line_range'][0]})"
        for r in reports
        for c in r["results"]["failed_checks"]
    ]


def _unexplained_skips(reports: list[dict[str, Any]]) -> list[str]:
    return [
        f"{c['check_id']} {c['resource']}"
        for r in reports
        for c in r["results"].get("skipped_checks", [])
        if len(c["check_result"].get("suppress_comment", "").strip()) < 20
    ]


PROFILES = ["ha", "lean"]


@pytest.fixture(scope="module", params=PROFILES)
def terraform_report(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> list[dict[str, Any]]:
    variables = tmp_path_factory.mktemp("checkov") / f"{request.param}.tfvars"
    variables.write_text(f'profile = "{request.param}"\n')
    return _checkov("--directory", str(TERRAFORM), "--framework", "terraform", "--var-file", str(variables))


def test_checkov_passes_the_terraform(terraform_report: list[dict[str, Any]]) -> None:
    assert _failures(terraform_report) == []
    summary = terraform_report[0]["summary"]
    assert summary["parsing_errors"] == 0
    assert summary["passed"] > 100  # it really scanned something


def test_every_terraform_skip_carries_its_reason(terraform_report: list[dict[str, Any]]) -> None:
    assert _unexplained_skips(terraform_report) == []


def test_checkov_passes_the_dockerfiles() -> None:
    assert {p.parent.name for p in DOCKERFILES} == {"api", "pdf-worker", "emailer", "extractor", "webhooks"}
    args: list[str] = ["--framework", "dockerfile"]
    for path in DOCKERFILES:
        args += ["--file", str(path)]
    reports = _checkov(*args)
    assert _failures(reports) == []
    assert _unexplained_skips(reports) == []
