"""Numbers, money and dates for people: the Jinja filters the pages use (Babel does the locale work)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal


class Formats:
    """Filters bound to one locale (``BILLFLOW_WEB_LOCALE``)."""

    def __init__(self, locale: str) -> None:
        self.locale = locale

    def money(self, amount: Decimal | None, currency: str) -> str:
        """``€1,234.50``: the currency's symbol, thousands separators, its minor unit."""
        if amount is None:
            return ""
        return format_currency(amount, currency, locale=self.locale)

    def hours(self, value: Decimal | None) -> str:
        """``7.5``: hours without trailing zeros, thousands separators for long totals."""
        if value is None:
            return ""
        return format_decimal(value, format="#,##0.##", locale=self.locale)

    def percent(self, value: Decimal) -> str:
        return format_decimal(value, format="#,##0.##", locale=self.locale) + " %"

    def day(self, value: date | None) -> str:
        """``5 Oct 2026`` style, as the locale writes a medium date."""
        if value is None:
            return ""
        return format_date(value, format="medium", locale=self.locale)

    def filters(self) -> dict[str, object]:
        return {"money": self.money, "hours": self.hours, "percent": self.percent, "day": self.day}
