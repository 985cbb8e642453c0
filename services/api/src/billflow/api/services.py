"""What the routes call: the use cases, built once by the composition root."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from billflow.api.idempotency_store import IdempotencyStore
from billflow.domain.usecases.accounts import Accounts
from billflow.domain.usecases.api_keys import ApiKeys
from billflow.domain.usecases.audit_trail import AuditTrail
from billflow.domain.usecases.client_invoices import IssueClientInvoice
from billflow.domain.usecases.clients import Clients
from billflow.domain.usecases.company import CompanyRecord
from billflow.domain.usecases.credit_notes import CreditNoteQueries, IssueCreditNote, RetryCreditNote
from billflow.domain.usecases.direct_upload import StartDirectUpload
from billflow.domain.usecases.edit_organisation import EditOrganisation
from billflow.domain.usecases.einvoice_links import EInvoiceLinks
from billflow.domain.usecases.expense_queries import ExpenseQueries
from billflow.domain.usecases.import_workdays import ImportWorkdays
from billflow.domain.usecases.invoice_queries import InvoiceQueries
from billflow.domain.usecases.issue_invoice import IssueInvoice
from billflow.domain.usecases.journal_export import ExportJournal
from billflow.domain.usecases.monthly_statements import RequestStatements
from billflow.domain.usecases.organisation import Organisation
from billflow.domain.usecases.payments import Payments
from billflow.domain.usecases.project_members import ProjectMembers
from billflow.domain.usecases.receivables_report import ReceivablesReport
from billflow.domain.usecases.reminders import RequestReminders
from billflow.domain.usecases.retry_invoice import RetryInvoice
from billflow.domain.usecases.start_billing_run import StartBillingRun
from billflow.domain.usecases.upload_expense import UploadExpense
from billflow.domain.usecases.users import Users
from billflow.domain.usecases.webhook_endpoints import WebhookEndpoints
from billflow.domain.usecases.workdays import Workdays
from billflow.platform.metrics import Metrics


@dataclass(frozen=True)
class Services:
    accounts: Accounts
    organisation: Organisation
    workdays: Workdays
    issue_invoice: IssueInvoice
    start_billing_run: StartBillingRun
    issue_client_invoice: IssueClientInvoice
    invoices: InvoiceQueries
    retry: RetryInvoice
    database_ready: Callable[[], Awaitable[bool]]
    metrics: Metrics
    prometheus: bool
    users: Users
    idempotency: IdempotencyStore
    drain_outbox: Callable[[], Awaitable[int]]
    """Publish what was committed now (Lambda, where no background relay runs)."""
    fingerprint_key: bytes
    """HMAC key for Idempotency-Key fingerprints: bodies (a new user's password) are never stored
    as a plain, fast hash."""
    # Expenses (issue 6).
    expenses_upload: UploadExpense
    direct_upload: StartDirectUpload
    """Issue 17: a form that puts a file of up to 10 MB straight into S3."""
    expenses: ExpenseQueries
    statements: RequestStatements
    # Master data (issue 13).
    clients: Clients
    members: ProjectMembers
    edit: EditOrganisation
    # After the invoice (issue 14).
    issue_credit_note: IssueCreditNote
    credit_notes: CreditNoteQueries
    retry_credit_note: RetryCreditNote
    payments: Payments
    reminders: RequestReminders
    receivables: ReceivablesReport
    # Webhooks (issue 16).
    webhooks: WebhookEndpoints
    # API keys and the audit trail (issue 16).
    api_keys: ApiKeys
    audit: AuditTrail
    # E-invoices (issue 15).
    company: CompanyRecord
    # Imports and exports (issue 16).
    import_workdays: ImportWorkdays
    journal: ExportJournal
    einvoices: EInvoiceLinks
