"""The email that carries an invoice: subject, plain text and HTML bodies, the PDF attached."""

from __future__ import annotations

from decimal import Decimal

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from billflow.domain.model import Invoice
from billflow.domain.money import quantum
from billflow.domain.ports.mail import Attachment, OutgoingEmail


def _amount(value: Decimal, currency: str) -> str:
    digits = -int(quantum(currency).as_tuple().exponent)
    return f"{currency} {value:,.{digits}f}"


def _one_line(text: str) -> str:
    """Header-safe: control characters (CR, LF, tabs) become spaces."""
    return " ".join("".join(" " if ord(c) < 32 or ord(c) == 127 else c for c in text).split())


_html = Environment(
    loader=PackageLoader("billflow.emailer", "templates"),
    autoescape=select_autoescape(default=True),
    undefined=StrictUndefined,
)
_text = Environment(
    loader=PackageLoader("billflow.emailer", "templates"),
    autoescape=False,  # noqa: S701 - the plain-text body is never read as markup
    undefined=StrictUndefined,
)
for _env in (_html, _text):
    _env.filters["amount"] = _amount


class TemplateInvoiceEmailWriter:
    def write(self, invoice: Invoice, pdf: bytes) -> OutgoingEmail:
        return OutgoingEmail(
            to=invoice.billed_to.email,
            subject=_one_line(f"Invoice {invoice.number} from {invoice.issuer.name}"),
            text=_text.get_template("invoice.txt").render(invoice=invoice),
            html=_html.get_template("invoice.html").render(invoice=invoice),
            attachments=(Attachment(f"{invoice.number}.pdf", "application/pdf", pdf),),
        )
