"""The one reading of an invoice or a credit note that both XML syntaxes write out.

Business rules (EN 16931 and Peppol BIS 3):
- Only client documents are e-invoices (an employee invoice is PDF only): ValueError otherwise.
- An invoice line is one (project, person): quantity in hours (``HUR``), the hourly rate, the
  line amount, and its service period (the first and last day of its entries).
- A credit note has one line per (category, rate) it credits, "Credit: <reason>", quantity 1
  (``C62``), the base as price and amount; all its amounts are positive (type code 381 says it
  is a credit) and it names the invoice it corrects (BT-25, BT-26).
- The seller's and the buyer's VAT ids appear as the categories require: none at all on an
  invoice of category O (BR-O-02), which names the seller by its legal registration instead.
- The buyer reference (BT-10) is the client's; a Peppol document without one carries the
  document number, as Peppol needs a buyer or order reference (PEPPOL-EN16931-R003).
- Free texts go through ``gettext`` (English when none is given), so each client reads its own
  language; a date inside one is written by ``write_day`` (the one formatter in the reader's
  locale, handed in by the caller; ISO when none is given).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from billflow.domain.model import (
    Address,
    BilledTo,
    CreditNote,
    ElectronicAddress,
    Invoice,
    InvoiceKind,
    Issuer,
    TaxCategory,
    TaxRow,
)

Translate = Callable[[str], str]
"""A gettext: the message in the reader's language."""


WriteDay = Callable[[date], str]
"""A date written for people, in the reader's locale (``billflow.domain.formatting``)."""


def english(message: str) -> str:
    return message


INVOICE = "380"
CREDIT_NOTE = "381"
SEPA_CREDIT_TRANSFER = "58"


@dataclass(frozen=True, slots=True)
class ELine:
    id: str
    name: str
    quantity: Decimal
    unit: str
    price: Decimal
    amount: Decimal
    category: TaxCategory
    rate: Decimal
    period: tuple[date, date] | None


@dataclass(frozen=True, slots=True)
class Party:
    name: str
    address: Address
    vat_id: str | None
    """None when the document's categories forbid it (O)."""
    legal_id: str | None
    """The legal registration id (BT-30 / BT-47), where no VAT id names the party."""
    tax_number: str | None
    electronic_address: ElectronicAddress | None
    contact_name: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class EDocument:
    number: str
    type_code: str
    issue_date: date
    due_date: date | None
    currency: str
    lines: tuple[ELine, ...]
    taxes: tuple[TaxRow, ...]
    subtotal: Decimal
    tax: Decimal
    total: Decimal
    seller: Party
    buyer: Party
    buyer_reference: str | None
    period: tuple[date, date] | None
    preceding: tuple[str, date] | None
    """The invoice a credit note corrects: its number and issue date."""
    note: str | None
    payment_terms: str | None
    iban: str | None
    bic: str | None
    payment_reference: str
    peppol: bool
    delivery_country: str | None
    """Where the supply goes (BT-80), required with category K."""

    @property
    def credit(self) -> bool:
        return self.type_code == CREDIT_NOTE


def view_of(
    document: Invoice | CreditNote, gettext: Translate = english, write_day: WriteDay = date.isoformat
) -> EDocument:
    """The e-invoice reading of a client ``document`` (ValueError for an employee invoice)."""
    if isinstance(document, Invoice):
        if document.kind is not InvoiceKind.CLIENT:
            raise ValueError("only client invoices are e-invoices")
        return _invoice(document, gettext, write_day)
    if document.invoice_kind is not InvoiceKind.CLIENT:
        raise ValueError("only the credit notes of client invoices are e-invoices")
    return _credit_note(document, gettext)


def _taxes(
    taxes: tuple[TaxRow, ...], subtotal: Decimal, tax: Decimal, rate: Decimal | None
) -> tuple[TaxRow, ...]:
    return taxes or (TaxRow(rate or Decimal(0), subtotal, tax),)


def _invoice(i: Invoice, gettext: Translate, write_day: WriteDay) -> EDocument:
    lines = tuple(
        ELine(
            id=str(n),
            name=" - ".join(p for p in (line.project_name, line.employee_name) if p) or gettext("Services"),
            quantity=line.hours,
            unit="HUR",
            price=line.rate,
            amount=line.amount,
            category=line.tax_category,
            rate=line.tax_rate if line.tax_rate is not None else (i.tax_rate or Decimal(0)),
            period=(line.first_day, line.last_day) if line.first_day and line.last_day else None,
        )
        for n, line in enumerate(i.lines, start=1)
    )
    taxes = _taxes(i.taxes, i.subtotal, i.tax, i.tax_rate)
    categories = {t.category for t in taxes}
    peppol = i.billed_to.electronic_address is not None
    return EDocument(
        number=i.number,
        type_code=INVOICE,
        issue_date=i.issue_date,
        due_date=i.due_date,
        currency=i.currency,
        lines=lines,
        taxes=taxes,
        subtotal=i.subtotal,
        tax=i.tax,
        total=i.total,
        seller=_seller(i.issuer, categories),
        buyer=_buyer(i.billed_to, categories),
        buyer_reference=i.billed_to.buyer_reference or (i.number if peppol else None),
        period=(i.period_start, i.period_end),
        preceding=None,
        note=None,
        payment_terms=gettext("Payment due by {date}").format(date=write_day(i.due_date)),
        iban=i.issuer.iban,
        bic=i.issuer.bic,
        payment_reference=i.number,
        peppol=peppol,
        delivery_country=_delivery_country(i.billed_to, categories),
    )


def _credit_note(c: CreditNote, gettext: Translate) -> EDocument:
    credit = gettext("Credit: {reason}").format(reason=c.reason)
    lines = tuple(
        ELine(
            id=str(n),
            name=credit,
            quantity=Decimal(1),
            unit="C62",
            price=t.base,
            amount=t.base,
            category=t.category,
            rate=t.rate,
            period=None,
        )
        for n, t in enumerate(c.taxes, start=1)
    )
    categories = {t.category for t in c.taxes}
    peppol = c.billed_to.electronic_address is not None
    return EDocument(
        number=c.number,
        type_code=CREDIT_NOTE,
        issue_date=c.issue_date,
        due_date=None,
        currency=c.currency,
        lines=lines,
        taxes=c.taxes,
        subtotal=c.subtotal,
        tax=c.tax,
        total=c.total,
        seller=_seller(c.issuer, categories),
        buyer=_buyer(c.billed_to, categories),
        buyer_reference=c.billed_to.buyer_reference or (c.invoice_number if peppol else None),
        period=None,
        preceding=(c.invoice_number, c.invoice_issue_date),
        note=credit,
        payment_terms=gettext("Credited against invoice {number}").format(number=c.invoice_number),
        iban=c.issuer.iban,
        bic=c.issuer.bic,
        payment_reference=c.number,
        peppol=peppol,
        delivery_country=_delivery_country(c.billed_to, categories),
    )


def _no_vat_ids(categories: set[TaxCategory]) -> bool:
    return TaxCategory.OUTSIDE_SCOPE in categories


def _seller(issuer: Issuer, categories: set[TaxCategory]) -> Party:
    address = issuer.postal_address or _printed_address(issuer)
    hide = _no_vat_ids(categories)
    contact = issuer.contact
    return Party(
        name=issuer.name,
        address=address,
        vat_id=None if hide else issuer.tax_id,
        legal_id=(issuer.tax_number or issuer.tax_id[2:]) if hide else None,
        tax_number=issuer.tax_number,
        electronic_address=issuer.electronic_address,
        contact_name=contact.name if contact else None,
        phone=contact.phone if contact and contact.phone else None,
        email=contact.email if contact else None,
    )


def _printed_address(issuer: Issuer) -> Address:
    """A document issued before the company record: its printed lines, the country of its VAT id."""
    lines = [line.strip() for line in issuer.address.splitlines() if line.strip()] or [issuer.name]
    return Address(
        street=lines[0], city=lines[-1] if len(lines) > 1 else "", postal_code="", country=issuer.tax_id[:2]
    )


def _buyer(to: BilledTo, categories: set[TaxCategory]) -> Party:
    address = to.address or Address(street="", city="", postal_code="", country="")
    return Party(
        name=to.name,
        address=address,
        vat_id=None if _no_vat_ids(categories) else to.vat_id,
        legal_id=None,
        tax_number=None,
        electronic_address=to.electronic_address,
        email=to.email,
    )


def _delivery_country(to: BilledTo, categories: set[TaxCategory]) -> str | None:
    if TaxCategory.INTRA_COMMUNITY in categories and to.address is not None:
        return to.address.country
    return None


def amount(value: Decimal) -> str:
    """An amount as EN 16931 writes it: two decimals at most (BR-DEC)."""
    return f"{value.quantize(Decimal('0.01')):f}"


def number(value: Decimal) -> str:
    """A quantity, rate or price without trailing zeros, never in exponent form."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
