"""The emails that follow an invoice: its credit notes and its overdue reminders, PDF attached."""

from __future__ import annotations

from datetime import date

from billflow.domain.model import CreditNote, Invoice
from billflow.domain.ports.mail import Attachment, OutgoingEmail
from billflow.domain.receivables import days_past_due
from billflow.emailer.rendering import LOCALE, environment, one_line


class TemplateAfterIssueEmailWriter:
    def __init__(self, locale: str = LOCALE) -> None:
        self._text = environment(html=False, locale=locale)
        self._html = environment(html=True, locale=locale)

    def credit_note(self, note: CreditNote, pdf: bytes) -> OutgoingEmail:
        return OutgoingEmail(
            to=note.billed_to.email,
            subject=one_line(f"Credit note {note.number} for invoice {note.invoice_number}"),
            text=self._text.get_template("credit_note.txt").render(note=note),
            html=self._html.get_template("credit_note.html").render(note=note),
            attachments=(Attachment(f"{note.number}.pdf", "application/pdf", pdf),),
        )

    def reminder(self, invoice: Invoice, level: int, day: date, pdf: bytes) -> OutgoingEmail:
        days = days_past_due(invoice.due_date, day)
        return OutgoingEmail(
            to=invoice.billed_to.email,
            subject=one_line(f"Reminder: invoice {invoice.number} is {days} days overdue"),
            text=self._text.get_template("reminder.txt").render(invoice=invoice, days=days, level=level),
            html=self._html.get_template("reminder.html").render(invoice=invoice, days=days, level=level),
            attachments=(Attachment(f"{invoice.number}.pdf", "application/pdf", pdf),),
        )
