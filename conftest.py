"""Real infrastructure for every test tier, started once per test session.

PostgreSQL, LocalStack and an SMTP server run on free loopback ports (or, when DATABASE_URL,
AWS_ENDPOINT_URL or SMTP_HOST is set, the configured ones are used and nothing is started). Each
session gets its own bucket and queue names, and tests use unique ids instead of wiping tables,
so a developer's `make run` and `make test` never disturb each other.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from billflow.devstack import infra
from billflow.devstack.provision import provision
from billflow.platform.postgres.migrate import apply_migrations
from tests.support.smtp import CapturingSmtpServer

ROOT = Path(__file__).parent


def _spawn(args: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


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
    configured = os.environ.get("DATABASE_URL")
    if configured:
        apply_migrations(configured)
        yield configured
        return
    port = infra.free_port()
    process = _spawn(
        [
            sys.executable,
            "-m",
            "billflow.devstack",
            "postgres",
            "--throwaway",
            "--data",
            str(work_dir / "pgdata"),
            "--port",
            str(port),
        ],
        work_dir / "postgres.log",
    )
    try:
        infra.wait_for_port("127.0.0.1", port, timeout=60)
        url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        infra.retry(lambda: apply_migrations(url), attempts=50, delay=0.2)
        yield url
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def aws_env(work_dir: Path) -> Iterator[dict[str, str]]:
    """AWS_* and BILLFLOW_* variables naming this session's own bucket and queues."""
    session = uuid.uuid4().hex[:8]
    env = {
        "AWS_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": os.environ.get("AWS_ACCESS_KEY_ID", "test"),
        "AWS_SECRET_ACCESS_KEY": os.environ.get("AWS_SECRET_ACCESS_KEY", "test"),
        "BILLFLOW_BUCKET": f"billflow-test-{session}",
        "BILLFLOW_RENDER_QUEUE": f"billflow-test-{session}-render",
        "BILLFLOW_DELIVERY_QUEUE": f"billflow-test-{session}-delivery",
        "BILLFLOW_EXPENSE_QUEUE": f"billflow-test-{session}-expenses",
        "BILLFLOW_STATEMENTS_QUEUE": f"billflow-test-{session}-statements",
        "BILLFLOW_MAX_RECEIVES": "3",
    }
    process = None
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    if not endpoint:
        port = infra.free_port()
        endpoint = f"http://127.0.0.1:{port}"
        process = subprocess.Popen(
            [infra.localstack_python(), "-m", "localstack.runtime.main"],
            env=infra.localstack_env(port, work_dir / "localstack"),
            stdout=(work_dir / "localstack.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
    env["AWS_ENDPOINT_URL"] = endpoint
    try:
        infra.wait_for_localstack(endpoint, timeout=90)
        provision({**os.environ, **env})
        # boto3/aioboto3 clients created by tests read these too
        os.environ.update({k: v for k, v in env.items() if k.startswith("AWS_")})
        yield env
    finally:
        if process is not None:
            _stop(process)


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[CapturingSmtpServer]:
    server = CapturingSmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
