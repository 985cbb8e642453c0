"""Importing workdays from a timesheet file (CSV): all rows or none.

Business rules:
- The file is read by ``timesheets.read`` (its format rules are there). Each row is a time entry
  keyed as recorded workdays are: (employee, date, project); an empty project is the employee's own.
- The same role rules as recording workdays (``access``): those who write billing data import
  anybody's rows; an employee user only their own (a row of anybody else's reads as an unknown
  email, so nobody learns who works here); a viewer imports nothing (Forbidden).
- ``employee_email`` names exactly one employee (compared without case; when several share it, a
  live one is preferred and a tie is an error). ``project`` is a project's id, or the name of
  exactly one project.
- A key appears once per file. A row equal to the stored entry (hours and description) is
  unchanged; any other row is new or changed, and then follows ``Workdays.record``'s rules: the
  employee is not archived, is a member of the project (their own counts), the project is not
  archived, and the stored entry is not billed (the error names the invoice).
- A file is at most ``timesheets.MAX_FILE_BYTES`` (DocumentTooLarge). Every problem of every row
  is reported. With any problem nothing is written; a dry run writes nothing either. Otherwise
  every new and changed entry is written in one transaction, so a re-import of the same file
  changes nothing and reports every row unchanged.
- The written entries are in the audit trail (``workday``, ``import``; the old entry, or none) in
  the same transaction, in one statement; a dry run or a file changing nothing records nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from billflow.domain import access, timesheets
from billflow.domain.access import Action
from billflow.domain.errors import DocumentTooLarge
from billflow.domain.model import Employee, Project, User, Workday
from billflow.domain.ports.organisation import RecordedEntry
from billflow.domain.ports.timesheets import EntryKey, TimesheetRepository, TimesheetUnitOfWorkFactory
from billflow.domain.timesheets import RowError, TimesheetRow
from billflow.domain.usecases.audit_trail import record_changes, workday_id


@dataclass(frozen=True, slots=True)
class ImportWorkdaysCommand:
    content: bytes
    actor: User
    dry_run: bool = False


@dataclass(frozen=True, slots=True)
class ImportResult:
    rows: int
    imported: int
    """New or changed entries (written, or that would be in a dry run)."""
    unchanged: int
    errors: Sequence[RowError] = field(default_factory=tuple)
    dry_run: bool = False


class ImportWorkdays:
    ACTION: ClassVar[Action] = Action.RECORD_OWN_WORKDAYS

    def __init__(self, uow: TimesheetUnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, cmd: ImportWorkdaysCommand) -> ImportResult:
        """Check every row, then write all of them or none (see the module's rules)."""
        access.require(cmd.actor, self.ACTION)
        if len(cmd.content) > timesheets.MAX_FILE_BYTES:
            raise DocumentTooLarge(f"a timesheet file is at most {timesheets.MAX_FILE_BYTES} bytes")
        sheet = timesheets.read(cmd.content)
        errors = list(sheet.errors)
        async with self._uow() as uow:
            repo = uow.timesheets
            employees = await _employees(repo, sheet.entries, cmd.actor)
            own = {e.project_id for e in employees.values() if e is not None}
            projects = await _projects(repo, sheet.entries, own)
            keyed = _keyed(sheet.entries, employees, projects, errors)
            stored = await repo.recorded([key for key, _ in keyed])
            changes = [(key, row) for key, row in keyed if not _unchanged(row, stored.get(key))]
            members = await repo.memberships({key[0] for key, _ in changes})
            for key, row in changes:
                _check_change(key, row, employees, projects, members, stored.get(key), errors)
            errors.sort(key=lambda e: (e.row, e.column or ""))
            result = ImportResult(
                rows=sheet.rows,
                imported=0 if errors else len(changes),
                unchanged=0 if errors else len(keyed) - len(changes),
                errors=errors,
                dry_run=cmd.dry_run,
            )
            if errors or cmd.dry_run or not changes:
                return result  # leaving without commit: nothing is written
            written = [(key, Workday(key[1], row.hours, row.description, key[2])) for key, row in changes]
            await repo.upsert([(key[0], w) for key, w in written])
            await record_changes(
                uow.audit,
                cmd.actor,
                "workday",
                "import",
                [(workday_id(key[0], w), _stored_workday(stored.get(key)), w) for key, w in written],
            )
            await uow.commit()
        return result


async def _employees(
    repo: TimesheetRepository, rows: Sequence[TimesheetRow], actor: User
) -> dict[str, Employee | None]:
    """Each email (lower case) -> the one employee it names for ``actor``, or None (unknown or
    ambiguous)."""
    emails = {r.employee_email.lower() for r in rows}
    found: dict[str, list[Employee]] = {e: [] for e in emails}
    for employee in await repo.employees_by_email(emails) if emails else ():
        if access.workdays_writable(actor, employee.id):
            found.setdefault(employee.email.lower(), []).append(employee)
    chosen: dict[str, Employee | None] = {}
    for email, candidates in found.items():
        live = [e for e in candidates if not e.archived] or candidates
        chosen[email] = live[0] if len(live) == 1 else None
    return chosen


async def _projects(
    repo: TimesheetRepository, rows: Sequence[TimesheetRow], own: set[str]
) -> dict[str, Project | None]:
    """Each non-empty reference (lower case) -> the project it names, or None (unknown or a name
    several projects share); the employees' ``own`` projects by their ids as well."""
    references = {r.project.lower() for r in rows if r.project} | {p.lower() for p in own}
    found = await repo.projects_by_reference(references) if references else []
    by_id = {p.id.lower(): p for p in found}
    by_name: dict[str, list[Project]] = {}
    for p in found:
        by_name.setdefault(p.name.lower(), []).append(p)
    named = {ref: ps[0] if len(ps) == 1 else None for ref, ps in by_name.items()}
    # Every project found by its id too, so the checks of a change find it whatever named it.
    return {**by_id, **{ref: by_id.get(ref) or named.get(ref) for ref in references}}


def _keyed(
    rows: Sequence[TimesheetRow],
    employees: Mapping[str, Employee | None],
    projects: Mapping[str, Project | None],
    errors: list[RowError],
) -> list[tuple[EntryKey, TimesheetRow]]:
    """The rows whose employee and project are known, with their keys, each key once."""
    keyed: list[tuple[EntryKey, TimesheetRow]] = []
    first_row: dict[EntryKey, int] = {}
    for row in rows:
        employee = employees.get(row.employee_email.lower())
        if employee is None:
            errors.append(RowError(row.row, "employee_email", "no single employee has this email"))
        project_id = employee.project_id if employee else None
        if row.project:
            project = projects.get(row.project.lower())
            if project is None:
                errors.append(RowError(row.row, "project", "no single project has this id or name"))
            project_id = project.id if project else None
        if employee is None or project_id is None:
            continue
        key = (employee.id, row.date, project_id)
        if key in first_row:
            errors.append(
                RowError(row.row, None, f"row {first_row[key]} has the same employee, date and project")
            )
            continue
        first_row[key] = row.row
        keyed.append((key, row))
    return keyed


def _stored_workday(stored: RecordedEntry | None) -> Workday | None:
    return stored.workday if stored else None


def _unchanged(row: TimesheetRow, stored: RecordedEntry | None) -> bool:
    return stored is not None and (stored.workday.hours, stored.workday.description) == (
        row.hours,
        row.description,
    )


def _check_change(
    key: EntryKey,
    row: TimesheetRow,
    employees: Mapping[str, Employee | None],
    projects: Mapping[str, Project | None],
    members: set[tuple[str, str]],
    stored: RecordedEntry | None,
    errors: list[RowError],
) -> None:
    """Record why the new or changed entry of ``row`` may not be written, if it may not."""
    employee = employees[row.employee_email.lower()]
    assert employee is not None  # keyed rows have one
    if employee.archived:
        errors.append(RowError(row.row, "employee_email", "the employee is archived and takes no new time"))
    if (key[0], key[2]) not in members:
        errors.append(RowError(row.row, "project", "the employee is not a member of this project"))
    project = projects.get(key[2].lower())
    if project is not None and project.archived:
        errors.append(RowError(row.row, "project", "the project is archived and takes no new time"))
    if stored is not None and stored.billed_on is not None:
        errors.append(
            RowError(
                row.row, None, f"this time entry is billed on invoice {stored.billed_on}: it cannot change"
            )
        )
