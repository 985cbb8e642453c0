"""The billing rules of a client invoice: how the hours on a client's projects become its lines,
taxes and totals.

- A client invoice bills every time entry in the period on the client's projects that is not on a
  client invoice yet: a second invoice for the same period bills only hours entered since (a
  catch-up invoice), and no hour is ever billed to a client twice.
- A line is one (project, employee): that person's hours on that project summed, times the rate
  (the member's own rate on the project, else the project's), rounded half-up to the minor unit of
  the client's currency. Lines are ordered by project name, then employee name.
- Taxes are one row per (tax category, rate): the base is the sum of the lines of that category
  at that rate, the amount is the base x the rate (percent), rounded half-up once per row; a row
  of a category other than S carries the exemption reason and code of its (first) project.
  ``tax`` is the sum of the rows, ``subtotal`` the sum of the lines, ``total`` their sum, all in
  the client's currency.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from billflow.domain.errors import InvalidInput
from billflow.domain.model import InvoiceLine, TaxCategory, TaxRow
from billflow.domain.model.tax import normalised
from billflow.domain.money import ZERO, percent_of, round_money


@dataclass(frozen=True, slots=True)
class BillableHours:
    """One person's unbilled hours on one project in the period, summed."""

    project_id: str
    employee_id: str
    hours: Decimal
    first_day: date
    last_day: date


@dataclass(frozen=True, slots=True)
class RatedProject:
    """What a client line needs of a project: its name, its rate to the client and its tax rate."""

    id: str
    name: str
    hourly_rate: Decimal
    tax_rate: Decimal
    tax_category: TaxCategory = TaxCategory.STANDARD
    exemption_reason: str | None = None
    exemption_code: str | None = None


@dataclass(frozen=True, slots=True)
class ClientTotals:
    lines: tuple[InvoiceLine, ...]
    taxes: tuple[TaxRow, ...]
    subtotal: Decimal
    tax: Decimal
    total: Decimal

    @property
    def single_tax_rate(self) -> Decimal | None:
        return self.taxes[0].rate if len(self.taxes) == 1 else None


@dataclass(frozen=True, slots=True)
class Taxed:
    """What a line contributes to the tax rows: its amount, and how it is taxed."""

    amount: Decimal
    rate: Decimal
    category: TaxCategory = TaxCategory.STANDARD
    exemption_reason: str | None = None
    exemption_code: str | None = None


def tax_rows(lines: Iterable[Taxed], currency: str) -> tuple[TaxRow, ...]:
    """One row per (category, rate), in that order, each rounded once."""
    rows: dict[tuple[TaxCategory, Decimal], TaxRow] = {}
    for t in lines:
        key = (t.category, t.rate)
        row = rows.get(key)
        if row is None:
            rows[key] = TaxRow(t.rate, t.amount, ZERO, t.category, t.exemption_reason, t.exemption_code)
        else:
            rows[key] = replace(row, base=row.base + t.amount)
    return tuple(
        replace(row, amount=percent_of(row.base, row.rate, currency))
        for _, row in sorted(rows.items(), key=lambda kv: (_CATEGORY_ORDER[kv[0][0]], kv[0][1]))
    )


_CATEGORY_ORDER = {c: n for n, c in enumerate(TaxCategory)}


def compute_client_totals(
    billable: Sequence[BillableHours],
    projects: Mapping[str, RatedProject],
    member_rates: Mapping[tuple[str, str], Decimal],
    employee_names: Mapping[str, str],
    currency: str,
) -> ClientTotals:
    """Lines, taxes and totals of a client invoice for ``billable``.

    ``member_rates`` maps (project id, employee id) to a member's own rate. Raises InvalidInput
    when there is nothing to bill: an empty invoice is a mistake.
    """
    if not billable:
        raise InvalidInput("the client has no unbilled hours in this period", field="period_start")
    ordered = sorted(
        billable,
        key=lambda b: (
            projects[b.project_id].name,
            b.project_id,
            employee_names.get(b.employee_id, ""),
            b.employee_id,
        ),
    )
    lines = []
    for b in ordered:
        project = projects[b.project_id]
        rate = member_rates.get((b.project_id, b.employee_id), project.hourly_rate)
        lines.append(
            InvoiceLine(
                date=None,
                hours=b.hours,
                rate=rate,
                amount=round_money(b.hours * rate, currency),
                project_id=b.project_id,
                project_name=project.name,
                employee_id=b.employee_id,
                employee_name=employee_names.get(b.employee_id, ""),
                tax_rate=project.tax_rate,
                first_day=b.first_day,
                last_day=b.last_day,
                tax_category=normalised(project.tax_category, project.tax_rate),
            )
        )
    taxes = tax_rows(
        (
            Taxed(
                line.amount,
                project_tax(line),
                line.tax_category,
                projects[line.project_id or ""].exemption_reason,
                projects[line.project_id or ""].exemption_code,
            )
            for line in lines
        ),
        currency,
    )
    subtotal = sum((line.amount for line in lines), ZERO)
    tax = sum((row.amount for row in taxes), ZERO)
    return ClientTotals(lines=tuple(lines), taxes=taxes, subtotal=subtotal, tax=tax, total=subtotal + tax)


def project_tax(line: InvoiceLine) -> Decimal:
    assert line.tax_rate is not None, "a client line always carries its project's tax rate"
    return line.tax_rate
