"""After the invoice, end to end through the REST API: credit notes (numbers, PDFs, emails, the
released entries billed again), payments, overdue reminders once per level, and the receivables
report checked against the test's own computation."""

from __future__ import annotations

import asyncio
import csv
import io
import random
import time
import uuid
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

from tests.support.billing import create_company, create_employee, record_workdays, wait_for_status
from tests.support.smtp import CapturingSmtpServer

pytestmark = pytest.mark.e2e

D = Decimal


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


async def billed_month(
    api: httpx.AsyncClient, hours: str = "8"
) -> tuple[dict[str, Any], dict[str, Any], str]:
    """An employee (50/h, 10 % tax) with two workdays in a month of a year of this test's own,
    invoiced and sent. Returns the employee, the invoice and the year."""
    year = random.randint(3000, 9000)
    company = await create_company(api, tax_rate="10")
    employee = await create_employee(api, company, rate="50")
    await record_workdays(
        api,
        employee["id"],
        [{"date": f"{year}-03-02", "hours": hours}, {"date": f"{year}-03-03", "hours": "4"}],
    )
    response = await api.post(
        "/v1/invoices",
        json={"employee_id": employee["id"], "period_start": f"{year}-03-01", "period_end": f"{year}-03-31"},
    )
    assert response.status_code == 202, response.text
    [invoice] = await wait_for_status(api, [response.json()["id"]], "sent")
    return employee, invoice, str(year)


async def wait_for_credit_note(api: httpx.AsyncClient, note_id: str, within: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + within
    while True:
        note: dict[str, Any] = (await api.get(f"/v1/credit-notes/{note_id}")).json()
        if note["status"] in ("sent", "failed") or time.monotonic() > deadline:
            return note
        await asyncio.sleep(0.2)


async def test_a_partial_and_a_full_credit_note_are_numbered_rendered_and_emailed_and_release_the_entries(
    api: httpx.AsyncClient, smtp_server: CapturingSmtpServer
) -> None:
    employee, invoice, year = await billed_month(api)  # 12 h x 50 = 600 + 60 tax = 660
    assert (invoice["payment_status"], invoice["balance_due"], invoice["overdue"]) == (
        "unpaid",
        "660.00",
        False,
    )

    part = await api.post(
        f"/v1/invoices/{invoice['id']}/credit-notes",
        json={"reason": "Two hours too many", "amount": "100.00"},
    )
    assert part.status_code == 202, part.text
    too_much = await api.post(
        f"/v1/invoices/{invoice['id']}/credit-notes", json={"reason": "More", "amount": "500.01"}
    )
    assert too_much.status_code == 422
    assert too_much.json()["errors"][0]["field"] == "amount"
    rest = await api.post(f"/v1/invoices/{invoice['id']}/credit-notes", json={"reason": "Wrong client"})
    assert rest.status_code == 202, rest.text

    p, r = part.json(), rest.json()
    this_year = date.today().year
    for note in (p, r):
        assert note["number"].startswith(f"CN-{this_year}-")
        assert len(note["number"]) == len("CN-2026-000001")
        assert note["invoice_id"] == invoice["id"]
        assert note["invoice_number"] == invoice["number"]
        assert note["currency"] == "EUR"
    assert int(r["number"][-6:]) > int(p["number"][-6:])
    assert (p["subtotal"], p["tax"], p["total"], p["status"]) == ("100.00", "10.00", "110.00", "pending")
    assert p["taxes"] == [{"category": "S", "rate": "10", "base": "100.00", "amount": "10.00"}]
    assert (r["subtotal"], r["tax"], r["total"]) == ("500.00", "50.00", "550.00")

    for note in (p, r):
        sent = await wait_for_credit_note(api, note["id"])
        assert sent["status"] == "sent", sent
        link = await api.get(f"/v1/credit-notes/{note['id']}/pdf")
        assert link.status_code == 200
        async with httpx.AsyncClient() as anonymous:
            stored = (await anonymous.get(link.json()["url"])).content
        text = pdf_text(stored)
        assert "CREDIT NOTE" in text
        assert note["number"] in text
        assert invoice["number"] in text
    mails = smtp_server.wait_for(
        lambda ms: sum(employee["email"] in m.rcpt_tos for m in ms) >= 3  # the invoice and two notes
    )
    notes = [m for m in mails if employee["email"] in m.rcpt_tos and "Credit note" in m.message["Subject"]]
    assert sorted(m.message["Subject"].split()[2] for m in notes) == sorted([p["number"], r["number"]])
    for m in notes:
        [attachment] = list(m.message.iter_attachments())
        assert attachment.get_filename() in {f"{p['number']}.pdf", f"{r['number']}.pdf"}
        assert invoice["number"] in pdf_text(attachment.get_content())

    listed = (await api.get("/v1/credit-notes", params={"invoice_id": invoice["id"]})).json()["items"]
    assert [n["id"] for n in listed] == [p["id"], r["id"]]
    credited = (await api.get(f"/v1/invoices/{invoice['id']}")).json()
    assert (credited["payment_status"], credited["amount_credited"], credited["balance_due"]) == (
        "credited",
        "660.00",
        "0.00",
    )

    # Released: the entries can be edited again, and the same period invoiced again.
    await record_workdays(api, employee["id"], [{"date": f"{year}-03-02", "hours": "7"}])
    again = await api.post(
        "/v1/invoices",
        json={"employee_id": employee["id"], "period_start": f"{year}-03-01", "period_end": f"{year}-03-31"},
    )
    assert again.status_code == 202, again.text
    assert again.json()["total"] == "605.00"  # 11 h
    assert again.json()["number"] != invoice["number"]


async def test_payments_take_an_invoice_to_partially_paid_then_paid_and_over_payment_is_refused(
    api: httpx.AsyncClient,
) -> None:
    _, invoice, _ = await billed_month(api)
    path = f"/v1/invoices/{invoice['id']}/payments"
    key = str(uuid.uuid4())
    first = await api.post(
        path,
        json={"amount": "200.00", "paid_on": "2026-12-01", "method": "transfer", "reference": "R1"},
        headers={"Idempotency-Key": key},
    )
    assert first.status_code == 201, first.text
    assert first.json()["amount"] == "200.00"
    replayed = await api.post(
        path,
        json={"amount": "200.00", "paid_on": "2026-12-01", "method": "transfer", "reference": "R1"},
        headers={"Idempotency-Key": key},
    )
    assert replayed.json()["id"] == first.json()["id"]

    partly = (await api.get(f"/v1/invoices/{invoice['id']}")).json()
    assert (partly["payment_status"], partly["amount_paid"], partly["balance_due"]) == (
        "partially_paid",
        "200.00",
        "460.00",
    )
    assert [x["id"] for x in partly["payments"]] == [first.json()["id"]]
    for amount in ("460.01", "0", "-5"):
        refused = await api.post(path, json={"amount": amount, "paid_on": "2026-12-02"})
        assert refused.status_code == 422, amount
        assert refused.json()["errors"][0]["field"] == "amount"

    rest = await api.post(path, json={"amount": "460.00", "paid_on": "2026-12-02"})
    assert rest.status_code == 201, rest.text
    paid = (await api.get(f"/v1/invoices/{invoice['id']}")).json()
    assert (paid["payment_status"], paid["balance_due"], paid["status"]) == ("paid", "0.00", "sent")
    listed = await api.get(
        "/v1/invoices", params={"employee_id": invoice["employee_id"], "payment_status": "paid"}
    )
    assert [i["id"] for i in listed.json()["items"]] == [invoice["id"]]

    undone = await api.delete(f"{path}/{first.json()['id']}")
    assert undone.status_code == 204
    assert (await api.get(f"/v1/invoices/{invoice['id']}")).json()["payment_status"] == "partially_paid"


async def test_reminders_of_a_day_go_once_per_level_and_never_once_paid(
    api: httpx.AsyncClient, smtp_server: CapturingSmtpServer
) -> None:
    owing, owed_invoice, _ = await billed_month(api)
    payer, paid_invoice, _ = await billed_month(api)
    due = date.fromisoformat(owed_invoice["due_date"])

    def reminders_to(address: str) -> list[str]:
        return sorted(
            m.message["Message-ID"]
            for m in smtp_server.to(address)
            if m.message["Subject"].startswith("Reminder")
        )

    for _ in range(2):  # the same day asked twice
        response = await api.post("/v1/reminders", json={"as_of": (due + timedelta(days=21)).isoformat()})
        assert response.status_code == 202, response.text
    # The day's request reminds every overdue invoice of the shared database, these two among them.
    smtp_server.wait_for(
        lambda _: len(reminders_to(owing["email"])) >= 2 and len(reminders_to(payer["email"])) >= 2,
        timeout=90,
    )
    assert len(set(reminders_to(owing["email"]))) == 2

    [mail] = [
        m for m in smtp_server.to(owing["email"]) if m.message["Message-ID"].startswith("<reminder.21.")
    ]
    assert "21 days overdue" in mail.message["Subject"]
    [attachment] = list(mail.message.iter_attachments())
    assert attachment.get_filename() == f"{owed_invoice['number']}.pdf"
    body = mail.message.get_body(preferencelist=("plain",))
    assert body is not None
    assert "€660.00" in body.get_content()
    shown = (await api.get(f"/v1/invoices/{owed_invoice['id']}")).json()
    assert [r["level"] for r in shown["reminders"]] == [7, 21]

    paying = await api.post(
        f"/v1/invoices/{paid_invoice['id']}/payments", json={"amount": "660.00", "paid_on": "2026-12-01"}
    )
    assert paying.status_code == 201
    response = await api.post("/v1/reminders", json={"as_of": (due + timedelta(days=45)).isoformat()})
    assert response.status_code == 202
    # The unpaid one's level 45 arrives; the paid one (asked in the same request) got nothing new.
    smtp_server.wait_for(lambda _: len(reminders_to(owing["email"])) >= 3, timeout=90)
    assert len(reminders_to(payer["email"])) == 2
    assert len(reminders_to(owing["email"])) == 3


async def test_the_receivables_buckets_are_the_balances_by_days_past_due(api: httpx.AsyncClient) -> None:
    _, invoice, _ = await billed_month(api)
    await api.post(
        f"/v1/invoices/{invoice['id']}/payments", json={"amount": "60.00", "paid_on": "2026-12-01"}
    )
    invoices: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params = {"limit": "100", **({"cursor": cursor} if cursor else {})}
        page = (await api.get("/v1/invoices", params=params)).json()
        invoices += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    due = date.fromisoformat(invoice["due_date"])
    for as_of in (
        due - timedelta(days=1),
        due + timedelta(days=15),
        due + timedelta(days=45),
        due + timedelta(days=120),
    ):
        expected: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for i in invoices:
            owed = D(i["balance_due"])
            if owed <= 0 or i["payment_status"] not in ("unpaid", "partially_paid"):
                continue
            if date.fromisoformat(i["issue_date"]) > as_of:
                continue
            late = (as_of - date.fromisoformat(i["due_date"])).days
            name = (
                "current"
                if late <= 0
                else "1-30"
                if late <= 30
                else "31-60"
                if late <= 60
                else "61-90"
                if late <= 90
                else "90+"
            )
            expected[(i["currency"], i["billed_to"]["name"])][name] += owed
        report = (await api.get("/v1/reports/receivables", params={"as_of": as_of.isoformat()})).json()
        got = {
            (r["currency"], r["billed_to"]): {
                k: D(r[k]) for k in ("current", "1-30", "31-60", "61-90", "90+") if D(r[k])
            }
            for r in report["rows"]
        }
        assert got == {k: dict(v) for k, v in expected.items()}, as_of
        for r in report["rows"]:
            assert D(r["total"]) == sum(D(r[k]) for k in ("current", "1-30", "31-60", "61-90", "90+"))

    as_csv = await api.get(
        "/v1/reports/receivables", params={"as_of": due.isoformat()}, headers={"Accept": "text/csv"}
    )
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    as_json = (await api.get("/v1/reports/receivables", params={"as_of": due.isoformat()})).json()["rows"]
    assert [(r["currency"], r["billed_to"], r["total"]) for r in rows] == [
        (r["currency"], r["billed_to"], r["total"]) for r in as_json
    ]
