"""The expense emails: the confirmation of one upload, and the monthly statement with its CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal

from billflow.domain.expenses.expense import Expense, ExpenseStatus, totals_by_currency
from billflow.domain.formatting import Formats
from billflow.domain.model import User
from billflow.domain.money import at_minor_unit
from billflow.domain.ports.mail import Attachment, OutgoingEmail
from billflow.emailer.rendering import LOCALE, environment, one_line

_LABELS = {
    "vendor": "Vendor",
    "invoice_number": "Invoice number",
    "invoice_date": "Date",
    "currency": "Currency",
    "tax": "Tax",
    "total": "Total",
}
CSV_COLUMNS = (
    "uploaded_at", "status", "vendor", "invoice_number", "invoice_date", "currency", "tax", "total",
    "file", "note",
)  # fmt: skip


def _plain(value: Decimal | None, currency: str | None) -> Decimal | None:
    """A spreadsheet's amount: the stored one, at its minor unit when that loses nothing."""
    return None if value is None else at_minor_unit(value, currency)


def _cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def field_rows(expense: Expense, formats: Formats) -> list[tuple[str, str, float]]:
    """(label, value as shown, confidence) for each field read."""
    values = {
        "vendor": expense.vendor or "",
        "invoice_number": expense.invoice_number or "",
        "invoice_date": expense.invoice_date.isoformat() if expense.invoice_date else "",
        "currency": expense.currency or "",
        "tax": formats.money(expense.tax, expense.currency),
        "total": formats.money(expense.total, expense.currency),
    }
    return [
        (label, values[name], float(expense.confidence.get(name, 0.0))) for name, label in _LABELS.items()
    ]


def statement_csv(expenses: Sequence[Expense]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for e in expenses:
        writer.writerow(
            _cell(v)
            for v in (
                e.uploaded_at.isoformat(timespec="seconds"),
                e.status.value,
                e.vendor,
                e.invoice_number,
                e.invoice_date.isoformat() if e.invoice_date else "",
                e.currency,
                _plain(e.tax, e.currency),
                _plain(e.total, e.currency),
                e.original_filename,
                e.note,
            )
        )
    return buffer.getvalue().encode("utf-8")


class TemplateExpenseEmailWriter:
    def __init__(self, locale: str = LOCALE) -> None:
        self._formats = Formats(locale)
        self._text = environment(html=False, locale=locale)
        self._html = environment(html=True, locale=locale)

    def confirmation(self, user: User, expense: Expense) -> OutgoingEmail:
        context = {
            "expense": expense,
            "fields": field_rows(expense, self._formats),
            "failed": expense.status is ExpenseStatus.FAILED,
            "review": expense.status is ExpenseStatus.NEEDS_REVIEW,
        }
        what = "could not be read" if context["failed"] else "was read"
        return OutgoingEmail(
            to=user.email,
            subject=one_line(f"Your expense {expense.original_filename} {what}"),
            text=self._text.get_template("expense.txt").render(**context),
            html=self._html.get_template("expense.html").render(**context),
        )

    def statement(self, user: User, month: str, expenses: Sequence[Expense]) -> OutgoingEmail:
        context = {"month": month, "expenses": expenses, "totals": totals_by_currency(expenses)}
        return OutgoingEmail(
            to=user.email,
            subject=one_line(f"Your expenses statement for {month}"),
            text=self._text.get_template("statement.txt").render(**context),
            html=self._html.get_template("statement.html").render(**context),
            attachments=(Attachment(f"expenses-{month}.csv", "text/csv", statement_csv(expenses)),),
        )
