"""Reading an expense's fields from the text of its document.

Pure rules over lines of positioned tokens (see :mod:`.lines`); nothing here performs I/O.
"""

from __future__ import annotations

from collections.abc import Sequence

from billflow.domain.expenses.checks import COVERED, currency_agrees, sum_agrees, with_checks
from billflow.domain.expenses.context import Document
from billflow.domain.expenses.currency import detect_currency
from billflow.domain.expenses.dates import Order
from billflow.domain.expenses.invoice_date import read_date
from billflow.domain.expenses.lines import lines_from_text, lines_from_words
from billflow.domain.expenses.number import read_number
from billflow.domain.expenses.reading import DocumentText, ExtractedFields, Field, Word
from billflow.domain.expenses.totals import read_money
from billflow.domain.expenses.vendor import read_vendor

_MONTH_FIRST = {"USD"}


def extract_fields(text: str, *, words: Sequence[Word] | None = None) -> ExtractedFields:
    """Vendor, invoice number, date, currency, tax and total read from ``text``, each with a confidence.

    Rules:
    - ``words`` (with boxes) are preferred over ``text`` when given: they pair labels and values by
      position across columns.
    - The total is a labelled amount, the largest among the best-supported, confirmed when
      subtotal + tax (or a net/tax/gross row) adds up to it.
    - Numeric dates take their day/month order from the document; when no date settles it, US
      dollars suggest month first, anything else day first, and the date's confidence drops.
    - The currency is the best-supported symbol or code, weighted towards the total's line.
    - Cross-checks (:mod:`.checks`): subtotal + tax = total, and the symbol agrees with the code;
      a field failing its check keeps its value with a low confidence.
    """
    lines = lines_from_words(words) if words else lines_from_text(text)
    doc = Document.of(lines)
    money = read_money(doc)
    currency = detect_currency(doc.masked, doc.amounts, money.total_line)
    if doc.order is None and currency.value in _MONTH_FIRST:
        hint: Order = "MDY"
        doc = Document.of(lines, hint=hint)
    fields = ExtractedFields(
        vendor=read_vendor(doc),
        invoice_number=read_number(doc),
        invoice_date=read_date(doc),
        currency=currency,
        tax=money.tax,
        total=money.total,
    )
    checks = {
        "sum": sum_agrees(money.subtotals, money.tax.value, money.total.value),
        "currency": currency_agrees(doc.masked, doc.amounts, currency.value),
    }
    return with_checks(fields, [name for name, ok in checks.items() if ok is False])


def read_fields(document: DocumentText) -> ExtractedFields:
    """The fields of a read document: the rules' reading, or the reader's own where it is surer.

    A reader that understands invoices itself (Textract AnalyzeExpense) hands over ``fields``;
    each field is taken from whichever of the two readings has the higher confidence.
    """
    ours = extract_fields(document.text, words=document.words or None)
    theirs = document.fields
    if theirs is None:
        return ours

    def pick(name: str) -> Field[object]:
        a: Field[object] = getattr(ours, name)
        b: Field[object] = getattr(theirs, name)
        return b if b.found and b.confidence >= a.confidence else a

    picked = ExtractedFields(**{name: pick(name) for name in _NAMES})  # type: ignore[arg-type]
    # Our failed checks still stand where our (lowered) values were kept, not where theirs won.
    standing = [
        c for c in ours.failed_checks if all(getattr(picked, n) is getattr(ours, n) for n in COVERED[c])
    ]
    return with_checks(picked, standing)


_NAMES = ("vendor", "invoice_number", "invoice_date", "currency", "tax", "total")
