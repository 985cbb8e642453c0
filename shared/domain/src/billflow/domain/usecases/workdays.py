"""Recording workdays.

Business rules:
- Hours are more than 0 and at most 24, in hundredths of an hour at most.
- A date appears once per request; recording a date again replaces that day (upsert by date).
- Descriptions are at most 500 characters.
- Those who write billing data record anybody's workdays; an employee user only their own. Reading
  follows ``access``: an employee user reads only their own (anybody else's: NotFound).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from billflow.domain import access
from billflow.domain.billing import validate_period
from billflow.domain.errors import InvalidInput, NotFound
from billflow.domain.model import User, Workday
from billflow.domain.ports.unit_of_work import UnitOfWorkFactory

MAX_DESCRIPTION = 500
MAX_WORKDAYS_PER_REQUEST = 366


@dataclass(frozen=True, slots=True)
class RecordWorkdaysCommand:
    employee_id: str
    workdays: Sequence[Workday]
    actor: User


def _check(workdays: Sequence[Workday]) -> None:
    if len(workdays) > MAX_WORKDAYS_PER_REQUEST:
        raise InvalidInput(f"at most {MAX_WORKDAYS_PER_REQUEST} workdays per request", field="workdays")
    seen: set[date] = set()
    for i, w in enumerate(workdays):
        if not Decimal(0) < w.hours <= Decimal(24):
            raise InvalidInput("hours must be more than 0 and at most 24", field=f"workdays[{i}].hours")
        if w.hours != w.hours.quantize(Decimal("0.01")):
            raise InvalidInput("hours have at most two decimals", field=f"workdays[{i}].hours")
        if w.description is not None and len(w.description) > MAX_DESCRIPTION:
            raise InvalidInput(
                f"description is at most {MAX_DESCRIPTION} characters", field=f"workdays[{i}].description"
            )
        if w.date in seen:
            raise InvalidInput(f"{w.date} appears twice", field=f"workdays[{i}].date")
        seen.add(w.date)


class Workdays:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def record(self, cmd: RecordWorkdaysCommand) -> list[Workday]:
        """Upsert the workdays by date and return them as stored, in date order."""
        access.require_workdays_writable(cmd.actor, cmd.employee_id)
        _check(cmd.workdays)
        async with self._uow() as uow:
            if await uow.employees.get(cmd.employee_id) is None:
                raise NotFound("no such employee")
            await uow.workdays.upsert(cmd.employee_id, cmd.workdays)
            await uow.commit()
        return sorted(cmd.workdays, key=lambda w: w.date)

    async def between(self, employee_id: str, start: date, end: date, *, actor: User) -> list[Workday]:
        access.require_employee_visible(actor, employee_id)
        validate_period(start, end)
        async with self._uow(read_only=True) as uow:
            if await uow.employees.get(employee_id) is None:
                raise NotFound("no such employee")
            return await uow.workdays.between(employee_id, start, end)
