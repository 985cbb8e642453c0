"""The client's language: message catalogs for what documents and emails say, read once per process.

English is the message id; ``catalogs/<language>.po`` (de, fr, nl) hold the translations, read
with Babel's ``pofile`` reader the first time a language is asked for. A message is written with
``{name}`` placeholders and filled with ``str.format`` after translation, the same way in Python
and in the Jinja templates (``_("Invoice {number}").format(number=...)``).

There is no silent fallback: ``translator(language)`` raises ``MissingTranslation`` for a message
its catalog lacks (English: one no catalog knows), so a text that was never translated fails the
render and the tests instead of printing English to a German client. The catalog test
(tests/contract/test_message_catalogs.py) extracts every message from the templates and the code
and fails on any that a catalog lacks, leaves empty, marks fuzzy, or translates with other
placeholders.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from importlib.resources import files

from babel.messages.pofile import read_po

from billflow.domain.errors import PermanentFailure
from billflow.domain.model import BilledTo, InvoiceKind, Language

Gettext = Callable[[str], str]
"""English message id in, the text in one language out."""

CATALOG_LANGUAGES = (Language.DE, Language.FR, Language.NL)
"""The languages with a catalog; English is the message ids themselves."""


LOCALES: Mapping[Language, str] = {
    Language.EN: "en_GB",
    Language.DE: "de",
    Language.FR: "fr",
    Language.NL: "nl",
}
"""The locale a language's documents are formatted in (amounts, dates, country names). English is
British English: day, month, year, as the European clients who read it write their dates."""


def locale_of(language: Language | str) -> str:
    return LOCALES[Language(language)]


class MissingTranslation(PermanentFailure):
    """A message the catalog of a language does not hold: a bug the catalog test exists to catch.

    Permanent: a worker marks the document ``failed`` with this as its reason (never sends it in
    the wrong language); once the catalog is fixed and deployed, a retry renders it."""

    def __init__(self, msgid: str, language: str) -> None:
        super().__init__(f"no {language} translation of {msgid!r} (add it to catalogs/*.po)")
        self.msgid = msgid
        self.language = language


def N_(msgid: str) -> str:
    """Marks a message id for extraction where it is defined, to be translated where it is shown."""
    return msgid


# The free texts of the e-invoice XML (EN 16931): its builder is handed ``translator(language)``
# and calls it with these, filling the placeholders with ``str.format``.
INVOICE = N_("Invoice")
CREDIT_NOTE = N_("Credit note")
HOURS = N_("Hours")
"""A line's unit written out (the unit code is ``HUR``)."""
CREDIT_LINE = N_("Credit: {reason}")
"""A partial credit note's line name, one per tax category and rate."""
PAYMENT_TERMS = N_("Payment within {days} days")
PAYMENT_DUE_BY = N_("Payment due by {date}")
"""An invoice's payment terms (BT-20); ``date`` written by the one formatter in the locale."""
CREDITED_AGAINST = N_("Credited against invoice {number}")
"""A credit note's payment terms: the invoice it is set against."""
SERVICES = N_("Services")
"""A line's name when it has neither a project nor a person."""
REVERSE_CHARGE = N_("Reverse charge")
"""The mention Art. 226(11a) of Directive 2006/112/EC requires where the customer pays the VAT."""
INTRA_COMMUNITY_SUPPLY = N_("Intra-community supply")
"""The mention of an exempt intra-Community supply (Art. 138 and 226(11) of the Directive)."""

XML_TEXTS = (
    INVOICE,
    CREDIT_NOTE,
    HOURS,
    SERVICES,
    CREDIT_LINE,
    PAYMENT_TERMS,
    PAYMENT_DUE_BY,
    CREDITED_AGAINST,
    REVERSE_CHARGE,
    INTRA_COMMUNITY_SUPPLY,
)
"""Every message the e-invoice builders may translate; each is in every catalog."""

LEGAL_MENTIONS: Mapping[str, str] = {"AE": REVERSE_CHARGE, "K": INTRA_COMMUNITY_SUPPLY}
"""The mention a document must print when it carries tax of that category (EN 16931 codes)."""


def legal_mentions(categories: Iterable[object]) -> tuple[str, ...]:
    """The message ids of the mentions due for these tax categories, once each, in order.

    A category is a code (``"AE"``) or an enum whose value is one.
    """
    due: list[str] = []
    for category in categories:
        code = getattr(category, "value", category)
        mention = LEGAL_MENTIONS.get(code) if isinstance(code, str) else None
        if mention is not None and mention not in due:
            due.append(mention)
    return tuple(due)


def document_language(kind: InvoiceKind, billed_to: BilledTo) -> Language:
    """A client's documents and emails are in the client's language; an employee's in English."""
    return billed_to.language if kind == InvoiceKind.CLIENT else Language.EN


def translator(language: Language | str) -> Gettext:
    """The strict ``gettext`` of a language: its catalog's text, or ``MissingTranslation``."""
    language = Language(language)
    table = _catalog(language) if language != Language.EN else _english()

    def gettext(msgid: str) -> str:
        try:
            return table[msgid]
        except KeyError:
            raise MissingTranslation(msgid, language.value) from None

    return gettext


def no_plurals(singular: str, plural: str, n: int) -> str:
    """The ``ngettext`` of the templates: the catalogs hold no plural forms (a count is written as a
    figure, "Workdays from ... to ...: 3"), so a plural cannot slip past the catalog test."""
    raise MissingTranslation(f"{singular} / {plural}", "plural")


def catalog_path(language: Language) -> str:
    """Where the catalog of ``language`` lives in the package (for the tools and the tests)."""
    return str(files(__name__) / "catalogs" / f"{language.value}.po")


@lru_cache(maxsize=len(CATALOG_LANGUAGES))
def _catalog(language: Language) -> Mapping[str, str]:
    """The translated, non-fuzzy messages of one catalog, read once per process."""
    with (files(__name__) / "catalogs" / f"{language.value}.po").open("rb") as po:
        catalog = read_po(po, locale=language.value)
    return {
        m.id: m.string
        for m in catalog
        if isinstance(m.id, str) and m.id and isinstance(m.string, str) and m.string and not m.fuzzy
    }


@lru_cache(maxsize=1)
def _english() -> Mapping[str, str]:
    """English is the message ids: those that every catalog translates."""
    known = set.intersection(*(set(_catalog(language)) for language in CATALOG_LANGUAGES))
    return {msgid: msgid for msgid in known}
