from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billflow.domain.errors import InvalidInput
from billflow.domain.money import at_minor_unit, percent_of, quantum, round_money, validate_currency

pytestmark = pytest.mark.unit

amounts = st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=6, allow_nan=False)
currencies = st.sampled_from(["EUR", "USD", "JPY", "KWD", "CLF", "GBP"])


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("534.375", "EUR", "534.38"),  # half goes up
        ("534.365", "EUR", "534.37"),
        ("-0.005", "EUR", "-0.01"),  # half-up means away from zero
        ("0.004999", "EUR", "0.00"),
        ("1234.5", "JPY", "1235"),  # no minor unit
        ("1.2345", "KWD", "1.235"),  # three decimals
    ],
)
def test_money_is_rounded_half_up_to_the_currency_minor_unit(
    amount: str, currency: str, expected: str
) -> None:
    assert str(round_money(Decimal(amount), currency)) == expected


def test_an_unknown_currency_is_refused_and_named() -> None:
    with pytest.raises(InvalidInput) as e:
        validate_currency("XYZ")
    assert e.value.field == "currency"


@given(amounts, currencies)
def test_rounding_moves_an_amount_by_at_most_half_a_minor_unit(amount: Decimal, currency: str) -> None:
    rounded = round_money(amount, currency)
    assert abs(rounded - amount) <= quantum(currency) / 2
    assert rounded.as_tuple().exponent == quantum(currency).as_tuple().exponent


@given(amounts, currencies)
def test_rounding_twice_changes_nothing(amount: Decimal, currency: str) -> None:
    once = round_money(amount, currency)
    assert round_money(once, currency) == once


@given(amounts, currencies)
def test_zero_and_full_percent_are_exact(amount: Decimal, currency: str) -> None:
    rounded = round_money(amount, currency)
    assert percent_of(rounded, Decimal(0), currency) == 0
    assert percent_of(rounded, Decimal(100), currency) == rounded


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        ("127.5000", "EUR", "127.50"),
        ("1000", "EUR", "1000.00"),
        ("1200.0", "JPY", "1200"),
        ("127.5050", "EUR", "127.5050"),
        ("127.5000", None, "127.50"),
    ],
)
def test_an_amount_is_written_to_its_minor_unit_only_when_that_loses_nothing(
    amount: str, currency: str | None, shown: str
) -> None:
    assert str(at_minor_unit(Decimal(amount), currency)) == shown
