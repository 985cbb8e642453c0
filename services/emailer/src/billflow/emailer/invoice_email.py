"""The email that carries an invoice: subject, plain text and HTML bodies, the PDF attached, in
the language of the invoice's reader (the client's; English for an employee)."""

from __future__ import annotations

from billflow.domain.i18n import document_language, translator
from billflow.domain.model import Invoice
from billflow.domain.ports.mail import Attachment, OutgoingEmail
from billflow.emailer.rendering import document_environment, one_line


class TemplateInvoiceEmailWriter:
    def write(self, invoice: Invoice, pdf: bytes) -> OutgoingEmail:
        language = document_language(invoice.kind, invoice.billed_to)
        _ = translator(language)
        text, html = (document_environment(html=h, language=language) for h in (False, True))
        return OutgoingEmail(
            to=invoice.billed_to.email,
            subject=one_line(
                _("Invoice {number} from {issuer}").format(number=invoice.number, issuer=invoice.issuer.name)
            ),
            text=text.get_template("invoice.txt").render(invoice=invoice, language=language.value),
            html=html.get_template("invoice.html").render(invoice=invoice, language=language.value),
            attachments=(Attachment(f"{invoice.number}.pdf", "application/pdf", pdf),),
        )
