"""The navigation: which sections a person sees, decided by the domain's access policy.

A new section (the expenses pages, for one) adds its entry here and its routes in ``pages/``.
"""

from __future__ import annotations

from dataclasses import dataclass

from billflow.domain import access
from billflow.domain.access import Action
from billflow.domain.model import User


@dataclass(frozen=True, slots=True)
class Section:
    label: str
    href: str
    needs: Action
    prefix: str = ""
    """Pages under this path belong to the section (it is marked current there)."""

    def current(self, path: str) -> bool:
        return path.startswith(self.prefix or self.href)


SECTIONS: tuple[Section, ...] = (
    Section("Invoices", "/app/invoices", Action.READ_OWN),
    Section("Expenses", "/app/expenses", Action.READ_OWN),
    Section("Billing", "/app/runs/new", Action.WRITE_BILLING, "/app/runs"),
    Section("Receivables", "/app/receivables", Action.READ_BILLING),
    Section("Employees", "/app/employees", Action.READ_BILLING),
    Section("Import hours", "/app/imports/workdays", Action.WRITE_BILLING, "/app/imports"),
    Section("Clients", "/app/clients", Action.READ_BILLING),
    Section("Company", "/app/company", Action.READ_BILLING),
    Section("Users", "/app/users", Action.MANAGE_USERS),
)


def sections_for(user: User) -> list[Section]:
    shown = [s for s in SECTIONS if access.may(user, s.needs)]
    if user.employee_id is not None:  # an employee user's own timesheet
        own = f"/app/employees/{user.employee_id}/workdays"
        shown.insert(1, Section("My workdays", own, Action.READ_OWN))
    return shown
