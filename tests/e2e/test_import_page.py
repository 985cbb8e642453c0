"""The timesheet import page in a real Chromium: upload, every problem by row, then confirm."""

from __future__ import annotations

import random

import httpx
import pytest
from playwright.async_api import Page, expect

from tests.e2e.test_web import browser, context, log_in, page, shot  # noqa: F401  (fixtures)
from tests.support.billing import create_company, create_employee
from tests.support.users import PASSWORD, create_user

pytestmark = pytest.mark.e2e


async def test_an_accountant_checks_a_timesheet_sees_the_problems_by_row_then_imports_the_corrected_one(
    page: Page,  # noqa: F811
    api: httpx.AsyncClient,
) -> None:
    year = random.randint(3000, 8999)
    company = await create_company(api)
    ada = await create_employee(api, company)
    accountant = await create_user(api, "accountant")
    header = "employee_email,date,hours,project,description\n"
    bad = header + f"{ada['email']},{year}-06-01,8,,\n{ada['email']},{year}-06-31,30,,\n"
    good = header + f"{ada['email']},{year}-06-01,8,,\n{ada['email']},{year}-06-02,6.5,,Review\n"

    await log_in(page, accountant.email, PASSWORD)
    await page.get_by_role("link", name="Import hours").click()
    file_input = page.get_by_label("CSV file")
    await file_input.set_input_files({"name": "june.csv", "mimeType": "text/csv", "buffer": bad.encode()})
    await page.get_by_role("button", name="Check the file").click()
    await expect(
        page.get_by_role("heading", name="2 problems in june.csv: nothing was imported")
    ).to_be_visible()
    row3 = page.get_by_role("row").filter(has_text="not a date")
    await expect(row3).to_contain_text("3")
    await expect(page.get_by_role("row").filter(has_text="hours must be")).to_contain_text("hours")
    year_of = {"from": f"{year}-01-01", "to": f"{year}-12-31"}
    assert (await api.get(f"/v1/employees/{ada['id']}/workdays", params=year_of)).json()["workdays"] == []

    await file_input.set_input_files({"name": "june.csv", "mimeType": "text/csv", "buffer": good.encode()})
    await page.get_by_role("button", name="Check the file").click()
    await expect(page.get_by_text("2 rows: 2 entries new or changed, 0 unchanged")).to_be_visible()
    await page.get_by_role("button", name="Confirm the import").click()
    await expect(page.get_by_role("status")).to_have_text("Imported: 2 entries new or changed, 0 unchanged")
    await shot(page, "16-import-hours")
    stored = (
        await api.get(
            f"/v1/employees/{ada['id']}/workdays", params={"from": f"{year}-01-01", "to": f"{year}-12-31"}
        )
    ).json()["workdays"]
    assert [(w["date"], w["hours"]) for w in stored] == [(f"{year}-06-01", "8.00"), (f"{year}-06-02", "6.50")]
