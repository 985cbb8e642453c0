"""The billing rules: how a period's workdays become an invoice's lines and totals.

- A line is one workday in the period: hours x the employee's hourly rate, rounded half-up to the
  currency's minor unit.
- A store may write the lines itself from the workdays (a billing run's chunk, ``WorkdayPricing``):
  the same lines, by the same rule, and the subtotal it reports is totalled here like any other.
- Subtotal is the sum of the lines. Tax is subtotal x the project's tax rate (percent), rounded
  half-up. Total is subtotal + tax. The currency is the employee's.
- Invoice numbers are ``INV-<year>-<6 digits>``, sequential per year of issue.
- The due date is the issue date plus the payment terms (30 days unless configured).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from billflow.domain.errors import InvalidInput
from billflow.domain.model import Employee, InvoiceLine, Project, Workday
from billflow.domain.money import ZERO, minor_unit, percent_of, round_money, validate_currency

MAX_PERIOD_DAYS = 366
DEFAULT_PAYMENT_TERMS_DAYS = 30


@dataclass(frozen=True, slots=True)
class Totals:
    lines: tuple[InvoiceLine, ...]
    subtotal: Decimal
    tax: Decimal
    total: Decimal


@dataclass(frozen=True, slots=True)
class WorkdayPricing:
    """The billing rule above, as data for a store that writes an employee's lines itself: each
    of the employee's workdays in the period is a line of ``invoice_id`` (its ``position`` from 0
    in (date, project id) order, the order of ``compute_totals``), at ``rate``, its amount
    hours x rate rounded half-up to ``digits`` decimals (the currency's minor unit), on the
    workday's project (``project_id`` when it names none)."""

    invoice_id: str
    employee_id: str
    project_id: str
    rate: Decimal
    digits: int


@dataclass(frozen=True, slots=True)
class LineSums:
    """What a store reports of the lines it priced: how many, and the sum of their amounts."""

    lines: int
    subtotal: Decimal


def pricing(invoice_id: str, employee: Employee) -> WorkdayPricing:
    """How ``employee``'s workdays are priced on their invoice ``invoice_id``."""
    return WorkdayPricing(
        invoice_id,
        employee.id,
        employee.project_id,
        employee.hourly_rate,
        minor_unit(validate_currency(employee.currency)),
    )


def validate_period(period_start: date, period_end: date) -> None:
    """A period is at least one day and at most a year, inclusive at both ends."""
    if period_end < period_start:
        raise InvalidInput("period_end is before period_start", field="period_end")
    if (period_end - period_start).days + 1 > MAX_PERIOD_DAYS:
        raise InvalidInput(f"a period spans at most {MAX_PERIOD_DAYS} days", field="period_end")


def compute_totals(
    employee: Employee, project: Project, workdays: list[Workday], period_start: date, period_end: date
) -> Totals:
    """Lines (in date order) and totals for the workdays that fall inside the period.

    Raises InvalidInput when no workday falls inside the period: an empty invoice is a mistake.
    """
    in_period = sorted(
        (w for w in workdays if period_start <= w.date <= period_end),
        key=lambda w: (w.date, w.project_id or ""),
    )
    if not in_period:
        raise InvalidInput("the employee has no workdays in this period", field="period_start")
    lines = tuple(
        InvoiceLine(
            date=w.date,
            hours=w.hours,
            rate=employee.hourly_rate,
            amount=round_money(w.hours * employee.hourly_rate, employee.currency),
            description=w.description,
            project_id=w.project_id or employee.project_id,
        )
        for w in in_period
    )
    return totals_of(lines, sum((line.amount for line in lines), ZERO), project, employee.currency)


def totals_of(lines: tuple[InvoiceLine, ...], subtotal: Decimal, project: Project, currency: str) -> Totals:
    """The totals of lines whose amounts sum to ``subtotal`` (``lines`` may be empty when a store
    wrote them, ``WorkdayPricing``): the tax is the project's rate of the subtotal, rounded once."""
    tax = percent_of(subtotal, project.tax_rate, currency)
    return Totals(lines=lines, subtotal=subtotal, tax=tax, total=subtotal + tax)


def due_date(issue_date: date, payment_terms_days: int = DEFAULT_PAYMENT_TERMS_DAYS) -> date:
    return issue_date + timedelta(days=payment_terms_days)


def pdf_key(invoice_number: str, issue_date: date) -> str:
    """The S3 key of an invoice's PDF: derived from the number Billflow allocated, never user text."""
    return f"invoices/{issue_date.year:04d}/{invoice_number}.pdf"
