"""A month of an employee's workdays in one grid: a row per week, a column per weekday.

Each project the employee may record time on (their own, and those they are a member of) has its
own grid, picked with ``?project_id=`` (the employee's own project when none is picked)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from billflow.api.routes.common import known_id
from billflow.api.services import Services
from billflow.api.web.forms import Form, sentence
from billflow.api.web.pages.common import actor, page, read_form, see_other
from billflow.domain import access
from billflow.domain.errors import EntryBilled, InvalidInput, NotFound
from billflow.domain.model import Employee, Project, User, Workday
from billflow.domain.money import round_money
from billflow.domain.usecases.workdays import RecordWorkdaysCommand

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_CELL = re.compile(r"^workdays\[(\d+)\]\.(hours|description)$")


def month_of(value: str | None) -> date:
    """The first day of ``YYYY-MM``; this month when missing or malformed."""
    match = _MONTH.match(value or "")
    if match and 1 <= int(match.group(2)) <= 12 and 1 <= int(match.group(1)) <= 9999:
        return date(int(match.group(1)), int(match.group(2)), 1)
    return date.today().replace(day=1)


def month_end(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


@dataclass
class Cell:
    day: date
    in_month: bool
    value: str = ""
    error: str | None = None
    recorded: bool = False
    description: str | None = None


@dataclass
class Week:
    cells: list[Cell]
    total: Decimal = field(default=Decimal(0))


def grid(first: date, stored: dict[date, Workday], form: Form | None) -> list[Week]:
    weeks = []
    for days in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        cells = []
        for d in days:
            w = stored.get(d)
            value = form.values.get(f"hours-{d}", "") if form else (_plain(w.hours) if w else "")
            error = form.errors.get(f"hours-{d}") if form else None
            in_month = d.month == first.month
            cells.append(Cell(d, in_month, value, error, w is not None, w.description if w else None))
        total = sum((stored[c.day].hours for c in cells if c.in_month and c.day in stored), Decimal(0))
        weeks.append(Week(cells, total))
    return weeks


def _plain(hours: Decimal) -> str:
    """Hours as a person types them: ``7.5``, ``8``."""
    text = f"{hours:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class Timesheet:
    """The projects the employee may record time on, and the one whose grid is shown."""

    projects: list[Project]
    project_id: str

    @property
    def project(self) -> Project | None:
        return next((p for p in self.projects if p.id == self.project_id), None)


async def _timesheet(services: Services, user: User, employee: Employee, wanted: str | None) -> Timesheet:
    projects = await services.workdays.projects(employee.id, actor=user)
    offered = {p.id for p in projects}
    return Timesheet(projects, wanted if wanted in offered else employee.project_id)


async def _entries(
    services: Services, user: User, employee: Employee, first: date, project_id: str
) -> dict[date, Workday]:
    """The month's entries on one project, by date."""
    found = await services.workdays.between(employee.id, first, month_end(first), actor=user)
    return {w.date: w for w in found if (w.project_id or employee.project_id) == project_id}


async def _page(
    services: Services,
    user: User,
    employee: Employee,
    sheet: Timesheet,
    first: date,
    form: Form | None,
    *,
    saved: int | None = None,
    added: bool = False,
) -> Template:
    last = month_end(first)
    stored = await _entries(services, user, employee, first, sheet.project_id)
    hours = sum((w.hours for w in stored.values()), Decimal(0))
    rate, currency = employee.hourly_rate, employee.currency
    amount = sum((round_money(w.hours * rate, currency) for w in stored.values()), Decimal(0))
    return page(
        "workdays.html",
        status=422 if form and not form.ok else 200,
        employee=employee,
        month=first,
        previous=(first - timedelta(days=1)).replace(day=1),
        next=last + timedelta(days=1),
        weeks=grid(first, stored, form),
        weekdays=WEEKDAYS,
        days=len(stored),
        hours=hours,
        amount=amount,
        editable=access.workdays_writable(user, employee.id) and sheet.project is not None,
        sheet=sheet,
        form=form,
        saved=saved,
        added=added,
    )


@get("/employees/{employee_id:str}/workdays")
async def workdays(
    employee_id: FromPath[str],
    request: Request[User, Any, Any],
    services: NamedDependency[Services],
    month: FromQuery[str | None] = None,
    project_id: FromQuery[str | None] = None,
    saved: FromQuery[int | None] = None,
    added: FromQuery[bool] = False,
) -> Template:
    user = actor(request)
    employee = await services.organisation.employee(known_id(employee_id, "employee"), actor=user)
    sheet = await _timesheet(services, user, employee, project_id)
    return await _page(services, user, employee, sheet, month_of(month), None, saved=saved, added=added)


@post("/employees/{employee_id:str}/workdays")
async def record(
    employee_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
) -> Response[Any]:
    user = actor(request)
    employee = await services.organisation.employee(known_id(employee_id, "employee"), actor=user)
    if not access.workdays_writable(user, employee.id):
        raise NotFound("no such employee")  # viewers read; only writers and the employee record
    form = await read_form(request)
    sheet = await _timesheet(services, user, employee, form.get("project_id"))
    if sheet.project is None:
        raise NotFound("no such project on this timesheet")  # archived since, or never offered
    first = month_of(form.get("month"))
    last = month_end(first)
    stored = await _entries(services, user, employee, first, sheet.project_id)
    entered: list[Workday] = []
    day = first
    while day <= last:
        name = f"hours-{day}"
        if not form.get(name):
            if day in stored:
                form.errors[name] = "A recorded day cannot be emptied here; enter its hours."
        else:
            hours = form.decimal(name, "7.5")
            if hours is not None:
                description = stored[day].description if day in stored else None
                entered.append(Workday(day, hours, description, sheet.project_id))
        day += timedelta(days=1)
    if form.ok and entered:
        try:
            await services.workdays.record(RecordWorkdaysCommand(employee.id, entered, user))
        except InvalidInput as e:
            cell = _CELL.match(e.field or "")
            name = f"hours-{entered[int(cell.group(1))].date}" if cell else "month"
            form.errors[name] = sentence(e.detail)
        except EntryBilled as e:
            form.errors["month"] = sentence(e.detail)
    if not form.ok:
        return await _page(services, user, employee, sheet, first, form)
    query = f"month={first:%Y-%m}&project_id={sheet.project_id}&saved={len(entered)}"
    return see_other(f"/app/employees/{employee.id}/workdays?{query}")


HANDLERS = [workdays, record]
