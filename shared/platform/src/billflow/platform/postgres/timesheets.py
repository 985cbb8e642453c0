"""AsyncpgTimesheetRepository: a timesheet import's reads and its write, one statement each.

The keys travel as parallel arrays through ``unnest``, so the statement (and its plan) is the same
for 10 rows or 10,000, and the write is one INSERT .. SELECT .. ON CONFLICT instead of a round
trip per row.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import asyncpg

from billflow.domain.model import Employee, Project, Workday
from billflow.domain.ports.organisation import RecordedEntry
from billflow.domain.ports.timesheets import EntryKey
from billflow.platform.postgres.organisation import (
    _EMPLOYEE_COLUMNS,
    _PROJECT_COLUMNS,
    _employee,
    _project,
)


class AsyncpgTimesheetRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def employees_by_email(self, emails: Collection[str]) -> Sequence[Employee]:
        rows = await self._conn.fetch(
            f"SELECT {_EMPLOYEE_COLUMNS} FROM employees WHERE lower(email) = ANY($1::text[])",
            [e.lower() for e in emails],
        )
        return [_employee(r) for r in rows]

    async def projects_by_reference(self, references: Collection[str]) -> Sequence[Project]:
        refs = [r.lower() for r in references]
        rows = await self._conn.fetch(
            f"SELECT {_PROJECT_COLUMNS} FROM projects"
            " WHERE id::text = ANY($1::text[]) OR lower(name) = ANY($1::text[])",
            refs,
        )
        return [_project(r) for r in rows]

    async def memberships(self, employee_ids: Collection[str]) -> set[tuple[str, str]]:
        if not employee_ids:
            return set()
        rows = await self._conn.fetch(
            "SELECT employee_id::text, project_id::text FROM project_members"
            " WHERE employee_id = ANY($1::uuid[])"
            " UNION SELECT id::text, project_id::text FROM employees WHERE id = ANY($1::uuid[])",
            list(employee_ids),
        )
        return {(r["employee_id"], r["project_id"]) for r in rows}

    async def recorded(self, keys: Collection[EntryKey]) -> Mapping[EntryKey, RecordedEntry]:
        if not keys:
            return {}
        employees, days, projects = zip(*keys, strict=True)
        rows = await self._conn.fetch(
            "SELECT w.employee_id::text, w.day, w.hours, w.description, w.project_id::text,"
            " COALESCE(ci.number, ei.number) AS billed_on FROM workdays w"
            " JOIN unnest($1::uuid[], $2::date[], $3::uuid[]) AS k (employee_id, day, project_id)"
            " ON k.employee_id = w.employee_id AND k.day = w.day AND k.project_id = w.project_id"
            " LEFT JOIN invoices ci ON ci.id = w.client_invoice_id"
            " LEFT JOIN invoices ei ON ei.id = w.employee_invoice_id"
            " FOR UPDATE OF w",
            list(employees),
            list(days),
            list(projects),
        )
        return {
            (r["employee_id"], r["day"], r["project_id"]): RecordedEntry(
                Workday(r["day"], r["hours"], r["description"], r["project_id"]), r["billed_on"]
            )
            for r in rows
        }

    async def upsert(self, entries: Sequence[tuple[str, Workday]]) -> None:
        if not entries:
            return
        await self._conn.execute(
            "INSERT INTO workdays (employee_id, day, hours, description, project_id)"
            " SELECT * FROM unnest($1::uuid[], $2::date[], $3::numeric[], $4::text[], $5::uuid[])"
            " ON CONFLICT (employee_id, day, project_id) DO UPDATE"
            " SET hours = EXCLUDED.hours, description = EXCLUDED.description",
            [e for e, _ in entries],
            [w.date for _, w in entries],
            [w.hours for _, w in entries],
            [w.description for _, w in entries],
            [w.project_id for _, w in entries],
        )
