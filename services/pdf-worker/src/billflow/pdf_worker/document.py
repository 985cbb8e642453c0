"""The invoice as an HTML document, from a Jinja2 template with autoescaping on.

Every value that came from a person (names, descriptions, addresses) is escaped by Jinja2, so it
prints as text and can never become markup, a script or a request.

A document is written in its reader's language (``document_language``: the client's, English for
an employee): every label through the message catalogs (Jinja's i18n extension, handed the
strict ``translator``), dates, amounts and country names through the one formatter in that locale.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined, Template, select_autoescape

from billflow.domain.formatting import Formats, babel_locale
from billflow.domain.i18n import document_language, legal_mentions, locale_of, no_plurals, translator
from billflow.domain.model import CreditNote, Invoice, Language, TaxRow


def country_name(code: str, locale: str) -> str:
    """``BE`` -> ``Belgium`` in ``locale`` (the code itself when Babel does not know it)."""
    return str(babel_locale(locale).territories.get(code, code))


@lru_cache(maxsize=8)
def _environment(language: Language) -> Environment:
    env = Environment(
        loader=PackageLoader("billflow.pdf_worker", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
    )
    # Not newstyle: `_()` returns the catalog's text, the template fills it with `.format`, and
    # autoescaping escapes the whole result, translation and values alike.
    env.install_gettext_callables(translator(language), no_plurals, newstyle=False)  # type: ignore[attr-defined]  # added by the i18n extension
    locale = locale_of(language)
    env.filters.update(Formats(locale).filters())
    env.filters["country_name"] = lambda code: country_name(code, locale)
    return env


@lru_cache(maxsize=16)
def _template(language: Language, name: str) -> Template:
    return _environment(language).get_template(name)


def _mentions(taxes: Iterable[TaxRow]) -> tuple[str, ...]:
    # TaxRow.category comes with the tax categories (issue 15); a row without one has no mention.
    return legal_mentions(getattr(t, "category", None) for t in taxes)


def invoice_html(invoice: Invoice) -> str:
    language = document_language(invoice.kind, invoice.billed_to)
    return _template(language, "invoice.html").render(
        invoice=invoice, language=language.value, mentions=_mentions(invoice.taxes)
    )


def credit_note_html(note: CreditNote) -> str:
    """The credit note: "Credit note", the invoice it corrects and its date, the reason, the
    amounts credited per tax rate."""
    language = document_language(note.invoice_kind, note.billed_to)
    return _template(language, "credit_note.html").render(
        note=note, language=language.value, mentions=_mentions(note.taxes)
    )
