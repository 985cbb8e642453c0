"""Expenses end to end: upload through the API -> S3 -> the extractor (Tesseract, the PDF text
layer) -> the confirmation email; the statement asked for by a scheduled EventBridge rule in
LocalStack; bad files; who may see whose expense.
"""

from __future__ import annotations

import asyncio
import csv
import io
import time
from datetime import UTC, datetime
from decimal import Decimal
from email.message import EmailMessage

import httpx
import pytest

from tests.support.documents import huge_png, truncated_png, zip_bomb
from tests.support.expenses import ScheduledStatements, aws_pdf, harbour_png, upload, wait_read
from tests.support.smtp import CapturingSmtpServer
from tests.support.system import RunningSystem
from tests.support.users import Account, client_as, create_user

pytestmark = pytest.mark.e2e


def bodies(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None
    assert html is not None
    return str(text.get_content()), str(html.get_content())


def statements_to(smtp: CapturingSmtpServer, address: str) -> list[EmailMessage]:
    return [m.message for m in smtp.to(address) if "statement" in m.message["Subject"]]


async def wait_mail(
    smtp: CapturingSmtpServer, address: str, *, statement: bool = False, within: float = 30
) -> list[EmailMessage]:
    deadline = time.monotonic() + within
    while True:
        mails = statements_to(smtp, address) if statement else [m.message for m in smtp.to(address)]
        if mails:
            return mails
        if time.monotonic() > deadline:
            raise TimeoutError(f"no email to {address} in {within}s")
        await asyncio.sleep(0.1)


@pytest.fixture(scope="module")
async def uploaders(api: httpx.AsyncClient) -> tuple[Account, Account]:
    return await create_user(api, "viewer"), await create_user(api, "viewer")


async def test_an_uploaded_invoice_is_read_and_its_uploader_told_what_was_read(
    system: RunningSystem, smtp_server: CapturingSmtpServer, uploaders: tuple[Account, Account]
) -> None:
    alice, _ = uploaders
    async with client_as(system.api_url, alice) as client:
        accepted = await upload(client, harbour_png(), "scan.PDF", note="team lunch")
        assert accepted.status_code == 202, accepted.text
        body = accepted.json()
        assert body["status"] == "processing"
        assert body["media_type"] == "image/png"  # by content, not by the name
        expense = await wait_read(client, body["id"])
        assert expense["status"] == "extracted", expense
        assert (expense["vendor"], expense["invoice_number"]) == ("Harbour Consulting Ltd", "HC-2026-0042")
        assert (expense["invoice_date"], expense["currency"]) == ("2026-03-14", "EUR")
        assert (Decimal(expense["total"]), Decimal(expense["tax"])) == (Decimal("1230"), Decimal("230"))
        assert set(expense["confidence"]) == {
            "vendor",
            "invoice_number",
            "invoice_date",
            "currency",
            "tax",
            "total",
        }

        link = (await client.get(f"/v1/expenses/{body['id']}/file")).json()
        assert f"expenses/{datetime.now(UTC):%Y/%m}/{body['id']}.png" in link["url"]
        assert "X-Amz-Signature" in link["url"]

    [mail] = [m for m in await wait_mail(smtp_server, alice.email) if "statement" not in m["Subject"]]
    text, html = bodies(mail)
    assert "scan.PDF" in mail["Subject"]
    for shown in ("Harbour Consulting Ltd", "HC-2026-0042", "2026-03-14", "1,230.00", "230.00", "EUR"):
        assert shown in text, shown
        assert shown in html, shown
    assert mail["Message-ID"] == f"<expense.{body['id']}@expenses.billflow>"


async def test_a_pdf_with_a_text_layer_is_read_from_it_and_can_be_corrected(
    system: RunningSystem, uploaders: tuple[Account, Account]
) -> None:
    _, bob = uploaders
    async with client_as(system.api_url, bob) as client:
        accepted = await upload(client, aws_pdf(), "aws.pdf")
        assert accepted.status_code == 202, accepted.text
        expense = await wait_read(client, accepted.json()["id"])
        # Read right, but dated years before its upload: the date check sends it to review.
        assert expense["status"] == "needs_review", expense
        assert expense["confidence"]["invoice_date"] <= 0.3
        assert (expense["total"], expense["currency"], expense["invoice_date"]) == (
            "4.11",
            "USD",
            "2014-08-03",
        )

        corrected = await client.patch(
            f"/v1/expenses/{expense['id']}", json={"total": "4.20", "vendor": "AWS"}
        )
        assert corrected.status_code == 200, corrected.text
        assert corrected.json()["status"] == "confirmed"
        assert (corrected.json()["total"], corrected.json()["vendor"]) == ("4.20", "AWS")
        assert corrected.json()["confidence"]["total"] == 1.0
        refused = await client.patch(f"/v1/expenses/{expense['id']}", json={"status": "extracted"})
        assert refused.status_code == 422


async def test_bad_files_get_a_clear_answer_and_the_extractor_keeps_going(
    system: RunningSystem, api: httpx.AsyncClient
) -> None:
    refused = {
        "text named .png": (
            await upload(api, b"these are not the pixels you are looking for\n", "x.png"),
            415,
        ),
        "zip bomb named .pdf": (await upload(api, zip_bomb(), "invoice.pdf"), 415),
        "empty": (await upload(api, b"", "empty.pdf"), 422),
        "just over 4 MB": (await upload(api, b"%PDF-1.7\n" + b"0" * (4 * 1024 * 1024), "big.pdf"), 413),
        "12 MB": (await upload(api, b"%PDF-1.7\n" + b"0" * (12 * 1024 * 1024), "bigger.pdf"), 413),
    }
    for name, (answer, status) in refused.items():
        assert answer.status_code == status, (name, answer.text)
        assert answer.headers["content-type"].startswith("application/problem+json"), name

    failing = {
        "truncated png": (truncated_png(), "damaged or truncated"),
        "20000x20000 png": (huge_png(), "too many pixels"),
        "pdf that is only a header": (b"%PDF-1.7\n%%EOF\n", "PDF"),
    }
    ids = {}
    for name, (content, _) in failing.items():
        answer = await upload(api, content, f"{name}.png")
        assert answer.status_code == 202, (name, answer.text)
        ids[name] = answer.json()["id"]
    good = await upload(api, harbour_png("HC-2026-0201"), "after-the-bad-ones.png")
    for name, (_, reason) in failing.items():
        expense = await wait_read(api, ids[name])
        assert expense["status"] == "failed", (name, expense)
        assert reason.lower() in expense["failure_reason"].lower(), (name, expense["failure_reason"])
    assert (await wait_read(api, good.json()["id"]))["status"] == "extracted"


async def test_nobody_sees_another_users_expense_but_accountants_and_admins(
    system: RunningSystem, api: httpx.AsyncClient
) -> None:
    owner, stranger, accountant = (
        await create_user(api, "viewer"),
        await create_user(api, "viewer"),
        await create_user(api, "accountant"),
    )
    async with client_as(system.api_url, owner) as client:
        expense_id = (await upload(client, harbour_png("HC-2026-0301"), "mine.png")).json()["id"]
    async with client_as(system.api_url, stranger) as client:
        for call in (
            client.get(f"/v1/expenses/{expense_id}"),
            client.get(f"/v1/expenses/{expense_id}/file"),
            client.patch(f"/v1/expenses/{expense_id}", json={"vendor": "x"}),
        ):
            answer = await call
            assert answer.status_code == 404, answer.text
        assert (await client.get("/v1/expenses", params={"user_id": owner.id})).json()["items"] == []
        assert (await client.post("/v1/statements", json={"month": "2026-01"})).status_code == 403
    async with client_as(system.api_url, accountant) as client:
        assert (await client.get(f"/v1/expenses/{expense_id}")).status_code == 200
        listed = (await client.get("/v1/expenses", params={"user_id": owner.id})).json()["items"]
        assert [e["id"] for e in listed] == [expense_id]
        assert (await client.post("/v1/statements", json={"month": "2026-01"})).status_code == 403


async def test_the_monthly_schedule_mails_each_uploader_one_statement_with_their_totals(
    api: httpx.AsyncClient, smtp_server: CapturingSmtpServer, scheduled_statements: ScheduledStatements
) -> None:
    s = scheduled_statements
    [carol_statement] = await wait_mail(smtp_server, s.carol.email, statement=True, within=90)
    [dave_statement] = await wait_mail(smtp_server, s.dave.email, statement=True, within=10)
    print(f"the scheduled rule's statements arrived {time.monotonic() - s.created:.1f} s after it was made")

    text, html = bodies(carol_statement)
    assert carol_statement["Subject"] == f"Your expenses statement for {s.month}"
    assert "€2,460.00" in text  # as the PDF and the pages print it (decision 0017)
    assert "2,460.00" in html
    assert html.count("Harbour Consulting Ltd") == 2
    attachment = next(carol_statement.iter_attachments())
    assert attachment.get_filename() == f"expenses-{s.month}.csv"
    content = attachment.get_payload(decode=True)
    assert isinstance(content, bytes)
    rows = list(csv.DictReader(io.StringIO(content.decode())))
    assert [(r["total"], r["currency"], r["status"]) for r in rows] == [("1230.00", "EUR", "extracted")] * 2
    assert "$4.11" in bodies(dave_statement)[0]

    # Asked for again, by hand: nobody gets a second one.
    assert (await api.post("/v1/statements", json={"month": s.month})).status_code == 202
    await asyncio.sleep(3)
    for who in (s.carol, s.dave):
        assert len(statements_to(smtp_server, who.email)) == 1
