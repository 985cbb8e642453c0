"""asyncpg repositories for departments, projects, employees, project members and time entries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

import asyncpg

from billflow.domain.billing import LineSums, WorkdayPricing
from billflow.domain.model import Department, Employee, Project, ProjectMember, TaxCategory, Workday
from billflow.domain.ports.organisation import RecordedEntry
from billflow.domain.ports.pagination import Page, PageRequest
from billflow.platform.postgres.paging import decode_cursor, page_of, text_and_id

_EMPLOYEE_COLUMNS = (
    "id::text, full_name, email, department_id::text, project_id::text, hourly_rate, currency, archived"
)
_PROJECT_COLUMNS = (
    "id::text, name, tax_rate, client_id::text, hourly_rate, archived, tax_category, exemption_reason,"
    " exemption_code"
)


def _employee(row: asyncpg.Record) -> Employee:
    return Employee(
        id=row["id"],
        full_name=row["full_name"],
        email=row["email"],
        department_id=row["department_id"],
        project_id=row["project_id"],
        hourly_rate=row["hourly_rate"],
        currency=row["currency"],
        archived=row["archived"],
    )


def _project(row: asyncpg.Record) -> Project:
    return Project(
        id=row["id"],
        name=row["name"],
        tax_rate=row["tax_rate"],
        client_id=row["client_id"],
        hourly_rate=row["hourly_rate"],
        archived=row["archived"],
        tax_category=TaxCategory(row["tax_category"]),
        exemption_reason=row["exemption_reason"],
        exemption_code=row["exemption_code"],
    )


class AsyncpgDepartmentRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, department: Department) -> None:
        await self._conn.execute(
            "INSERT INTO departments (id, name, archived) VALUES ($1, $2, $3)",
            department.id,
            department.name,
            department.archived,
        )

    async def get(self, department_id: str) -> Department | None:
        row = await self._conn.fetchrow(
            "SELECT id::text, name, archived FROM departments WHERE id = $1", department_id
        )
        return Department(row["id"], row["name"], row["archived"]) if row else None

    async def list(self, *, include_archived: bool = False) -> Sequence[Department]:
        rows = await self._conn.fetch(
            "SELECT id::text, name, archived FROM departments WHERE $1 OR NOT archived ORDER BY name, id",
            include_archived,
        )
        return [Department(r["id"], r["name"], r["archived"]) for r in rows]

    async def page(self, request: PageRequest, *, include_archived: bool = False) -> Page[Department]:
        name, after = text_and_id(request.cursor)
        rows = await self._conn.fetch(
            "SELECT id::text, name, archived FROM departments WHERE ($1 OR NOT archived)"
            " AND ($2::text IS NULL OR (name, id) > ($2, $3::uuid)) ORDER BY name, id LIMIT $4",
            include_archived,
            name,
            after,
            request.size + 1,
        )
        return page_of(rows, request.size, lambda r: Department(r["id"], r["name"], r["archived"]), _by_name)

    async def update(self, department: Department) -> None:
        await self._conn.execute(
            "UPDATE departments SET name = $2, archived = $3 WHERE id = $1",
            department.id,
            department.name,
            department.archived,
        )


class AsyncpgProjectRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, project: Project) -> None:
        await self._conn.execute(
            "INSERT INTO projects (id, name, tax_rate, client_id, hourly_rate, archived, tax_category,"
            " exemption_reason, exemption_code) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            project.id,
            project.name,
            project.tax_rate,
            project.client_id,
            project.hourly_rate,
            project.archived,
            project.tax_category.value,
            project.exemption_reason,
            project.exemption_code,
        )

    async def get(self, project_id: str) -> Project | None:
        row = await self._conn.fetchrow(f"SELECT {_PROJECT_COLUMNS} FROM projects WHERE id = $1", project_id)
        return _project(row) if row else None

    async def list(self, *, include_archived: bool = False) -> Sequence[Project]:
        rows = await self._conn.fetch(
            f"SELECT {_PROJECT_COLUMNS} FROM projects WHERE $1 OR NOT archived ORDER BY name, id",
            include_archived,
        )
        return [_project(r) for r in rows]

    async def page(self, request: PageRequest, *, include_archived: bool = False) -> Page[Project]:
        name, after = text_and_id(request.cursor)
        rows = await self._conn.fetch(
            f"SELECT {_PROJECT_COLUMNS} FROM projects WHERE ($1 OR NOT archived)"
            " AND ($2::text IS NULL OR (name, id) > ($2, $3::uuid)) ORDER BY name, id LIMIT $4",
            include_archived,
            name,
            after,
            request.size + 1,
        )
        return page_of(rows, request.size, _project, _by_name)

    async def update(self, project: Project) -> None:
        await self._conn.execute(
            "UPDATE projects SET name = $2, tax_rate = $3, client_id = $4, hourly_rate = $5, archived = $6,"
            " tax_category = $7, exemption_reason = $8, exemption_code = $9 WHERE id = $1",
            project.id,
            project.name,
            project.tax_rate,
            project.client_id,
            project.hourly_rate,
            project.archived,
            project.tax_category.value,
            project.exemption_reason,
            project.exemption_code,
        )

    async def of_clients(self, client_ids: Sequence[str]) -> Sequence[Project]:
        rows = await self._conn.fetch(
            f"SELECT {_PROJECT_COLUMNS} FROM projects WHERE client_id = ANY($1::uuid[]) ORDER BY name, id",
            list(client_ids),
        )
        return [_project(r) for r in rows]


class AsyncpgEmployeeRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, employee: Employee) -> None:
        await self._conn.execute(
            "INSERT INTO employees (id, full_name, email, department_id, project_id, hourly_rate,"
            " currency, archived) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            employee.id,
            employee.full_name,
            employee.email,
            employee.department_id,
            employee.project_id,
            employee.hourly_rate,
            employee.currency,
            employee.archived,
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

    async def list(self, *, include_archived: bool = False) -> Sequence[Employee]:
        rows = await self._conn.fetch(
            f"SELECT {_EMPLOYEE_COLUMNS} FROM employees WHERE $1 OR NOT archived ORDER BY full_name, id",
            include_archived,
        )
        return [_employee(r) for r in rows]

    async def page(self, request: PageRequest, *, include_archived: bool = False) -> Page[Employee]:
        name, after = text_and_id(request.cursor)
        rows = await self._conn.fetch(
            f"SELECT {_EMPLOYEE_COLUMNS} FROM employees WHERE ($1 OR NOT archived)"
            " AND ($2::text IS NULL OR (full_name, id) > ($2, $3::uuid)) ORDER BY full_name, id LIMIT $4",
            include_archived,
            name,
            after,
            request.size + 1,
        )
        return page_of(rows, request.size, _employee, lambda r: (r["full_name"], r["id"]))

    async def update(self, employee: Employee) -> None:
        await self._conn.execute(
            "UPDATE employees SET full_name = $2, email = $3, department_id = $4, project_id = $5,"
            " hourly_rate = $6, currency = $7, archived = $8 WHERE id = $1",
            employee.id,
            employee.full_name,
            employee.email,
            employee.department_id,
            employee.project_id,
            employee.hourly_rate,
            employee.currency,
            employee.archived,
        )

    async def names(self, employee_ids: Sequence[str]) -> dict[str, str]:
        rows = await self._conn.fetch(
            "SELECT id::text, full_name FROM employees WHERE id = ANY($1::uuid[])", list(employee_ids)
        )
        return {r["id"]: r["full_name"] for r in rows}

    async def with_workdays_between(
        self, start: date, end: date, *, after: str | None = None, limit: int | None = None
    ) -> Sequence[Employee]:
        # The keyset walks the employees' primary key and the workdays' (employee_id, day, ...)
        # answers each EXISTS, so a chunk costs the same at the end of 100,000 as at the start.
        # The bound is always a plain ``id > $3`` (no "IS NULL OR"), and the plan is made for the
        # actual period: the generic plan of a prepared statement guesses that a period holds
        # 0.5 % of the workdays and merge-joins them all, sorted, for every chunk (45 invoices/s).
        await _custom_plans(self._conn)
        rows = await self._conn.fetch(
            f"SELECT {_EMPLOYEE_COLUMNS} FROM employees e WHERE e.id > $3::uuid AND EXISTS"
            " (SELECT 1 FROM workdays w WHERE w.employee_id = e.id AND w.day BETWEEN $1 AND $2)"
            # e.id, the uuid: a bare "id" is the output column, id::text, and sorted every
            # employee after the cursor as text (on disk) for each chunk instead of walking the key.
            " ORDER BY e.id LIMIT $4 FOR UPDATE",
            start,
            end,
            after or _LOWEST_UUID,
            limit,
        )
        return [_employee(r) for r in rows]

    async def any_with_workdays_between(self, start: date, end: date) -> bool:
        found = await self._conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM workdays WHERE day BETWEEN $1 AND $2)", start, end
        )
        return bool(found)


_LOWEST_UUID = "00000000-0000-0000-0000-000000000000"


async def _custom_plans(conn: asyncpg.Connection) -> None:
    """Plan this transaction's statements for their parameters, never with a generic plan: how
    many workdays a period holds decides between probing an index per employee and scanning the
    period, and only the actual dates tell."""
    if conn.is_in_transaction():
        await conn.execute("SET LOCAL plan_cache_mode = force_custom_plan")


class AsyncpgProjectMemberRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def put(self, member: ProjectMember) -> None:
        await self._conn.execute(
            "INSERT INTO project_members (project_id, employee_id, hourly_rate) VALUES ($1, $2, $3)"
            " ON CONFLICT (project_id, employee_id) DO UPDATE SET hourly_rate = EXCLUDED.hourly_rate",
            member.project_id,
            member.employee_id,
            member.hourly_rate,
        )

    async def list(self, project_id: str) -> Sequence[ProjectMember]:
        rows = await self._conn.fetch(
            "SELECT m.employee_id::text, m.hourly_rate FROM project_members m WHERE m.project_id = $1"
            " UNION ALL SELECT e.id::text, NULL FROM employees e WHERE e.project_id = $1"
            " AND NOT EXISTS (SELECT 1 FROM project_members m"
            " WHERE m.project_id = $1 AND m.employee_id = e.id)"
            " ORDER BY 1",
            project_id,
        )
        return [ProjectMember(project_id, r["employee_id"], r["hourly_rate"]) for r in rows]

    async def page(self, project_id: str, request: PageRequest) -> Page[ProjectMember]:
        after = decode_cursor(request.cursor)[0] if request.cursor else None
        rows = await self._conn.fetch(
            "SELECT * FROM (SELECT m.employee_id::text, m.hourly_rate FROM project_members m"
            " WHERE m.project_id = $1"
            " UNION ALL SELECT e.id::text, NULL FROM employees e WHERE e.project_id = $1"
            " AND NOT EXISTS (SELECT 1 FROM project_members m"
            " WHERE m.project_id = $1 AND m.employee_id = e.id)) AS members"
            " WHERE $2::text IS NULL OR employee_id > $2 ORDER BY 1 LIMIT $3",
            project_id,
            after,
            request.size + 1,
        )
        return page_of(
            rows,
            request.size,
            lambda r: ProjectMember(project_id, r["employee_id"], r["hourly_rate"]),
            lambda r: (r["employee_id"],),
        )

    async def delete(self, project_id: str, employee_id: str) -> bool:
        result = await self._conn.execute(
            "DELETE FROM project_members WHERE project_id = $1 AND employee_id = $2", project_id, employee_id
        )
        return bool(result == "DELETE 1")

    async def projects_of(self, employee_id: str) -> set[str]:
        rows = await self._conn.fetch(
            "SELECT project_id::text FROM project_members WHERE employee_id = $1"
            " UNION SELECT project_id::text FROM employees WHERE id = $1",
            employee_id,
        )
        return {r["project_id"] for r in rows}

    async def rates(self, project_ids: Sequence[str]) -> dict[tuple[str, str], Decimal]:
        rows = await self._conn.fetch(
            "SELECT project_id::text, employee_id::text, hourly_rate FROM project_members"
            " WHERE project_id = ANY($1::uuid[]) AND hourly_rate IS NOT NULL",
            list(project_ids),
        )
        return {(r["project_id"], r["employee_id"]): r["hourly_rate"] for r in rows}


def _workday(row: asyncpg.Record) -> Workday:
    return Workday(row["day"], row["hours"], row["description"], row["project_id"])


class AsyncpgWorkdayRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def upsert(self, employee_id: str, workdays: Sequence[Workday]) -> None:
        await self._conn.executemany(
            "INSERT INTO workdays (employee_id, day, hours, description, project_id)"
            " VALUES ($1, $2, $3, $4, COALESCE($5, (SELECT project_id FROM employees WHERE id = $1)))"
            " ON CONFLICT (employee_id, day, project_id) DO UPDATE"
            " SET hours = EXCLUDED.hours, description = EXCLUDED.description",
            [(employee_id, w.date, w.hours, w.description, w.project_id) for w in workdays],
        )

    async def recorded(
        self, employee_id: str, keys: Sequence[tuple[date, str]]
    ) -> Mapping[tuple[date, str], RecordedEntry]:
        if not keys:
            return {}
        rows = await self._conn.fetch(
            "SELECT w.day, w.hours, w.description, w.project_id::text,"
            " COALESCE(ci.number, ei.number) AS billed_on FROM workdays w"
            " JOIN unnest($2::date[], $3::uuid[]) AS k (day, project_id)"
            " ON k.day = w.day AND k.project_id = w.project_id"
            " LEFT JOIN invoices ci ON ci.id = w.client_invoice_id"
            " LEFT JOIN invoices ei ON ei.id = w.employee_invoice_id"
            " WHERE w.employee_id = $1 FOR UPDATE OF w",
            employee_id,
            [k[0] for k in keys],
            [k[1] for k in keys],
        )
        return {(r["day"], r["project_id"]): RecordedEntry(_workday(r), r["billed_on"]) for r in rows}

    async def delete(self, employee_id: str, day: date, project_id: str) -> bool:
        result = await self._conn.execute(
            "DELETE FROM workdays WHERE employee_id = $1 AND day = $2 AND project_id = $3",
            employee_id,
            day,
            project_id,
        )
        return bool(result == "DELETE 1")

    async def between(self, employee_id: str, start: date, end: date) -> list[Workday]:
        rows = await self._conn.fetch(
            "SELECT day, hours, description, project_id::text FROM workdays"
            " WHERE employee_id = $1 AND day BETWEEN $2 AND $3 ORDER BY day, project_id",
            employee_id,
            start,
            end,
        )
        return [_workday(r) for r in rows]

    async def priced_between(
        self, pricing: Sequence[WorkdayPricing], start: date, end: date
    ) -> dict[str, LineSums]:
        await _custom_plans(self._conn)  # as in with_workdays_between: the period decides the plan
        # The amount of a line is round(hours * rate, digits): numeric's round() goes half away
        # from zero, which for these positive amounts is round_money's ROUND_HALF_UP (a test
        # compares the two, the half cases and 0- and 3-decimal currencies among them).
        rows = await self._conn.fetch(
            "SELECT p.employee_id::text, count(*) AS lines,"
            " sum(round(w.hours * p.rate, p.digits)) AS subtotal"
            " FROM unnest($1::uuid[], $2::numeric[], $3::int[]) AS p (employee_id, rate, digits)"
            " JOIN workdays w ON w.employee_id = p.employee_id AND w.day BETWEEN $4 AND $5"
            " WHERE w.employee_id = ANY($1::uuid[])"  # the index condition, as in the claim
            " GROUP BY p.employee_id",
            [p.employee_id for p in pricing],
            [p.rate for p in pricing],
            [p.digits for p in pricing],
            start,
            end,
        )
        return {r["employee_id"]: LineSums(r["lines"], r["subtotal"]) for r in rows}


def _by_name(row: asyncpg.Record) -> tuple[str, str]:
    return row["name"], row["id"]
