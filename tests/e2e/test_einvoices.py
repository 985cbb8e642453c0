"""E-invoices end to end: the running services make every client invoice and credit note a
Factur-X PDF with its CII embedded, file the UBL and the CII beside it, hand out links to them,
and every XML they make passes the official rules (``tests.support.einvoice``)."""

from __future__ import annotations

import asyncio
import io
import time
from typing import Any

import asyncpg
import httpx
import pikepdf
import pytest
from facturx import get_xml_from_pdf

from tests.e2e.test_client_invoices import ClientCompany, a_month, created
from tests.support.billing import create_company, create_employee, record_workdays, wait_for_status
from tests.support.einvoice import check_cii, check_ubl
from tests.support.smtp import CapturingSmtpServer

pytestmark = pytest.mark.e2e

PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"


async def fetch(api: httpx.AsyncClient, path: str) -> tuple[bytes, dict[str, Any]]:
    link = await api.get(path)
    assert link.status_code == 200, link.text
    body: dict[str, Any] = link.json()
    assert set(body) == {"url", "expires_at"}
    async with httpx.AsyncClient() as anonymous:
        stored = await anonymous.get(body["url"])
    assert stored.status_code == 200
    return stored.content, body


def assert_factur_x(pdf: bytes, cii: bytes) -> None:
    """The stored PDF carries the CII checked, and says it is PDF/A-3b with an output intent."""
    filename, embedded = get_xml_from_pdf(pdf, check_xsd=False)
    assert filename == "factur-x.xml"
    assert embedded == cii
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        xmp = doc.open_metadata()
        assert (xmp[f"{PDFAID}part"], xmp[f"{PDFAID}conformance"]) == ("3", "B")
        [intent] = list(doc.Root.OutputIntents)
        assert intent.S == pikepdf.Name.GTS_PDFA1
        assert intent.DestOutputProfile.N == 3
        assert len(doc.trailer.ID) == 2


async def billed_client(api: httpx.AsyncClient, **client: Any) -> tuple[ClientCompany, dict[str, Any]]:
    c = await ClientCompany.create(api, **client)
    start, end, year = a_month()
    await c.record(
        api,
        c.ada,
        {"date": f"{year}-05-04", "hours": "6", "description": "Checkout API"},
        {"date": f"{year}-05-05", "hours": "2.5", "project_id": c.books["id"]},
    )
    response = await api.post(
        "/v1/invoices", json={"client_id": c.client["id"], "period_start": start, "period_end": end}
    )
    assert response.status_code == 202, response.text
    return c, response.json()


async def wait_for_credit_note(api: httpx.AsyncClient, note_id: str, within: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + within
    while True:
        note: dict[str, Any] = (await api.get(f"/v1/credit-notes/{note_id}")).json()
        if note["status"] in ("sent", "failed") or time.monotonic() > deadline:
            return note
        await asyncio.sleep(0.2)


async def test_a_client_invoice_is_a_factur_x_pdf_whose_cii_and_ubl_pass_the_rules(
    api: httpx.AsyncClient, smtp_server: CapturingSmtpServer
) -> None:
    c, invoice = await billed_client(api)
    await wait_for_status(api, [invoice["id"]], "sent")
    base = f"/v1/invoices/{invoice['id']}"

    cii, _ = await fetch(api, f"{base}/einvoice?format=cii")
    ubl, link = await fetch(api, f"{base}/einvoice?format=ubl")
    pdf, _ = await fetch(api, f"{base}/pdf")
    check_cii(cii)
    check_ubl(ubl, peppol=False)
    assert invoice["number"].encode() in cii
    assert invoice["number"].encode() in ubl
    assert_factur_x(pdf, cii)
    assert link["url"] != ""

    # The email carries that same Factur-X PDF, and no UBL: the client is no Peppol participant.
    smtp_server.wait_for(lambda ms: any(c.client["email"] in m.rcpt_tos for m in ms))
    [mail] = smtp_server.to(c.client["email"])
    [attachment] = list(mail.message.iter_attachments())
    assert attachment.get_content() == pdf


async def test_einvoice_links_refuse_an_unknown_format_and_employee_invoices(
    api: httpx.AsyncClient,
) -> None:
    _, invoice = await billed_client(api)
    await wait_for_status(api, [invoice["id"]], "sent")
    for bad in ("pdf", ""):
        refused = await api.get(f"/v1/invoices/{invoice['id']}/einvoice", params={"format": bad})
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
    missing = await api.get(f"/v1/invoices/{invoice['id']}/einvoice")
    assert missing.status_code == 422

    company = await create_company(api)
    employee = await create_employee(api, company)
    start, _, year = a_month()
    await record_workdays(api, employee["id"], [{"date": f"{year}-05-04", "hours": "8"}])
    issued = await created(
        await api.post(
            "/v1/invoices",
            json={"employee_id": employee["id"], "period_start": start, "period_end": f"{year}-05-31"},
        )
    )
    await wait_for_status(api, [issued["id"]], "sent")
    for fmt in ("ubl", "cii"):
        none = await api.get(f"/v1/invoices/{issued['id']}/einvoice", params={"format": fmt})
        assert none.status_code == 404, none.text
        assert "employee" in none.json()["detail"]


async def test_a_full_and_a_partial_credit_note_are_factur_x_and_pass_the_rules(
    api: httpx.AsyncClient,
) -> None:
    _, invoice = await billed_client(api)
    await wait_for_status(api, [invoice["id"]], "sent")
    part = await created(
        await api.post(
            f"/v1/invoices/{invoice['id']}/credit-notes",
            json={"reason": "Two hours too many", "amount": "100.00"},
        )
    )
    rest = await created(
        await api.post(f"/v1/invoices/{invoice['id']}/credit-notes", json={"reason": "Wrong project"})
    )
    for note in (part, rest):
        sent = await wait_for_credit_note(api, note["id"])
        assert sent["status"] == "sent", sent
        base = f"/v1/credit-notes/{note['id']}"
        cii, _ = await fetch(api, f"{base}/einvoice?format=cii")
        ubl, _ = await fetch(api, f"{base}/einvoice?format=ubl")
        pdf, _ = await fetch(api, f"{base}/pdf")
        check_cii(cii)
        check_ubl(ubl, peppol=False)
        assert b"<ram:TypeCode>381</ram:TypeCode>" in cii
        assert invoice["number"].encode() in cii  # it references the invoice it credits
        assert_factur_x(pdf, cii)
    refused = await api.get(f"/v1/credit-notes/{part['id']}/einvoice", params={"format": "xml"})
    assert refused.status_code == 422


async def test_a_peppol_participants_email_carries_the_ubl_beside_the_pdf(
    api: httpx.AsyncClient, smtp_server: CapturingSmtpServer
) -> None:
    c, invoice = await billed_client(api, electronic_address={"scheme": "0208", "id": "0123456749"})
    await wait_for_status(api, [invoice["id"]], "sent")
    ubl, _ = await fetch(api, f"/v1/invoices/{invoice['id']}/einvoice?format=ubl")
    check_ubl(ubl, peppol=True)
    smtp_server.wait_for(lambda ms: any(c.client["email"] in m.rcpt_tos for m in ms))
    [mail] = smtp_server.to(c.client["email"])
    attachments = {a.get_filename(): a.get_content() for a in mail.message.iter_attachments()}
    assert set(attachments) == {f"{invoice['number']}.pdf", f"{invoice['number']}.xml"}
    assert attachments[f"{invoice['number']}.xml"] == ubl


async def test_an_invoice_breaking_the_rules_fails_with_the_rule_ids_and_a_retry_after_the_fix_sends_it(
    api: httpx.AsyncClient, postgres_url: str
) -> None:
    # A VAT id without its country prefix breaks BR-CO-09 (the clients API takes it as written).
    _, invoice = await billed_client(api, vat_id="0123456749")
    [failed] = await wait_for_status(api, [invoice["id"]], "failed")
    assert "BR-CO-09" in failed["failure_reason"], failed
    for fmt in ("ubl", "cii"):
        assert (
            await api.get(f"/v1/invoices/{invoice['id']}/einvoice", params={"format": fmt})
        ).status_code == 404
    assert (await api.get(f"/v1/invoices/{invoice['id']}/pdf")).status_code == 409  # nothing filed

    # The fix: the snapshot the invoice carries is corrected (as a data repair would), then retried.
    conn = await asyncpg.connect(postgres_url)
    try:
        await conn.execute("UPDATE invoices SET billed_vat_id = 'BE0123456749' WHERE id = $1", invoice["id"])
    finally:
        await conn.close()
    retried = await api.post(f"/v1/invoices/{invoice['id']}/retry")
    assert retried.status_code == 202, retried.text
    await wait_for_status(api, [invoice["id"]], "sent")
    cii, _ = await fetch(api, f"/v1/invoices/{invoice['id']}/einvoice?format=cii")
    check_cii(cii)
