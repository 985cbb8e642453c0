"""Exact money: Decimal amounts beside an ISO 4217 currency, with one rounding policy.

Rounding is written once, here: half-up to the currency's minor unit (cents for EUR and USD,
whole units for JPY, thousandths for KWD).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from billflow.domain.currencies import MINOR_UNITS
from billflow.domain.errors import InvalidInput

ZERO = Decimal(0)
ROUNDING = ROUND_HALF_UP
"""The rounding policy, for every amount the domain rounds or shows."""
UNKNOWN_CURRENCY_DIGITS = 2
"""The decimals shown for an amount whose currency is not known (an expense whose currency was not
read)."""


def validate_currency(code: str) -> str:
    """Return ``code`` when it is an active ISO 4217 currency code, else raise InvalidInput."""
    if code not in MINOR_UNITS:
        raise InvalidInput(f"unknown ISO 4217 currency code: {code!r}", field="currency")
    return code


_QUANTA = {code: Decimal(1).scaleb(-digits) for code, digits in MINOR_UNITS.items()}


def quantum(currency: str) -> Decimal:
    """The smallest amount of ``currency`` (Decimal('0.01') for EUR)."""
    try:
        return _QUANTA[currency]
    except KeyError:
        validate_currency(currency)  # raises InvalidInput naming the code
        raise


def round_money(amount: Decimal, currency: str) -> Decimal:
    """Round ``amount`` half-up to the minor unit of ``currency``."""
    return amount.quantize(quantum(currency), rounding=ROUNDING)


MAX_AMOUNT = Decimal(10) ** 12
"""The largest amount a person may type in (a payment, a credit): far above any invoice."""


def validate_amount(amount: Decimal, currency: str, field: str = "amount") -> Decimal:
    """``amount`` when it is a positive amount of ``currency`` in its minor unit (and not absurdly
    large), else InvalidInput naming ``field``."""
    if not amount.is_finite() or amount <= 0:
        raise InvalidInput(f"{field} must be more than zero", field=field)
    if amount >= MAX_AMOUNT:
        raise InvalidInput(f"{field} is too large", field=field)
    if round_money(amount, currency) != amount:
        raise InvalidInput(f"{field} has more decimals than {currency} has", field=field)
    return amount


def percent_of(amount: Decimal, percent: Decimal, currency: str) -> Decimal:
    """``percent`` % of ``amount``, rounded half-up to the currency's minor unit."""
    return round_money(amount * percent / Decimal(100), currency)


def at_minor_unit(amount: Decimal, currency: str | None) -> Decimal:
    """``amount`` written to the minor unit of ``currency`` (two places when the currency is not
    known) when that loses nothing: ``127.50``, not a ``numeric`` column's ``127.5000``; unchanged
    when it would round, so a stored amount is never altered on its way out."""
    shown = amount.quantize(Decimal(1).scaleb(-minor_unit(currency)))
    return shown if shown == amount else amount


def minor_unit(currency: str | None) -> int:
    """The number of decimals of ``currency``'s minor unit; ``UNKNOWN_CURRENCY_DIGITS`` for a code
    the table does not know, or none."""
    return MINOR_UNITS.get(currency or "", UNKNOWN_CURRENCY_DIGITS)
