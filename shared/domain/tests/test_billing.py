from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billflow.domain import billing
from billflow.domain.errors import InvalidInput, InvalidTransition
from billflow.domain.model import Employee, InvoiceStatus, Project, Workday
from billflow.domain.model.invoice import INVOICE_LIFECYCLE
from billflow.domain.money import round_money
from billflow.domain.numbering import DEFAULT_INVOICE_NUMBERS

pytestmark = pytest.mark.unit


def employee(rate: str = "85.50", currency: str = "EUR") -> Employee:
    return Employee("e1", "Ada Lovelace", "ada@example.com", "d1", "p1", Decimal(rate), currency)


def test_lines_are_the_period_workdays_in_date_order_and_totals_follow_the_rules() -> None:
    days = [
        Workday(date(2026, 10, 5), Decimal("6.25"), "Analytical engine"),
        Workday(date(2026, 10, 1), Decimal("8")),
        Workday(date(2026, 10, 2), Decimal("7.5")),
        Workday(date(2026, 11, 1), Decimal("8")),  # outside
    ]
    totals = billing.compute_totals(
        employee(), Project("p1", "Apollo", Decimal("21")), days, date(2026, 10, 1), date(2026, 10, 31)
    )
    assert [line.date.day for line in totals.lines if line.date] == [1, 2, 5]
    assert [str(line.amount) for line in totals.lines] == ["684.00", "641.25", "534.38"]
    assert (str(totals.subtotal), str(totals.tax), str(totals.total)) == ("1859.63", "390.52", "2250.15")


def test_a_period_without_workdays_is_refused() -> None:
    with pytest.raises(InvalidInput):
        billing.compute_totals(
            employee(), Project("p1", "x", Decimal(0)), [], date(2026, 1, 1), date(2026, 1, 31)
        )


@given(
    st.lists(
        st.tuples(
            st.integers(0, 27),
            st.decimals(min_value=Decimal("0.01"), max_value=Decimal("24"), places=2),
        ),
        min_size=1,
        max_size=28,
        unique_by=lambda t: t[0],
    ),
    st.decimals(min_value=Decimal("0"), max_value=Decimal("1000"), places=4),
    st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=4),
    st.sampled_from(["EUR", "JPY", "KWD"]),
)
def test_totals_always_add_up(
    days: list[tuple[int, Decimal]], rate: Decimal, tax_rate: Decimal, currency: str
) -> None:
    start = date(2026, 2, 1)
    workdays = [Workday(start + timedelta(days=d), h) for d, h in days]
    totals = billing.compute_totals(
        employee(str(rate), currency), Project("p1", "x", tax_rate), workdays, start, date(2026, 2, 28)
    )
    assert totals.subtotal == sum(line.amount for line in totals.lines)
    assert totals.total == totals.subtotal + totals.tax
    assert all(line.amount == round_money(line.hours * rate, currency) for line in totals.lines)
    assert totals.tax == round_money(totals.subtotal * tax_rate / 100, currency)
    days_billed = [line.date for line in totals.lines if line.date is not None]
    assert days_billed == sorted(days_billed)


def test_invoice_numbers_have_the_year_and_six_digits() -> None:
    assert DEFAULT_INVOICE_NUMBERS.format(2026, 42) == "INV-2026-000042"
    with pytest.raises(InvalidInput):
        DEFAULT_INVOICE_NUMBERS.format(2026, 1_000_000)


@pytest.mark.parametrize(
    ("start", "end"), [(date(2026, 2, 1), date(2026, 1, 31)), (date(2025, 1, 1), date(2026, 1, 2))]
)
def test_backwards_or_overlong_periods_are_refused(start: date, end: date) -> None:
    with pytest.raises(InvalidInput):
        billing.validate_period(start, end)


def test_the_due_date_is_thirty_days_after_issue_by_default() -> None:
    assert billing.due_date(date(2026, 11, 22)) == date(2026, 12, 22)


def test_status_only_moves_forward() -> None:
    INVOICE_LIFECYCLE.check(InvoiceStatus.PENDING, InvoiceStatus.RENDERED)
    INVOICE_LIFECYCLE.check(InvoiceStatus.RENDERED, InvoiceStatus.SENT)
    INVOICE_LIFECYCLE.check(InvoiceStatus.PENDING, InvoiceStatus.FAILED)
    for current, target in [
        (InvoiceStatus.SENT, InvoiceStatus.PENDING),
        (InvoiceStatus.RENDERED, InvoiceStatus.PENDING),
        (InvoiceStatus.SENT, InvoiceStatus.FAILED),
        (InvoiceStatus.PENDING, InvoiceStatus.SENT),
    ]:
        with pytest.raises(InvalidTransition):
            INVOICE_LIFECYCLE.check(current, target)
    assert INVOICE_LIFECYCLE.allowed_sources(InvoiceStatus.FAILED) == {
        InvoiceStatus.PENDING,
        InvoiceStatus.RENDERED,
    }
