"""The service images: pinned base, built from constraints.txt, non-root, Chromium where needed."""

from __future__ import annotations

import re

import pytest

from tests.infra.terraform import ROOT

pytestmark = pytest.mark.contract

SERVICES = ["api", "pdf-worker", "emailer", "extractor", "webhooks"]
BASE = "python:3.11.14-slim-bookworm"


def _dockerfile(service: str) -> str:
    return (ROOT / "services" / service / "Dockerfile").read_text()


@pytest.mark.parametrize("service", SERVICES)
def test_every_stage_starts_from_the_pinned_base_or_an_earlier_stage(service: str) -> None:
    text = _dockerfile(service)
    stages: set[str] = set()
    for image, stage in re.findall(r"^FROM (\S+) AS (\S+)$", text, re.M):
        assert image == BASE or image.startswith(f"{BASE}@sha256:") or image in stages, image
        stages.add(stage)
    assert len(re.findall(r"^FROM ", text, re.M)) == len(stages), "name every stage"
    assert {"build", "runtime"} <= stages


@pytest.mark.parametrize("service", SERVICES)
def test_images_install_the_exact_versions_of_constraints_txt(service: str) -> None:
    text = _dockerfile(service)
    assert "COPY constraints.txt" in text
    installs = re.findall(r"pip install ([^\n\\]+)", text)
    assert installs
    for line in installs:
        assert "-c constraints.txt" in line or "--no-deps" in line, line
    assert f"./services/{service}" in text


@pytest.mark.parametrize("service", SERVICES)
def test_the_final_stage_runs_as_a_non_root_user(service: str) -> None:
    final = _dockerfile(service).rsplit("\nFROM ", 1)[1]
    assert final.startswith(f"{BASE} AS runtime")
    user = re.findall(r"^USER (\S+)$", final, re.M)
    assert user, "no USER in the final stage"
    assert not user[-1].startswith(("0", "root")), user


def test_the_pdf_worker_image_has_debian_chromium_and_fonts() -> None:
    text = _dockerfile("pdf-worker")
    assert re.search(r"apt-get install -y --no-install-recommends chromium fonts-dejavu-core", text)
    assert "BILLFLOW_CHROMIUM_PATH=/usr/bin/chromium" in text
    assert "rm -rf /var/lib/apt/lists/*" in text


def test_the_build_context_leaves_local_state_out() -> None:
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".git", ".venv", "var"} <= ignored
