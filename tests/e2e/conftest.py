"""The whole system running: real PostgreSQL, LocalStack, SMTP server, and the three services."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import boto3
import httpx
import pytest

from billflow.api.security import Argon2PasswordHasher
from billflow.devstack.infra import free_port
from billflow.devstack.provision import schedule_statements
from billflow.domain.errors import Conflict
from billflow.domain.model import Role
from billflow.domain.usecases.users import NewUser, add_user
from billflow.platform.postgres.pool import create_pool
from billflow.platform.postgres.uow import AsyncpgUnitOfWorkFactory
from billflow.platform.settings import PostgresSettings
from billflow.platform.system import UuidIdGenerator
from tests.support.expenses import ScheduledStatements, harbour_png, small_usd_png, upload, wait_read
from tests.support.secrets import leaks, service_logs, standing_secrets
from tests.support.smtp import CapturingSmtpServer
from tests.support.system import RunningSystem
from tests.support.users import client_as, create_user

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
        "BILLFLOW_WEBHOOKS_ALLOW_LOOPBACK": "true",  # the tests' receivers listen on 127.0.0.1
        "BILLFLOW_WEBHOOKS_RETRY_BASE_SECONDS": "1",  # a forced retry comes in about a second
    }
    logs = work_dir / "services"
    logs.mkdir(exist_ok=True)
    running = RunningSystem(
        env,
        logs,
        per_service={
            "pdf-worker": {"BILLFLOW_HEALTH_PORT": str(free_port())},
            "emailer": {"BILLFLOW_HEALTH_PORT": str(free_port())},
            "extractor": {"BILLFLOW_HEALTH_PORT": str(free_port())},
            "webhooks": {"BILLFLOW_HEALTH_PORT": str(free_port())},
            # Small chunks, so the e2e runs of a few dozen invoices are planned in several.
            "planner": {"BILLFLOW_HEALTH_PORT": str(free_port()), "BILLFLOW_PLANNING_CHUNK_SIZE": "25"},
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


@pytest.fixture(scope="session", autouse=True)
def whole_run_logs_hold_no_secrets(system: RunningSystem, api: httpx.AsyncClient) -> Iterator[None]:
    """At the end of the e2e session, whatever order its tests ran in, the services' logs of the
    whole run hold none of the standing secrets: every login, token, failure and forgery any test
    made is in them by then. A leak fails the session's last test at teardown."""
    yield
    secrets = standing_secrets(system, api.headers["Authorization"].removeprefix("Bearer "))
    found = leaks(secrets, service_logs(system.log_dir))
    assert found == [], f"secrets in the e2e run's service logs: {found}"


@pytest.fixture(scope="session", autouse=True)
async def scheduled_statements(
    system: RunningSystem, api: httpx.AsyncClient
) -> AsyncIterator[ScheduledStatements]:
    """Two users' expenses, read, then a scheduled rule asking for this month's statements.

    The production rule is cron(0 6 1 * ? *) with the bare tag as its input (last month); a test
    cannot wait for the 1st, so a rule of the same shape fires every minute and names this month.
    LocalStack first fires it about a minute after it is made: it is made when the first e2e test
    starts, the other tests run meanwhile, and test_expenses waits for what is left of the minute.
    Later firings are harmless: a statement goes out once per user and month.
    """

    carol, dave = await create_user(api, "viewer"), await create_user(api, "accountant")
    carols = [harbour_png("HC-2026-0101"), harbour_png("HC-2026-0102")]  # two invoices, not one twice
    for who, documents in ((carol, carols), (dave, [small_usd_png()])):
        async with client_as(system.api_url, who) as client:
            ids = [(await upload(client, d, "receipt.png")).json()["id"] for d in documents]
            for expense_id in ids:
                assert (await wait_read(client, expense_id))["status"] == "extracted"
    month = f"{datetime.now(UTC):%Y-%m}"
    env = system.env
    session = boto3.Session(region_name=env["AWS_REGION"])
    events = session.client("events", endpoint_url=env["AWS_ENDPOINT_URL"])
    sqs = session.client("sqs", endpoint_url=env["AWS_ENDPOINT_URL"])
    queue_url = sqs.get_queue_url(QueueName=env["BILLFLOW_STATEMENTS_QUEUE"])["QueueUrl"]
    rule = f"{env['BILLFLOW_STATEMENTS_QUEUE']}-e2e"
    rule_input = json.dumps({"type": "statements.send.v1", "month": month})
    schedule_statements(events, sqs, queue_url, rule, "rate(1 minute)", rule_input)
    try:
        yield ScheduledStatements(month, carol, dave, rule, events, time.monotonic())
    finally:
        events.remove_targets(Rule=rule, Ids=["statements-queue"])
        events.delete_rule(Name=rule)


@pytest.fixture(scope="session")
async def api(system: RunningSystem) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=system.api_url, timeout=30) as client:
        response = await client.post(
            "/v1/auth/token", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        )
        response.raise_for_status()
        client.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
        yield client
