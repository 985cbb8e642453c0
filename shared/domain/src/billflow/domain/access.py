"""Who may do what: the one place that answers it, called by use cases and route guards alike.

Business rules:
- ``admin`` may do everything, including managing users.
- ``accountant`` may read and write all billing data (company, workdays, invoices, billing runs),
  but not manage users.
- ``viewer`` may read all billing data and change nothing.
- ``employee`` is linked to one employee record: reads that record, its workdays and its invoices
  (and their PDFs), and records its own workdays; nothing else.
- Expenses: every user uploads their own and reads and corrects only those; ``admin`` and
  ``accountant`` read and correct everybody's. Only ``admin`` sends the monthly statements by hand.
- A record the caller may not see is reported exactly like a missing one (NotFound), so nobody can
  learn which ids exist; an action the caller's role may never take is Forbidden.
"""

from __future__ import annotations

from enum import StrEnum

from billflow.domain.errors import Forbidden, NotFound
from billflow.domain.model import Role, User


class Action(StrEnum):
    MANAGE_USERS = "manage-users"
    READ_BILLING = "read-billing"
    """Read everything: the company, every employee, every invoice and billing run."""
    WRITE_BILLING = "write-billing"
    READ_OWN = "read-own"
    """Read one's own employee record, workdays, invoices and PDFs."""
    RECORD_OWN_WORKDAYS = "record-own-workdays"
    READ_ALL_EXPENSES = "read-all-expenses"
    """Read and correct every user's expenses (everybody may their own)."""
    SEND_STATEMENTS = "send-statements"
    SEND_REMINDERS = "send-reminders"
    """Ask for a day's overdue reminders by hand (the schedule asks every day)."""
    EDIT_COMPANY = "edit-company"
    """Change the company record, the seller on every document issued from then on."""


_GRANTS: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.ACCOUNTANT: frozenset(Action)
    - {Action.MANAGE_USERS, Action.SEND_STATEMENTS, Action.SEND_REMINDERS, Action.EDIT_COMPANY},
    Role.VIEWER: frozenset({Action.READ_BILLING, Action.READ_OWN}),
    Role.EMPLOYEE: frozenset({Action.READ_OWN, Action.RECORD_OWN_WORKDAYS}),
}


def may(user: User, action: Action) -> bool:
    return action in _GRANTS[user.role]


def require(user: User, action: Action) -> None:
    """Raise Forbidden unless ``user``'s role may take ``action`` at all."""
    if not may(user, action):
        raise Forbidden("your role may not do this")


def employee_scope(user: User) -> str | None:
    """The one employee whose records ``user`` may read, or None for "all of them".

    An employee user with no linked record gets an id that matches nothing.
    """
    if may(user, Action.READ_BILLING):
        return None
    require(user, Action.READ_OWN)
    return user.employee_id or ""


def require_employee_visible(user: User, employee_id: str, what: str = "employee") -> None:
    """NotFound unless ``user`` may read the records of ``employee_id`` (as if it did not exist)."""
    scope = employee_scope(user)
    if scope is not None and scope != employee_id:
        raise NotFound(f"no such {what}")


def workdays_writable(user: User, employee_id: str) -> bool:
    """Whether ``user`` may record ``employee_id``'s workdays (what ``require_workdays_writable``
    enforces, for a page deciding whether to offer the form)."""
    if may(user, Action.WRITE_BILLING):
        return True
    return may(user, Action.RECORD_OWN_WORKDAYS) and user.employee_id == employee_id


def require_workdays_writable(user: User, employee_id: str) -> None:
    """Writers may record anybody's workdays; an employee only their own (others: NotFound)."""
    if may(user, Action.WRITE_BILLING):
        return
    require(user, Action.RECORD_OWN_WORKDAYS)
    if user.employee_id != employee_id:
        raise NotFound("no such employee")


def expense_scope(user: User) -> str | None:
    """The one user whose expenses ``user`` may read and correct (their own), or None for all."""
    return None if may(user, Action.READ_ALL_EXPENSES) else user.id
