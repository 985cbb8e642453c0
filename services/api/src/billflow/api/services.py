"""What the routes call: the use cases, built once by the composition root."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from billflow.domain.usecases.accounts import Accounts
from billflow.domain.usecases.invoice_queries import InvoiceQueries
from billflow.domain.usecases.issue_invoices import IssueInvoices
from billflow.domain.usecases.organisation import Organisation
from billflow.domain.usecases.retry_invoice import RetryInvoice
from billflow.domain.usecases.workdays import Workdays
from billflow.platform.metrics import Metrics


@dataclass(frozen=True)
class Services:
    accounts: Accounts
    organisation: Organisation
    workdays: Workdays
    invoicing: IssueInvoices
    invoices: InvoiceQueries
    retry: RetryInvoice
    database_ready: Callable[[], Awaitable[bool]]
    metrics: Metrics
    prometheus: bool
