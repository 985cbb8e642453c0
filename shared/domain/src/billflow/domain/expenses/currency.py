"""Which currency a document is in, from the symbols and codes printed in it.

Evidence is weighed: a symbol or code printed against an amount counts more than one elsewhere
in the text, and most on the line the total was read from. Bare three-letter codes count only
for currencies that commonly appear on invoices, so words like ``ALL`` or ``TOP`` are not read as
Albanian lek or Tongan pa'anga. Evidence written in letters (``EUR``, ``Rs``, ``zł``, ``rupees``)
counts twice what a bare symbol does: OCR on a damaged page confuses the glyphs (``€`` read as
``£``, ``₹`` as ``$``, an article number's ``E`` as ``£``) far more often than it invents a word.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from billflow.domain.expenses.amounts import SYMBOLS, Amount
from billflow.domain.expenses.reading import Field

_COMMON_CODES = " ".join(
    (
        "EUR USD GBP INR PLN CHF JPY CNY CAD AUD NZD SEK NOK DKK CZK HUF RON BGN TRY ZAR BRL MXN SGD HKD",
        "AED SAR ILS KRW THB IDR MYR PHP RUB UAH",
    )
)
_CODE = re.compile(r"(?<![A-Za-z])(" + _COMMON_CODES.replace(" ", "|") + r")(?![A-Za-z])")
_LOOSE_SYMBOLS = re.compile(r"€|£|₹|zł|¥|\bRs\.?(?=\s?\d)")
_WORDS = {
    "euro": "EUR", "euros": "EUR", "dollars": "USD", "us dollars": "USD", "rupees": "INR",
    "pounds sterling": "GBP", "złotych": "PLN", "zlotych": "PLN",
}  # fmt: skip
_ITEM_CODE = re.compile(r"[$€£¥₹]\d{5,}(?![\d.,])")
LETTERED = 2
"""How much more a currency written in letters counts than one shown by a symbol alone."""
_WORD = re.compile(r"(?<![^\W\d_])(" + "|".join(_WORDS) + r")(?![^\W\d_])", re.IGNORECASE)


def _item_code(printed: str) -> bool:
    """A long bare integer glued to a symbol (``£103560``): an article number whose first letter
    OCR read as a symbol, not money (which carries cents or groups its thousands)."""
    return _ITEM_CODE.fullmatch(printed) is not None


def detect_currency(
    lines: Sequence[str], amounts: Sequence[Sequence[Amount]], total_line: int | None = None
) -> Field[str]:
    """The currency with the most weight of evidence and how clearly it won."""
    weight: Counter[str] = Counter()
    for index, (text, found) in enumerate(zip(lines, amounts, strict=True)):
        for amount in found:
            if amount.currency and not _item_code(text[amount.start : amount.end]):
                lettered = LETTERED if any(c.isalpha() for c in text[amount.start : amount.end]) else 1
                weight[amount.currency] += (6 if index == total_line else 2) * lettered
        for m in _LOOSE_SYMBOLS.finditer(text):
            if _ITEM_CODE.match(text, m.start()):
                continue
            lettered = LETTERED if m.group()[0].isalpha() else 1
            weight[SYMBOLS.get(m.group().strip(), SYMBOLS.get(m.group().rstrip(".")) or "")] += lettered
        for m in _CODE.finditer(text):
            weight[m.group(1)] += LETTERED
        for m in _WORD.finditer(text):
            weight[_WORDS[m.group(1).lower()]] += LETTERED
    weight.pop("", None)
    if not weight:
        return Field()
    (best, score), *rest = weight.most_common()
    runner_up = rest[0][1] if rest else 0
    share = score / (score + runner_up)
    strength = min(1.0, score / 4)
    return Field(best, round(min(0.98, 0.35 + 0.45 * share * strength + 0.18 * strength), 2))
