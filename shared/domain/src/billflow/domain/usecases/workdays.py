"""Recording workdays: time entries, each hours on one day on one project.

Business rules:
- Hours are more than 0 and at most 24, in hundredths of an hour at most.
- An entry is keyed by (date, project); a project not given is the employee's own. A key appears
  once per request; recording a key again replaces that entry (upsert). One day may hold hours on
  several projects.
- Descriptions are at most 500 characters.
- New or changed time goes only on a project the employee is a member of (their own project
  counts) and that is not archived, and never to an archived employee.
- Billed time is locked: an entry on an invoice (either kind) neither changes nor goes away
  (EntryBilled, naming the invoice); recording it again unchanged is no change and is fine.
- Those who write billing data record anybody's workdays; an employee user only their own. Reading
  follows ``access``: an employee user reads only their own, on every project (anybody else's:
  NotFound), and the projects they may record time on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from billflow.domain import access, timesheets
from billflow.domain.billing import validate_period
from billflow.domain.errors import EntryBilled, InvalidInput, NotFound
from billflow.domain.model import Employee, Project, User, Workday
from billflow.domain.ports.organisation import RecordedEntry
from billflow.domain.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from billflow.domain.usecases.audit_trail import record_change, record_changes, workday_id

MAX_DESCRIPTION = timesheets.MAX_DESCRIPTION
MAX_WORKDAYS_PER_REQUEST = 366


@dataclass(frozen=True, slots=True)
class RecordWorkdaysCommand:
    employee_id: str
    workdays: Sequence[Workday]
    actor: User


@dataclass(frozen=True, slots=True)
class DeleteWorkdayCommand:
    employee_id: str
    date: date
    project_id: str | None
    """None: the employee's own project."""
    actor: User


def _check(workdays: Sequence[Workday]) -> None:
    if len(workdays) > MAX_WORKDAYS_PER_REQUEST:
        raise InvalidInput(f"at most {MAX_WORKDAYS_PER_REQUEST} workdays per request", field="workdays")
    for i, w in enumerate(workdays):
        if (problem := timesheets.hours_problem(w.hours)) is not None:
            raise InvalidInput(problem, field=f"workdays[{i}].hours")
        if (problem := timesheets.description_problem(w.description)) is not None:
            raise InvalidInput(problem, field=f"workdays[{i}].description")


def _keyed(employee: Employee, workdays: Sequence[Workday]) -> list[Workday]:
    """The entries with their project set (the employee's own by default), each key once."""
    keyed = [w if w.project_id else replace(w, project_id=employee.project_id) for w in workdays]
    seen: set[tuple[date, str | None]] = set()
    for i, w in enumerate(keyed):
        if (w.date, w.project_id) in seen:
            raise InvalidInput(f"{w.date} appears twice for one project", field=f"workdays[{i}].date")
        seen.add((w.date, w.project_id))
    return keyed


def _unchanged(w: Workday, stored: RecordedEntry | None) -> bool:
    return stored is not None and (stored.workday.hours, stored.workday.description) == (
        w.hours,
        w.description,
    )


async def _check_new_work(
    uow: UnitOfWork, employee: Employee, changes: Sequence[tuple[int, Workday]]
) -> None:
    """InvalidInput unless every new or changed entry may go where it says."""
    if not changes:
        return
    if employee.archived:
        raise InvalidInput("the employee is archived and takes no new time", field="employee_id")
    member_of = await uow.members.projects_of(employee.id)
    live: dict[str, bool] = {}  # one read per project, however many days a request holds
    for i, w in changes:
        field = f"workdays[{i}].project_id"
        if w.project_id is None or w.project_id not in member_of:
            raise InvalidInput("the employee is not a member of this project", field=field)
        if w.project_id not in live:
            project = await uow.projects.get(w.project_id)
            live[w.project_id] = project is not None and not project.archived
        if not live[w.project_id]:
            raise InvalidInput("the project is archived and takes no new time", field=field)


def _before(stored: Mapping[tuple[date, str], RecordedEntry], w: Workday) -> Workday | None:
    found = stored.get((w.date, w.project_id or ""))
    return found.workday if found else None


class Workdays:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def record(self, cmd: RecordWorkdaysCommand) -> list[Workday]:
        """Upsert the entries by (date, project) and return them as stored, by date then project."""
        access.require_workdays_writable(cmd.actor, cmd.employee_id)
        _check(cmd.workdays)
        async with self._uow() as uow:
            employee = await uow.employees.get(cmd.employee_id)
            if employee is None:
                raise NotFound("no such employee")
            keyed = _keyed(employee, cmd.workdays)
            stored = await uow.workdays.recorded(employee.id, [(w.date, w.project_id or "") for w in keyed])
            changes = [
                (i, w)
                for i, w in enumerate(keyed)
                if not _unchanged(w, stored.get((w.date, w.project_id or "")))
            ]
            await _check_new_work(uow, employee, changes)
            for _, w in changes:
                before = stored.get((w.date, w.project_id or ""))
                if before is not None and before.billed_on is not None:
                    raise EntryBilled(before.billed_on)
            if changes:
                await uow.workdays.upsert(employee.id, [w for _, w in changes])
                await record_changes(
                    uow.audit,
                    cmd.actor,
                    "workday",
                    "record",
                    [(workday_id(employee.id, w), _before(stored, w), w) for _, w in changes],
                )
                await uow.commit()
        return sorted(keyed, key=lambda w: (w.date, w.project_id or ""))

    async def delete(self, cmd: DeleteWorkdayCommand) -> None:
        """Remove one entry (NotFound when there is none; EntryBilled when it is billed)."""
        access.require_workdays_writable(cmd.actor, cmd.employee_id)
        async with self._uow() as uow:
            employee = await uow.employees.get(cmd.employee_id)
            if employee is None:
                raise NotFound("no such employee")
            key = (cmd.date, cmd.project_id or employee.project_id)
            stored = (await uow.workdays.recorded(employee.id, [key])).get(key)
            if stored is None:
                raise NotFound("no such workday")
            if stored.billed_on is not None:
                raise EntryBilled(stored.billed_on)
            await uow.workdays.delete(employee.id, *key)
            gone = stored.workday
            await record_change(
                uow.audit, cmd.actor, "workday", workday_id(employee.id, gone), "delete", gone
            )
            await uow.commit()

    async def between(self, employee_id: str, start: date, end: date, *, actor: User) -> list[Workday]:
        access.require_employee_visible(actor, employee_id)
        validate_period(start, end)
        async with self._uow(read_only=True) as uow:
            if await uow.employees.get(employee_id) is None:
                raise NotFound("no such employee")
            return await uow.workdays.between(employee_id, start, end)

    async def projects(self, employee_id: str, *, actor: User) -> list[Project]:
        """The live projects the employee may record time on (their own first, then by name):
        what a timesheet offers, readable by whoever may read the employee's workdays."""
        access.require_employee_visible(actor, employee_id)
        async with self._uow(read_only=True) as uow:
            employee = await uow.employees.get(employee_id)
            if employee is None:
                raise NotFound("no such employee")
            found = [await uow.projects.get(p) for p in await uow.members.projects_of(employee_id)]
        live = [p for p in found if p is not None and not p.archived]
        return sorted(live, key=lambda p: (p.id != employee.project_id, p.name, p.id))
