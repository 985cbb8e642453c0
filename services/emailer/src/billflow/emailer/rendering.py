"""The emails' Jinja environments: one for HTML bodies, one for plain text, both with the formats.

Amounts print exactly as on the PDF and the pages (``€1,234.50``): one formatter, one form, so the
total a client reads in the email is the total on the attached invoice, character for character.

The emails about a document (invoice, credit note, reminder) are in its reader's language
(``document_environment``): labels through the message catalogs, dates and amounts in that locale.
The emails to the company's own people (expenses, statements) stay in English.
"""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from billflow.domain.formatting import Formats
from billflow.domain.i18n import locale_of, no_plurals, translator
from billflow.domain.model import Language

LOCALE = "en"
"""The language of the emails to the company's own people; amounts and dates follow it."""


@lru_cache(maxsize=16)
def environment(*, html: bool, locale: str = LOCALE) -> Environment:
    env = _environment(html)
    env.filters.update(Formats(locale).filters())
    return env


@lru_cache(maxsize=16)
def document_environment(*, html: bool, language: Language) -> Environment:
    """The environment of a document's emails in ``language``: ``_()`` is its strict translator."""
    env = _environment(html)
    env.add_extension("jinja2.ext.i18n")
    # Not newstyle: `_()` returns the catalog's text and the template fills it with `.format`.
    env.install_gettext_callables(translator(language), no_plurals, newstyle=False)  # type: ignore[attr-defined]  # added by the i18n extension
    env.filters.update(Formats(locale_of(language)).filters())
    return env


def _environment(html: bool) -> Environment:
    return Environment(
        loader=PackageLoader("billflow.emailer", "templates"),
        # The plain-text body is never read as markup.
        autoescape=select_autoescape(default=True) if html else False,  # noqa: S701
        undefined=StrictUndefined,
    )


def one_line(text: str) -> str:
    """Header-safe: control characters (CR, LF, tabs) become spaces."""
    return " ".join("".join(" " if ord(c) < 32 or ord(c) == 127 else c for c in text).split())
