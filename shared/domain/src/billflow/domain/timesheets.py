"""Reading a timesheet file: CSV rows of time entries, every problem reported with its row and column.

Business rules:
- The file is UTF-8 text (a byte-order mark is tolerated), comma- or semicolon-separated (told by
  the header line), with a header row naming the columns in any order: ``employee_email``,
  ``date``, ``hours`` and ``project`` are required, ``description`` may be left out. Header names
  are compared without case or surrounding spaces; an unknown or repeated column is an error (a
  column nobody reads would be data silently dropped).
- Rows are numbered as a spreadsheet numbers them: the header is row 1. Blank lines are skipped.
- ``date`` is an ISO date (YYYY-MM-DD). ``hours`` is a decimal number (a decimal comma is read
  too, as semicolon-separated files from European spreadsheets write it), more than 0 and at most
  24, in hundredths at most. ``description`` is at most ``MAX_DESCRIPTION`` characters; empty is
  none. ``project`` is a project's id or name; empty is the employee's own project.
- Every problem of every row is reported, not only the first one.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

MAX_DESCRIPTION = 500
MAX_ROWS = 100_000
MAX_FILE_BYTES = 10 * 1024 * 1024
REQUIRED_COLUMNS = ("employee_email", "date", "hours", "project")
COLUMNS = (*REQUIRED_COLUMNS, "description")


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    """The row's number in the file (the header is row 1)."""
    column: str | None
    """The column at fault; None when the row (or the file) as a whole is."""
    message: str


@dataclass(frozen=True, slots=True)
class TimesheetRow:
    row: int
    employee_email: str
    date: date
    hours: Decimal
    project: str
    """A project's id or name, as written; empty: the employee's own project."""
    description: str | None


@dataclass(frozen=True, slots=True)
class Timesheet:
    rows: int
    """How many data rows the file holds (valid or not)."""
    entries: Sequence[TimesheetRow]
    errors: Sequence[RowError]


def hours_problem(hours: Decimal) -> str | None:
    """Why ``hours`` cannot be a time entry's, or None: the one statement of the hours rule."""
    if not Decimal(0) < hours <= Decimal(24):
        return "hours must be more than 0 and at most 24"
    if hours != hours.quantize(Decimal("0.01")):
        return "hours have at most two decimals"
    return None


def description_problem(description: str | None) -> str | None:
    if description is not None and len(description) > MAX_DESCRIPTION:
        return f"description is at most {MAX_DESCRIPTION} characters"
    return None


def read(content: bytes) -> Timesheet:
    """The entries of a timesheet file and every problem found in it (see the module's rules)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Timesheet(0, (), (RowError(1, None, "the file is not UTF-8 text"),))
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        return Timesheet(0, (), (RowError(1, None, "the file has no header row"),))
    header_line = lines[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    records = csv.reader(lines, delimiter=delimiter, strict=True)
    try:
        header = [name.strip().lower() for name in next(records)]
    except csv.Error as e:
        return Timesheet(0, (), (RowError(1, None, f"the header row is not CSV: {e}"),))
    errors = _header_errors(header)
    if errors:
        return Timesheet(0, (), errors)
    index = {name: i for i, name in enumerate(header)}
    entries: list[TimesheetRow] = []
    count = 0
    row = 1
    while True:
        row = records.line_num + 1
        try:
            fields = next(records)
        except StopIteration:
            break
        except csv.Error as e:
            errors.append(RowError(row, None, f"not CSV: {e}"))
            count += 1
            break  # the reader cannot resume inside a broken quoted field
        if not any(f.strip() for f in fields):
            continue
        count += 1
        if count > MAX_ROWS:
            errors.append(RowError(row, None, f"a file holds at most {MAX_ROWS} rows"))
            break
        if len(fields) != len(header):
            errors.append(RowError(row, None, f"{len(fields)} fields where the header has {len(header)}"))
            continue
        entry = _entry(row, {name: fields[i].strip() for name, i in index.items()}, errors)
        if entry is not None:
            entries.append(entry)
    return Timesheet(count, entries, errors)


def _header_errors(header: Sequence[str]) -> list[RowError]:
    errors = [
        RowError(1, name, "the header is missing this column")
        for name in REQUIRED_COLUMNS
        if name not in header
    ]
    seen: set[str] = set()
    for name in header:
        if name not in COLUMNS:
            errors.append(RowError(1, name or None, f"unknown column (the columns are {', '.join(COLUMNS)})"))
        elif name in seen:
            errors.append(RowError(1, name, "this column appears twice"))
        seen.add(name)
    return errors


def _entry(row: int, cells: dict[str, str], errors: list[RowError]) -> TimesheetRow | None:
    before = len(errors)
    email = cells["employee_email"]
    if not email:
        errors.append(RowError(row, "employee_email", "the employee's email is missing"))
    day = _date(cells["date"])
    if day is None:
        errors.append(RowError(row, "date", "not a date (YYYY-MM-DD)"))
    hours = _hours(cells["hours"])
    if hours is None:
        errors.append(RowError(row, "hours", "not a number of hours (e.g. 7.5)"))
    elif (problem := hours_problem(hours)) is not None:
        errors.append(RowError(row, "hours", problem))
    description = cells.get("description") or None
    if (problem := description_problem(description)) is not None:
        errors.append(RowError(row, "description", problem))
    if len(errors) > before or day is None or hours is None:
        return None
    return TimesheetRow(row, email, day, hours, cells["project"], description)


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def _hours(text: str) -> Decimal | None:
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        hours = Decimal(text)
    except InvalidOperation:
        return None
    return hours if hours.is_finite() else None
