"""The company record: reading it, the admin's edits, and its seeding on first start.

Business rules:
- Everybody who reads billing data reads the company; only an admin changes it (Forbidden).
- A change is checked by the company's rules (``check_company``: VAT id with its country prefix,
  a valid IBAN, ...) and refused whole with InvalidInput naming the field.
- Seeding writes the configured company only when none exists yet, so an admin's edits survive
  every restart; it is checked too, so a start with settings the rules refuse fails loudly.
- Every change, and the seeding, is in the audit trail (entity ``company``, id ``company``) with
  the fields that changed, nested ones by their dotted names (``address.city``); the seeding names
  no actor (the system's own write).
- Documents issued afterwards snapshot the new record (``issuer_now``); issued ones keep theirs.
"""

from __future__ import annotations

from billflow.domain.access import Action, require
from billflow.domain.auditing import flattened
from billflow.domain.errors import NotFound
from billflow.domain.model import Company, Issuer, User, check_company
from billflow.domain.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from billflow.domain.usecases.audit_trail import record_change

ENTITY = "company"
COMPANY_ID = "company"
"""There is one company record: the trail names it so."""


class CompanyRecord:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def get(self, *, actor: User) -> Company:
        require(actor, Action.READ_BILLING)
        async with self._uow(read_only=True) as uow:
            company = await uow.company.get()
        if company is None:
            raise NotFound("the company record is not set up yet")
        return company

    async def update(self, company: Company, *, actor: User) -> Company:
        require(actor, Action.EDIT_COMPANY)
        check_company(company)
        async with self._uow() as uow:
            before = await uow.company.get(for_update=True)
            await uow.company.save(company)
            await record_change(
                uow.audit, actor, ENTITY, COMPANY_ID, "update", flattened(before), flattened(company)
            )
            await uow.commit()
        return company

    async def seed(self, company: Company) -> bool:
        """Write ``company`` unless a record exists; True when it was written."""
        check_company(company)
        async with self._uow() as uow:
            written = await uow.company.add_if_missing(company)
            if written:
                await record_change(uow.audit, None, ENTITY, COMPANY_ID, "create", None, flattened(company))
            await uow.commit()
        return written


async def issuer_now(uow: UnitOfWork, configured: Issuer) -> Issuer:
    """The seller a document issued now shows: the company record's snapshot, else (before the
    record is seeded, e.g. in a unit test) the configured issuer."""
    company = await uow.company.get()
    return company.snapshot() if company is not None else configured
