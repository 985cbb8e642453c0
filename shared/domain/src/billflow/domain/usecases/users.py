"""Managing who may log in: admins create, list and delete users; everybody may ask who they are.

Business rules:
- Only a role allowed to manage users (admin) may create, list or delete users.
- Emails are stored lower-case and are unique; passwords have at least ``MIN_PASSWORD`` characters.
- A user with the ``employee`` role is linked to an existing employee record (``employee_id``);
  other roles are not linked to one.
- Nobody deletes themselves (so the last admin cannot lock everybody out by accident).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from billflow.domain import access
from billflow.domain.access import Action
from billflow.domain.errors import Conflict, InvalidInput, NotFound
from billflow.domain.model import Role, User
from billflow.domain.ports.identity import PasswordHasher
from billflow.domain.ports.pagination import Page, PageRequest
from billflow.domain.ports.system import IdGenerator
from billflow.domain.ports.unit_of_work import UnitOfWorkFactory
from billflow.domain.usecases.audit_trail import record_change

MIN_PASSWORD = 8


@dataclass(frozen=True, slots=True)
class NewUser:
    email: str
    password: str
    role: Role
    employee_id: str | None = None


async def add_user(
    uow_factory: UnitOfWorkFactory,
    ids: IdGenerator,
    hasher: PasswordHasher,
    cmd: NewUser,
    *,
    actor: User | None = None,
) -> User:
    """Create the user; ``actor`` None is the system's own authority (configuration, scripts)."""
    if len(cmd.password) < MIN_PASSWORD:
        raise InvalidInput(f"password has at least {MIN_PASSWORD} characters", field="password")
    if cmd.role is Role.EMPLOYEE and cmd.employee_id is None:
        raise InvalidInput("an employee user needs an employee_id", field="employee_id")
    if cmd.role is not Role.EMPLOYEE and cmd.employee_id is not None:
        raise InvalidInput("only employee users are linked to an employee", field="employee_id")
    user = User(id=ids.new_id(), email=cmd.email.strip().lower(), role=cmd.role, employee_id=cmd.employee_id)
    async with uow_factory() as uow:
        if cmd.employee_id is not None and await uow.employees.get(cmd.employee_id) is None:
            raise InvalidInput("no such employee", field="employee_id")
        await uow.users.add(user, hasher.hash(cmd.password))
        await record_change(uow.audit, actor, "user", user.id, "create", None, user)
        await uow.commit()
    return user


class Users:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        ids: IdGenerator,
        hasher: PasswordHasher,
        *,
        on_deleted: Callable[[str], None] | None = None,
    ) -> None:
        self._uow = uow
        self._ids = ids
        self._hasher = hasher
        self._on_deleted = on_deleted
        """Told each deleted user's id after the commit (Accounts.forget: their tokens stop now)."""

    async def create(self, actor: User, cmd: NewUser) -> User:
        access.require(actor, Action.MANAGE_USERS)
        return await add_user(self._uow, self._ids, self._hasher, cmd, actor=actor)

    async def list(self, actor: User) -> Sequence[User]:
        access.require(actor, Action.MANAGE_USERS)
        async with self._uow(read_only=True) as uow:
            return await uow.users.list()

    async def page(self, actor: User, page: PageRequest) -> Page[User]:
        access.require(actor, Action.MANAGE_USERS)
        async with self._uow(read_only=True) as uow:
            return await uow.users.page(page)

    async def delete(self, actor: User, user_id: str) -> None:
        access.require(actor, Action.MANAGE_USERS)
        if user_id == actor.id:
            raise Conflict("you cannot delete yourself")
        async with self._uow() as uow:
            gone = await uow.users.get(user_id)
            if gone is None or not await uow.users.delete(user_id):
                raise NotFound("no such user")
            await record_change(uow.audit, actor, "user", user_id, "delete", gone)
            await uow.commit()
        if self._on_deleted is not None:
            self._on_deleted(user_id)
