"""Importing a timesheet file: the bulk reads and the one bulk write of an import, in one transaction."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import Protocol

from billflow.domain.model import Employee, Project, Workday
from billflow.domain.ports.audit import AuditLog
from billflow.domain.ports.organisation import RecordedEntry
from billflow.domain.ports.unit_of_work import Transaction

EntryKey = tuple[str, date, str]
"""A time entry's key: (employee id, day, project id)."""


class TimesheetRepository(Protocol):
    """Each method is one statement, however many rows the file holds: an import of 10,000 rows
    costs a handful of round trips, not 10,000."""

    async def employees_by_email(self, emails: Collection[str]) -> Sequence[Employee]:
        """The employees (archived ones too) whose email is among ``emails``, compared without case."""
        ...

    async def projects_by_reference(self, references: Collection[str]) -> Sequence[Project]:
        """The projects (archived ones too) whose id is one of ``references``, or whose name is one,
        compared without case."""
        ...

    async def memberships(self, employee_ids: Collection[str]) -> set[tuple[str, str]]:
        """(employee id, project id) of every project these employees may record time on (members,
        and each one's own project)."""
        ...

    async def recorded(self, keys: Collection[EntryKey]) -> Mapping[EntryKey, RecordedEntry]:
        """The stored entries among ``keys``, locked until the transaction ends, with the number of
        the invoice each is billed on."""
        ...

    async def upsert(self, entries: Sequence[tuple[str, Workday]]) -> None:
        """Insert or replace (employee id, entry) by key, every ``project_id`` set, in one statement."""
        ...


class TimesheetUnitOfWork(Transaction, Protocol):
    """One database transaction over the time entries an import reads and writes, and the audit
    trail that records them."""

    @property
    def timesheets(self) -> TimesheetRepository: ...
    @property
    def audit(self) -> AuditLog: ...


class TimesheetUnitOfWorkFactory(Protocol):
    def __call__(self, *, read_only: bool = False) -> TimesheetUnitOfWork:
        """As ``UnitOfWorkFactory``: a ``read_only`` unit never commits."""
        ...
