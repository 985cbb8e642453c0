"""The email that carries an invoice: subject, plain text and HTML bodies, the PDF attached."""

from __future__ import annotations

from billflow.domain.model import Invoice
from billflow.domain.ports.mail import Attachment, OutgoingEmail
from billflow.emailer.rendering import LOCALE, environment, one_line


class TemplateInvoiceEmailWriter:
    def __init__(self, locale: str = LOCALE) -> None:
        self._text = environment(html=False, locale=locale)
        self._html = environment(html=True, locale=locale)

    def write(self, invoice: Invoice, pdf: bytes) -> OutgoingEmail:
        return OutgoingEmail(
            to=invoice.billed_to.email,
            subject=one_line(f"Invoice {invoice.number} from {invoice.issuer.name}"),
            text=self._text.get_template("invoice.txt").render(invoice=invoice),
            html=self._html.get_template("invoice.html").render(invoice=invoice),
            attachments=(Attachment(f"{invoice.number}.pdf", "application/pdf", pdf),),
        )
