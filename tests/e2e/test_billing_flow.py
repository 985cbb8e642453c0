"""End to end through the REST API only: bill an employee, run a billing run, follow the mail."""

from __future__ import annotations

import io
import random
from datetime import date

import boto3
import httpx
import pytest
from pypdf import PdfReader

from tests.support.billing import (
    create_company,
    create_employee,
    record_workdays,
    wait_for_run_issued,
    wait_for_status,
)
from tests.support.smtp import CapturingSmtpServer
from tests.support.system import RunningSystem

pytestmark = pytest.mark.e2e


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


async def test_an_invoiced_month_reaches_the_employee_as_a_pdf_in_s3_and_in_the_inbox(
    api: httpx.AsyncClient, smtp_server: CapturingSmtpServer, system: RunningSystem
) -> None:
    company = await create_company(api, tax_rate="21")
    employee = await create_employee(api, company, name="Ada Lovelace", rate="85.50")
    await record_workdays(
        api,
        employee["id"],
        [
            {"date": "2026-10-05", "hours": "6.25", "description": "Analytical engine"},
            {"date": "2026-10-01", "hours": "8", "description": "Design review"},
            {"date": "2026-10-02", "hours": "7.5"},
            {"date": "2026-11-02", "hours": "8"},  # outside the period
        ],
    )

    response = await api.post(
        "/v1/invoices",
        json={"employee_id": employee["id"], "period_start": "2026-10-01", "period_end": "2026-10-31"},
    )

    assert response.status_code == 202, response.text
    invoice = response.json()
    assert invoice["status"] == "pending"
    assert invoice["number"].startswith(f"INV-{date.today().year}-")
    assert len(invoice["number"]) == len("INV-2026-000001")
    assert [line["date"] for line in invoice["lines"]] == ["2026-10-01", "2026-10-02", "2026-10-05"]
    assert [line["amount"] for line in invoice["lines"]] == ["684.00", "641.25", "534.38"]
    assert (invoice["subtotal"], invoice["tax"], invoice["total"]) == ("1859.63", "390.52", "2250.15")
    assert invoice["currency"] == "EUR"

    [sent] = await wait_for_status(api, [invoice["id"]], "sent")
    assert sent["number"] == invoice["number"]

    smtp_server.wait_for(lambda ms: any(employee["email"] in m.rcpt_tos for m in ms))
    [mail] = smtp_server.to(employee["email"])
    assert mail.message["To"] == employee["email"]
    assert invoice["number"] in mail.message["Subject"]
    assert mail.message.get_body(preferencelist=("plain",)) is not None
    assert mail.message.get_body(preferencelist=("html",)) is not None
    [attachment] = list(mail.message.iter_attachments())
    assert attachment.get_filename() == f"{invoice['number']}.pdf"
    attached = attachment.get_content()
    text = pdf_text(attached)
    assert invoice["number"] in text
    assert "2,250.15" in text

    s3 = boto3.client("s3", endpoint_url=system.env["AWS_ENDPOINT_URL"], region_name="eu-west-1")
    stored = s3.get_object(
        Bucket=system.env["BILLFLOW_BUCKET"], Key=f"invoices/{date.today().year}/{invoice['number']}.pdf"
    )["Body"].read()
    assert stored == attached

    link = await api.get(f"/v1/invoices/{invoice['id']}/pdf")
    assert link.status_code == 200
    async with httpx.AsyncClient() as anonymous:
        download = await anonymous.get(link.json()["url"])
    assert download.status_code == 200
    assert download.content == attached
    assert download.headers["content-disposition"] == f'attachment; filename="{invoice["number"]}.pdf"'


async def test_a_billing_run_is_accepted_before_any_invoice_exists_then_issued_in_chunks_gaplessly(
    api: httpx.AsyncClient,
) -> None:
    # More employees than the e2e planner's chunk (BILLFLOW_PLANNING_CHUNK_SIZE=25): three chunks.
    year = random.randint(2100, 2900)
    company = await create_company(api, tax_rate="0")
    employees = [await create_employee(api, company, name=f"Chunk {i}", rate="10") for i in range(60)]
    for employee in employees:
        await record_workdays(api, employee["id"], [{"date": f"{year}-05-04", "hours": "1"}])

    response = await api.post(
        "/v1/billing-runs", json={"period_start": f"{year}-05-01", "period_end": f"{year}-05-31"}
    )

    assert response.status_code == 202, response.text
    accepted = response.json()
    assert (accepted["status"], accepted["issued"], accepted["invoice_ids"]) == ("planning", 0, [])
    run = await wait_for_run_issued(api, accepted["id"])
    assert (run["planned"], run["issued"], len(run["invoice_ids"])) == (60, 60, 60)
    assert run["skipped_employee_ids"] == []
    invoices = [(await api.get(f"/v1/invoices/{i}")).json() for i in run["invoice_ids"]]
    assert sorted(inv["employee_id"] for inv in invoices) == sorted(e["id"] for e in employees)
    numbers = [int(inv["number"].rsplit("-", 1)[1]) for inv in invoices]  # in number order
    assert numbers == list(range(numbers[0], numbers[0] + 60)), numbers
    await wait_for_status(api, run["invoice_ids"], "sent", within=180)


async def test_a_billing_run_invoices_everybody_with_workdays_in_the_period_once(
    api: httpx.AsyncClient, smtp_server: CapturingSmtpServer
) -> None:
    # A period of its own, so employees made by other tests have no workdays in it.
    year = random.randint(2100, 2900)
    company = await create_company(api, tax_rate="0")
    employees = [await create_employee(api, company, name=f"Worker {i}", rate="40") for i in range(4)]
    for i, employee in enumerate(employees[:3]):
        await record_workdays(
            api, employee["id"], [{"date": f"{year}-03-0{d}", "hours": "8"} for d in range(1, i + 2)]
        )
    # the fourth has workdays outside the period only
    await record_workdays(api, employees[3]["id"], [{"date": f"{year}-04-01", "hours": "8"}])

    response = await api.post(
        "/v1/billing-runs", json={"period_start": f"{year}-03-01", "period_end": f"{year}-03-31"}
    )

    assert response.status_code == 202, response.text
    run = await wait_for_run_issued(api, response.json()["id"])
    assert len(run["invoice_ids"]) == 3
    invoices = await wait_for_status(api, run["invoice_ids"], "sent")
    assert sorted(inv["total"] for inv in invoices) == ["320.00", "640.00", "960.00"]
    progress = (await api.get(f"/v1/billing-runs/{run['id']}")).json()
    assert progress["counts"] == {"pending": 0, "rendered": 0, "sent": 3, "failed": 0}
    for employee in employees[:3]:
        assert len(smtp_server.to(employee["email"])) == 1
    assert smtp_server.to(employees[3]["email"]) == []

    again = await api.post(
        "/v1/billing-runs", json={"period_start": f"{year}-03-01", "period_end": f"{year}-03-31"}
    )
    assert again.status_code == 202
    second = await wait_for_run_issued(api, again.json()["id"])
    assert second["invoice_ids"] == []
    assert sorted(second["skipped_employee_ids"]) == sorted(e["id"] for e in employees[:3])
