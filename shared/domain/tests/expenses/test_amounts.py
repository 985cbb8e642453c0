from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billflow.domain.expenses.amounts import find_amounts, parse_number

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("printed", "value"),
    [
        ("1.999,00", "1999.00"),
        ("4,904.94", "4904.94"),
        ("10 000", "10000"),
        ("1\u202f234,50", "1234.50"),
        ("1'234.50", "1234.50"),
        ("0,75", "0.75"),
        ("29.99", "29.99"),
        ("1939", "1939"),
        ("-9,32", "-9.32"),
    ],
)
def test_a_printed_number_reads_as_its_value_whatever_the_separators(printed: str, value: str) -> None:
    assert parse_number(printed) == Decimal(value)


def test_amounts_carry_the_currency_printed_before_or_after_them() -> None:
    found = find_amounts("Tax 15% on $ 112.90 $ 16.94  Totaal € 717,97  316,83 PLN  Rs 1939")
    assert [(str(a.value), a.currency) for a in found] == [
        ("112.90", "USD"),
        ("16.94", "USD"),
        ("717.97", "EUR"),
        ("316.83", "PLN"),
        ("1939", "INR"),
    ]


def test_percentages_and_digits_inside_identifiers_are_not_amounts() -> None:
    assert find_amounts("VAT 21% 15.00% INV/2023/03/0008 invoice_number_1 F63530848134") == []


def test_a_quantity_before_a_spaced_thousands_amount_is_kept_apart_from_the_last_amount() -> None:
    found = find_amounts("Total 1 278.61 40.39 319.00")
    assert found[-1].value == Decimal("319.00")


_STYLES = [(",", "."), (".", ","), (" ", ","), ("\u00a0", ","), ("'", "."), ("", "."), ("", ",")]


@given(
    cents=st.integers(min_value=0, max_value=99_999_999_999),
    style=st.sampled_from(_STYLES),
    symbol=st.sampled_from(["", "€ ", "$", "EUR "]),
)
def test_any_amount_formatted_in_any_common_style_reads_back_exactly(
    cents: int, style: tuple[str, str], symbol: str
) -> None:
    thousands, decimal = style
    whole = f"{cents // 100:,}".replace(",", thousands)
    printed = f"{symbol}{whole}{decimal}{cents % 100:02d}"
    found = find_amounts(f"Total {printed} due")
    assert len(found) == 1
    assert found[0].value == Decimal(cents).scaleb(-2)
    assert found[0].money_like


@given(units=st.integers(min_value=0, max_value=10**9), thousands=st.sampled_from([",", ".", " "]))
def test_grouped_whole_amounts_read_back_exactly(units: int, thousands: str) -> None:
    printed = f"{units:,}".replace(",", thousands)
    assert parse_number(printed) == Decimal(units)
