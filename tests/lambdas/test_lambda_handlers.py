"""The Lambda entry points, invoked in-process the way the Lambda runtime calls them: worker
handlers with SQS batches received from LocalStack, the API with API Gateway HTTP API v2 events."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import date
from decimal import Decimal
from types import ModuleType
from typing import Any

import asyncpg
import boto3
import pytest

from billflow.domain.model import (
    BilledTo,
    BillingRun,
    BillingRunStatus,
    Department,
    Employee,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Issuer,
    Project,
)
from billflow.platform.aws.lambda_runtime import LambdaRuntime
from billflow.platform.postgres.pool import create_pool
from billflow.platform.postgres.uow import AsyncpgUnitOfWorkFactory
from billflow.platform.settings import PostgresSettings
from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, seed_admin
from tests.support import stack
from tests.support.smtp import CapturingSmtpServer
from tests.support.webhooks import webhook_receiver

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
async def lambda_database(postgres_url: str) -> str:
    return await stack.create_database(postgres_url, "billflow_lambda")


@pytest.fixture
def lambda_env(
    monkeypatch: pytest.MonkeyPatch,
    lambda_database: str,
    aws_env: dict[str, str],
    smtp_server: CapturingSmtpServer,
) -> dict[str, str]:
    """Fresh queues of the test's own, and the variables Terraform sets on the functions."""
    sqs = boto3.client("sqs", endpoint_url=aws_env["AWS_ENDPOINT_URL"], region_name="eu-west-1")
    tag = uuid.uuid4().hex[:6]
    env = {
        **aws_env,
        "DATABASE_URL": lambda_database,
        "SMTP_HOST": smtp_server.host,
        "SMTP_PORT": str(smtp_server.port),
        "BILLFLOW_RENDER_QUEUE": f"lambda-{tag}-render",
        "BILLFLOW_DELIVERY_QUEUE": f"lambda-{tag}-delivery",
        "BILLFLOW_PLANNING_QUEUE": f"lambda-{tag}-planning",
        "BILLFLOW_JWT_SECRET": "lambda-secret-lambda-secret-lambda-secret",
        "BILLFLOW_METRICS": "emf",
        "AWS_LAMBDA_FUNCTION_NAME": "billflow-test",  # what Lambda sets: EMF goes to stdout
    }
    for name in (
        env["BILLFLOW_RENDER_QUEUE"],
        env["BILLFLOW_DELIVERY_QUEUE"],
        env["BILLFLOW_PLANNING_QUEUE"],
    ):
        sqs.create_queue(QueueName=name)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


def fresh_runtime(module: ModuleType, monkeypatch: pytest.MonkeyPatch) -> LambdaRuntime[Any]:
    runtime: LambdaRuntime[Any] = LambdaRuntime(module._open)
    monkeypatch.setattr(module, "runtime", runtime)
    return runtime


def fresh_worker_runtime(module: ModuleType, monkeypatch: pytest.MonkeyPatch) -> LambdaRuntime[Any]:
    """A worker's entry point holds its runtime in its ``LambdaEntry``."""
    runtime: LambdaRuntime[Any] = LambdaRuntime(module.entry.open)
    monkeypatch.setattr(module.entry, "runtime", runtime)
    return runtime


def records(sqs: Any, queue_url: str, expected: int) -> list[dict[str, Any]]:
    """Messages received from SQS, shaped as the Lambda event source mapping hands them over."""
    arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    got: list[dict[str, Any]] = []
    for _ in range(10):
        response = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=1,
            MessageAttributeNames=["All"],
            MessageSystemAttributeNames=["All"],
        )
        got += response.get("Messages", [])
        if len(got) >= expected:
            break
    return [
        {
            "messageId": m["MessageId"],
            "receiptHandle": m["ReceiptHandle"],
            "body": m["Body"],
            "attributes": m.get("Attributes", {}),
            "messageAttributes": {
                k: {"stringValue": v["StringValue"], "dataType": v["DataType"]}
                for k, v in m.get("MessageAttributes", {}).items()
            },
            "eventSource": "aws:sqs",
            "eventSourceARN": arn,
            "awsRegion": "eu-west-1",
        }
        for m in got
    ]


async def pending_invoice(postgres_url: str) -> Invoice:
    """An invoice straight in the database, with no outbox row: no running worker will touch it."""
    pool = await create_pool(PostgresSettings(database_url=postgres_url))
    try:
        uow = AsyncpgUnitOfWorkFactory(pool)
        d, p = Department(str(uuid.uuid4()), "Ops"), Project(str(uuid.uuid4()), "Lambda", Decimal(0))
        e = Employee(
            str(uuid.uuid4()),
            "Lambda Lou",
            f"lou-{uuid.uuid4().hex[:8]}@example.com",
            d.id,
            p.id,
            Decimal("100"),
            "EUR",
        )
        number = f"INV-{date.today().year}-9{uuid.uuid4().int % 100000:05d}"
        invoice = Invoice(
            id=str(uuid.uuid4()),
            number=number,
            status=InvoiceStatus.PENDING,
            period_start=date(2026, 1, 1),
            period_end=date(2026, 1, 31),
            issue_date=date.today(),
            due_date=date.today(),
            currency="EUR",
            lines=(InvoiceLine(date(2026, 1, 5), Decimal("8.00"), Decimal("100"), Decimal("800.00")),),
            subtotal=Decimal("800.00"),
            tax_rate=Decimal(0),
            tax=Decimal("0.00"),
            total=Decimal("800.00"),
            issuer=Issuer("Acme", "Street", "BE1"),
            billed_to=BilledTo(e.full_name, e.email),
            employee_id=e.id,
        )
        async with uow() as u:
            await u.departments.add(d)
            await u.projects.add(p)
            await u.employees.add(e)
            await u.invoices.add(invoice)
            await u.commit()
        return invoice
    finally:
        await pool.close()


async def status_of(postgres_url: str, invoice_id: str) -> str:
    conn = await asyncpg.connect(postgres_url)
    try:
        return str(await conn.fetchval("SELECT status FROM invoices WHERE id = $1", invoice_id))
    finally:
        await conn.close()


async def test_worker_handlers_render_and_mail_a_batch_and_report_only_the_bad_record(
    lambda_env: dict[str, str],
    lambda_database: str,
    smtp_server: CapturingSmtpServer,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    from billflow.emailer import lambda_handler as emailer_lambda
    from billflow.pdf_worker import lambda_handler as pdf_lambda

    sqs = boto3.client("sqs", endpoint_url=lambda_env["AWS_ENDPOINT_URL"], region_name="eu-west-1")
    render_url = sqs.get_queue_url(QueueName=lambda_env["BILLFLOW_RENDER_QUEUE"])["QueueUrl"]
    delivery_url = sqs.get_queue_url(QueueName=lambda_env["BILLFLOW_DELIVERY_QUEUE"])["QueueUrl"]
    invoice = await pending_invoice(lambda_database)
    render = {
        "type": "invoice.render.v1",
        "message_id": str(uuid.uuid4()),
        "occurred_at": "2026-11-22T09:30:00Z",
        "correlation_id": "lambda-corr",
        "invoice_id": invoice.id,
    }
    sqs.send_message(QueueUrl=render_url, MessageBody=json.dumps(render))
    sqs.send_message(QueueUrl=render_url, MessageBody="this is not a message")
    batch = {"Records": records(sqs, render_url, expected=2)}
    poison_id = next(r["messageId"] for r in batch["Records"] if r["body"] == "this is not a message")

    pdf_runtime = fresh_worker_runtime(pdf_lambda, monkeypatch)
    try:
        rendered = await asyncio.to_thread(pdf_lambda.handler, batch, None)
    finally:
        await asyncio.to_thread(pdf_runtime.close)

    assert rendered == {"batchItemFailures": [{"itemIdentifier": poison_id}]}
    assert await status_of(lambda_database, invoice.id) == "rendered"
    [delivery] = records(sqs, delivery_url, expected=1)  # the outbox was drained before returning
    assert json.loads(delivery["body"])["invoice_id"] == invoice.id
    assert delivery["messageAttributes"]["correlation_id"]["stringValue"] == "lambda-corr"

    emailer_runtime = fresh_worker_runtime(emailer_lambda, monkeypatch)
    try:
        sent = await asyncio.to_thread(emailer_lambda.handler, {"Records": [delivery]}, None)
    finally:
        await asyncio.to_thread(emailer_runtime.close)

    assert sent == {"batchItemFailures": []}
    assert await status_of(lambda_database, invoice.id) == "sent"
    [mail] = smtp_server.to(invoice.billed_to.email)
    assert invoice.number in mail.message["Subject"]
    emf = [json.loads(line) for line in capfd.readouterr().out.splitlines() if '"_aws"' in line]
    assert {d["Event"] for d in emf if "Event" in d} >= {"rendered", "sent"}  # CloudWatch EMF lines


async def planning_run(postgres_url: str, employees: int) -> str:
    """A run accepted ``planning`` straight in the database, for ``employees`` employees with a
    workday in a period of its own, and no outbox row: only the message a test sends plans it."""
    year = 5000 + uuid.uuid4().int % 4000
    pool = await create_pool(PostgresSettings(database_url=postgres_url))
    try:
        uow = AsyncpgUnitOfWorkFactory(pool)
        d, p = Department(str(uuid.uuid4()), "Ops"), Project(str(uuid.uuid4()), "Plans", Decimal(0))
        run = BillingRun(
            str(uuid.uuid4()), date(year, 3, 1), date(year, 3, 31), (), status=BillingRunStatus.PLANNING
        )
        async with uow() as u:
            await u.departments.add(d)
            await u.projects.add(p)
            for n in range(employees):
                e = Employee(
                    str(uuid.uuid4()),
                    f"Planned {n}",
                    f"plan-{uuid.uuid4().hex[:8]}@example.com",
                    d.id,
                    p.id,
                    Decimal("100"),
                    "EUR",
                )
                await u.employees.add(e)
            await u.billing_runs.add(run)
            await u.commit()
        async with pool.acquire() as conn:
            await conn.execute(
                "INSERT INTO workdays (employee_id, day, hours, project_id)"
                " SELECT id, $1, 8, project_id FROM employees WHERE project_id = $2",
                date(year, 3, 2),
                uuid.UUID(p.id),
            )
        return run.id
    finally:
        await pool.close()


async def test_the_planner_handler_issues_a_run_and_publishes_each_invoices_render_command(
    lambda_env: dict[str, str], lambda_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from billflow.api.planner import lambda_handler as planner_lambda

    sqs = boto3.client("sqs", endpoint_url=lambda_env["AWS_ENDPOINT_URL"], region_name="eu-west-1")
    planning_url = sqs.get_queue_url(QueueName=lambda_env["BILLFLOW_PLANNING_QUEUE"])["QueueUrl"]
    render_url = sqs.get_queue_url(QueueName=lambda_env["BILLFLOW_RENDER_QUEUE"])["QueueUrl"]
    run_id = await planning_run(lambda_database, employees=3)
    plan = {
        "type": "billing_run.plan.v1",
        "message_id": str(uuid.uuid4()),
        "occurred_at": "2026-12-01T08:00:00Z",
        "correlation_id": "lambda-plan",
        "billing_run_id": run_id,
    }
    sqs.send_message(QueueUrl=planning_url, MessageBody=json.dumps(plan))
    batch = {"Records": records(sqs, planning_url, expected=1)}

    runtime = fresh_worker_runtime(planner_lambda, monkeypatch)
    try:
        planned = await asyncio.to_thread(planner_lambda.handler, batch, None)
    finally:
        await asyncio.to_thread(runtime.close)

    assert planned == {"batchItemFailures": []}
    conn = await asyncpg.connect(lambda_database)
    try:
        status = await conn.fetchval("SELECT status FROM billing_runs WHERE id = $1", run_id)
        invoices = await conn.fetch("SELECT id::text FROM invoices WHERE billing_run_id = $1", run_id)
    finally:
        await conn.close()
    assert (status, len(invoices)) == ("issued", 3)
    renders = records(sqs, render_url, expected=3)  # the outbox was drained before returning
    assert sorted(json.loads(r["body"])["invoice_id"] for r in renders) == sorted(i["id"] for i in invoices)


def http_event(
    method: str, path: str, body: Any = None, token: str | None = None, query: str = ""
) -> dict[str, Any]:
    headers = {"content-type": "application/json", "host": "api.example.com", "user-agent": "test"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "api",
            "domainName": "api.example.com",
            "domainPrefix": "api",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": "test",
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
            "time": "22/Nov/2026:09:30:00 +0000",
            "timeEpoch": 1795340000000,
        },
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
    }


async def test_the_api_handler_answers_api_gateway_events_and_runs_migrations(
    lambda_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, lambda_database: str
) -> None:
    from billflow.api import lambda_handler as api_lambda

    await seed_admin(lambda_database)

    runtime = fresh_runtime(api_lambda, monkeypatch)
    try:
        call = api_lambda.handler
        health = await asyncio.to_thread(call, http_event("GET", "/health"), None)
        assert health["statusCode"] == 200
        denied = await asyncio.to_thread(call, http_event("GET", "/v1/invoices"), None)
        assert denied["statusCode"] == 401
        login = await asyncio.to_thread(
            call,
            http_event("POST", "/v1/auth/token", {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}),
            None,
        )
        assert login["statusCode"] == 200, login
        token = json.loads(login["body"])["access_token"]
        page = await asyncio.to_thread(
            call, http_event("GET", "/v1/invoices", token=token, query="limit=2"), None
        )
        assert page["statusCode"] == 200
        assert len(json.loads(page["body"])["items"]) <= 2
        department = await asyncio.to_thread(
            call, http_event("POST", "/v1/departments", {"name": "Serverless"}, token=token), None
        )
        assert department["statusCode"] == 201
        migrated = await asyncio.to_thread(call, {"billflow": "migrate"}, None)
        assert migrated == {"applied": []}
    finally:
        await asyncio.to_thread(runtime.close)


async def test_the_webhooks_handler_delivers_an_event_and_keeps_a_retry_on_the_queue(
    lambda_env: dict[str, str], lambda_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from billflow.webhooks import lambda_handler as webhooks_lambda

    monkeypatch.setenv("BILLFLOW_WEBHOOKS_ALLOW_LOOPBACK", "true")
    monkeypatch.setenv("BILLFLOW_WEBHOOKS_RETRY_BASE_SECONDS", "1")
    queue = f"lambda-{uuid.uuid4().hex[:6]}-webhooks"
    monkeypatch.setenv("BILLFLOW_WEBHOOKS_QUEUE", queue)
    sqs = boto3.client("sqs", endpoint_url=lambda_env["AWS_ENDPOINT_URL"], region_name="eu-west-1")
    queue_url = sqs.create_queue(QueueName=queue)["QueueUrl"]
    async with webhook_receiver() as ok, webhook_receiver() as down:
        down.answers.extend([503])
        ok.secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        conn = await asyncpg.connect(lambda_database)
        hooks = [uuid.uuid4(), uuid.uuid4()]
        try:
            for hook, receiver in zip(hooks, (ok, down), strict=True):
                await conn.execute(
                    "INSERT INTO webhook_endpoints (id, url, events, secret) VALUES ($1, $2, $3, $4)",
                    hook,
                    receiver.url,
                    ["invoice.issued"],
                    ok.secret,
                )
            invoice = await pending_invoice(lambda_database)  # the database records the event
            body = await conn.fetchval(
                "SELECT convert_from(o.body, 'UTF8') FROM outbox o JOIN webhook_events e"
                " ON o.message_type = 'webhook.dispatch.v1'"
                " AND convert_from(o.body, 'UTF8') LIKE '%' || e.id::text || '%'"
                " WHERE e.subject_id = $1",
                uuid.UUID(invoice.id),
            )
            sqs.send_message(QueueUrl=queue_url, MessageBody=body)
            [record] = records(sqs, queue_url, expected=1)

            runtime = fresh_worker_runtime(webhooks_lambda, monkeypatch)
            try:
                handled = await asyncio.to_thread(webhooks_lambda.handler, {"Records": [record]}, None)
            finally:
                await asyncio.to_thread(runtime.close)
        finally:
            # No later test's invoice in this database is told to these receivers, and no later
            # drain of this database's outbox sends this test's message anywhere.
            await conn.execute("DELETE FROM webhook_endpoints WHERE id = ANY($1::uuid[])", hooks)
            await conn.execute("DELETE FROM outbox WHERE message_type = 'webhook.dispatch.v1'")
            await conn.close()

    # One receiver answered 503: the message stays on the queue for its retry.
    assert handled == {"batchItemFailures": [{"itemIdentifier": record["messageId"]}]}
    [delivered] = ok.received
    assert delivered.verified
    assert delivered.payload["data"]["id"] == invoice.id
    assert len(down.received) == 1
