"""The emails that follow an invoice: its credit notes and its overdue reminders, PDF attached, in
the language of the invoice's reader (the client's; English for an employee)."""

from __future__ import annotations

from datetime import date

from billflow.domain.i18n import document_language, translator
from billflow.domain.model import CreditNote, Invoice
from billflow.domain.ports.mail import Attachment, OutgoingEmail
from billflow.domain.receivables import days_past_due
from billflow.emailer.rendering import document_environment, one_line


class TemplateAfterIssueEmailWriter:
    def credit_note(self, note: CreditNote, pdf: bytes) -> OutgoingEmail:
        language = document_language(note.invoice_kind, note.billed_to)
        _ = translator(language)
        text, html = (document_environment(html=h, language=language) for h in (False, True))
        return OutgoingEmail(
            to=note.billed_to.email,
            subject=one_line(
                _("Credit note {number} for invoice {invoice}").format(
                    number=note.number, invoice=note.invoice_number
                )
            ),
            text=text.get_template("credit_note.txt").render(note=note, language=language.value),
            html=html.get_template("credit_note.html").render(note=note, language=language.value),
            attachments=(Attachment(f"{note.number}.pdf", "application/pdf", pdf),),
        )

    def reminder(self, invoice: Invoice, level: int, day: date, pdf: bytes) -> OutgoingEmail:
        days = days_past_due(invoice.due_date, day)
        language = document_language(invoice.kind, invoice.billed_to)
        _ = translator(language)
        text, html = (document_environment(html=h, language=language) for h in (False, True))
        values = {"invoice": invoice, "days": days, "level": level, "language": language.value}
        return OutgoingEmail(
            to=invoice.billed_to.email,
            subject=one_line(
                _("Reminder: invoice {number} is {days} days overdue").format(
                    number=invoice.number, days=days
                )
            ),
            text=text.get_template("reminder.txt").render(values),
            html=html.get_template("reminder.html").render(values),
            attachments=(Attachment(f"{invoice.number}.pdf", "application/pdf", pdf),),
        )
