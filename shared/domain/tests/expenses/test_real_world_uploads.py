"""Issue 18 in the domain: cross-checks, HEIC/WebP sniffing, duplicates, the vendor memory."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from billflow.domain.errors import InvalidInput, UnsupportedDocument
from billflow.domain.expenses import DocumentText, ExpenseStatus, Field, extract_fields, sniff_media_type
from billflow.domain.expenses.checks import check_upload_date, date_plausible
from billflow.domain.expenses.expense import Expense, totals_by_currency
from billflow.domain.expenses.vendor_memory import learn, recognise, signature, vat_ids
from billflow.domain.model import User
from billflow.domain.usecases.expense_queries import CorrectExpenseCommand, ExpenseQueries
from billflow.domain.usecases.extract_expense import ExtractExpenseCommand, ExtractExpenseFields
from billflow.domain.usecases.upload_expense import UploadExpense, UploadExpenseCommand
from domain_fakes import FakeUnitOfWorkFactory, FixedClock, MemoryDocuments, SequentialIds

from .test_expense_usecases import ALICE, BOB, PNG, RandomIds, TextReader

pytestmark = pytest.mark.unit

ADDS_UP = (
    "ACME Supplies Ltd\nInvoice number: A-17\nDate: 2026-11-03\n"
    "Subtotal: € 100.00\nVAT: € 21.00\nTotal: € 121.00 EUR\n"
)
NOW = FixedClock().now()


def test_a_subtotal_and_tax_that_add_up_to_the_total_pass_and_ones_that_do_not_send_it_to_review() -> None:
    good = extract_fields(ADDS_UP)
    assert good.failed_checks == ()
    assert good.total.confidence > 0.5
    bad = extract_fields(ADDS_UP.replace("Subtotal: € 100.00", "Subtotal: € 108.00"))
    assert "sum" in bad.failed_checks
    assert bad.total.value == Decimal("121.00")  # the value is kept, its confidence is not
    assert bad.total.confidence <= 0.3


def test_a_currency_symbol_that_disagrees_with_the_printed_code_fails_the_currency_check() -> None:
    fields = extract_fields(ADDS_UP.replace("Total: € 121.00 EUR", "Total: £ 121.00 EUR\nPaid in EUR"))
    assert "currency" in fields.failed_checks
    assert fields.currency.confidence <= 0.3
    assert "currency" not in extract_fields(ADDS_UP).failed_checks


def test_a_currency_written_in_letters_outweighs_a_misread_symbol_and_an_article_number() -> None:
    # OCR on a damaged page: an article number's E read as £, the euro sign read as £ once.
    misread = (
        "Artikel  Omschrijving  Prijs\n£103184  Onderhoudsset  49,99\n£103560  Flyer  0,00\n"
        "Factuur totaal EUR  49,99\n"
    )
    assert extract_fields(misread).currency.value == "EUR"
    assert extract_fields("Item £ 12.00\nTotal £ 24.00").currency.value == "GBP"  # symbols alone still count


def test_an_invoice_dated_after_its_upload_or_years_before_it_is_implausible() -> None:
    today = date(2026, 11, 15)
    assert date_plausible(date(2026, 11, 3), today)
    assert date_plausible(date(2026, 11, 16), today)  # a time zone ahead
    assert not date_plausible(date(2026, 12, 1), today)
    assert not date_plausible(date(2021, 1, 1), today)
    checked = check_upload_date(extract_fields(ADDS_UP), date(2026, 10, 1))
    assert checked.failed_checks == ("date",)
    assert checked.invoice_date.confidence <= 0.3


def test_heic_and_webp_are_told_by_their_content_and_avif_is_not_taken_for_heic() -> None:
    assert sniff_media_type(b"RIFF\x10\x00\x00\x00WEBPVP8 rest") == "image/webp"
    heic = (24).to_bytes(4, "big") + b"ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 32
    assert sniff_media_type(heic) == "image/heic"
    compatible = (24).to_bytes(4, "big") + b"ftypmsf1\x00\x00\x00\x00mif1heic" + b"\x00" * 32
    assert sniff_media_type(compatible) == "image/heic"
    avif = (24).to_bytes(4, "big") + b"ftypavif\x00\x00\x00\x00mif1miaf" + b"\x00" * 32
    with pytest.raises(UnsupportedDocument):
        sniff_media_type(avif)


def test_vat_ids_are_read_after_their_labels_without_spaces_or_dots() -> None:
    assert vat_ids("VAT No: NL 8531.05.914.B01\nUSt-IdNr.: DE 812 526 315") == (
        "DE812526315",
        "NL853105914B01",
    )


def test_a_vendor_learnt_once_is_known_again_by_its_vat_id_its_name_or_its_letterhead() -> None:
    first = DocumentText("ACME Supplies Ltd\nHarbour Road 7 Gdynia\nVAT: PL 5260250274\nTotal 10.00")
    known = learn(None, "ACME", signature(first, Field("ACME Supplies Ltd", 0.9)), NOW)
    by_vat = signature(DocumentText("Somebody else\nNIP: PL5260250274\n"), Field("Somebody else", 0.9))
    by_name = signature(DocumentText("acme supplies\nelsewhere"), Field("acme supplies", 0.9))
    garbled = DocumentText("ACME Sup1lies\nHarbour Road 7 Gdynia\nTotal 3.00")
    by_header = signature(garbled, Field("Sup1lies", 0.3))
    surely_another = signature(garbled, Field("Gdynia Harbour Ltd", 0.9))
    stranger = signature(DocumentText("Northwind Cloud Inc\nSeattle\nTotal 4.11"), Field("Northwind", 0.9))
    for seen in (by_vat, by_name, by_header):
        found = recognise(seen, [known])
        assert found is not None
        assert (found.value, found.confidence >= 0.95) == ("ACME", True)
    assert recognise(stranger, [known]) is None
    assert recognise(surely_another, [known]) is None  # a letterhead does not overrule a clear name
    neighbour = signature(DocumentText("Zenith Tools Ltd\nHarbour Road 7 Gdynia"), Field("Zenith", 0.3))
    assert recognise(neighbour, [known]) is None  # the same address, but not the name
    again = learn(known, "ACME", by_vat, NOW)
    assert (again.corrections, "somebody else" in again.variants) == (2, True)


@pytest.fixture
def uow() -> FakeUnitOfWorkFactory:
    return FakeUnitOfWorkFactory()


async def _read(
    uow: FakeUnitOfWorkFactory, docs: MemoryDocuments, content: bytes, text: str, who: User = ALICE
) -> str:
    uploaded = await UploadExpense(uow, docs, RandomIds(), FixedClock()).execute(
        UploadExpenseCommand(who, content, "x.png", None, "c")
    )
    await ExtractExpenseFields(uow, docs, TextReader(text), SequentialIds(), FixedClock()).execute(
        ExtractExpenseCommand(uploaded.expense.id, "c")
    )
    return uploaded.expense.id


async def test_the_same_file_uploaded_twice_is_the_same_expense_and_is_not_read_again(
    uow: FakeUnitOfWorkFactory,
) -> None:
    docs = MemoryDocuments()
    use_case = UploadExpense(uow, docs, RandomIds(), FixedClock())
    first = await use_case.execute(UploadExpenseCommand(ALICE, PNG, "a.png", None, "c"))
    again = await use_case.execute(UploadExpenseCommand(ALICE, PNG, "renamed.png", None, "c"))
    assert (first.new, again.new, again.expense.id) == (True, False, first.expense.id)
    assert len(docs.objects) == 1
    assert len(uow.store.outbox) == 1
    bobs = await use_case.execute(UploadExpenseCommand(BOB, PNG, "a.png", None, "c"))
    assert bobs.new  # another uploader's copy is their own expense


async def test_another_file_of_the_same_invoice_is_kept_marked_for_review_and_counted_once(
    uow: FakeUnitOfWorkFactory,
) -> None:
    docs = MemoryDocuments()
    original = await _read(uow, docs, PNG + b"1", ADDS_UP)
    copy = await _read(uow, docs, PNG + b"2", ADDS_UP + "Thank you\n")
    first, second = uow.store.expenses[original], uow.store.expenses[copy]
    assert (first.status, first.possible_duplicate_of) == (ExpenseStatus.EXTRACTED, None)
    assert (second.status, second.possible_duplicate_of) == (ExpenseStatus.NEEDS_REVIEW, original)
    assert totals_by_currency([first, second]) == {"EUR": Decimal("121.00")}
    queries = ExpenseQueries(uow, docs, FixedClock())
    cleared = await queries.correct(CorrectExpenseCommand(ALICE, copy, {"possible_duplicate_of": None}))
    assert cleared.possible_duplicate_of is None
    assert totals_by_currency([first, cleared]) == {"EUR": Decimal("242.00")}
    with pytest.raises(InvalidInput):
        await queries.correct(CorrectExpenseCommand(ALICE, copy, {"possible_duplicate_of": original}))


async def test_a_corrected_vendor_names_the_next_upload_from_the_same_vendor(
    uow: FakeUnitOfWorkFactory,
) -> None:
    docs = MemoryDocuments()
    letterhead = "Zakład Usług Różnych\nul. Portowa 3, Gdynia\nNIP: 586-10-44-123\n"
    first = await _read(
        uow, docs, PNG + b"1", letterhead + "Faktura nr 1/2026\nDate: 2026-11-02\nTotal: 50.00 PLN\n"
    )
    queries = ExpenseQueries(uow, docs, FixedClock())
    await queries.correct(CorrectExpenseCommand(ALICE, first, {"vendor": "Portowa Services"}))
    [known] = await queries.vendors()
    assert (known.name, known.vat_ids, known.corrections) == ("Portowa Services", ("5861044123",), 1)
    second = await _read(
        uow, docs, PNG + b"2", letterhead + "Faktura nr 2/2026\nDate: 2026-11-09\nTotal: 70.00 PLN\n"
    )
    expense = uow.store.expenses[second]
    assert expense.vendor == "Portowa Services"
    assert expense.confidence["vendor"] >= 0.95


def test_a_failed_or_duplicate_expense_is_not_counted() -> None:
    base = replace(_expense(), total=Decimal(5), currency="EUR", status=ExpenseStatus.EXTRACTED)
    assert totals_by_currency([base, replace(base, id="2", status=ExpenseStatus.FAILED)]) == {
        "EUR": Decimal(5)
    }


def _expense() -> Expense:
    when = datetime(2026, 11, 1, tzinfo=UTC)
    return Expense("1", ALICE.id, ExpenseStatus.PROCESSING, "k", "image/png", "a.png", when, when)
