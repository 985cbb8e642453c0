"""The client's language: strict translators read from the catalogs, and the legal mentions due."""

from __future__ import annotations

from enum import StrEnum

import pytest

from billflow.domain.errors import PermanentFailure
from billflow.domain.i18n import (
    CATALOG_LANGUAGES,
    INTRA_COMMUNITY_SUPPLY,
    REVERSE_CHARGE,
    XML_TEXTS,
    MissingTranslation,
    document_language,
    legal_mentions,
    translator,
)
from billflow.domain.model import BilledTo, InvoiceKind, Language

pytestmark = pytest.mark.unit


def test_each_language_has_its_own_words_for_the_documents() -> None:
    assert [translator(language)("Invoice") for language in Language] == [
        "Invoice",
        "Rechnung",
        "Facture",
        "Factuur",
    ]
    assert translator("fr")("Credit: {reason}").format(reason="double") == "Avoir : double"


def test_the_reverse_charge_mention_is_the_legal_wording_of_each_language() -> None:
    assert [translator(language)(REVERSE_CHARGE) for language in Language] == [
        "Reverse charge",
        "Steuerschuldnerschaft des Leistungsempfängers",
        "Autoliquidation",
        "Btw verlegd",
    ]
    assert translator(Language.DE)(INTRA_COMMUNITY_SUPPLY) == "Steuerfreie innergemeinschaftliche Lieferung"


@pytest.mark.parametrize("language", list(Language), ids=str)
def test_a_message_no_catalog_holds_is_an_error_not_english_in_silence(language: Language) -> None:
    with pytest.raises(MissingTranslation, match="Never translated"):
        translator(language)("Never translated")


@pytest.mark.parametrize("language", CATALOG_LANGUAGES, ids=str)
def test_every_e_invoice_text_is_translated(language: Language) -> None:
    gettext = translator(language)
    assert all(gettext(msgid) for msgid in XML_TEXTS)


def test_mentions_are_due_for_reverse_charge_and_intra_community_supply_once_each() -> None:
    class Category(StrEnum):
        S = "S"
        AE = "AE"
        K = "K"

    assert legal_mentions(["S", "Z", None]) == ()
    assert legal_mentions(["AE", "S", "AE"]) == (REVERSE_CHARGE,)
    assert legal_mentions([Category.K, Category.AE]) == (INTRA_COMMUNITY_SUPPLY, REVERSE_CHARGE)


def test_a_client_reads_its_own_language_and_an_employee_english() -> None:
    to = BilledTo("Globex", "ap@globex.example", language=Language.NL)
    assert document_language(InvoiceKind.CLIENT, to) == Language.NL
    assert document_language(InvoiceKind.EMPLOYEE, to) == Language.EN


def test_a_missing_translation_is_a_permanent_failure_so_the_document_is_marked_failed() -> None:
    with pytest.raises(PermanentFailure) as raised:
        translator(Language.NL)("Never translated")
    assert raised.value.detail == "no nl translation of 'Never translated' (add it to catalogs/*.po)"
