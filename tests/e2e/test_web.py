"""The web pages in a real Chromium (Playwright), against the running system.

Each test drives the pages as a person would: labels, buttons, the keyboard. Screenshots of the
main pages land in test-artifacts/screenshots/.
"""

from __future__ import annotations

import base64
import csv
import io
import random
import re
import shutil
import time
import uuid
from collections.abc import AsyncIterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect
from pypdf import PdfReader

from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.support.billing import create_company, create_employee, record_workdays, wait_for_status
from tests.support.expenses import aws_pdf
from tests.support.system import RunningSystem
from tests.support.users import PASSWORD, create_user

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path("test-artifacts/screenshots")
SETTLE_SECONDS = 30_000  # ms: rendering and emailing one invoice takes a second or two


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.skip("no system Chromium")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=executable, headless=True, args=["--disable-gpu", "--disable-dev-shm-usage"]
        )
        yield launched
        await launched.close()


@pytest.fixture
async def context(browser: Browser, system: RunningSystem) -> AsyncIterator[BrowserContext]:
    created = await browser.new_context(
        base_url=system.api_url, accept_downloads=True, viewport={"width": 1280, "height": 900}
    )
    created.set_default_timeout(10_000)
    yield created
    await created.close()


@pytest.fixture
async def page(context: BrowserContext) -> Page:
    return await context.new_page()


def screenshot_path(name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


async def shot(page: Page, name: str) -> None:
    await page.screenshot(path=screenshot_path(name), full_page=True)


async def log_in(page: Page, email: str, password: str) -> None:
    await page.goto("/app/login")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("button", name="Log out")).to_be_visible()


def pdf_text(path: Path) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)


async def test_an_accountant_enters_a_week_in_the_grid_bills_it_and_downloads_the_sent_pdf(
    page: Page, api: httpx.AsyncClient
) -> None:
    accountant = await create_user(api, "accountant")
    year = random.randint(3000, 3999)  # a period no other test bills
    await page.goto("/app/invoices")
    await expect(page).to_have_url(re.compile(r"/app/login\?next=/app/invoices"))
    await shot(page, "01-login")
    await log_in(page, accountant.email, PASSWORD)
    await expect(page).to_have_url(re.compile(r"/app/invoices$"))

    # The company: a department and a project with 21 % tax.
    suffix = uuid.uuid4().hex[:6]
    await page.get_by_role("link", name="Company").click()
    await page.get_by_label("New department").fill(f"Engineering {suffix}")
    await page.get_by_role("button", name="Add department").click()
    await page.get_by_label("New project").fill(f"Apollo {suffix}")
    await page.get_by_label("Tax rate (%)").fill("21")
    await page.get_by_role("button", name="Add project").click()
    await expect(page.get_by_role("cell", name=f"Apollo {suffix}")).to_be_visible()
    await shot(page, "02-company")

    # An employee.
    await page.get_by_role("link", name="Employees").click()
    await page.get_by_role("link", name="New employee").click()
    email = f"grace-{suffix}@example.com"
    await page.get_by_label("Full name").fill("Grace Hopper")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Department").select_option(label=f"Engineering {suffix}")
    await page.get_by_label("Project").select_option(label=f"Apollo {suffix}")
    await page.get_by_label("Hourly rate").fill("85.50")
    await page.get_by_label("Currency").fill("EUR")
    await shot(page, "03-new-employee")
    await page.get_by_role("button", name="Create employee").click()
    await expect(page.get_by_role("heading", name="Workdays of Grace Hopper")).to_be_visible()
    employee_id = page.url.split("/employees/")[1].split("/")[0]

    # A week in the grid, typed the way people do: a value, Tab, the next value.
    await page.goto(f"/app/employees/{employee_id}/workdays?month={year}-06")
    monday = next(d for d in range(1, 8) if time.strptime(f"{year}-06-{d:02d}", "%Y-%m-%d").tm_wday == 0)
    first = page.locator(f"#h-{year}-06-{monday:02d}")
    await first.focus()
    for hours in ["8", "7.5", "8", "6.25", "8"]:
        await page.keyboard.type(hours)
        await page.keyboard.press("Tab")
    row = page.locator("#workday-grid tbody tr").filter(has=first)
    await expect(row.locator("[data-week-total]")).to_have_text("37.75")  # live, before saving
    await page.get_by_role("button", name="Save workdays").click()
    await expect(page.get_by_role("status")).to_have_text("Saved 5 workdays.")
    await expect(row.locator("[data-week-total]")).to_have_text("37.75")
    await expect(page.locator("#month-total")).to_have_text("37.75")
    await shot(page, "04-workday-grid")

    # Bill the month and watch the status change without reloading.
    await page.get_by_role("link", name="Bill this employee").click()
    await page.get_by_label("First day").fill(f"{year}-06-01")
    await page.get_by_label("Last day").fill(f"{year}-06-30")
    await page.get_by_role("button", name="Issue the invoice").click()
    await expect(page.get_by_role("heading", name=re.compile(r"^Invoice INV-"))).to_be_visible()
    number = (await page.get_by_role("heading", level=1).inner_text()).removeprefix("Invoice ")
    await expect(page.locator("#invoice-total")).to_have_text("€3,905.43")
    await expect(page.locator("#invoice-status .badge")).to_have_text("sent", timeout=SETTLE_SECONDS)
    await shot(page, "05-invoice-sent")

    async with page.expect_download() as downloading:
        await page.get_by_role("link", name="Download PDF").click()
    download = await downloading.value
    assert download.suggested_filename == f"{number}.pdf"
    text = pdf_text(await download.path())
    assert number in text
    assert "Grace Hopper" in text
    assert "3,905.43" in text

    # The list, filtered to this employee and period.
    await page.goto(
        f"/app/invoices?employee_id={employee_id}&period_from={year}-06-01&period_to={year}-06-30"
    )
    await expect(page.get_by_role("link", name=number)).to_be_visible()
    await expect(page.locator("tbody tr")).to_have_count(1)
    await shot(page, "06-invoices")
    await page.goto(f"/app/invoices?employee_id={employee_id}&period_from={year}-07-01")
    await expect(page.get_by_text("No invoice matches these filters.")).to_be_visible()


async def test_a_billing_run_shows_its_counts_per_status_live_until_every_invoice_is_sent(
    page: Page, api: httpx.AsyncClient
) -> None:
    year = random.randint(3000, 3999)
    company = await create_company(api, tax_rate="0")
    for i in range(3):
        employee = await create_employee(api, company, name=f"Runner {i}", rate="40")
        await record_workdays(api, employee["id"], [{"date": f"{year}-07-0{i + 1}", "hours": "8"}])
    await log_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)

    await page.get_by_role("link", name="Billing", exact=True).click()
    await page.get_by_label("First day").fill(f"{year}-07-01")
    await page.get_by_label("Last day").fill(f"{year}-07-31")
    await page.get_by_role("button", name="Start the run").click()

    await expect(page.locator("[data-status=sent]")).to_have_text("3", timeout=SETTLE_SECONDS)
    await expect(page.get_by_text("Done: all 3 invoices are settled.")).to_be_visible()
    await expect(page.locator("[data-status=pending]")).to_have_text("0")
    await expect(page.locator("tbody tr")).to_have_count(3)
    await shot(page, "07-billing-run")


async def test_an_employee_sees_their_own_invoices_and_cannot_open_another_by_editing_the_url(
    page: Page, api: httpx.AsyncClient
) -> None:
    company = await create_company(api)
    mine = await create_employee(api, company, name="Mary Jackson")
    theirs = await create_employee(api, company, name="Katherine Johnson")
    year = random.randint(3000, 3999)
    invoices = {}
    for employee in (mine, theirs):
        await record_workdays(api, employee["id"], [{"date": f"{year}-08-03", "hours": "8"}])
        issued = await api.post(
            "/v1/invoices",
            json={
                "employee_id": employee["id"],
                "period_start": f"{year}-08-01",
                "period_end": f"{year}-08-31",
            },
        )
        assert issued.status_code == 202, issued.text
        invoices[employee["id"]] = issued.json()
    await wait_for_status(api, [i["id"] for i in invoices.values()], "sent")
    me = await create_user(api, "employee", mine["id"])
    own, other = invoices[mine["id"]], invoices[theirs["id"]]

    await log_in(page, me.email, PASSWORD)
    nav = page.get_by_role("navigation", name="Sections")
    assert await nav.get_by_role("link").all_inner_texts() == ["Invoices", "My workdays", "Expenses"]
    await expect(page.get_by_role("link", name=own["number"])).to_be_visible()
    await expect(page.get_by_role("link", name=other["number"])).to_have_count(0)
    await shot(page, "08-employee-invoices")

    await page.goto(f"/app/invoices/{own['id']}")
    await expect(page.locator("#invoice-status .badge")).to_have_text("sent")
    await expect(page.get_by_role("button", name=re.compile("Retry"))).to_have_count(0)

    for url in (f"/app/invoices/{other['id']}", f"/app/invoices/{other['id']}/pdf"):
        response = await page.goto(url)
        assert response is not None
        assert response.status == 404
        await expect(page.get_by_role("heading", name="Not found")).to_be_visible()
        await expect(page.get_by_text(other["number"])).to_have_count(0)
    response = await page.goto(f"/app/employees/{theirs['id']}/workdays")
    assert response is not None
    assert response.status == 404
    response = await page.goto("/app/employees")
    assert response is not None
    assert response.status == 403
    await expect(page.get_by_text("Your role may not open this page")).to_be_visible()


async def test_a_form_with_bad_input_shows_each_message_beside_its_field_and_keeps_what_was_typed(
    page: Page, api: httpx.AsyncClient
) -> None:
    company = await create_company(api)
    employee = await create_employee(api, company, name="Dorothy Vaughan")
    await log_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)

    await page.goto("/app/employees/new")
    await page.get_by_label("Full name").fill("Alan Turing")
    await page.get_by_label("Email").fill("not-an-address")
    await page.get_by_label("Hourly rate").fill("lots")
    await page.get_by_label("Currency").fill("XYZ")
    await page.get_by_role("button", name="Create employee").click()

    rate = page.get_by_label("Hourly rate")
    await expect(rate).to_have_attribute("aria-invalid", "true")
    await expect(rate).to_have_value("lots")
    await expect(page.locator("#e-hourly_rate")).to_have_text("Enter a number, like 85.50.")
    await expect(page.locator("#e-email")).to_have_text("Enter an email address like name@example.com.")
    await expect(page.locator("#e-department_id")).to_have_text("Choose a department.")
    await expect(page.get_by_label("Full name")).to_have_value("Alan Turing")
    await expect(page.get_by_label("Full name")).not_to_have_attribute("aria-invalid", "true")
    await shot(page, "09-form-errors")

    # The domain's own rule (hours at most 24) lands beside the cell it is about.
    year = random.randint(3000, 3999)
    await page.goto(f"/app/employees/{employee['id']}/workdays?month={year}-09")
    await page.locator(f"#h-{year}-09-01").fill("25")
    await page.locator(f"#h-{year}-09-02").fill("8")
    await page.get_by_role("button", name="Save workdays").click()
    cell = page.locator(f"#h-{year}-09-01")
    await expect(cell).to_have_attribute("aria-invalid", "true")
    await expect(page.locator(f"#e-{year}-09-01")).to_have_text("Hours must be more than 0 and at most 24.")
    await expect(page.locator(f"#h-{year}-09-02")).to_have_value("8")

    # Users: a short password is refused beside the password field.
    await page.goto("/app/users")
    await page.get_by_label("Email").fill(f"new-{uuid.uuid4().hex[:6]}@example.com")
    await page.get_by_label("Password").fill("short")
    await page.get_by_label("Role", exact=True).select_option("viewer")
    await page.get_by_role("button", name="Create user").click()
    await expect(page.locator("#e-password")).to_have_text("Password has at least 8 characters.")
    await shot(page, "10-users")


async def test_an_ended_session_goes_back_to_the_login_page_and_then_where_it_was(
    page: Page, context: BrowserContext, system: RunningSystem
) -> None:
    expired = jwt.encode(
        {"sub": str(uuid.uuid4()), "role": "admin", "iss": "billflow", "iat": 1, "exp": 2},
        system.env["BILLFLOW_JWT_SECRET"],
        algorithm="HS256",
    )
    await context.add_cookies(
        [{"name": "billflow_session", "value": expired, "url": f"{system.api_url}/app/"}]
    )
    await page.goto("/app/employees")
    await expect(page).to_have_url(re.compile(r"/app/login\?next=/app/employees&ended=1"))
    await expect(page.get_by_role("status")).to_have_text("Your session has ended. Please log in again.")
    await page.get_by_label("Email").fill(ADMIN_EMAIL)
    await page.get_by_label("Password").fill(ADMIN_PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page).to_have_url(re.compile(r"/app/employees$"))

    await page.get_by_role("button", name="Log out").click()
    await expect(page).to_have_url(re.compile(r"/app/login$"))
    await page.goto("/app/invoices")
    await expect(page).to_have_url(re.compile(r"/app/login"))


async def test_the_session_cookie_is_http_only_and_opens_no_door_to_the_rest_api(
    page: Page, context: BrowserContext, system: RunningSystem
) -> None:
    await log_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    cookies = {c["name"]: c for c in await context.cookies()}
    session = cookies["billflow_session"]
    assert session["httpOnly"] is True
    assert session["sameSite"] == "Lax"
    assert session["path"] == "/app"
    assert cookies["billflow_csrf"]["httpOnly"] is True

    jar = {"billflow_session": session["value"], "billflow_csrf": cookies["billflow_csrf"]["value"]}
    async with httpx.AsyncClient(base_url=system.api_url, cookies=jar) as client:
        assert (await client.get("/v1/invoices")).status_code == 401
        assert (await client.get("/v1/me")).status_code == 401
        # A form posted without the page's CSRF token (as another site would) is refused.
        forged = await client.post("/app/company/departments", data={"name": "Forged"})
        assert forged.status_code == 403
        assert "This form has expired" in forged.text
        assert "Traceback" not in forged.text


async def test_the_pages_fit_a_phone_screen(browser: Browser, system: RunningSystem) -> None:
    phone = await browser.new_context(
        base_url=system.api_url, viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True
    )
    try:
        page = await phone.new_page()
        await log_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
        for path, name in (
            ("/app/invoices", "11-phone-invoices"),
            ("/app/runs/new", "12-phone-billing"),
            ("/app/receivables", "17-phone-receivables"),
        ):
            await page.goto(path)
            width = await page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{path} scrolls sideways ({width}px)"
            await shot(page, name)
    finally:
        await phone.close()


DROP_FILE = """([b64, name, type]) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, { type }));
  return transfer;
}"""


async def test_an_expense_is_dropped_read_corrected_and_counted_in_the_months_statement(
    page: Page, api: httpx.AsyncClient
) -> None:
    admin = await create_user(api, "admin")
    month = time.strftime("%Y-%m", time.gmtime())
    await log_in(page, admin.email, PASSWORD)
    await page.get_by_role("link", name="Expenses").click()
    await expect(page.get_by_role("heading", name="Expenses", exact=True)).to_be_visible()

    # A file that is not a document: the message sits beside the file input.
    await page.get_by_label("File (PDF, PNG, JPEG, WebP or HEIC").set_input_files(
        {"name": "notes.png", "mimeType": "image/png", "buffer": b"these are not pixels\n"}
    )
    await page.get_by_role("button", name="Upload").click()
    await expect(page.locator("#e-file")).to_have_text(re.compile("not a PDF, PNG, JPEG, WebP or HEIC"))
    await expect(page.get_by_label("File (PDF, PNG, JPEG, WebP or HEIC")).to_have_attribute(
        "aria-invalid", "true"
    )

    # The corpus PDF dropped on the drop zone fills the file input.
    transfer = await page.evaluate_handle(
        DROP_FILE, [base64.b64encode(aws_pdf()).decode(), "aws.pdf", "application/pdf"]
    )
    await page.locator("[data-dropzone]").dispatch_event("drop", {"dataTransfer": transfer})
    assert await page.locator("#f-file").evaluate("input => input.files[0].name") == "aws.pdf"
    await page.get_by_label("Note (optional)").fill("cloud hosting")
    await page.get_by_role("button", name="Upload").click()
    await expect(page.get_by_role("heading", name="Expense aws.pdf")).to_be_visible()

    # Read in the background; the page follows without a reload. Dated 2014, years before its
    # upload, it is sent to review (the date check), though its total reads right.
    status = page.locator("#expense-reading .badge").first
    await expect(status).to_have_text("needs_review", timeout=SETTLE_SECONDS)
    total = page.locator("tr[data-field=total]")
    await expect(total).to_contain_text("$4.11")
    await expect(total).not_to_have_class("review")

    await page.get_by_label("Vendor").fill("AWS")
    await page.get_by_label("Total").fill("4.20")
    await page.get_by_role("button", name="Save and confirm").click()
    await expect(page.get_by_role("status")).to_have_text("Saved: the expense is confirmed.")
    await expect(status).to_have_text("confirmed")
    await expect(total).to_contain_text("$4.20")
    await expect(total).to_contain_text("100 %")

    # The month's list, then the statement: the same rows and totals as the email.
    await page.get_by_role("link", name=re.compile("Expenses of")).click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="aws.pdf"))
    await expect(row.first).to_contain_text("confirmed")
    await page.goto(f"/app/expenses/statement?month={month}&user_id={admin.id}")
    mine = page.locator("section.statement")
    await expect(mine).to_have_count(1)
    await expect(mine.get_by_role("heading")).to_have_text(f"{admin.email} (you)")
    await expect(mine.locator("[data-total=USD]")).to_have_text("$4.20")
    await expect(mine.get_by_role("cell", name="AWS", exact=True)).to_be_visible()
    await page.get_by_role("button", name=f"Email the statements of {month}").click()
    await expect(page.get_by_role("status")).to_have_text(f"The statements of {month} are being emailed.")
    await shot(page, "13-expenses")


async def test_an_accountant_bills_a_client_for_two_projects_from_the_pages_and_a_billed_day_stays_locked(
    page: Page, api: httpx.AsyncClient
) -> None:
    accountant = await create_user(api, "accountant")
    company = await create_company(api)
    ada = await create_employee(api, company, name="Ada Lovelace")
    year = random.randint(3000, 8999)  # a period no other test bills
    suffix = uuid.uuid4().hex[:6]
    client_name = f"Globex {suffix}"
    await log_in(page, accountant.email, PASSWORD)

    # A client, with every field of the form.
    await page.get_by_role("link", name="Clients").click()
    await page.get_by_role("link", name="New client").click()
    await page.get_by_label("Name").fill(client_name)
    await page.get_by_label("Email").fill(f"ap-{suffix}@globex.example")
    await page.get_by_label("Street").fill("Rue Haute 1")
    await page.get_by_label("Postal code").fill("1000")
    await page.get_by_label("City").fill("Bruxelles")
    await page.get_by_label("Country").fill("be")
    await page.get_by_label("VAT id").fill("BE0123456749")
    await page.get_by_label("Buyer reference").fill("PO-77")
    await page.get_by_label("Language").select_option(label="Français")
    await page.get_by_label("Payment terms (days)").fill("14")
    await page.get_by_role("button", name="Create client").click()
    await expect(page.get_by_role("status")).to_have_text("Client saved.")
    await expect(page.get_by_label("Country")).to_have_value("BE")
    await expect(page.get_by_label("Language")).to_have_value("fr")

    # Two of its projects at 21 % and 6 %, each at its own rate to the client.
    await page.get_by_role("link", name="Company").click()
    for name, tax, rate in ((f"Web {suffix}", "21", "100"), (f"Books {suffix}", "6", "80")):
        await page.get_by_label("New project").fill(name)
        await page.get_by_label("Tax rate (%)").fill(tax)
        await page.get_by_label("Client", exact=True).select_option(label=f"{client_name} (EUR)")
        await page.get_by_label("Rate to the client per hour").fill(rate)
        await page.get_by_role("button", name="Add project").click()
        await expect(page.get_by_role("link", name=name)).to_be_visible()

    # Ada joins both: on the web shop at a rate of her own, on the books at the project's.
    for name, rate, shown in ((f"Web {suffix}", "120", "€120.00"), (f"Books {suffix}", "", "€80.00")):
        await page.goto("/app/company")
        await page.get_by_role("link", name=name).click()
        await page.get_by_label("Employee", exact=True).select_option(ada["id"])  # many an Ada here
        await page.get_by_label("Own rate (optional)").fill(rate)
        await page.get_by_role("button", name="Add member").click()
        await expect(page.get_by_role("status")).to_have_text("Member added.")
        row = page.locator(f"#member-table tr[data-member='{ada['id']}']")
        await expect(row.get_by_role("cell").nth(1)).to_contain_text(shown)
    await shot(page, "11-project-members")

    # The grid: one day, hours on two projects, each project its own grid.
    await page.goto(f"/app/employees/{ada['id']}/workdays?month={year}-05")
    for name, hours in ((f"Web {suffix}", "8"), (f"Books {suffix}", "4")):
        await page.get_by_label("Project", exact=True).select_option(label=name)
        await page.get_by_role("button", name="Show the project").click()
        await expect(page.locator("#workday-grid caption")).to_contain_text(f"on {name}")
        await page.locator(f"#h-{year}-05-04").fill(hours)
        await page.get_by_role("button", name="Save workdays").click()
        await expect(page.get_by_role("status")).to_have_text("Saved 1 workday.")
        await expect(page.locator("#month-total")).to_have_text(hours)
    await shot(page, "11-grid-per-project")

    # The client's invoice, issued from the page: lines by project and person, taxes per rate.
    await page.goto("/app/invoices")
    await page.get_by_role("link", name="New invoice").click()
    await page.get_by_role("link", name="Bill a client instead").click()
    await page.get_by_label("Client", exact=True).select_option(label=f"{client_name} (EUR)")
    await page.get_by_label("First day").fill(f"{year}-05-01")
    await page.get_by_label("Last day").fill(f"{year}-05-31")
    await page.get_by_role("button", name="Issue the invoice").click()
    await expect(page.get_by_role("heading", name=re.compile(r"^Invoice INV-"))).to_be_visible()
    number = (await page.get_by_role("heading", level=1).inner_text()).removeprefix("Invoice ")
    lines = page.locator("#invoice-lines tbody tr")
    await expect(lines).to_have_count(2)
    # 4 h x 80 = 320 at 6 % (19.20); 8 h x 120 = 960 at 21 % (201.60); 1,280 + 220.80.
    await expect(lines.nth(0)).to_contain_text(f"Books {suffix}Ada Lovelace4€80.00")
    await expect(lines.nth(1)).to_contain_text(f"Web {suffix}Ada Lovelace8€120.00")
    taxes = page.locator("#invoice-lines tfoot tr")  # subtotal, a row per tax rate, total
    await expect(taxes).to_have_count(4)
    await expect(taxes.nth(1)).to_have_text(re.compile(r"^Tax 6\W*% of €320\.00\s*€19\.20$"))
    await expect(taxes.nth(2)).to_have_text(re.compile(r"^Tax 21\W*% of €960\.00\s*€201\.60$"))
    await expect(page.locator("#invoice-total")).to_have_text("€1,500.80")
    await expect(page.locator("#billed-address")).to_have_text("Rue Haute 1, 1000 Bruxelles, BE")
    await expect(page.locator("#billed-vat-id")).to_have_text("BE0123456749")
    await expect(page.locator("#timesheet tbody tr")).to_have_count(2)
    await expect(page.locator("#invoice-status .badge")).to_have_text("sent", timeout=SETTLE_SECONDS)
    await shot(page, "11-client-invoice")
    invoice_url = page.url

    # The list filters by kind and client, and names the party billed.
    await page.goto("/app/invoices")
    await page.get_by_label("Kind").select_option("client")
    await page.get_by_label("Client", exact=True).select_option(label=client_name)
    await page.get_by_role("button", name="Filter").click()
    await expect(page.locator("tbody tr")).to_have_count(1)
    await expect(page.locator("tbody tr")).to_contain_text(client_name)

    # A billed day is locked: changing it names the invoice.
    await page.goto(f"/app/employees/{ada['id']}/workdays?month={year}-05")
    await page.get_by_label("Project", exact=True).select_option(label=f"Web {suffix}")
    await page.get_by_role("button", name="Show the project").click()
    await page.locator(f"#h-{year}-05-04").fill("7")
    await page.get_by_role("button", name="Save workdays").click()
    await expect(page.locator("#e-month")).to_have_text(f"This time entry is billed on invoice {number}.")

    # An employee user never sees the client's invoice.
    me = await create_user(api, "employee", ada["id"])
    await page.get_by_role("button", name="Log out").click()
    await log_in(page, me.email, PASSWORD)
    response = await page.goto(invoice_url)
    assert response is not None
    assert response.status == 404
    await page.goto(f"/app/employees/{ada['id']}/workdays?month={year}-05")
    await expect(page.get_by_label("Project", exact=True).locator("option")).to_have_count(
        3
    )  # own, web, books


async def test_a_clients_billing_run_from_the_page_bills_active_clients_and_lists_the_archived_one(
    page: Page, api: httpx.AsyncClient
) -> None:
    year = random.randint(3000, 8999)
    suffix = uuid.uuid4().hex[:6]
    address = {"street": "Main St 5", "city": "Utrecht", "postal_code": "3511", "country": "NL"}
    clients = {}
    for name in (f"Active {suffix}", f"Dormant {suffix}"):
        body = {"name": name, "email": f"{name.split()[0].lower()}-{suffix}@example.com", "address": address}
        created = await api.post("/v1/clients", json={**body, "currency": "EUR"})
        assert created.status_code == 201, created.text
        clients[name] = created.json()
    company = await create_company(api)
    project = await api.post(
        "/v1/projects",
        json={
            "name": f"Portal {suffix}",
            "tax_rate": "21",
            "client_id": clients[f"Active {suffix}"]["id"],
            "hourly_rate": "90",
        },
    )
    assert project.status_code == 201, project.text
    worker = await create_employee(api, company, name="Alan Turing")
    joined = await api.put(f"/v1/projects/{project.json()['id']}/members/{worker['id']}", json={})
    assert joined.status_code == 200, joined.text
    await record_workdays(
        api, worker["id"], [{"date": f"{year}-03-02", "hours": "5", "project_id": project.json()["id"]}]
    )
    await log_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)

    # The dormant client is archived from the list, and the list can still show it.
    await page.goto("/app/clients")
    await expect(page.get_by_role("link", name=f"Dormant {suffix}", exact=True)).to_be_visible()
    await shot(page, "12-clients")
    await page.get_by_role("button", name=f"Archive Dormant {suffix}").click()
    await expect(page).to_have_url(re.compile(r"/app/clients\?archived=1$"))
    archived_row = page.locator("#clients tr").filter(has_text=f"Dormant {suffix}")
    await expect(archived_row.locator(".badge-archived")).to_be_visible()
    await page.get_by_role("link", name="Hide archived clients").click()
    await expect(page.get_by_role("link", name=f"Dormant {suffix}", exact=True)).to_have_count(0)

    await page.get_by_role("link", name="Billing", exact=True).click()
    await page.get_by_role("radio", name=re.compile("^Clients")).check()
    await page.get_by_label("First day").fill(f"{year}-03-01")
    await page.get_by_label("Last day").fill(f"{year}-03-31")
    await page.get_by_role("button", name="Start the run").click()
    await expect(page.locator("[data-status=sent]")).to_have_text("1", timeout=SETTLE_SECONDS)
    await expect(page.locator("main tbody tr")).to_have_count(1)
    await expect(page.locator("main tbody tr")).to_contain_text(f"Active {suffix}")
    await expect(page.locator("main tbody tr")).to_contain_text("€544.50")  # 5 h x 90, 21 % tax
    skipped = page.locator("#skipped-clients li").filter(has_text=f"Dormant {suffix}")
    await expect(skipped.locator(".badge-archived")).to_be_visible()
    await expect(page.locator("#skipped-clients")).not_to_contain_text(f"Active {suffix}")
    await shot(page, "13-client-billing-run")


async def invoiced_month(api: httpx.AsyncClient, name: str, year: int, month: int) -> dict[str, Any]:
    """An invoice of 12 h x 50 at 10 % tax (660.00) to ``name`` for a month of ``year``."""
    company = await create_company(api, tax_rate="10")
    employee = await create_employee(api, company, name=name, rate="50")
    days = [
        {"date": f"{year}-{month:02d}-02", "hours": "8"},
        {"date": f"{year}-{month:02d}-03", "hours": "4"},
    ]
    await record_workdays(api, employee["id"], days)
    response = await api.post(
        "/v1/invoices",
        json={
            "employee_id": employee["id"],
            "period_start": f"{year}-{month:02d}-01",
            "period_end": f"{year}-{month:02d}-28",
        },
    )
    assert response.status_code == 202, response.text
    body: dict[str, Any] = response.json()
    return body


def euros(amount: Decimal) -> str:
    return f"€{amount:,.2f}"


def csv_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


async def test_a_partial_payment_recorded_on_the_invoice_page_changes_the_balance_and_can_be_undone(
    page: Page, api: httpx.AsyncClient
) -> None:
    accountant = await create_user(api, "accountant")
    invoice = await invoiced_month(api, f"Payer {uuid.uuid4().hex[:6]}", random.randint(3000, 8999), 4)
    await log_in(page, accountant.email, PASSWORD)
    await page.goto(f"/app/invoices/{invoice['id']}")
    await expect(page.locator("#payment-status")).to_have_text("unpaid")
    await expect(page.locator("#balance-due")).to_have_text("€660.00")

    # More than the balance: refused beside the field, with what was typed kept.
    await page.get_by_label("Amount", exact=True).fill("1000")
    await page.get_by_role("button", name="Record the payment").click()
    await expect(page.locator("#pay-e-amount")).to_contain_text("more than the balance due")
    await expect(page.get_by_label("Amount", exact=True)).to_have_value("1000")

    await page.get_by_label("Amount", exact=True).fill("200.00")
    await page.get_by_label("Paid on").fill("2026-11-20")
    await page.get_by_label("Method (optional)").fill("Bank transfer")
    await page.get_by_label("Reference (optional)").fill("REF-42")
    await page.get_by_role("button", name="Record the payment").click()
    await expect(page.locator("#payment-status")).to_have_text("partially paid")
    await expect(page.locator("#amount-paid")).to_have_text("€200.00")
    await expect(page.locator("#balance-due")).to_have_text("€460.00")
    await expect(page.locator("#payments tbody tr")).to_have_text(
        re.compile(r"Nov 20, 2026\s*€200\.00\s*Bank transfer\s*REF-42")
    )
    await shot(page, "14-invoice-payment")

    # The list shows the payment status and filters by it.
    await page.goto(f"/app/invoices?employee_id={invoice['employee_id']}")
    await page.get_by_label("Payment", exact=True).select_option("partially_paid")
    await page.get_by_role("button", name="Filter").click()
    await expect(page.locator("tbody tr")).to_have_count(1)
    await expect(page.locator("tbody tr")).to_contain_text("partially paid")
    await page.get_by_label("Payment", exact=True).select_option("paid")
    await page.get_by_role("button", name="Filter").click()
    await expect(page.get_by_text("No invoice matches these filters.")).to_be_visible()

    # A mistaken payment is undone.
    await page.goto(f"/app/invoices/{invoice['id']}")
    await page.get_by_role("button", name=re.compile(r"^Undo the payment of €200\.00")).click()
    await expect(page.locator("#payment-status")).to_have_text("unpaid")
    await expect(page.locator("#balance-due")).to_have_text("€660.00")
    await expect(page.locator("#payments")).to_have_count(0)


async def test_an_invoice_credited_in_full_from_its_page_lists_the_credit_note_and_is_credited(
    page: Page, api: httpx.AsyncClient
) -> None:
    accountant = await create_user(api, "accountant")
    invoice = await invoiced_month(api, f"Credited {uuid.uuid4().hex[:6]}", random.randint(3000, 8999), 5)
    await log_in(page, accountant.email, PASSWORD)
    await page.goto(f"/app/invoices/{invoice['id']}")

    await page.get_by_role("button", name="Issue the credit note").click()  # no reason
    await expect(page.locator("#credit-e-reason")).to_have_text("Enter the reason for the credit note.")
    await page.get_by_label("Reason").fill("Billed the wrong month")
    await page.get_by_role("button", name="Issue the credit note").click()

    notes = page.locator("#credit-note-list tbody tr")
    await expect(notes).to_have_count(1)
    await expect(notes).to_contain_text(re.compile(r"CN-\d{4}-\d{6}"))
    await expect(notes).to_contain_text("Billed the wrong month")
    await expect(notes).to_contain_text("€660.00")
    await expect(page.locator("#payment-status")).to_have_text("credited")
    await expect(page.locator("#amount-credited")).to_have_text("€660.00")
    await expect(page.locator("#balance-due")).to_have_text("€0.00")
    # Nothing more can be paid or credited: the forms are gone.
    await expect(page.get_by_role("button", name="Record the payment")).to_have_count(0)
    await expect(page.get_by_role("button", name="Issue the credit note")).to_have_count(0)
    await shot(page, "15-invoice-credited")

    await notes.get_by_role("link").click()
    await expect(page.get_by_role("heading", name=re.compile(r"^Credit note CN-"))).to_be_visible()
    await expect(page.locator("#credit-note-total")).to_have_text("€660.00")
    await expect(page.locator("#credit-note-reason")).to_have_text("Billed the wrong month")
    await expect(page.get_by_role("link", name=f"Invoice {invoice['number']}").first).to_be_visible()


async def test_the_receivables_page_shows_the_balances_by_days_past_due_and_downloads_them_as_csv(
    page: Page, api: httpx.AsyncClient
) -> None:
    accountant = await create_user(api, "accountant")
    name = f"Debtor {uuid.uuid4().hex[:6]}"
    year = random.randint(3000, 8999)
    ids = [(await invoiced_month(api, name, year, month))["id"] for month in (6, 7)]
    paid = await api.post(
        f"/v1/invoices/{ids[0]}/payments", json={"amount": "60.00", "paid_on": "2026-12-01"}
    )
    assert paid.status_code == 201, paid.text
    invoices = [(await api.get(f"/v1/invoices/{i}")).json() for i in ids]
    # Both issued today with the same terms: 45 days past the later due date, both are 31-60.
    as_of = max(date.fromisoformat(i["due_date"]) for i in invoices) + timedelta(days=45)
    expected: dict[str, Decimal] = dict.fromkeys(["current", "1-30", "31-60", "61-90", "90+"], Decimal(0))
    for i in invoices:
        late = (as_of - date.fromisoformat(i["due_date"])).days
        bucket = "current" if late <= 0 else "1-30" if late <= 30 else "31-60" if late <= 60 else "61-90"
        expected[bucket if late <= 90 else "90+"] += Decimal(i["balance_due"])
    assert sum(expected.values()) == Decimal("1260.00")  # 660 + 660 - 60

    await log_in(page, accountant.email, PASSWORD)
    await page.get_by_role("link", name="Receivables").click()
    await expect(page.get_by_label("As of")).to_have_value(date.today().isoformat())
    await page.get_by_label("As of").fill(as_of.isoformat())
    await page.get_by_role("button", name="Show").click()
    row = page.locator(f"#receivables-EUR tbody tr[data-party='{name}']")
    for bucket, amount in expected.items():
        await expect(row.locator(f"[data-bucket='{bucket}']")).to_have_text(euros(amount))
    await expect(row.locator("[data-bucket='total']")).to_have_text(euros(Decimal("1260.00")))
    await shot(page, "16-receivables")

    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="Download CSV").click()
    download = await download_info.value
    assert download.suggested_filename == f"receivables-{as_of.isoformat()}.csv"
    [mine] = [r for r in csv_rows(await download.path()) if r["billed_to"] == name]
    assert {k: Decimal(mine[k]) for k in expected} == expected
    assert Decimal(mine["total"]) == Decimal("1260.00")


async def test_an_admin_edits_the_company_record_on_its_page_and_a_bad_vat_id_is_shown_beside_it(
    page: Page, api: httpx.AsyncClient
) -> None:
    before = (await api.get("/v1/company")).json()
    try:
        await log_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
        await page.goto("/app/company")
        await page.get_by_role("link", name="The company record").click()
        await expect(page.get_by_label("VAT id")).to_have_value(before["vat_id"])
        await page.get_by_label("VAT id").fill("0123456749")
        await page.get_by_role("button", name="Save the company record").click()
        await expect(page.get_by_label("VAT id")).to_have_attribute("aria-invalid", "true")
        await page.get_by_label("VAT id").fill(before["vat_id"])
        await page.get_by_label("Name", exact=True).fill("Billflow Page BV")
        await page.get_by_role("button", name="Save the company record").click()
        await expect(page.get_by_role("status")).to_have_text("Company record saved.")
        assert (await api.get("/v1/company")).json()["name"] == "Billflow Page BV"
    finally:
        await api.put("/v1/company", json=before)
