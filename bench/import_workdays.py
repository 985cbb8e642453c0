"""Timesheet import benchmark: E employees on P projects each, seeded straight into PostgreSQL; a
CSV of R rows (each employee's weekdays, the project by name) posted to ``POST
/v1/imports/workdays`` three times, timed: a dry run, the import, and the same file again
(every row unchanged). The issue's target: 10,000 rows in under 5 s.

    .venv/bin/python -m bench.import_workdays [--rows 10000] [--employees 100] [--projects 3]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal

import asyncpg

from bench.harness import running_billflow

FIRST_DAY = date(2033, 1, 3)


async def seed(database_url: str, employees: int, projects: int) -> tuple[list[str], list[str]]:
    """The employees' emails and the projects' names; every employee is a member of every project."""
    conn = await asyncpg.connect(database_url)
    try:
        department = uuid.uuid4()
        await conn.execute("INSERT INTO departments (id, name) VALUES ($1, 'Bench')", department)
        project_rows = [(uuid.uuid4(), f"Bench project {p:02d}", Decimal(21)) for p in range(projects)]
        employee_rows = [
            (uuid.uuid4(), f"Person {e:04d}", f"person{e}@bench.example", department, project_rows[0][0],
             Decimal(60), "EUR")
            for e in range(employees)
        ]  # fmt: skip
        await conn.copy_records_to_table("projects", records=project_rows, columns=["id", "name", "tax_rate"])
        await conn.copy_records_to_table(
            "employees",
            records=employee_rows,
            columns=["id", "full_name", "email", "department_id", "project_id", "hourly_rate", "currency"],
        )
        await conn.copy_records_to_table(
            "project_members",
            records=[(p[0], e[0]) for p in project_rows[1:] for e in employee_rows],
            columns=["project_id", "employee_id"],
        )
        await conn.execute("ANALYZE")
        return [str(e[2]) for e in employee_rows], [str(p[1]) for p in project_rows]
    finally:
        await conn.close()


def timesheet(rows: int, emails: list[str], projects: list[str]) -> bytes:
    """``rows`` distinct entries: employee by employee, day by day, a project each day in turn."""
    out = io.StringIO()
    out.write("employee_email,date,hours,project,description\r\n")
    per_employee = -(-rows // len(emails))
    written = 0
    for email in emails:
        for d in range(per_employee):
            if written == rows:
                break
            day = FIRST_DAY + timedelta(days=d)
            out.write(f"{email},{day.isoformat()},7.5,{projects[d % len(projects)]},Work on item {d}\r\n")
            written += 1
    return out.getvalue().encode()


async def main(rows: int, employees: int, projects: int) -> None:
    async with running_billflow() as bench:
        emails, names = await seed(bench.database_url, employees, projects)
        content = timesheet(rows, emails, names)
        print(
            f"Seeded {employees} employees on {projects} projects;"
            f" the file: {rows} rows, {len(content):,} bytes"
        )
        for label, params in (
            ("dry run", {"dry_run": "true"}),
            ("import", {}),
            ("the same file again", {}),
        ):
            started = time.perf_counter()
            response = await bench.api.post(
                "/v1/imports/workdays", params=params, files={"file": ("hours.csv", content, "text/csv")}
            )
            took = time.perf_counter() - started
            response.raise_for_status()
            body = response.json()
            print(
                f"{label}: {took:.2f} s ({body['rows']} rows, {body['imported']} imported,"
                f" {body['unchanged']} unchanged)"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--employees", type=int, default=100)
    parser.add_argument("--projects", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.rows, args.employees, args.projects))
