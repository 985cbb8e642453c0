"""Who works on which project, and at what rate to the project's client.

Business rules:
- Those who write billing data add, change and remove members; those who read it list them.
- An employee's own ``project_id`` counts as membership without being put; putting them on it
  anyway gives them a rate of their own there.
- A member's ``hourly_rate``, when given, is not negative and overrides the project's.
- An archived project takes no new members, and an archived employee joins no project.
- Removing a member leaves their recorded time as it is (billed time stays locked on its
  invoice); the employee's own project cannot be removed here (change their ``project_id``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from billflow.domain import access
from billflow.domain.access import Action
from billflow.domain.errors import Conflict, InvalidInput, NotFound
from billflow.domain.model import ProjectMember, User
from billflow.domain.ports.pagination import Page, PageRequest
from billflow.domain.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from billflow.domain.usecases.audit_trail import record_change
from billflow.domain.usecases.master_data import rate


@dataclass(frozen=True, slots=True)
class PutMember:
    project_id: str
    employee_id: str
    hourly_rate: Decimal | None
    actor: User


class ProjectMembers:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def put(self, cmd: PutMember) -> ProjectMember:
        access.require(cmd.actor, Action.WRITE_BILLING)
        rate(cmd.hourly_rate)
        member = ProjectMember(cmd.project_id, cmd.employee_id, cmd.hourly_rate)
        async with self._uow() as uow:
            project = await uow.projects.get(cmd.project_id)
            if project is None:
                raise NotFound("no such project")
            employee = await uow.employees.get(cmd.employee_id)
            if employee is None:
                raise NotFound("no such employee")
            current = await _member(uow, cmd.project_id, cmd.employee_id)
            if current is None and project.archived:
                raise InvalidInput("the project is archived", field="project_id")
            if current is None and employee.archived:
                raise InvalidInput("the employee is archived", field="employee_id")
            if current != member:
                await uow.members.put(member)
                entity_id = f"{member.project_id}/{member.employee_id}"
                action = "create" if current is None else "update"
                await record_change(
                    uow.audit, cmd.actor, "project_member", entity_id, action, current, member
                )
                await uow.commit()
        return member

    async def list(self, project_id: str, *, actor: User) -> Sequence[ProjectMember]:
        access.require(actor, Action.READ_BILLING)
        async with self._uow(read_only=True) as uow:
            if await uow.projects.get(project_id) is None:
                raise NotFound("no such project")
            return await uow.members.list(project_id)

    async def page(self, project_id: str, page: PageRequest, *, actor: User) -> Page[ProjectMember]:
        access.require(actor, Action.READ_BILLING)
        async with self._uow(read_only=True) as uow:
            if await uow.projects.get(project_id) is None:
                raise NotFound("no such project")
            return await uow.members.page(project_id, page)

    async def delete(self, project_id: str, employee_id: str, *, actor: User) -> None:
        access.require(actor, Action.WRITE_BILLING)
        async with self._uow() as uow:
            employee = await uow.employees.get(employee_id)
            if employee is not None and employee.project_id == project_id:
                raise Conflict("this is the employee's own project: change their project_id instead")
            gone = await _member(uow, project_id, employee_id)
            if not await uow.members.delete(project_id, employee_id):
                raise NotFound("no such project member")
            entity_id = f"{project_id}/{employee_id}"
            await record_change(uow.audit, actor, "project_member", entity_id, "delete", gone)
            await uow.commit()


async def _member(uow: UnitOfWork, project_id: str, employee_id: str) -> ProjectMember | None:
    return next((m for m in await uow.members.list(project_id) if m.employee_id == employee_id), None)
