"""The client's language end to end: a German client's invoice and credit note, rendered, filed
and emailed by the running services, read back in German (PDF from S3 and the emails)."""

from __future__ import annotations

import asyncio
import io
import re
import time
import unicodedata
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

from tests.e2e.test_client_invoices import ClientCompany, a_month, created
from tests.support.billing import wait_for_status
from tests.support.smtp import CapturingSmtpServer

pytestmark = pytest.mark.e2e


def pdf_text(data: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text))


async def stored_pdf(api: httpx.AsyncClient, path: str) -> str:
    link = await api.get(path)
    assert link.status_code == 200, link.text
    async with httpx.AsyncClient() as anonymous:
        return pdf_text((await anonymous.get(link.json()["url"])).content)


async def sent_note(api: httpx.AsyncClient, note_id: str, within: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + within
    while True:
        note: dict[str, Any] = (await api.get(f"/v1/credit-notes/{note_id}")).json()
        if note["status"] in ("sent", "failed") or time.monotonic() > deadline:
            return note
        await asyncio.sleep(0.2)


async def test_a_german_clients_invoice_and_credit_note_and_their_emails_are_in_german(
    api: httpx.AsyncClient, smtp_server: CapturingSmtpServer
) -> None:
    c = await ClientCompany.create(api, name="Globex GmbH", language="de")
    start, end, year = a_month()
    await c.record(api, c.ada, {"date": f"{year}-05-04", "hours": "10", "description": "Kasse"})
    invoice = await created(
        await api.post(
            "/v1/invoices", json={"client_id": c.client["id"], "period_start": start, "period_end": end}
        )
    )
    await wait_for_status(api, [invoice["id"]], "sent")

    text = await stored_pdf(api, f"/v1/invoices/{invoice['id']}/pdf")
    for expected in ("RECHNUNG", "USt-IdNr.: BE0123456749", "Belgien", "Zu zahlender Betrag", "1.210,00 €"):
        assert expected in text, text
    assert f"04.05.{year}" in text  # the timesheet's dates, German style

    address = c.client["email"]
    [mail] = [
        m.message
        for m in smtp_server.wait_for(lambda ms: any(address in m.rcpt_tos for m in ms))
        if address in m.rcpt_tos
    ]
    assert mail["Subject"].startswith(f"Rechnung {invoice['number']} von ")
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None
    assert "Guten Tag Globex GmbH," in body.get_content()
    assert "Gesamtbetrag: 1.210,00\xa0€" in body.get_content()

    note = await created(
        await api.post(f"/v1/invoices/{invoice['id']}/credit-notes", json={"reason": "Doppelt berechnet"})
    )
    assert (await sent_note(api, note["id"]))["status"] == "sent"
    text = await stored_pdf(api, f"/v1/credit-notes/{note['id']}/pdf")
    for expected in ("RECHNUNGSKORREKTUR", invoice["number"], "Gutgeschriebener Gesamtbetrag", "1.210,00 €"):
        assert expected in text, text
    mails = smtp_server.wait_for(lambda ms: sum(address in m.rcpt_tos for m in ms) >= 2)
    [credit_mail] = [
        m.message for m in mails if address in m.rcpt_tos and note["number"] in m.message["Subject"]
    ]
    assert credit_mail["Subject"] == f"Rechnungskorrektur {note['number']} zur Rechnung {invoice['number']}"
