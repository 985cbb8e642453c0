"""Money amounts as printed: ``1.999,00``, ``4,904.94``, ``10 000 €``, ``Rs 1939``, ``$ 16.94``.

A run of digits becomes an amount when it reads as one: groups of three after a thousands
separator (``,`` ``.`` ``'`` or a space, the same one throughout), then at most two decimals after
``.`` or ``,``. Percentages are not amounts; callers mask dates out first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from billflow.domain.currencies import MINOR_UNITS

SYMBOLS: dict[str, str] = {
    "US$": "USD", "CA$": "CAD", "C$": "CAD", "AU$": "AUD", "A$": "AUD", "NZ$": "NZD", "HK$": "HKD",
    "S$": "SGD", "R$": "BRL", "$": "USD", "€": "EUR", "£": "GBP", "₹": "INR", "¥": "JPY", "₩": "KRW",
    "₽": "RUB", "₺": "TRY", "₪": "ILS", "zł": "PLN", "Rs.": "INR", "Rs": "INR", "₨": "INR", "Kč": "CZK",
    "Fr.": "CHF", "CHF": "CHF",
}  # fmt: skip
_SYMBOL = "|".join(re.escape(s) for s in sorted(SYMBOLS, key=len, reverse=True))
_MARK = rf"(?:{_SYMBOL}|\b[A-Z]{{3}}\b)"
_SEPS = "[,.'\u2019\u00a0\u202f ]"
_NUMBER = rf"\d{{1,3}}(?P<sep>{_SEPS})\d{{3}}(?:(?P=sep)\d{{3}})*(?:[.,]\d{{1,2}})?|\d+(?:[.,]\d{{1,2}})?"
_AMOUNT = re.compile(
    rf"(?:(?P<pre>{_MARK})\s?)?(?P<sign>[-\u2212]\s?)?(?P<num>{_NUMBER})(?![\d%])(?![.,]\d)(?!\s%)"
    rf"(?:\s?(?P<post>{_MARK})(?!\s?[-\u2212]?\d))?"
)
_DECIMALS = re.compile(r"[.,](\d{1,2})$")


@dataclass(frozen=True, slots=True)
class Amount:
    value: Decimal
    start: int
    end: int
    currency: str | None
    """The ISO code of a symbol or code printed against the number, if any."""
    decimals: bool

    @property
    def money_like(self) -> bool:
        """Printed with cents or a currency: more likely money than a count or a year."""
        return self.decimals or self.currency is not None


def parse_number(text: str) -> Decimal | None:
    """The value of one printed number (``1.234,56`` -> ``1234.56``), or None."""
    match = re.fullmatch(rf"[-\u2212]?\s?(?:{_NUMBER})", text.strip())
    if match is None:
        return None
    printed = match.group().lstrip()
    return _to_decimal(printed.lstrip("-\u2212 "), negative=printed.startswith(("-", "\u2212")))


def find_amounts(text: str) -> list[Amount]:
    """Every amount in ``text``, left to right, with the currency printed beside it."""
    found: list[Amount] = []
    for m in _AMOUNT.finditer(text):
        before, after = _code(m.group("pre")), _code(m.group("post"))
        number = m.start("sign") if m.group("sign") else m.start("num")
        if (
            m.group("pre") is None
            and number > 0
            and (text[number - 1].isalnum() or text[number - 1] in "._,/")
        ):
            continue
        end = m.end("num")
        if end < len(text) and text[end].isalpha() and m.group("post") is None:
            continue
        value = _to_decimal(m.group("num"), negative=m.group("sign") is not None)
        start, stop = (m.start() if before else number), (m.end() if after else end)
        found.append(
            Amount(value, start, stop, before or after, _DECIMALS.search(m.group("num")) is not None)
        )
    return found


def _code(mark: str | None) -> str | None:
    if mark is None:
        return None
    if mark in SYMBOLS:
        return SYMBOLS[mark]
    return mark if mark in MINOR_UNITS else None


def _to_decimal(number: str, *, negative: bool) -> Decimal:
    decimals = _DECIMALS.search(number)
    whole = number[: decimals.start()] if decimals else number
    digits = "".join(c for c in whole if c.isdigit())
    value = Decimal(f"{digits}.{decimals.group(1)}" if decimals else digits)
    return -value if negative else value
