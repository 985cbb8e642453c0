"""Changing and archiving departments, projects and employees.

Business rules:
- Only those who write billing data change master data (``access``).
- A change names only the fields it changes (PATCH); the record then keeps every rule of
  ``master_data``, checked as a whole, and nothing is written when one breaks.
- ``archived: true`` hides a record from lists and from new work; nothing is ever deleted, since
  invoices may refer to it, and issued invoices never change: they are snapshots.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any, TypeVar

from billflow.domain import access
from billflow.domain.access import Action
from billflow.domain.errors import InvalidInput, NotFound
from billflow.domain.model import Department, Employee, Project, TaxCategory, User
from billflow.domain.model.tax import default_category
from billflow.domain.ports.unit_of_work import UnitOfWorkFactory
from billflow.domain.usecases.master_data import checked_employee, checked_project, name

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Change:
    """Set these fields (by name) of one record; the others stay as they are."""

    record_id: str
    changes: Mapping[str, Any]
    actor: User


def changed(record: T, changes: Mapping[str, Any]) -> T:
    """``record`` with ``changes`` applied; a field it has not (or its id) is InvalidInput."""
    known = {f.name for f in fields(record)} - {"id"}  # type: ignore[arg-type]
    for key in changes:
        if key not in known:
            raise InvalidInput(f"{key} cannot be changed", field=key)
    return replace(record, **changes)  # type: ignore[type-var]


class EditOrganisation:
    """PATCH for departments, projects and employees."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def department(self, cmd: Change) -> Department:
        access.require(cmd.actor, Action.WRITE_BILLING)
        async with self._uow() as uow:
            before = await uow.departments.get(cmd.record_id)
            if before is None:
                raise NotFound("no such department")
            after = changed(before, cmd.changes)
            after = replace(after, name=name(after.name, "name"))
            if after != before:
                await uow.departments.update(after)
                await uow.commit()
        return after

    async def project(self, cmd: Change) -> Project:
        """Moving a project to another client (or none) is allowed even after its hours were
        billed: issued invoices are snapshots, and billed entries stay locked on them."""
        access.require(cmd.actor, Action.WRITE_BILLING)
        async with self._uow() as uow:
            before = await uow.projects.get(cmd.record_id)
            if before is None:
                raise NotFound("no such project")
            given = dict(cmd.changes)
            if "tax_rate" in given and "tax_category" not in given and before.tax_category in _BY_RATE:
                # S and Z are what a rate implies: a new rate alone moves between them.
                given["tax_category"] = default_category(given["tax_rate"])
            after = await checked_project(uow, changed(before, given), before)
            if after != before:
                await uow.projects.update(after)
                await uow.commit()
        return after

    async def employee(self, cmd: Change) -> Employee:
        access.require(cmd.actor, Action.WRITE_BILLING)
        async with self._uow() as uow:
            before = await uow.employees.get(cmd.record_id)
            if before is None:
                raise NotFound("no such employee")
            after = await checked_employee(uow, changed(before, cmd.changes), before)
            if after != before:
                await uow.employees.update(after)
                await uow.commit()
        return after


_BY_RATE = (TaxCategory.STANDARD, TaxCategory.ZERO_RATED)
