"""asyncpg repositories for departments, projects, employees and workdays."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import asyncpg

from billflow.domain.model import Department, Employee, Project, Workday

_EMPLOYEE_COLUMNS = "id::text, full_name, email, department_id::text, project_id::text, hourly_rate, currency"


def _employee(row: asyncpg.Record) -> Employee:
    return Employee(
        id=row["id"],
        full_name=row["full_name"],
        email=row["email"],
        department_id=row["department_id"],
        project_id=row["project_id"],
        hourly_rate=row["hourly_rate"],
        currency=row["currency"],
    )


class AsyncpgDepartmentRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, department: Department) -> None:
        await self._conn.execute(
            "INSERT INTO departments (id, name) VALUES ($1, $2)", department.id, department.name
        )

    async def get(self, department_id: str) -> Department | None:
        row = await self._conn.fetchrow("SELECT id::text, name FROM departments WHERE id = $1", department_id)
        return Department(row["id"], row["name"]) if row else None

    async def list(self) -> Sequence[Department]:
        rows = await self._conn.fetch("SELECT id::text, name FROM departments ORDER BY name, id")
        return [Department(r["id"], r["name"]) for r in rows]


class AsyncpgProjectRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, project: Project) -> None:
        await self._conn.execute(
            "INSERT INTO projects (id, name, tax_rate) VALUES ($1, $2, $3)",
            project.id,
            project.name,
            project.tax_rate,
        )

    async def get(self, project_id: str) -> Project | None:
        row = await self._conn.fetchrow(
            "SELECT id::text, name, tax_rate FROM projects WHERE id = $1", project_id
        )
        return Project(row["id"], row["name"], row["tax_rate"]) if row else None

    async def list(self) -> Sequence[Project]:
        rows = await self._conn.fetch("SELECT id::text, name, tax_rate FROM projects ORDER BY name, id")
        return [Project(r["id"], r["name"], r["tax_rate"]) for r in rows]


class AsyncpgEmployeeRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, employee: Employee) -> None:
        await self._conn.execute(
            "INSERT INTO employees (id, full_name, email, department_id, project_id, hourly_rate,"
            " currency) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            employee.id,
            employee.full_name,
            employee.email,
            employee.department_id,
            employee.project_id,
            employee.hourly_rate,
            employee.currency,
        )

    async def get(self, employee_id: str) -> Employee | None:
        row = await self._conn.fetchrow(
            f"SELECT {_EMPLOYEE_COLUMNS} FROM employees WHERE id = $1", employee_id
        )
        return _employee(row) if row else None

    async def get_for_update(self, employee_id: str) -> Employee | None:
        row = await self._conn.fetchrow(
            f"SELECT {_EMPLOYEE_COLUMNS} FROM employees WHERE id = $1 FOR UPDATE", employee_id
        )
        return _employee(row) if row else None

    async def list(self) -> Sequence[Employee]:
        rows = await self._conn.fetch(f"SELECT {_EMPLOYEE_COLUMNS} FROM employees ORDER BY full_name, id")
        return [_employee(r) for r in rows]

    async def with_workdays_between(self, start: date, end: date) -> Sequence[Employee]:
        rows = await self._conn.fetch(
            f"SELECT {_EMPLOYEE_COLUMNS} FROM employees e WHERE EXISTS"
            " (SELECT 1 FROM workdays w WHERE w.employee_id = e.id AND w.day BETWEEN $1 AND $2)"
            " ORDER BY id FOR UPDATE",
            start,
            end,
        )
        return [_employee(r) for r in rows]


class AsyncpgWorkdayRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def upsert(self, employee_id: str, workdays: Sequence[Workday]) -> None:
        await self._conn.executemany(
            "INSERT INTO workdays (employee_id, day, hours, description) VALUES ($1, $2, $3, $4)"
            " ON CONFLICT (employee_id, day) DO UPDATE"
            " SET hours = EXCLUDED.hours, description = EXCLUDED.description",
            [(employee_id, w.date, w.hours, w.description) for w in workdays],
        )

    async def between(self, employee_id: str, start: date, end: date) -> list[Workday]:
        rows = await self._conn.fetch(
            "SELECT day, hours, description FROM workdays"
            " WHERE employee_id = $1 AND day BETWEEN $2 AND $3 ORDER BY day",
            employee_id,
            start,
            end,
        )
        return [Workday(r["day"], r["hours"], r["description"]) for r in rows]

    async def between_for(
        self, employee_ids: Sequence[str], start: date, end: date
    ) -> dict[str, list[Workday]]:
        rows = await self._conn.fetch(
            "SELECT employee_id::text, day, hours, description FROM workdays"
            " WHERE employee_id = ANY($1::uuid[]) AND day BETWEEN $2 AND $3 ORDER BY employee_id, day",
            list(employee_ids),
            start,
            end,
        )
        found: dict[str, list[Workday]] = {e: [] for e in employee_ids}
        for r in rows:
            found[r["employee_id"]].append(Workday(r["day"], r["hours"], r["description"]))
        return found
