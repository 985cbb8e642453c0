"""The emails about a client's documents, in the client's language, through a real SMTP server:
subject and both bodies from the catalogs, amounts and dates in the locale. An employee's stay
English."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal
from email.message import EmailMessage

import pytest

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
)
from billflow.domain.ports.mail import OutgoingEmail
from billflow.emailer.after_issue_email import TemplateAfterIssueEmailWriter
from billflow.emailer.invoice_email import TemplateInvoiceEmailWriter
from billflow.emailer.mailer import SmtpMailer
from billflow.platform.settings import SmtpSettings
from domain_fakes import FixedClock
from tests.support.smtp import CapturingSmtpServer

pytestmark = pytest.mark.integration


def invoice(language: Language) -> Invoice:
    return Invoice(
        id="i2",
        number=f"INV-2026-{list(Language).index(language) + 100:06d}",
        status=InvoiceStatus.RENDERED,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        issue_date=date(2026, 11, 2),
        due_date=date(2026, 12, 2),
        currency="EUR",
        lines=(InvoiceLine(None, Decimal("10"), Decimal("102"), Decimal("1020.00"), tax_rate=Decimal(21)),),
        subtotal=Decimal("1020.00"),
        tax_rate=Decimal(21),
        tax=Decimal("214.20"),
        total=Decimal("1234.20"),
        issuer=Issuer("Acme Consulting BV", "Kerkstraat 1\n1000 Brussel", "BE0999999999"),
        billed_to=BilledTo(
            "Globex",
            f"ap-{language}@globex.example",
            Address("Rue Haute 1", "Bruxelles", "1000", "BE"),
            language=language,
        ),
        kind=InvoiceKind.CLIENT,
        client_id="c1",
        taxes=(TaxRow(Decimal(21), Decimal("1020.00"), Decimal("214.20")),),
    )


def credit_note(of: Invoice) -> CreditNote:
    return CreditNote(
        id="n2",
        number=of.number.replace("INV", "CN"),
        status=InvoiceStatus.RENDERED,
        invoice_id=of.id,
        invoice_number=of.number,
        invoice_issue_date=of.issue_date,
        invoice_kind=of.kind,
        reason="Hours billed twice",
        issue_date=date(2026, 11, 20),
        currency=of.currency,
        subtotal=Decimal("100.00"),
        taxes=(TaxRow(Decimal(21), Decimal("100.00"), Decimal("21.00")),),
        tax=Decimal("21.00"),
        total=Decimal("121.00"),
        full=False,
        issuer=of.issuer,
        billed_to=of.billed_to,
    )


def subject_of(message: EmailMessage) -> str:
    """The subject as a reader sees it: the stdlib folds a long non-ASCII subject before an encoded
    word and keeps the space before the fold, so the unfolded header has two spaces there."""
    return " ".join(str(message["Subject"]).split())


async def sent(server: CapturingSmtpServer, email: OutgoingEmail) -> tuple[EmailMessage, str, str]:
    """The message as the server received it, with its plain and HTML bodies."""
    mailer = SmtpMailer(
        SmtpSettings(host=server.host, port=server.port, timeout_seconds=5, sender="billing@acme.example"),
        FixedClock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC)),
    )
    try:
        await mailer.send(email)
    finally:
        await mailer.close()
    server.wait_for(lambda ms: any(subject_of(m.message) == email.subject for m in ms))
    [received] = [m.message for m in server.to(email.to) if subject_of(m.message) == email.subject]
    plain, html = (received.get_body(preferencelist=(kind,)) for kind in ("plain", "html"))
    assert plain is not None
    assert html is not None
    return received, str(plain.get_content()), str(html.get_content())


INVOICE_EMAILS = {
    Language.EN: (
        "Invoice {number} from Acme Consulting BV",
        ["Hello Globex,", "Total: €1,234.20", "Due date: 2 December 2026"],
    ),
    Language.DE: (
        "Rechnung {number} von Acme Consulting BV",
        [
            "Guten Tag Globex,",
            "Gesamtbetrag: 1.234,20\xa0€",
            "Fälligkeitsdatum: 2. Dezember 2026",
            "vom 1. Oktober 2026 bis 31. Oktober 2026",
        ],
    ),
    Language.FR: (
        "Facture {number} de Acme Consulting BV",
        [
            "Bonjour Globex,",
            "Total: 1\u202f234,20\xa0€",
            "Date d'échéance: 2 décembre 2026",
            "du 1 octobre 2026 au 31 octobre 2026",
        ],
    ),
    Language.NL: (
        "Factuur {number} van Acme Consulting BV",
        [
            "Beste Globex,",
            "Totaal: €\xa01.234,20",
            "Vervaldatum: 2 december 2026",
            "In de bijlage vindt u factuur",
        ],
    ),
}


@pytest.mark.parametrize("language", list(Language), ids=str)
async def test_the_invoice_email_is_written_in_the_clients_language(
    smtp_server: CapturingSmtpServer, language: Language
) -> None:
    document = invoice(language)
    message, plain, html = await sent(smtp_server, TemplateInvoiceEmailWriter().write(document, b"%PDF"))
    subject, texts = INVOICE_EMAILS[language]
    assert subject_of(message) == subject.format(number=document.number)
    assert [t for t in texts if t not in plain] == [], plain
    assert f'<html lang="{language}">' in html
    assert texts[0] in html


REMINDERS = {
    Language.EN: ("Reminder: invoice {number} is 21 days overdue", "was due on 2 December 2026"),
    Language.DE: (
        "Zahlungserinnerung: Rechnung {number} ist seit 21 Tagen überfällig",
        "am 2. Dezember 2026 fällig",
    ),
    Language.FR: ("Rappel : la facture {number} est échue depuis 21 jours", "payable le 2 décembre 2026"),
    Language.NL: (
        "Herinnering: factuur {number} is 21 dagen over de vervaldatum",
        "betaalbaar op 2 december 2026",
    ),
}


@pytest.mark.parametrize("language", list(Language), ids=str)
async def test_the_reminder_is_written_in_the_clients_language(
    smtp_server: CapturingSmtpServer, language: Language
) -> None:
    document = invoice(language)
    email = TemplateAfterIssueEmailWriter().reminder(document, 1, date(2026, 12, 23), b"%PDF")
    message, plain, _html = await sent(smtp_server, email)
    subject, due = REMINDERS[language]
    assert subject_of(message) == subject.format(number=document.number)
    assert due in plain


CREDIT_NOTES = {
    Language.EN: ("Credit note {number} for invoice {invoice}", "Credited: €121.00"),
    Language.DE: ("Rechnungskorrektur {number} zur Rechnung {invoice}", "Gutgeschrieben: 121,00\xa0€"),
    Language.FR: ("Avoir {number} sur la facture {invoice}", "Crédité: 121,00\xa0€"),
    Language.NL: ("Creditnota {number} bij factuur {invoice}", "Gecrediteerd: €\xa0121,00"),
}


@pytest.mark.parametrize("language", list(Language), ids=str)
async def test_the_credit_note_email_is_written_in_the_clients_language(
    smtp_server: CapturingSmtpServer, language: Language
) -> None:
    note = credit_note(invoice(language))
    message, plain, _html = await sent(
        smtp_server, TemplateAfterIssueEmailWriter().credit_note(note, b"%PDF")
    )
    subject, credited = CREDIT_NOTES[language]
    assert subject_of(message) == subject.format(number=note.number, invoice=note.invoice_number)
    assert credited in plain


def test_an_employees_invoice_email_stays_english() -> None:
    german = invoice(Language.DE)
    document = dataclasses.replace(german, kind=InvoiceKind.EMPLOYEE, client_id=None, employee_id="e1")
    email = TemplateInvoiceEmailWriter().write(document, b"%PDF")
    assert email.subject == f"Invoice {document.number} from Acme Consulting BV"
    assert "Hello Globex," in email.text
