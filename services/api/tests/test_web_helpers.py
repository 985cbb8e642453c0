"""The web pages' own logic, without a browser: form reading, the grid, safe redirects."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from billflow.api.web.forms import Form
from billflow.api.web.pages.workdays import grid, month_of
from billflow.api.web.session import login_url, safe_next
from billflow.domain.errors import InvalidInput
from billflow.domain.model import Workday

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "https://evil.example/app/",
        "//evil.example/app/",
        "/v1/invoices",
        "/app\\..\\x",
        "javascript:x",
    ],
)
def test_after_logging_in_nobody_is_sent_off_the_pages(target: str | None) -> None:
    assert safe_next(target) == "/app/"


def test_after_logging_in_a_page_of_the_app_is_where_the_person_was() -> None:
    assert safe_next("/app/invoices/abc") == "/app/invoices/abc"
    assert login_url("/app/employees", ended=True) == "/app/login?next=/app/employees&ended=1"
    assert login_url("https://evil.example/") == "/app/login"


def test_a_form_keeps_what_was_typed_and_names_what_it_cannot_read() -> None:
    form = Form.of({"hourly_rate": " 1,234.50 ", "tax": "NaN", "start": "2026-02-30", "_csrf_token": "x"})
    assert form.decimal("hourly_rate", "85.50") == Decimal("1234.50")
    assert form.decimal("tax", "21") is None
    assert form.day("start") is None
    assert form.reference("department_id", "a department") == ""
    assert form.errors == {
        "tax": "Enter a number, like 21.",
        "start": "Enter a date as YYYY-MM-DD.",
        "department_id": "Choose a department.",
    }
    assert "_csrf_token" not in form.values
    form.reject(InvalidInput("hourly_rate must not be negative", field="hourly_rate"), "name")
    assert form.errors["hourly_rate"] == "Hourly rate must not be negative."


def test_the_grid_has_a_row_per_week_from_monday_with_the_weeks_hours_as_its_total() -> None:
    stored = {
        date(2026, 6, 1): Workday(date(2026, 6, 1), Decimal("8")),
        date(2026, 6, 2): Workday(date(2026, 6, 2), Decimal("7.50"), "Design review"),
        date(2026, 6, 30): Workday(date(2026, 6, 30), Decimal("4")),
    }
    weeks = grid(date(2026, 6, 1), stored, None)
    assert [c.day for c in weeks[0].cells][:2] == [date(2026, 6, 1), date(2026, 6, 2)]
    assert all(len(w.cells) == 7 for w in weeks)
    assert [w.total for w in weeks] == [Decimal("15.50"), 0, 0, 0, Decimal("4")]
    assert weeks[0].cells[1].value == "7.5"
    assert weeks[0].cells[1].description == "Design review"
    assert not weeks[-1].cells[-1].in_month


def test_a_missing_or_malformed_month_is_this_month() -> None:
    assert month_of("2026-06") == date(2026, 6, 1)
    this_month = date.today().replace(day=1)
    for value in (None, "", "2026-13", "2026-6", "0000-01", "junk"):
        assert month_of(value) == this_month
