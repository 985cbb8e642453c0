"""What is owed and how late: the aging buckets of the receivables report and the reminder levels.

Business rules:
- An invoice's days past due on a day are ``day - due_date`` (0 or less: not yet due).
- Buckets: ``current`` (not yet due), ``1-30``, ``31-60``, ``61-90`` and ``90+`` days past due;
  only invoices with a balance due count, and the report sums the balances per currency and party
  billed, with a total per row.
- Reminder levels: for each N of the configured days (``7,21,45`` by default), an invoice with a
  balance due whose due date is at least N days past is due the level-N reminder, once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from billflow.domain.errors import InvalidInput
from billflow.domain.model import Receivable
from billflow.domain.money import ZERO

DEFAULT_REMINDER_DAYS = (7, 21, 45)
BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")


def days_past_due(due: date, day: date) -> int:
    return (day - due).days


def bucket(due: date, day: date) -> str:
    """The aging bucket of an invoice due on ``due``, seen on ``day``."""
    late = days_past_due(due, day)
    if late <= 0:
        return "current"
    if late <= 30:
        return "1-30"
    if late <= 60:
        return "31-60"
    if late <= 90:
        return "61-90"
    return "90+"


@dataclass(slots=True)
class AgingRow:
    """One currency and party billed: the balance due per bucket, and in all."""

    currency: str
    billed_to: str
    buckets: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(BUCKETS, ZERO))

    @property
    def total(self) -> Decimal:
        return sum(self.buckets.values(), ZERO)


def aging(receivables: Iterable[Receivable], day: date) -> list[AgingRow]:
    """The receivables report on ``day``, by currency, then party billed."""
    rows: dict[tuple[str, str], AgingRow] = {}
    for r in receivables:
        owed = r.balance_due
        if owed <= 0 or day < r.issue_date:
            continue
        row = rows.setdefault((r.currency, r.billed_name), AgingRow(r.currency, r.billed_name))
        row.buckets[bucket(r.due_date, day)] += owed
    return [rows[k] for k in sorted(rows)]


def parse_reminder_days(text: str) -> tuple[int, ...]:
    """``"7,21,45"`` -> (7, 21, 45): positive whole days, increasing, at least one."""
    try:
        days = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError as e:
        raise InvalidInput(f"reminder days {text!r} are not whole numbers", field="reminder_days") from e
    if not days or any(d <= 0 for d in days) or list(days) != sorted(set(days)):
        raise InvalidInput(
            f"reminder days {text!r} must be positive and increasing, e.g. 7,21,45", field="reminder_days"
        )
    return days


def levels_due(due: date, day: date, levels: Sequence[int], sent: Iterable[int] = ()) -> list[int]:
    """The reminder levels an invoice due on ``due`` is owed on ``day``, minus those ``sent``."""
    late = days_past_due(due, day)
    done = set(sent)
    return [n for n in levels if late >= n and n not in done]
