"""A system of its own for fault injection: its own queues, SMTP server and service processes,
tuned so that recovery happens in seconds (short visibility timeouts and delivery leases)."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest

from billflow.devstack.infra import free_port
from billflow.devstack.provision import provision
from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, seed_admin
from tests.support import stack
from tests.support.smtp import CapturingSmtpServer
from tests.support.system import RunningSystem

REPORT = Path("test-artifacts/fault-injection.jsonl")


@pytest.fixture(scope="module")
def fault_smtp() -> Iterator[CapturingSmtpServer]:
    server = CapturingSmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
async def fault_database(postgres_url: str) -> str:
    return await stack.create_database(postgres_url, "billflow_faults")


@pytest.fixture(scope="module")
async def fault_admin(fault_database: str) -> None:
    await seed_admin(fault_database)


@pytest.fixture(scope="module")
def fault_system(
    fault_database: str,
    aws_env: dict[str, str],
    fault_smtp: CapturingSmtpServer,
    work_dir: Path,
    fault_admin: None,
) -> Iterator[RunningSystem]:
    tag = uuid.uuid4().hex[:6]
    env = {
        **aws_env,
        "BILLFLOW_RENDER_QUEUE": f"billflow-faults-{tag}-render",
        "BILLFLOW_DELIVERY_QUEUE": f"billflow-faults-{tag}-delivery",
        "BILLFLOW_STATEMENTS_QUEUE": f"billflow-faults-{tag}-statements",
        # Its own: the e2e system's deliverer must not take this database's events, nor this one its.
        "BILLFLOW_WEBHOOKS_QUEUE": f"billflow-faults-{tag}-webhooks",
        "BILLFLOW_PLANNING_QUEUE": f"billflow-faults-{tag}-planning",
        "BILLFLOW_MAX_RECEIVES": "10",
        # Two employees a chunk: a run of 50 is planned in 25 transactions, so a planner can be
        # killed between (and inside) them.
        "BILLFLOW_PLANNING_CHUNK_SIZE": "2",
        "BILLFLOW_VISIBILITY_TIMEOUT": "8",
        "BILLFLOW_RECEIVE_WAIT_SECONDS": "1",
        "BILLFLOW_SHUTDOWN_GRACE_SECONDS": "3",
        "BILLFLOW_DELIVERY_LEASE_SECONDS": "6",
        "SMTP_TIMEOUT_SECONDS": "3",
        "DATABASE_URL": fault_database,
        "SMTP_HOST": fault_smtp.host,
        "SMTP_PORT": str(fault_smtp.port),
        "BILLFLOW_API_PORT": str(free_port()),
        "BILLFLOW_JWT_SECRET": "faults-secret-faults-secret-faults-secret",
        "BILLFLOW_LOG_LEVEL": "INFO",
    }
    provision({**os.environ, **env})
    logs = work_dir / f"faults-{tag}"
    logs.mkdir()
    running = RunningSystem(env, logs)
    try:
        running.start_all()
        yield running
    finally:
        running.stop_all()
        artifacts = Path("test-artifacts/logs/faults")
        artifacts.mkdir(parents=True, exist_ok=True)
        for log in logs.glob("*.log"):
            (artifacts / log.name).write_bytes(log.read_bytes())


@pytest.fixture(scope="module")
async def fault_api(fault_system: RunningSystem) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=fault_system.api_url, timeout=30) as client:
        response = await client.post(
            "/v1/auth/token", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        )
        response.raise_for_status()
        client.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
        yield client


@pytest.fixture(scope="module")
def sqs(fault_system: RunningSystem) -> Any:
    return boto3.client("sqs", endpoint_url=fault_system.env["AWS_ENDPOINT_URL"], region_name="eu-west-1")


@pytest.fixture(scope="module")
def s3(fault_system: RunningSystem) -> Any:
    return boto3.client("s3", endpoint_url=fault_system.env["AWS_ENDPOINT_URL"], region_name="eu-west-1")


def report(entry: dict[str, Any]) -> None:
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    with REPORT.open("a") as f:
        f.write(json.dumps(entry) + "\n")
    print(json.dumps(entry))
