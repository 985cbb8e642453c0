"""Cross-checks of the fields read: where the document contradicts itself, or the upload.

Rules:
- ``sum``: where a subtotal, the tax and the total are all read, subtotal + tax = total.
- ``currency``: a currency symbol and a currency code printed in the document agree with the
  currency read (``$`` agrees with any dollar: USD, CAD, AUD...).
- ``date``: the invoice is not dated after its upload (a day's grace for time zones), nor more
  than ``MAX_AGE_DAYS`` before it.
A field that fails its check keeps its value but its confidence falls to ``FAILED_CONFIDENCE`` at
most, which sends the expense to ``needs_review`` (see ``status_after_reading``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from billflow.domain.expenses.amounts import SYMBOLS, Amount
from billflow.domain.expenses.reading import ExtractedFields, Field

FAILED_CONFIDENCE = 0.3
COVERED = {"sum": ("total", "tax"), "currency": ("currency",), "date": ("invoice_date",)}
"""The fields each check speaks for."""
MAX_AGE_DAYS = 2 * 366
"""Older invoices are possible (a late claim) but rare enough to deserve a look."""
_DOLLARS = {"USD", "CAD", "AUD", "NZD", "HKD", "SGD", "MXN"}
_UNAMBIGUOUS = {s: c for s, c in SYMBOLS.items() if s not in {"$", "Rs", "Rs.", "Fr.", "CHF"}}
_SYMBOL = re.compile("|".join(re.escape(s) for s in sorted(_UNAMBIGUOUS, key=len, reverse=True)))
_CODE = re.compile(r"(?<![A-Za-z])(" + "|".join(sorted({*SYMBOLS.values()})) + r")(?![A-Za-z])")


def sum_agrees(subtotals: Iterable[Decimal], tax: Decimal | None, total: Decimal | None) -> bool | None:
    """Whether some subtotal + tax = total; None when one of the three was not read."""
    candidates = {s for s in subtotals if total is None or s <= total}
    if tax is None or total is None or not candidates:
        return None
    return any(s + tax == total for s in candidates)


def currency_agrees(
    lines: Sequence[str], amounts: Sequence[Sequence[Amount]], currency: str | None
) -> bool | None:
    """Whether the symbols and the codes printed all allow ``currency``; None when there is
    nothing to compare (no currency read, or not both a symbol and a code printed)."""
    if currency is None:
        return None
    symbols = {_UNAMBIGUOUS[m.group()] for text in lines for m in _SYMBOL.finditer(text)}
    symbols |= {"$" for text in lines if "$" in text and not re.search(r"[A-Z]{1,2}\$", text)}
    codes = {m.group(1) for text in lines for m in _CODE.finditer(text)}
    codes |= {a.currency for found in amounts for a in found if a.currency and len(a.currency) == 3}
    if not symbols or not codes:
        return None
    allowed = {currency} | ({"$"} if currency in _DOLLARS else set())
    return symbols <= allowed and currency in codes


def date_plausible(invoice_date: date | None, uploaded: date) -> bool | None:
    if invoice_date is None:
        return None
    return uploaded - timedelta(days=MAX_AGE_DAYS) <= invoice_date <= uploaded + timedelta(days=1)


def with_checks(fields: ExtractedFields, failed: Iterable[str]) -> ExtractedFields:
    """``fields`` with the names in ``failed`` (checks: ``sum``, ``currency``, ``date``) recorded
    and the fields they cover lowered to ``FAILED_CONFIDENCE``."""
    failed = tuple(dict.fromkeys((*fields.failed_checks, *failed)))
    lowered: dict[str, Field[object]] = {}
    for check in failed:
        for name in COVERED[check]:
            field: Field[object] = getattr(fields, name)
            if field.found:
                lowered[name] = Field(field.value, min(field.confidence, FAILED_CONFIDENCE))
    return replace(fields, failed_checks=failed, **lowered)  # type: ignore[arg-type]


def check_upload_date(fields: ExtractedFields, uploaded: date) -> ExtractedFields:
    """The date check, which needs to know when the document arrived."""
    plausible = date_plausible(fields.invoice_date.value, uploaded)
    return with_checks(fields, ["date"] if plausible is False else [])
