"""Every text a document or its email prints is translated: a missing translation fails here.

The messages are extracted the way gettext tools do (Babel's Python extractor, Jinja's Babel
extractor for the templates) from everything that writes for a client: the domain (the e-invoice
texts, the legal mentions), the pdf-worker and the emailer, code and templates. Every catalog must
translate each of them, with the same ``{placeholders}``, not fuzzy, and hold nothing else.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.pofile import read_po
from jinja2.ext import babel_extract

from billflow.domain import i18n
from billflow.domain.model import Language

pytestmark = pytest.mark.contract

ROOT = Path(__file__).parents[2]
SOURCES = (
    ROOT / "shared/domain/src/billflow/domain",
    ROOT / "services/pdf-worker/src/billflow/pdf_worker",
    ROOT / "services/emailer/src/billflow/emailer",
)
KEYWORDS = {"_": None, "gettext": None, "N_": None}


def _files() -> Iterator[Path]:
    for source in SOURCES:
        yield from sorted(source.rglob("*.py"))
        yield from sorted((source / "templates").glob("*.*"))


@cache
def used() -> dict[str, list[str]]:
    """Each message id in the code and the templates, with where it is used."""
    found: dict[str, list[str]] = {}
    for path in _files():
        # Jinja's extractor is typed more narrowly than Babel's extractor protocol; it is one.
        method: Any = "python" if path.suffix == ".py" else babel_extract
        with path.open("rb") as f:
            for line, msgid, _comments, _context in extract(method, f, KEYWORDS, strip_comment_tags=True):
                if isinstance(msgid, str):
                    found.setdefault(msgid, []).append(f"{path.relative_to(ROOT)}:{line}")
    return found


def catalog(language: Language) -> Catalog:
    with open(i18n.catalog_path(language), "rb") as po:
        return read_po(po, locale=language.value)


def placeholders(text: str) -> set[str]:
    return {name for _literal, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def test_the_extraction_finds_the_documents_the_emails_and_the_e_invoice_texts() -> None:
    messages = used()
    assert "Total due" in messages  # the invoice PDF
    assert "Total credited" in messages  # the credit note PDF
    assert "Invoice {number} from {issuer}" in messages  # an email subject, in Python
    assert "Balance due" in messages  # the reminder email
    assert set(i18n.XML_TEXTS) <= set(messages)
    assert set(i18n.LEGAL_MENTIONS.values()) <= set(messages)


@pytest.mark.parametrize("language", i18n.CATALOG_LANGUAGES, ids=str)
def test_every_message_has_a_translation_in_every_catalog(language: Language) -> None:
    entries = {m.id: m for m in catalog(language) if m.id}
    missing = {msgid: where for msgid, where in used().items() if msgid not in entries}
    assert missing == {}, f"{language}.po lacks these messages (used at):"
    empty = [msgid for msgid, m in entries.items() if not m.string]
    assert empty == []
    fuzzy = [msgid for msgid, m in entries.items() if m.fuzzy]
    assert fuzzy == []


@pytest.mark.parametrize("language", i18n.CATALOG_LANGUAGES, ids=str)
def test_a_translation_fills_in_the_same_placeholders_as_its_message(language: Language) -> None:
    wrong = {
        str(m.id): str(m.string)
        for m in catalog(language)
        if m.id and placeholders(str(m.id)) != placeholders(str(m.string))
    }
    assert wrong == {}


@pytest.mark.parametrize("language", i18n.CATALOG_LANGUAGES, ids=str)
def test_a_catalog_holds_no_message_that_nothing_uses_any_more(language: Language) -> None:
    stale = {str(m.id) for m in catalog(language) if m.id} - set(used())
    assert stale == set()


@pytest.mark.parametrize("language", i18n.CATALOG_LANGUAGES, ids=str)
def test_a_catalog_says_which_language_it_is_and_is_not_marked_fuzzy(language: Language) -> None:
    c = catalog(language)
    assert str(c.locale) == language.value
    assert not c.fuzzy
