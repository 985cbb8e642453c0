"""Calendar months as ``YYYY-MM``, the unit of the monthly statement."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from billflow.domain.errors import InvalidInput

MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
_MONTH = re.compile(MONTH_PATTERN)


def month_bounds(month: str, *, field: str = "month") -> tuple[datetime, datetime]:
    """``[first instant, first instant of the next month)`` of ``YYYY-MM`` in UTC."""
    if not _MONTH.match(month):
        raise InvalidInput("a month is written YYYY-MM", field=field)
    year, number = int(month[:4]), int(month[5:])
    if year < 1:
        raise InvalidInput("a month is written YYYY-MM", field=field)
    start = datetime(year, number, 1, tzinfo=UTC)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=UTC)
    return start, end


def month_of(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m}"


def previous_month(moment: datetime) -> str:
    """The month before the one ``moment`` (UTC) falls in: what a statement sent on the 1st covers."""
    utc = moment.astimezone(UTC)
    year, number = (utc.year, utc.month - 1) if utc.month > 1 else (utc.year - 1, 12)
    return f"{year:04d}-{number:02d}"
