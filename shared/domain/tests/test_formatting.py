"""The one formatter: what the PDF, the emails and the pages print for an amount, hours and dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from billflow.domain.formatting import Formats, format_long_day, format_money

pytestmark = pytest.mark.unit


def test_money_is_written_with_the_currency_symbol_thousands_separators_and_its_minor_unit() -> None:
    formats = Formats("en")
    assert formats.money(Decimal("3905.43"), "EUR") == "€3,905.43"
    assert formats.money(Decimal("1234567.5"), "GBP") == "£1,234,567.50"
    assert formats.money(Decimal("1200"), "JPY") == "¥1,200"
    assert Formats("de_DE").money(Decimal("3905.43"), "EUR") == "3.905,43\xa0€"


def test_hours_and_dates_are_written_for_people() -> None:
    formats = Formats("en")
    assert formats.hours(Decimal("7.50")) == "7.5"
    assert formats.hours(Decimal("1234.25")) == "1,234.25"
    assert formats.day(date(2026, 10, 5)) == "Oct 5, 2026"
    assert formats.percent(Decimal("21.00")) == "21 %"


def test_an_amount_is_rounded_half_up_to_the_minor_unit_before_it_is_printed() -> None:
    assert format_money(Decimal("0.125"), "EUR", "en") == "€0.13"
    assert format_money(Decimal("1.2345"), "KWD", "en") == "KWD 1.235"
    assert format_money(Decimal("-1234.5"), "EUR", "en") == "-€1,234.50"


@pytest.mark.parametrize(
    ("locale", "symbol", "code", "none"),
    [
        ("en", "€1,234.50", "EUR 1,234.50", "1,234.50"),
        ("de", "1.234,50\xa0€", "1.234,50\xa0EUR", "1.234,50"),
        ("fr", "1\u202f234,50\xa0€", "1\u202f234,50\xa0EUR", "1\u202f234,50"),
        ("nl", "€\xa01.234,50", "EUR\xa01.234,50", "1.234,50"),
    ],
)
def test_each_language_writes_the_currency_as_a_symbol_a_code_or_not_at_all(
    locale: str, symbol: str, code: str, none: str
) -> None:
    amount = Decimal("1234.5")
    assert format_money(amount, "EUR", locale) == symbol
    assert format_money(amount, "EUR", locale, display="code") == code
    assert format_money(amount, "EUR", locale, display="none") == none


def test_letters_before_the_digits_are_kept_apart_by_a_space() -> None:
    assert format_money(Decimal("1200"), "USD", "en", display="code") == "USD 1,200.00"
    assert format_money(Decimal("1200"), "CHF", "en") == "CHF 1,200.00"
    assert format_money(Decimal("1200"), "USD", "en") == "$1,200.00"


def test_an_amount_without_a_known_currency_is_the_number_to_two_places() -> None:
    assert format_money(Decimal("127.5000"), None, "en") == "127.50"
    assert format_money(Decimal("127.5"), "XYZ", "en", display="code") == "127.50"
    assert Formats("en").money(None, "EUR") == ""


def test_a_document_writes_its_dates_with_the_month_in_words_in_its_locales_order() -> None:
    assert format_long_day(date(2026, 12, 22), "en_GB") == "22 December 2026"
    assert format_long_day(date(2026, 12, 22), "en") == "December 22, 2026"
    assert format_long_day(date(2026, 12, 22), "de") == "22. Dezember 2026"
    assert format_long_day(date(2026, 12, 22), "fr") == "22 décembre 2026"
