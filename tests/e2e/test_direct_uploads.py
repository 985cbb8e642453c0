"""Uploads straight to storage (issue 17): a pre-signed S3 POST, S3's notification on the upload
prefix, and the extractor reading what arrived, through the running API, LocalStack and Tesseract.

The bytes go to LocalStack exactly as a browser's form would send them: every field of the form,
then the file. Each test has its own uploader.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import asyncpg
import boto3
import httpx
import pytest

from billflow.devstack.provision import UPLOAD_SWEEP_RULE_INPUT
from tests.support.expenses import harbour_png, wait_read
from tests.support.system import RunningSystem
from tests.support.users import client_as, create_user

pytestmark = pytest.mark.e2e

MB = 1024 * 1024


async def start(client: httpx.AsyncClient, content_type: str, size: int, filename: str = "scan.png") -> Any:
    started = await client.post(
        "/v1/expenses/uploads", json={"filename": filename, "content_type": content_type, "size": size}
    )
    assert started.status_code == 201, started.text
    return started.json()


async def post_form(form: dict[str, Any], content: bytes, filename: str = "scan.png") -> httpx.Response:
    async with httpx.AsyncClient(timeout=60) as browser:
        return await browser.post(
            form["url"], data=form["fields"], files={"file": (filename, content, "application/octet-stream")}
        )


async def test_a_file_posted_to_the_presigned_form_is_read_once_s3_notifies_it(
    system: RunningSystem, api: httpx.AsyncClient
) -> None:
    who = await create_user(api, "viewer")
    png = harbour_png("HC-2026-1701")
    async with client_as(system.api_url, who) as client:
        form = await start(client, "image/png", len(png))
        assert set(form) == {"expense_id", "url", "fields", "expires_at"}
        assert form["fields"]["Content-Type"] == "image/png"
        assert form["fields"]["key"].startswith("uploads/")
        before = (await client.get(f"/v1/expenses/{form['expense_id']}")).json()
        assert (before["status"], before["media_type"]) == ("processing", "image/png")

        stored = await post_form(form, png)
        assert stored.status_code in (200, 201, 204), stored.text

        expense = await wait_read(client, form["expense_id"])
        assert expense["status"] == "extracted", expense
        assert (expense["invoice_number"], expense["currency"]) == ("HC-2026-1701", "EUR")
        assert Decimal(expense["total"]) == Decimal("1230")


async def test_a_direct_upload_that_lies_about_its_type_fails_with_the_reason(
    system: RunningSystem, api: httpx.AsyncClient
) -> None:
    who = await create_user(api, "viewer")
    png = harbour_png("HC-2026-1702")
    async with client_as(system.api_url, who) as client:
        form = await start(client, "application/pdf", len(png), "invoice.pdf")
        stored = await post_form(form, png, "invoice.pdf")
        assert stored.status_code in (200, 201, 204), stored.text
        expense = await wait_read(client, form["expense_id"])
        assert expense["status"] == "failed", expense
        assert "image/png" in expense["failure_reason"], expense
        assert "declared" in expense["failure_reason"], expense


async def test_a_declared_size_over_10_mb_or_a_type_not_accepted_is_refused_and_nothing_is_recorded(
    system: RunningSystem, api: httpx.AsyncClient
) -> None:
    who = await create_user(api, "viewer")
    async with client_as(system.api_url, who) as client:
        too_big = await client.post(
            "/v1/expenses/uploads",
            json={"filename": "big.pdf", "content_type": "application/pdf", "size": 10 * MB + 1},
        )
        assert too_big.status_code == 422, too_big.text
        assert too_big.headers["content-type"].startswith("application/problem+json")
        zipped = await client.post(
            "/v1/expenses/uploads", json={"filename": "a.zip", "content_type": "application/zip", "size": 10}
        )
        assert zipped.status_code == 422, zipped.text
        for size in (0, -1):
            empty = await client.post(
                "/v1/expenses/uploads",
                json={"filename": "a.pdf", "content_type": "application/pdf", "size": size},
            )
            assert empty.status_code == 422, empty.text
        assert (await client.get("/v1/expenses")).json()["items"] == []


async def test_s3_refuses_a_body_bigger_than_the_declared_size(
    system: RunningSystem, api: httpx.AsyncClient
) -> None:
    who = await create_user(api, "viewer")
    png = harbour_png("HC-2026-1703")
    async with client_as(system.api_url, who) as client:
        form = await start(client, "image/png", len(png) - 100)
        refused = await post_form(form, png)
        assert refused.status_code in (400, 403), refused.text
        assert "EntityTooLarge" in refused.text or "Policy" in refused.text, refused.text
        expense = (await client.get(f"/v1/expenses/{form['expense_id']}")).json()
        assert expense["status"] == "processing"  # nothing arrived, nothing was read


async def test_the_form_refuses_another_content_type_than_declared(
    system: RunningSystem, api: httpx.AsyncClient
) -> None:
    who = await create_user(api, "viewer")
    png = harbour_png("HC-2026-1704")
    async with client_as(system.api_url, who) as client:
        form = await start(client, "image/png", len(png))
        fields = {**form["fields"], "Content-Type": "text/html"}
        refused = await post_form({**form, "fields": fields}, png)
        assert refused.status_code in (400, 403), refused.text


async def test_the_multipart_upload_stays_for_files_up_to_4_mb(api: httpx.AsyncClient) -> None:
    big = b"%PDF-1.7\n" + b"0" * (4 * MB)
    refused = await api.post("/v1/expenses", files={"file": ("big.pdf", big, "application/pdf")})
    assert refused.status_code == 413, refused.text
    assert "/v1/expenses/uploads" in refused.json()["detail"]


async def test_an_upload_whose_file_never_arrives_is_failed_by_the_hourly_sweep(
    system: RunningSystem, api: httpx.AsyncClient
) -> None:
    who = await create_user(api, "viewer")
    async with client_as(system.api_url, who) as client:
        form = await start(client, "application/pdf", 1000, "never.pdf")
        expense_id = form["expense_id"]
        # The sweep waits half an hour after the form; a test cannot, so the expense is made older.
        conn = await asyncpg.connect(system.env["DATABASE_URL"])
        try:
            await conn.execute(
                "UPDATE expenses SET uploaded_at = uploaded_at - interval '31 minutes' WHERE id = $1",
                expense_id,
            )
        finally:
            await conn.close()
        # What the schedule puts on the expense queue every hour (its constant input).
        sqs = boto3.Session(region_name=system.env["AWS_REGION"]).client(
            "sqs", endpoint_url=system.env["AWS_ENDPOINT_URL"]
        )
        queue_url = sqs.get_queue_url(QueueName=system.env["BILLFLOW_EXPENSE_QUEUE"])["QueueUrl"]
        sqs.send_message(QueueUrl=queue_url, MessageBody=UPLOAD_SWEEP_RULE_INPUT)

        expense = await wait_read(client, expense_id)
        assert (expense["status"], expense["failure_reason"]) == ("failed", "the file was never uploaded")
