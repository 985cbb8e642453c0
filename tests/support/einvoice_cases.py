"""The e-invoice cases of issue 15 as domain documents, computed by the real billing rules: one
VAT rate; two rates; zero rated; exempt; reverse charge; export; a USD client; a Peppol
participant; full and partial credit notes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from billflow.domain.client_billing import BillableHours, RatedProject, compute_client_totals
from billflow.domain.crediting import credit
from billflow.domain.model import (
    Address,
    BilledTo,
    Company,
    Contact,
    CreditNote,
    ElectronicAddress,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Language,
    TaxCategory,
)

DEMO_COMPANY = Company(
    name="Billflow Demo BV",
    address=Address("Rue de la Loi 16", "Brussels", "1000", "BE"),
    vat_id="BE0123456749",
    contact=Contact("Ada Accounts", "+32 2 123 45 67", "billing@billflow.example"),
    iban="BE68539007547034",
    bic="GKCCBEBB",
    electronic_address=ElectronicAddress("0208", "0123456749"),
)

BELGIAN = BilledTo(
    name="Acme Brussels SA",
    email="ap@acme.example",
    address=Address("Avenue Louise 54", "Brussels", "1050", "BE"),
    vat_id="BE0987654394",
    language=Language.FR,
    buyer_reference="PO-4711",
)
GERMAN = BilledTo(
    name="Beispiel GmbH",
    email="rechnung@beispiel.example",
    address=Address("Hauptstrasse 1", "Berlin", "10115", "DE"),
    vat_id="DE123456789",
    language=Language.DE,
)
AMERICAN = BilledTo(
    name="Example Corp",
    email="ap@example.com",
    address=Address("1 Market Street", "San Francisco", "94105", "US"),
    language=Language.EN,
)
PEPPOL_BUYER = replace(BELGIAN, electronic_address=ElectronicAddress("0208", "0987654394"))


def project(
    n: int,
    rate: str,
    category: TaxCategory = TaxCategory.STANDARD,
    reason: str | None = None,
    code: str | None = None,
) -> RatedProject:
    return RatedProject(f"p{n}", f"Project {n}", Decimal("95.50"), Decimal(rate), category, reason, code)


def client_invoice(
    projects: list[RatedProject],
    to: BilledTo = BELGIAN,
    currency: str = "EUR",
    number: str = "INV-2026-000042",
) -> Invoice:
    """An invoice of two people's November hours on each project."""
    billable = [
        BillableHours(p.id, e, Decimal(h), date(2026, 11, 2), date(2026, 11, 27))
        for p in projects
        for e, h in (("e1", "37.5"), ("e2", "12.25"))
    ]
    totals = compute_client_totals(
        billable, {p.id: p for p in projects}, {}, {"e1": "Grace Hopper", "e2": "Alan Turing"}, currency
    )
    return Invoice(
        id="0b8a7c5e-0000-4000-8000-000000000042",
        number=number,
        status=InvoiceStatus.PENDING,
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30),
        issue_date=date(2026, 12, 1),
        due_date=date(2026, 12, 31),
        currency=currency,
        lines=totals.lines,
        subtotal=totals.subtotal,
        tax_rate=totals.single_tax_rate,
        tax=totals.tax,
        total=totals.total,
        issuer=DEMO_COMPANY.snapshot(),
        billed_to=to,
        kind=InvoiceKind.CLIENT,
        client_id="c1",
        taxes=totals.taxes,
    )


def credit_note(invoice: Invoice, amount: Decimal | None, number: str = "CN-2026-000007") -> CreditNote:
    c = credit(invoice, [], amount)
    return CreditNote(
        id="0b8a7c5e-0000-4000-8000-000000000007",
        number=number,
        status=InvoiceStatus.PENDING,
        invoice_id=invoice.id,
        invoice_number=invoice.number,
        invoice_issue_date=invoice.issue_date,
        invoice_kind=invoice.kind,
        reason="Hours billed twice",
        issue_date=date(2026, 12, 5),
        currency=invoice.currency,
        subtotal=c.subtotal,
        taxes=c.taxes,
        tax=c.tax,
        total=c.total,
        full=c.full,
        issuer=invoice.issuer,
        billed_to=invoice.billed_to,
    )


EXEMPT = (
    TaxCategory.EXEMPT,
    "Exempt: medical services, Article 132(1)(c) of Directive 2006/112/EC",
    "VATEX-EU-132-1C",
)
REVERSE = (TaxCategory.REVERSE_CHARGE, "Reverse charge", "VATEX-EU-AE")
EXPORT = (TaxCategory.EXPORT, "Export outside the EU", "VATEX-EU-G")


def cases() -> dict[str, Invoice | CreditNote]:
    """Every case of the issue, by name."""
    two_rates = client_invoice([project(1, "21"), project(2, "6")])
    return {
        "one VAT rate": client_invoice([project(1, "21")]),
        "two rates": two_rates,
        "zero rated": client_invoice([project(1, "0", TaxCategory.ZERO_RATED)]),
        "exempt with a reason": client_invoice([project(1, "0", *EXEMPT)]),
        "reverse charge to another EU country": client_invoice([project(1, "0", *REVERSE)], to=GERMAN),
        "intra-community supply": client_invoice(
            [project(1, "0", TaxCategory.INTRA_COMMUNITY, "Intra-community supply", "VATEX-EU-IC")], to=GERMAN
        ),
        "export outside the EU": client_invoice([project(1, "0", *EXPORT)], to=AMERICAN),
        "outside the scope of VAT": client_invoice(
            [project(1, "0", TaxCategory.OUTSIDE_SCOPE, "Not subject to VAT")], to=AMERICAN
        ),
        "a USD client": client_invoice([project(1, "0", *EXPORT)], to=AMERICAN, currency="USD"),
        "a Peppol participant": client_invoice([project(1, "21"), project(2, "6")], to=PEPPOL_BUYER),
        "standard and exempt together": client_invoice([project(1, "21"), project(2, "0", *EXEMPT)]),
        "full credit note": credit_note(two_rates, None),
        "partial credit note": credit_note(two_rates, Decimal("500.00")),
        "Peppol partial credit note": credit_note(
            client_invoice([project(1, "21"), project(2, "6")], to=PEPPOL_BUYER), Decimal("123.45")
        ),
    }
