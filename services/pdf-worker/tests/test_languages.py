"""A client's invoice and credit note in the client's language, read back from a real Chromium PDF:
labels from the catalogs, dates and amounts in the locale, the legal mention of the tax category."""

from __future__ import annotations

import dataclasses
import io
import re
import unicodedata
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pypdf import PdfReader

from billflow.domain.model import (
    Address,
    BilledTo,
    CreditNote,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Issuer,
    Language,
    TaxRow,
    TimesheetEntry,
)
from billflow.pdf_worker.renderer import PlaywrightPdfRenderer, find_chromium

pytestmark = pytest.mark.integration


def tax_row(rate: str, base: str, amount: str, category: str) -> TaxRow:
    """A row of a tax category. ``TaxRow.category`` comes with the tax categories (issue 15, data
    part); until that is merged, a subclass carries it the way the documents read it."""
    fields = {f.name: f for f in dataclasses.fields(TaxRow)}
    if "category" in fields:
        kind: Any = type(fields["category"].default)
        category_field: dict[str, Any] = {"category": kind(category)}
        return TaxRow(Decimal(rate), Decimal(base), Decimal(amount), **category_field)
    row_type: Any = dataclasses.make_dataclass(
        "TaxRow", [("category", str, "S")], bases=(TaxRow,), frozen=True, slots=True
    )
    row: TaxRow = row_type(Decimal(rate), Decimal(base), Decimal(amount), category)
    return row


def client_invoice(language: Language, category: str = "AE") -> Invoice:
    ada, web = "33333333-3333-4333-8333-333333333333", "11111111-1111-4111-8111-111111111111"
    return Invoice(
        id="8052bd8e-a7d0-4f1c-956b-5b8ed3e9bf53",
        number="INV-2026-000044",
        status=InvoiceStatus.PENDING,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        issue_date=date(2026, 11, 22),
        due_date=date(2026, 12, 22),
        currency="EUR",
        lines=(
            InvoiceLine(
                None,
                Decimal("12.5"),
                Decimal("98.76"),
                Decimal("1234.50"),
                None,
                web,
                "Web shop",
                ada,
                "Ada",
                Decimal("0"),
            ),
        ),
        subtotal=Decimal("1234.50"),
        tax_rate=Decimal("0"),
        tax=Decimal("0.00"),
        total=Decimal("1234.50"),
        issuer=Issuer("Acme Consulting BV", "Kerkstraat 1\n1000 Brussel", "BE0999999999"),
        billed_to=BilledTo(
            "Globex GmbH",
            "ap@globex.example",
            Address("Hauptstraße 1", "Berlin", "10115", "DE"),
            "DE123456789",
            language,
        ),
        kind=InvoiceKind.CLIENT,
        client_id="55555555-5555-4555-8555-555555555555",
        taxes=(tax_row("0", "1234.50", "0.00", category),),
        entries=(
            TimesheetEntry(0, date(2026, 10, 6), ada, "Ada", web, "Web shop", Decimal("12.5"), "Checkout"),
        ),
    )


def credit_note(invoice: Invoice, category: str = "K") -> CreditNote:
    return CreditNote(
        id="c2",
        number="CN-2026-000008",
        status=InvoiceStatus.PENDING,
        invoice_id=invoice.id,
        invoice_number=invoice.number,
        invoice_issue_date=invoice.issue_date,
        invoice_kind=invoice.kind,
        reason="Hours billed twice",
        issue_date=date(2026, 11, 25),
        currency=invoice.currency,
        subtotal=Decimal("1234.50"),
        taxes=(tax_row("0", "1234.50", "0.00", category),),
        tax=Decimal("0.00"),
        total=Decimal("1234.50"),
        full=True,
        issuer=invoice.issuer,
        billed_to=invoice.billed_to,
    )


def text_of(pdf: bytes) -> str:
    """The PDF's text as one line, capitals where the style sets labels in capitals, with every
    run of (no-break, narrow) spaces and line breaks as one space and the font's ligatures undone."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text))


@pytest.fixture(scope="module")
async def renderer() -> AsyncIterator[PlaywrightPdfRenderer]:
    async with AsyncExitStack() as stack:
        r = PlaywrightPdfRenderer(find_chromium(None), timeout_seconds=30)
        await r.start(stack)
        yield r


INVOICE_TEXTS = {
    Language.EN: [
        "INVOICE",
        "BILLED TO",
        "VAT ID: DE123456789",
        "Tax ID: BE0999999999",
        "Issue date",
        "Due date",
        "22 December 2026",
        "Germany",
        "HOURS",
        "Total due",
        "€1,234.50",
        "6 Oct 2026",
        "Please pay €1,234.50 by 22 December 2026, quoting INV-2026-000044.",
        "Reverse charge",
    ],
    Language.DE: [
        "RECHNUNG",
        "RECHNUNGSEMPFÄNGER",
        "USt-IdNr.: DE123456789",
        "Rechnungsdatum",
        "Fälligkeitsdatum",
        "22. Dezember 2026",
        "Deutschland",
        "STUNDEN",
        "Zu zahlender Betrag",
        "1.234,50 €",
        "06.10.2026",
        "Leistungszeitraum",
        "Stundennachweis — INV-2026-000044",
        "Steuerschuldnerschaft des Leistungsempfängers",
    ],
    Language.FR: [
        "FACTURE",
        "FACTURÉ À",
        "N° de TVA: DE123456789",
        "Date d'échéance",
        "22 décembre 2026",
        "Allemagne",
        "HEURES",
        "Total à payer",
        "1 234,50 €",
        "6 oct. 2026",
        "Autoliquidation",
        "Merci de régler 1 234,50 € au plus tard le 22 décembre 2026",
    ],
    Language.NL: [
        "FACTUUR",
        "GEFACTUREERD AAN",
        "Btw-nummer: DE123456789",
        "Vervaldatum",
        "22 december 2026",
        "Duitsland",
        "UREN",
        "Te betalen",
        "€ 1.234,50",
        "6 okt 2026",
        "Btw verlegd",
        "Urenstaat",
    ],
}


@pytest.mark.parametrize("language", list(Language), ids=str)
async def test_a_client_invoice_is_written_in_the_clients_language_with_its_legal_mention(
    renderer: PlaywrightPdfRenderer, language: Language
) -> None:
    text = text_of(await renderer.render(client_invoice(language)))
    missing = [expected for expected in INVOICE_TEXTS[language] if expected not in text]
    assert missing == [], text


CREDIT_NOTE_TEXTS = {
    Language.EN: [
        "CREDIT NOTE",
        "CREDITED TO",
        "Corrects invoice",
        "22 November 2026",
        "Total credited",
        "which it credits in full",
        "€1,234.50",
        "Intra-community supply",
    ],
    Language.DE: [
        "RECHNUNGSKORREKTUR",
        "EMPFÄNGER",
        "Korrigiert Rechnung",
        "22. November 2026",
        "Gutgeschriebener Gesamtbetrag",
        "die sie vollständig storniert",
        "1.234,50 €",
        "Steuerfreie innergemeinschaftliche Lieferung",
    ],
    Language.FR: [
        "AVOIR",
        "DESTINATAIRE",
        "Rectifie la facture",
        "22 novembre 2026",
        "Total crédité",
        "qu'il annule en totalité",
        "1 234,50 €",
        "Livraison intracommunautaire exonérée",
    ],
    Language.NL: [
        "CREDITNOTA",
        "ONTVANGER",
        "Corrigeert factuur",
        "22 november 2026",
        "Totaal gecrediteerd",
        "die ze volledig crediteert",
        "€ 1.234,50",
        "Intracommunautaire levering",
    ],
}


@pytest.mark.parametrize("language", list(Language), ids=str)
async def test_a_credit_note_is_written_in_the_clients_language_with_its_legal_mention(
    renderer: PlaywrightPdfRenderer, language: Language
) -> None:
    text = text_of(await renderer.render_credit_note(credit_note(client_invoice(language))))
    missing = [expected for expected in CREDIT_NOTE_TEXTS[language] if expected not in text]
    assert missing == [], text


async def test_a_standard_rated_invoice_prints_no_mention(renderer: PlaywrightPdfRenderer) -> None:
    text = text_of(await renderer.render(client_invoice(Language.DE, category="S")))
    assert "RECHNUNG" in text
    assert "Steuerschuldnerschaft" not in text


async def test_an_employee_invoice_stays_english_whatever_language_its_snapshot_names(
    renderer: PlaywrightPdfRenderer,
) -> None:
    german = client_invoice(Language.DE, category="S")
    invoice = dataclasses.replace(german, kind=InvoiceKind.EMPLOYEE, client_id=None, employee_id="e1")
    text = text_of(await renderer.render(invoice))
    assert "INVOICE" in text
    assert "Rechnung" not in text
