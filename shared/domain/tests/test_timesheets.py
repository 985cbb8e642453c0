"""Reading a timesheet file: the format's rules, every problem with its row and column."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from billflow.domain import timesheets
from billflow.domain.timesheets import RowError

pytestmark = pytest.mark.unit

HEADER = "employee_email,date,hours,project,description\n"


def test_a_semicolon_file_with_a_bom_and_columns_in_another_order_is_read() -> None:
    sheet = timesheets.read(
        "\ufeffHours ; date;EMPLOYEE_EMAIL;project\r\n7,5;2026-03-02;a@x.test;Apollo\r\n".encode()
    )
    assert sheet.errors == []
    assert sheet.rows == 1
    [entry] = sheet.entries
    assert (entry.row, entry.employee_email, entry.date, entry.hours, entry.project, entry.description) == (
        2,
        "a@x.test",
        date(2026, 3, 2),
        Decimal("7.5"),
        "Apollo",
        None,
    )


def test_every_problem_of_every_row_is_reported_with_its_row_and_column() -> None:
    text = HEADER + (
        "a@x.test,2026-02-30,8,,\n"  # row 2
        "\n"  # row 3: blank, skipped
        ",2026-03-01,0,,\n"  # row 4: two problems
        "a@x.test,2026-03-02,8.125,,\n"  # row 5
        f"a@x.test,2026-03-03,8,,{'d' * 501}\n"  # row 6
        "a@x.test,2026-03-04\n"  # row 7
        "a@x.test,2026-03-05,eight,,\n"  # row 8
    )
    sheet = timesheets.read(text.encode())
    assert sheet.rows == 6
    assert sheet.entries == []
    assert [(e.row, e.column) for e in sheet.errors] == [
        (2, "date"),
        (4, "employee_email"),
        (4, "hours"),
        (5, "hours"),
        (6, "description"),
        (7, None),
        (8, "hours"),
    ]


def test_the_header_must_name_the_required_columns_and_only_known_ones() -> None:
    sheet = timesheets.read(b"employee_email,day,hours,hours\n")
    assert {(e.row, e.column) for e in sheet.errors} == {
        (1, "date"),
        (1, "project"),
        (1, "day"),
        (1, "hours"),
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "no header row"), (b"\xff\xfe\x00bad", "not UTF-8"), (b"\n\n", "no header row")],
)
def test_a_file_that_is_not_a_timesheet_is_one_error_on_row_1(content: bytes, message: str) -> None:
    [error] = timesheets.read(content).errors
    assert isinstance(error, RowError)
    assert (error.row, error.column) == (1, None)
    assert message in error.message


def test_the_hours_rule_is_the_one_recorded_workdays_follow() -> None:
    assert timesheets.hours_problem(Decimal("24")) is None
    assert timesheets.hours_problem(Decimal("0")) is not None
    assert timesheets.hours_problem(Decimal("24.01")) is not None
    assert timesheets.hours_problem(Decimal("1.005")) is not None
