"""What the routes call: the use cases, built once by the composition root."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from billflow.domain.ports import IdempotencyStore
from billflow.domain.usecases.accounts import Accounts
from billflow.domain.usecases.invoice_queries import InvoiceQueries
from billflow.domain.usecases.issue_invoices import IssueInvoices
from billflow.domain.usecases.organisation import Organisation
from billflow.domain.usecases.quotas import InvoiceCreationQuota
from billflow.domain.usecases.users import Users
from billflow.domain.usecases.workdays import Workdays


@dataclass(frozen=True)
class Services:
    accounts: Accounts
    organisation: Organisation
    workdays: Workdays
    invoicing: IssueInvoices
    invoices: InvoiceQueries
    database_ready: Callable[[], Awaitable[bool]]
    users: Users
    invoice_quota: InvoiceCreationQuota
    idempotency: IdempotencyStore
