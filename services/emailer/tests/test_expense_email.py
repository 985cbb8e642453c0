"""The expense emails as written, and the statement month worked out for the schedule's message."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from billflow.domain.contracts import SendMonthlyStatements
from billflow.domain.expenses.expense import Expense, ExpenseStatus
from billflow.domain.model import Role, User
from billflow.emailer.expense_email import TemplateExpenseEmailWriter, statement_csv
from billflow.emailer.routes import decode, statement_month
from billflow.platform.aws.sqs_consumer import Received

pytestmark = pytest.mark.unit

USER = User("u1", "alice@example.com", Role.VIEWER)
AT = datetime(2026, 11, 3, 14, 12, tzinfo=UTC)


def _expense(**fields: Any) -> Expense:
    base: dict[str, Any] = {
        "id": "e1", "user_id": "u1", "status": ExpenseStatus.EXTRACTED, "file_key": "expenses/2026/11/e1.pdf",
        "media_type": "application/pdf", "original_filename": "bill.pdf", "uploaded_at": AT, "updated_at": AT,
    }  # fmt: skip
    return Expense(**{**base, **fields})


def test_a_statement_totals_each_currency_and_attaches_the_same_rows_as_csv() -> None:
    expenses = [
        _expense(id="a", vendor="ACME", currency="EUR", total=Decimal("100.5000"), tax=Decimal("17.44")),
        _expense(id="b", vendor='=HYPERLINK("x")', currency="EUR", total=Decimal("1000")),
        _expense(
            id="c", vendor="Shop", currency="USD", total=Decimal("4.11"), invoice_date=date(2026, 10, 30)
        ),
        _expense(id="d", status=ExpenseStatus.FAILED, failure_reason="damaged"),
    ]
    email = TemplateExpenseEmailWriter().statement(USER, "2026-11", expenses)
    assert email.subject == "Your expenses statement for 2026-11"
    assert "€1,100.50" in email.text  # as the PDF and the pages print it (decision 0017)
    assert "$4.11" in email.text
    assert "&#34;x&#34;" in email.html or "&quot;x&quot;" in email.html  # escaped, never markup
    [attachment] = email.attachments
    assert (attachment.filename, attachment.content_type) == ("expenses-2026-11.csv", "text/csv")
    rows = list(csv.DictReader(io.StringIO(attachment.content.decode())))
    assert [r["total"] for r in rows] == ["100.50", "1000.00", "4.11", ""]
    assert rows[1]["vendor"].startswith("'=")  # a spreadsheet shows it, never runs it
    assert statement_csv([]).decode().startswith("uploaded_at,status,vendor")


def test_a_confirmation_shows_what_was_read_or_why_not() -> None:
    writer = TemplateExpenseEmailWriter()
    read = writer.confirmation(
        USER, _expense(vendor="ACME", total=Decimal("121"), currency="EUR", confidence={"total": 0.9})
    )
    assert read.to == USER.email
    assert "ACME" in read.text
    assert "121.00" in read.html
    assert "90%" in read.text
    failed = writer.confirmation(
        USER, _expense(status=ExpenseStatus.FAILED, failure_reason="too many pixels")
    )
    assert "could not be read" in failed.subject
    assert "too many pixels" in failed.text


def test_the_schedules_bare_message_asks_for_the_month_before_it_was_sent() -> None:
    message = decode(b'{"type": "statements.send.v1"}')
    assert isinstance(message, SendMonthlyStatements)
    received = Received(b"", 1, {}, "sqs-1", sent_at=datetime(2027, 1, 1, 6, 0, 3, tzinfo=UTC))
    assert statement_month(message, received) == "2026-12"
    named = SendMonthlyStatements(month="2026-05")
    assert statement_month(named, received) == "2026-05"
