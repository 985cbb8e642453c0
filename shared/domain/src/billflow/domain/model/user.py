"""People who log in to Billflow."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    ACCOUNTANT = "accountant"
    VIEWER = "viewer"
    EMPLOYEE = "employee"


@dataclass(frozen=True, slots=True)
class User:
    id: str
    email: str
    role: Role
    employee_id: str | None = None
