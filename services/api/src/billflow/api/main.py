"""The API's composition root: settings -> adapters -> use cases -> the ASGI app."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import secrets
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Final

from litestar import Litestar

from billflow.api.app import create_app
from billflow.api.cognito import CognitoTokenVerifier, IssuerRoutingTokenVerifier
from billflow.api.postgres_idempotency import PostgresIdempotencyStore
from billflow.api.security import ISSUER, Argon2PasswordHasher, JwtTokenService
from billflow.api.services import Services
from billflow.api.web import WebConfig
from billflow.domain.contracts import (
    DispatchWebhookEvent,
    ExtractExpense,
    PlanBillingRun,
    RenderCreditNote,
    RenderInvoice,
    SendMonthlyStatements,
    SendReminders,
)
from billflow.domain.ports.identity import TokenVerifier
from billflow.domain.usecases.accounts import Accounts
from billflow.domain.usecases.api_keys import ApiKeys
from billflow.domain.usecases.audit_trail import AuditTrail
from billflow.domain.usecases.client_invoices import (
    ClientInvoicing,
    IssueClientInvoice,
)
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
from billflow.domain.usecases.quotas import InvoiceCreationQuota
from billflow.domain.usecases.receivables_report import ReceivablesReport
from billflow.domain.usecases.reminders import RequestReminders
from billflow.domain.usecases.retry_invoice import RetryInvoice
from billflow.domain.usecases.start_billing_run import StartBillingRun
from billflow.domain.usecases.upload_expense import UploadExpense
from billflow.domain.usecases.users import Users
from billflow.domain.usecases.webhook_endpoints import WebhookEndpoints
from billflow.domain.usecases.workdays import Workdays
from billflow.platform.aws.clients import s3_client, sqs_client
from billflow.platform.aws.s3 import S3DocumentStore
from billflow.platform.dns import SystemAddressResolver
from billflow.platform.logging import configure_logging
from billflow.platform.metrics import Metrics
from billflow.platform.outbox_relay import OutboxRelay
from billflow.platform.postgres.pool import create_pool
from billflow.platform.postgres.ratelimit import PostgresRateLimiter
from billflow.platform.postgres.uow import AsyncpgUnitOfWorkFactory
from billflow.platform.postgres.webhooks import AsyncpgWebhookEndpointStore
from billflow.platform.routing import outbox_routes
from billflow.platform.runtime import database_reachable
from billflow.platform.settings import (
    ApiSettings,
    AuthSettings,
    AwsSettings,
    CompanySettings,
    LogSettings,
    NumberingSettings,
    PostgresSettings,
    QueueSettings,
    SettingsError,
    StorageSettings,
    WebhookSettings,
    WebSettings,
    load_all,
)
from billflow.platform.system import SystemClock, UuidIdGenerator, WebhookSecretGenerator

log = logging.getLogger("billflow.api")

# How uvicorn serves the API (decision 0012): libuv's event loop and the C HTTP parser, one process.
SERVER_LOOP: Final = "uvloop"
SERVER_HTTP: Final = "httptools"


@dataclass(frozen=True)
class Settings:
    api: ApiSettings
    auth: AuthSettings
    company: CompanySettings
    postgres: PostgresSettings
    aws: AwsSettings
    queues: QueueSettings
    storage: StorageSettings
    log: LogSettings
    web: WebSettings
    numbering: NumberingSettings
    webhooks: WebhookSettings

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        return load_all(cls, environ)


def token_verifier(auth: AuthSettings, own: JwtTokenService) -> TokenVerifier:
    """Billflow's own tokens always; Cognito's too when its JWKS URL, issuer and audience are set."""
    by_issuer: dict[str, TokenVerifier] = {ISSUER: own}
    if auth.jwks_url or auth.jwt_issuer or auth.jwt_audience:
        if not (auth.jwks_url and auth.jwt_issuer and auth.jwt_audience):
            raise SettingsError(
                "BILLFLOW_JWKS_URL, BILLFLOW_JWT_ISSUER and BILLFLOW_JWT_AUDIENCE go together"
            )
        audiences = [a.strip() for a in auth.jwt_audience.split(",")]
        by_issuer[auth.jwt_issuer] = CognitoTokenVerifier(auth.jwks_url, auth.jwt_issuer, audiences)
    return IssuerRoutingTokenVerifier(by_issuer)


@asynccontextmanager
async def build(settings: Settings, *, relay_in_background: bool = True) -> AsyncIterator[Services]:
    """Open the pool and clients, wire the use cases, run the outbox relay; close all on exit.

    Without ``relay_in_background`` (Lambda: a frozen container runs no task), the caller drains
    the outbox itself with ``services.drain_outbox`` after each request."""
    async with AsyncExitStack() as stack:
        pool = await create_pool(settings.postgres)
        stack.push_async_callback(pool.close)
        s3 = await s3_client(stack, settings.aws)
        sqs = await sqs_client(stack, settings.aws)
        uow = AsyncpgUnitOfWorkFactory(pool)
        ids, clock = UuidIdGenerator(), SystemClock()
        metrics = Metrics("api", emf=settings.log.metrics == "emf")
        secret = settings.auth.jwt_secret
        if not secret:
            log.warning("BILLFLOW_JWT_SECRET is not set: using a random secret for this process")
            secret = secrets.token_urlsafe(48)
        hasher = Argon2PasswordHasher()
        own_tokens = JwtTokenService(secret, settings.auth.token_ttl_seconds)
        limiter = PostgresRateLimiter(pool)
        # Revoking a key forgets it in this process at once (the others within the auth cache).
        api_keys = ApiKeys(uow, ids, clock, on_revoked=lambda key_id: accounts.forget(key_id))
        accounts = Accounts(
            uow,
            ids,
            hasher,
            own_tokens,
            token_verifier(settings.auth, own_tokens),
            limiter,
            clock=clock,
            remember_seconds=settings.auth.auth_cache_seconds,
            api_keys=api_keys,
        )
        admin = settings.auth
        if (
            admin.admin_email
            and admin.admin_password
            and await accounts.ensure_first_admin(admin.admin_email, admin.admin_password)
        ):
            log.info("created the first admin user")
        company = settings.company
        documents = S3DocumentStore(s3, settings.storage.bucket)

        async def database_ready() -> bool:
            try:
                return await database_reachable(pool)
            except Exception:  # any failure to answer is "not ready"
                return False

        relay = OutboxRelay(
            pool,
            sqs,
            await outbox_routes(
                sqs,
                settings.queues,
                [
                    RenderInvoice,
                    ExtractExpense,
                    SendMonthlyStatements,
                    RenderCreditNote,
                    SendReminders,
                    DispatchWebhookEvent,  # recorded by the database in the API's transactions
                    PlanBillingRun,
                ],
            ),
            metrics=metrics,
        )
        company_record = CompanyRecord(uow)
        if await company_record.seed(company.record()):
            log.info("seeded the company record from the BILLFLOW_COMPANY_* settings")
        issuer = company.record().snapshot()
        quota = InvoiceCreationQuota(limiter, settings.api.invoice_rate_per_minute)
        invoice_numbers = settings.numbering.invoices
        client_invoicing = ClientInvoicing(ids, clock, issuer, invoice_numbers)
        services = Services(
            accounts=accounts,
            organisation=Organisation(uow, ids),
            workdays=Workdays(uow),
            issue_invoice=IssueInvoice(
                uow, ids, clock, issuer, quota, company.payment_terms_days, invoice_numbers
            ),
            start_billing_run=StartBillingRun(uow, ids, clock, quota),
            issue_client_invoice=IssueClientInvoice(uow, client_invoicing, quota),
            invoices=InvoiceQueries(uow, S3DocumentStore(s3, settings.storage.bucket), clock),
            retry=RetryInvoice(uow, ids, clock),
            database_ready=database_ready,
            metrics=metrics,
            prometheus=settings.log.metrics == "prometheus",
            users=Users(uow, ids, hasher, on_deleted=accounts.forget),
            idempotency=PostgresIdempotencyStore(pool),
            fingerprint_key=hashlib.sha256(b"billflow idempotency fingerprints\0" + secret.encode()).digest(),
            drain_outbox=relay.drain,
            expenses_upload=UploadExpense(uow, documents, ids, clock),
            direct_upload=StartDirectUpload(uow, documents, ids, clock),
            expenses=ExpenseQueries(uow, documents, clock),
            statements=RequestStatements(uow, ids, clock),
            clients=Clients(uow, ids),
            members=ProjectMembers(uow),
            edit=EditOrganisation(uow),
            issue_credit_note=IssueCreditNote(uow, ids, clock, settings.numbering.credit_notes),
            credit_notes=CreditNoteQueries(uow, documents, clock),
            retry_credit_note=RetryCreditNote(uow, ids, clock),
            payments=Payments(uow, ids, clock),
            reminders=RequestReminders(uow, ids, clock),
            receivables=ReceivablesReport(uow),
            webhooks=WebhookEndpoints(
                AsyncpgWebhookEndpointStore(pool),
                SystemAddressResolver(),
                WebhookSecretGenerator(),
                ids,
                clock,
                allow_loopback=settings.webhooks.allow_loopback,
            ),
            api_keys=api_keys,
            audit=AuditTrail(uow),
            company=company_record,
            import_workdays=ImportWorkdays(uow),
            journal=ExportJournal(uow),
            einvoices=EInvoiceLinks(
                InvoiceQueries(uow, documents, clock),
                CreditNoteQueries(uow, documents, clock),
                documents,
                clock,
            ),
        )
        if relay_in_background:
            stop = asyncio.Event()
            task = asyncio.create_task(relay.run(settings.postgres.database_url, stop))

            async def stop_relay() -> None:
                stop.set()
                await task

            stack.push_async_callback(stop_relay)
        yield services


def app_from_env() -> Litestar:
    """The app as configured by the environment (the HTTP server's factory)."""
    settings = Settings.from_env(os.environ)
    configure_logging("api", settings.log.level)
    return create_app(
        lambda: build(settings),
        max_body_bytes=settings.api.max_body_bytes,
        web=web_config(settings.auth, settings.web),
    )


def web_config(auth: AuthSettings, web: WebSettings) -> WebConfig:
    """The pages' CSRF secret comes from the JWT secret, so every API process shares it."""
    secret = auth.jwt_secret or secrets.token_urlsafe(48)  # build() warns when it is unset
    csrf_secret = hashlib.sha256(b"billflow web csrf\0" + secret.encode()).hexdigest()
    return WebConfig(csrf_secret=csrf_secret, secure_cookies=web.secure_cookies, locale=web.locale)
