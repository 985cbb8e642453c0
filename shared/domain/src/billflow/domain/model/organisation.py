"""Departments, projects, employees and the workdays they record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Department:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Project:
    id: str
    name: str
    tax_rate: Decimal
    """Percent applied to an invoice's subtotal (0 to 100)."""


@dataclass(frozen=True, slots=True)
class Employee:
    id: str
    full_name: str
    email: str
    department_id: str
    project_id: str
    hourly_rate: Decimal
    currency: str


@dataclass(frozen=True, slots=True)
class Workday:
    date: date
    hours: Decimal
    description: str | None = None
