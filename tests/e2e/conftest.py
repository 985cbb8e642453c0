"""The whole system running: real PostgreSQL, LocalStack, SMTP server, and the three services."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from billflow.api.security import Argon2PasswordHasher
from billflow.devstack.infra import free_port
from billflow.domain.errors import Conflict
from billflow.domain.model import Role
from billflow.domain.usecases.users import NewUser, add_user
from billflow.platform.postgres.pool import create_pool
from billflow.platform.postgres.uow import AsyncpgUnitOfWorkFactory
from billflow.platform.settings import PostgresSettings
from billflow.platform.system import UuidIdGenerator
from tests.support.smtp import CapturingSmtpServer
from tests.support.system import RunningSystem

ADMIN_EMAIL = "admin@e2e.billflow.test"
ADMIN_PASSWORD = "e2e-admin-password"


async def seed_admin(database_url: str) -> None:
    pool = await create_pool(PostgresSettings(database_url=database_url))
    try:
        with contextlib.suppress(Conflict):
            await add_user(
                AsyncpgUnitOfWorkFactory(pool),
                UuidIdGenerator(),
                Argon2PasswordHasher(),
                NewUser(ADMIN_EMAIL, ADMIN_PASSWORD, Role.ADMIN),
            )
    finally:
        await pool.close()


@pytest.fixture(scope="session")
async def e2e_admin(postgres_url: str) -> None:
    """The admin the e2e tests log in as. The database is shared with other tiers, so the API's
    first-admin bootstrap (only into an empty system) cannot be relied on here."""
    await seed_admin(postgres_url)


@pytest.fixture(scope="session")
def system(
    postgres_url: str,
    aws_env: dict[str, str],
    smtp_server: CapturingSmtpServer,
    work_dir: Path,
    e2e_admin: None,
) -> Iterator[RunningSystem]:
    env = {
        **aws_env,
        "DATABASE_URL": postgres_url,
        "SMTP_HOST": smtp_server.host,
        "SMTP_PORT": str(smtp_server.port),
        "BILLFLOW_API_PORT": str(free_port()),
        "BILLFLOW_ADMIN_EMAIL": ADMIN_EMAIL,
        "BILLFLOW_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "BILLFLOW_JWT_SECRET": "e2e-secret-e2e-secret-e2e-secret-e2e-secret",
        "BILLFLOW_RECEIVE_WAIT_SECONDS": "2",
        "BILLFLOW_LOG_LEVEL": "INFO",
    }
    logs = work_dir / "services"
    logs.mkdir(exist_ok=True)
    running = RunningSystem(
        env,
        logs,
        per_service={
            "pdf-worker": {"BILLFLOW_HEALTH_PORT": str(free_port())},
            "emailer": {"BILLFLOW_HEALTH_PORT": str(free_port())},
        },
    )
    try:
        running.start_all()
        yield running
    finally:
        running.stop_all()
        artifacts = Path("test-artifacts/logs")
        artifacts.mkdir(parents=True, exist_ok=True)
        for log in logs.glob("*.log"):
            (artifacts / log.name).write_bytes(log.read_bytes())


@pytest.fixture(scope="session")
async def api(system: RunningSystem) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=system.api_url, timeout=30) as client:
        response = await client.post(
            "/v1/auth/token", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        )
        response.raise_for_status()
        client.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
        yield client
