from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from billflow.domain.expenses import DocumentText, ExtractedFields, Field, Word, extract_fields, read_fields

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "label",
    ["Total", "Amount due", "Grand total", "Balance due", "TOTAL TTC", "Total à payer", "Net amount",
     "Totaal", "Gesamtbetrag", "Należność ogółem", "Total amount due"],
)  # fmt: skip
def test_the_total_is_read_after_any_common_total_label(label: str) -> None:
    fields = extract_fields(f"Item A 3 x 10.00 30.00\nSubtotal 100.00\n{label}: 120,00 EUR\n")
    assert fields.total.value == Decimal("120.00")


def test_subtotals_and_net_amounts_are_not_taken_for_the_total() -> None:
    text = "Subtotal $ 262.90\nTotal HT : 46,68\nTax 15% on $ 112.90 $ 16.94\nTotal $ 279.84\n"
    assert extract_fields(text).total.value == Decimal("279.84")


def test_the_largest_plausible_total_wins_when_several_are_printed() -> None:
    text = "Total excl. VAT 100.00\nTotal 100.00\nVAT 21% 21.00\nTotal incl. VAT 121.00\n"
    fields = extract_fields(text)
    assert fields.total.value == Decimal("121.00")
    assert fields.tax.value == Decimal("21.00")


def test_subtotal_plus_tax_equal_to_the_total_raises_its_confidence() -> None:
    checked = extract_fields("Subtotal 100.00\nVAT 21.00\nTotal 121.00\n")
    unchecked = extract_fields("Subtotal 100.00\nVAT 25.00\nTotal 121.00\n")
    assert checked.total.value == unchecked.total.value == Decimal("121.00")
    assert checked.total.confidence > unchecked.total.confidence
    assert checked.tax.value == Decimal("21.00")


def test_a_value_printed_under_its_label_is_paired_with_it() -> None:
    text = (
        "Klant          Order        Factuur datum   Factuur        Vervaldatum\n"
        "SCONL0303      SCONL0004    8-9-2022        VF1005193039   22-9-2022\n"
        "Factuur totaal EUR 49,99\n"
    )
    fields = extract_fields(text)
    assert fields.invoice_number.value == "VF1005193039"
    assert fields.invoice_date.value == date(2022, 9, 8)
    assert fields.total.value == Decimal("49.99")
    assert fields.currency.value == "EUR"


def test_due_and_order_dates_are_passed_over_for_the_invoice_date() -> None:
    text = "Order Date: 15-10-2015\nDue date: 30-10-2015\nInvoice Date: 20-10-2015\nTotal Rs 319.00\n"
    fields = extract_fields(text)
    assert fields.invoice_date.value == date(2015, 10, 20)
    assert fields.currency.value == "INR"


def test_us_dollar_invoices_read_ambiguous_dates_month_first() -> None:
    fields = extract_fields("Invoice Date: 03/04/2023\nTotal: $1,250.00\n")
    assert fields.invoice_date.value == date(2023, 3, 4)
    assert fields.invoice_date.confidence < 0.8
    assert fields.currency.value == "USD"


def test_the_currency_follows_symbols_and_codes() -> None:
    assert extract_fields("Razem do zapłaty: 316,83 zł").currency.value == "PLN"
    assert extract_fields("Amount due £ 1,234.56").currency.value == "GBP"
    assert extract_fields("Net amount Rs. 1939").currency.value == "INR"
    assert extract_fields("Total CHF 99.90").currency.value == "CHF"


def test_the_number_after_a_label_keeps_a_short_letter_prefix_and_drops_the_hash() -> None:
    assert extract_fields("Faktura nr: F 1234K20/1234/12   Data").invoice_number.value == "F 1234K20/1234/12"
    assert extract_fields("Invoice No : # BLR_WFLD2015").invoice_number.value == "BLR_WFLD2015"
    assert extract_fields("Facture n°562044387 du 02 Juillet 2015").invoice_number.value == "562044387"


def test_the_vendor_is_the_seller_not_the_buyer() -> None:
    text = (
        "Bill to:\nIviveLabs Ltd.\n93B Sai Yu Chung\n"
        "Sprzedawca: Polski Koncern Naftowy ORLEN S.A.\nwww.orlen.pl\nTotal 10.00 PLN\n"
    )
    assert extract_fields(text).vendor.value == "Polski Koncern Naftowy ORLEN S.A."


def test_nothing_readable_gives_empty_fields_with_no_confidence() -> None:
    fields = extract_fields("hello world")
    assert fields.total == Field()
    assert fields.invoice_date == Field()
    assert set(fields.unsure()) >= {"total", "invoice_date", "invoice_number", "tax"}


def test_words_with_boxes_pair_labels_and_values_across_columns() -> None:
    words = [
        Word("Total:", 400, 700, 440, 710),
        Word("$127.50", 500, 701, 550, 711),
        Word("Date:", 400, 100, 440, 110),
        Word("Jan", 500, 100, 520, 110),
        Word("1,", 522, 100, 530, 110),
        Word("2022", 532, 100, 560, 110),
    ]
    fields = extract_fields("", words=words)
    assert fields.total.value == Decimal("127.50")
    assert fields.invoice_date.value == date(2022, 1, 1)


def test_a_readers_own_fields_win_where_it_is_surer() -> None:
    theirs = ExtractedFields(vendor=Field("Acme Corp", 0.99), total=Field(Decimal("5.00"), 0.1))
    fields = read_fields(DocumentText("Grand total: 120.00 EUR", fields=theirs))
    assert fields.vendor.value == "Acme Corp"
    assert fields.total.value == Decimal("120.00")
