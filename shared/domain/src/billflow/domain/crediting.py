"""What a credit note credits: the whole rest of an invoice, or a net amount split over its taxes.

Business rules:
- A credit note without an amount credits what is left of the invoice: at each (tax category,
  rate), the invoice's base and tax less what earlier credit notes credited at that one, so the invoice's
  credit notes add up to its total exactly.
- With an amount (net, positive), the amount is split over the invoice's (category, rate) rows in proportion
  to their bases, each part rounded half-up to the currency's minor unit; what rounding leaves over
  (at most a minor unit per rate) goes to the rate with the largest base, so the parts add up to
  the amount asked for. Each part's tax is the rate of it, rounded once.
- More than the net left to credit is refused (InvalidInput on ``amount``); exactly the net left is
  the rest of the invoice, as without an amount. An invoice with nothing left cannot be credited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from billflow.domain.errors import InvalidInput
from billflow.domain.model import CreditNote, Invoice, TaxRow
from billflow.domain.money import ZERO, percent_of, round_money, validate_amount


@dataclass(frozen=True, slots=True)
class Credit:
    """The amounts of one credit note."""

    taxes: tuple[TaxRow, ...]
    subtotal: Decimal
    tax: Decimal
    total: Decimal
    full: bool
    """It credits the whole rest of the invoice."""


def _taxes_of(invoice: Invoice) -> tuple[TaxRow, ...]:
    if invoice.taxes:
        return invoice.taxes
    return (TaxRow(invoice.tax_rate or ZERO, invoice.subtotal, invoice.tax),)


def left_to_credit(invoice: Invoice, earlier: Sequence[CreditNote]) -> tuple[TaxRow, ...]:
    """Per (category, rate) of the invoice, the base and the tax not credited yet."""
    left = []
    for row in _taxes_of(invoice):
        base = row.base - sum((t.base for c in earlier for t in c.taxes if t.key == row.key), ZERO)
        tax = row.amount - sum((t.amount for c in earlier for t in c.taxes if t.key == row.key), ZERO)
        left.append(replace(row, base=base, amount=tax))
    return tuple(left)


def _credit(taxes: Sequence[TaxRow], full: bool) -> Credit:
    subtotal = sum((t.base for t in taxes), ZERO)
    tax = sum((t.amount for t in taxes), ZERO)
    return Credit(tuple(taxes), subtotal, tax, subtotal + tax, full)


def credit(invoice: Invoice, earlier: Sequence[CreditNote], amount: Decimal | None) -> Credit:
    """The amounts of a credit note on ``invoice`` after its ``earlier`` ones (see the rules)."""
    left = left_to_credit(invoice, earlier)
    net_left = sum((t.base for t in left), ZERO)
    gross_left = sum((t.base + t.amount for t in left), ZERO)
    if gross_left <= 0 or any(c.full for c in earlier):
        raise InvalidInput(f"invoice {invoice.number} is credited in full already", field="amount")
    if amount is None:
        return _credit(left, full=True)
    c = invoice.currency
    validate_amount(amount, c)
    if amount > net_left:
        raise InvalidInput(
            f"amount {amount} is more than the {net_left} (net) left to credit on invoice {invoice.number}",
            field="amount",
        )
    if amount == net_left:
        return _credit(left, full=True)
    return _credit(split(amount, _taxes_of(invoice), c), full=False)


def split(amount: Decimal, taxes: Sequence[TaxRow], currency: str) -> tuple[TaxRow, ...]:
    """``amount`` (net) over ``taxes`` in proportion to their bases, each part rounded half-up and
    taxed at its rate; the rounding's remainder goes to the largest base."""
    bases = sum((t.base for t in taxes), ZERO)
    if bases == 0:
        parts = [amount if n == 0 else ZERO for n in range(len(taxes))]
    else:
        parts = [round_money(amount * t.base / bases, currency) for t in taxes]
        largest = max(range(len(taxes)), key=lambda n: taxes[n].base)
        parts[largest] += amount - sum(parts, ZERO)
    return tuple(
        replace(t, base=part, amount=percent_of(part, t.rate, currency))
        for t, part in zip(taxes, parts, strict=True)
        if part != 0
    )


def pdf_key(number: str, issue_date: date) -> str:
    """The S3 key of a credit note's PDF: derived from the number Billflow allocated."""
    return f"credit-notes/{issue_date.year:04d}/{number}.pdf"
