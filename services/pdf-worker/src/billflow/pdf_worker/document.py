"""The invoice as an HTML document, from a Jinja2 template with autoescaping on.

Every value that came from a person (names, descriptions, addresses) is escaped by Jinja2, so it
prints as text and can never become markup, a script or a request.
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale
from jinja2 import Environment, PackageLoader, StrictUndefined, Template, select_autoescape

from billflow.domain.formatting import Formats
from billflow.domain.model import CreditNote, Invoice

LOCALE = "en"
"""The invoice's language until a client's own is recorded; amounts and dates follow it."""


def country_name(code: str, locale: str = LOCALE) -> str:
    """``BE`` -> ``Belgium`` in ``locale`` (the code itself when Babel does not know it)."""
    return str(Locale.parse(locale).territories.get(code, code))


@lru_cache(maxsize=8)
def _environment(locale: str) -> Environment:
    env = Environment(
        loader=PackageLoader("billflow.pdf_worker", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
    )
    env.filters.update(Formats(locale).filters())
    env.filters["country_name"] = lambda code: country_name(code, locale)
    return env


@lru_cache(maxsize=16)
def _template(locale: str, name: str = "invoice.html") -> Template:
    return _environment(locale).get_template(name)


def invoice_html(invoice: Invoice, locale: str = LOCALE) -> str:
    return _template(locale).render(invoice=invoice)


def credit_note_html(note: CreditNote, locale: str = LOCALE) -> str:
    """The credit note: "Credit note", the invoice it corrects and its date, the reason, the
    amounts credited per tax rate."""
    return _template(locale, "credit_note.html").render(note=note)
