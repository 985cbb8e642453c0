"""The invoice as an HTML document, from a Jinja2 template with autoescaping on.

Every value that came from a person (names, descriptions, addresses) is escaped by Jinja2, so it
prints as text and can never become markup, a script or a request.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel import Locale
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from billflow.domain.model import Invoice
from billflow.domain.money import quantum

_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "CHF": "CHF ", "INR": "₹"}


def money(amount: Decimal, currency: str) -> str:
    """``€1,234.50``: thousands separators, the currency's own number of decimals."""
    digits = -quantum(currency).as_tuple().exponent  # type: ignore[operator]
    sign = "-" if amount < 0 else ""
    prefix = _SYMBOLS.get(currency, f"{currency} ")
    return f"{sign}{prefix}{abs(amount):,.{digits}f}"


def hours(value: Decimal) -> str:
    return f"{value.normalize():f}"


def long_date(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def country_name(code: str) -> str:
    """``BE`` -> ``Belgium`` (the code itself when Babel does not know it)."""
    return str(Locale("en").territories.get(code, code))


_env = Environment(
    loader=PackageLoader("billflow.pdf_worker", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
)
_env.filters.update(money=money, hours=hours, long_date=long_date, country_name=country_name)
_template = _env.get_template("invoice.html")


def invoice_html(invoice: Invoice) -> str:
    return _template.render(invoice=invoice)
