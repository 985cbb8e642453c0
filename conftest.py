"""Real infrastructure for every test tier, started once per test session.

PostgreSQL and LocalStack run on free loopback ports (or, when DATABASE_URL or AWS_ENDPOINT_URL
is set, the configured ones are used and nothing is started); the SMTP server is always one of the
tests' own, in process, so they can read what it received and stop it at will. Each
session gets its own bucket and queue names, and tests use unique ids instead of wiping tables,
so a developer's `make run` and `make test` never disturb each other.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import stack
from tests.support.smtp import CapturingSmtpServer

ROOT = Path(__file__).parent


@pytest.fixture(scope="session")
def work_dir() -> Iterator[Path]:
    # Under /tmp, not under pytest's tmp_path: PostgreSQL runs as another user and must be
    # able to reach its data directory.
    with tempfile.TemporaryDirectory(prefix="billflow-test-") as d:
        path = Path(d)
        path.chmod(0o755)
        yield path


@pytest.fixture(scope="session")
def postgres_url(work_dir: Path) -> Iterator[str]:
    with stack.postgres(work_dir) as url:
        yield url


@pytest.fixture(scope="session")
def aws_env(work_dir: Path) -> Iterator[dict[str, str]]:
    """AWS_* and BILLFLOW_* variables naming this session's own bucket and queues."""
    with stack.aws(work_dir) as env:
        yield env


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[CapturingSmtpServer]:
    server = CapturingSmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
