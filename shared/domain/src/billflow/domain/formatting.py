"""Money, hours, percentages and dates written for people, in a locale: the one formatter.

The PDF, the emails and the web pages all print through here, so one total reads the same way
everywhere it is shown. Babel does the locale work (separators, symbols, month names); the number
of decimals is the currency's minor unit from the domain's own table, and an amount is rounded by
the domain's rounding policy before Babel sees it, so what is printed is what was billed.

The locale is always a parameter: the pages take it from ``BILLFLOW_WEB_LOCALE``, the PDF and the
emails the locale of their reader's language (``billflow.domain.i18n.locale_of``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from babel import Locale
from babel.dates import format_date
from babel.numbers import NumberPattern, format_decimal, get_currency_symbol, parse_pattern

from billflow.domain.currencies import MINOR_UNITS
from billflow.domain.money import ROUNDING, minor_unit

CurrencyDisplay = Literal["symbol", "code", "none"]
"""How the currency stands beside an amount: ``€1,234.50``, ``EUR 1,234.50`` or ``1,234.50``
(for a table that names the currency in a column of its own)."""

_HOURS: NumberPattern = parse_pattern("#,##0.##")
"""Parsed once: Babel parses a pattern given as text on every call."""


@lru_cache(maxsize=64)
def babel_locale(locale: str) -> Locale:
    """The Babel locale of an identifier, parsed once per process. Babel's functions parse an
    identifier given as text on every call (a new ``Locale``, its data looked up again); handed
    this object they use it as it is, with the same result."""
    return Locale.parse(locale)


def format_money(
    amount: Decimal, currency: str | None, locale: str, *, display: CurrencyDisplay = "symbol"
) -> str:
    """``€1,234.50`` in ``en``, ``1.234,50 €`` in ``de``: the locale's currency pattern, the
    currency's minor unit. Without a currency (or with one the table does not know) the number
    alone, to two decimals."""
    digits = minor_unit(currency)
    shown = amount.quantize(Decimal(1).scaleb(-digits), rounding=ROUNDING)
    if currency not in MINOR_UNITS:
        currency, display = None, "none"
    pattern = _pattern(locale, digits, currency, display)
    text: str = pattern.apply(shown, babel_locale(locale), currency_digits=False)
    return text


def format_hours(value: Decimal, locale: str) -> str:
    """``7.5``: hours without trailing zeros, thousands separators for long totals."""
    return format_decimal(value, format=_HOURS, locale=babel_locale(locale))


def format_percent(value: Decimal, locale: str) -> str:
    """``21 %`` for a rate given in percent (``Decimal("21.00")``)."""
    return format_decimal(value, format=_HOURS, locale=babel_locale(locale)) + " %"


def format_day(value: date, locale: str) -> str:
    """``Oct 5, 2026`` in ``en``: the locale's medium date, for tables and lists."""
    return format_date(value, format="medium", locale=babel_locale(locale))


def format_long_day(value: date, locale: str) -> str:
    """``22 December 2026`` in ``en_GB``, ``22. Dezember 2026`` in ``de``: the locale's long date,
    month written out, as a document states its dates."""
    return format_date(value, format="long", locale=babel_locale(locale))


@lru_cache(maxsize=512)
def _pattern(locale: str, digits: int, currency: str | None, display: CurrencyDisplay) -> NumberPattern:
    """The locale's standard currency pattern with the currency's decimals and its chosen display."""
    standard: NumberPattern = babel_locale(locale).currency_formats["standard"]
    pattern = copy.copy(standard)
    pattern.frac_prec = (digits, digits)
    if currency is None or display == "none":
        shown = ""
    else:
        shown = currency if display == "code" else get_currency_symbol(currency, babel_locale(locale))
    positive, negative = pattern.prefix
    pattern.prefix = (_affix(positive, shown, before=True), _affix(negative, shown, before=True))
    positive, negative = pattern.suffix
    pattern.suffix = (_affix(positive, shown, before=False), _affix(negative, shown, before=False))
    return pattern


def _affix(affix: str, shown: str, *, before: bool) -> str:
    """A prefix (``before`` the number) or suffix with its ``¤`` written as ``shown``, or dropped."""
    if not shown:
        return affix.replace("¤\xa0", "").replace("\xa0¤", "").replace("¤", "")
    # A sign may touch the digits (€1.00); letters may not (USD 1.00, CHF 1.00, never USD1.00).
    if before and affix.endswith("¤") and shown[-1].isalpha():
        affix += " "
    if not before and affix.startswith("¤") and shown[0].isalpha():
        affix = " " + affix
    return affix.replace("¤", shown.replace("'", "''"))


class Formats:
    """The formats bound to one locale and one currency display: the filters a template uses.

    Every filter writes ``""`` for a missing value, so a template need not test for one.
    """

    def __init__(self, locale: str, *, currency: CurrencyDisplay = "symbol") -> None:
        self.locale = locale
        self.currency = currency

    def money(self, amount: Decimal | None, currency: str | None) -> str:
        """``€1,234.50``: the currency's symbol, thousands separators, its minor unit."""
        if amount is None:
            return ""
        return format_money(amount, currency, self.locale, display=self.currency)

    def hours(self, value: Decimal | None) -> str:
        """``7.5``: hours without trailing zeros, thousands separators for long totals."""
        return "" if value is None else format_hours(value, self.locale)

    def percent(self, value: Decimal) -> str:
        return format_percent(value, self.locale)

    def day(self, value: date | None) -> str:
        """``Oct 5, 2026`` in ``en``: the locale's medium date."""
        return "" if value is None else format_day(value, self.locale)

    def long_day(self, value: date | None) -> str:
        return "" if value is None else format_long_day(value, self.locale)

    def filters(self) -> dict[str, Callable[..., str]]:
        return {
            "money": self.money,
            "hours": self.hours,
            "percent": self.percent,
            "day": self.day,
            "long_day": self.long_day,
        }
