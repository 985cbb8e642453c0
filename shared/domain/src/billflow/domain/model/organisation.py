"""Departments, projects, employees and the workdays they record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from billflow.domain.model.tax import TaxCategory


@dataclass(frozen=True, slots=True)
class Department:
    id: str
    name: str
    archived: bool = False


@dataclass(frozen=True, slots=True)
class Project:
    id: str
    name: str
    tax_rate: Decimal
    """Percent applied to an invoice's subtotal (0 to 100)."""
    client_id: str | None = None
    """The client the project's hours are billed to, if any."""
    hourly_rate: Decimal | None = None
    """The rate billed to the client per hour, in the client's currency (set with ``client_id``)."""
    archived: bool = False
    tax_category: TaxCategory = TaxCategory.STANDARD
    exemption_reason: str | None = None
    exemption_code: str | None = None


@dataclass(frozen=True, slots=True)
class Employee:
    id: str
    full_name: str
    email: str
    department_id: str
    project_id: str
    hourly_rate: Decimal
    currency: str
    archived: bool = False


@dataclass(frozen=True, slots=True)
class Workday:
    """A time entry: hours on one day on one project (None: the employee's own project)."""

    date: date
    hours: Decimal
    description: str | None = None
    project_id: str | None = None
