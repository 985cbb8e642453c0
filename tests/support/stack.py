"""The local infrastructure as context managers, shared by the test fixtures and the benchmarks:
PostgreSQL and LocalStack on free loopback ports (or the configured ones), with Billflow's
migrations applied and its bucket and queues provisioned."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from billflow.devstack import infra
from billflow.devstack.provision import provision
from billflow.platform.postgres.migrate import apply_migrations


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def postgres(work_dir: Path) -> Iterator[str]:
    """A migrated PostgreSQL: ``DATABASE_URL`` when set, else a throwaway one of our own."""
    configured = os.environ.get("DATABASE_URL")
    if configured:
        apply_migrations(configured)
        yield configured
        return
    port = infra.free_port()
    with (work_dir / "postgres.log").open("wb") as log:
        process = subprocess.Popen(
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
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        infra.wait_for_port("127.0.0.1", port, timeout=60)
        url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        infra.retry(lambda: apply_migrations(url), attempts=50, delay=0.2)
        yield url
    finally:
        _stop(process)


@contextmanager
def aws(work_dir: Path, prefix: str = "billflow-test") -> Iterator[dict[str, str]]:
    """``AWS_*`` and ``BILLFLOW_*`` variables naming a bucket and queues of this session's own,
    on ``AWS_ENDPOINT_URL`` when set, else on a LocalStack of our own."""
    session = uuid.uuid4().hex[:8]
    env = {
        "AWS_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": os.environ.get("AWS_ACCESS_KEY_ID", "test"),
        "AWS_SECRET_ACCESS_KEY": os.environ.get("AWS_SECRET_ACCESS_KEY", "test"),
        "BILLFLOW_BUCKET": f"{prefix}-{session}",
        "BILLFLOW_RENDER_QUEUE": f"{prefix}-{session}-render",
        "BILLFLOW_DELIVERY_QUEUE": f"{prefix}-{session}-delivery",
        "BILLFLOW_EXPENSE_QUEUE": f"{prefix}-{session}-expenses",
        "BILLFLOW_UPLOAD_QUEUE": f"{prefix}-{session}-uploads",
        "BILLFLOW_STATEMENTS_QUEUE": f"{prefix}-{session}-statements",
        "BILLFLOW_WEBHOOKS_QUEUE": f"{prefix}-{session}-webhooks",
        "BILLFLOW_MAX_RECEIVES": "3",
    }
    process = None
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    if not endpoint:
        port = infra.free_port()
        endpoint = f"http://127.0.0.1:{port}"
        with (work_dir / "localstack.log").open("wb") as log:
            process = subprocess.Popen(
                [infra.localstack_python(), "-m", "localstack.runtime.main"],
                env=infra.localstack_env(port, work_dir / "localstack"),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
    env["AWS_ENDPOINT_URL"] = endpoint
    try:
        infra.wait_for_localstack(endpoint, timeout=90)
        provision({**os.environ, **env})
        # boto3/aioboto3 clients made in this process read these too
        os.environ.update({k: v for k, v in env.items() if k.startswith("AWS_")})
        yield env
    finally:
        if process is not None:
            _stop(process)


async def create_database(server_url: str, prefix: str) -> str:
    """A new, migrated database on the same server. A second deployment in the tests (the fault
    system, the Lambda functions) gets its own: two deployments sharing one database would relay
    each other's outbox commands to their own queues."""
    import asyncpg

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(server_url)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    url = server_url.rsplit("/", 1)[0] + f"/{name}"
    apply_migrations(url)
    return url
