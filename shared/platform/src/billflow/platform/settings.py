"""Settings from environment variables, one Struct per concern.

Each field is renamed to the environment variable it reads, so the README's configuration table
and the code say the same names. Only composition roots call ``load``.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Mapping
from typing import TypeVar

import msgspec

from billflow.domain.errors import InvalidInput
from billflow.domain.model import Address, Company, Contact, ElectronicAddress
from billflow.domain.numbering import CREDIT_NOTE_NUMBER_FORMAT, INVOICE_NUMBER_FORMAT, NumberFormat
from billflow.domain.receivables import parse_reminder_days


class SettingsError(Exception):
    """A configuration value is missing or malformed."""


class PostgresSettings(msgspec.Struct, frozen=True):
    database_url: str = msgspec.field(name="DATABASE_URL")
    pool_min_size: int = msgspec.field(default=1, name="BILLFLOW_DB_POOL_MIN")
    pool_max_size: int = msgspec.field(default=10, name="BILLFLOW_DB_POOL_MAX")


class AwsSettings(msgspec.Struct, frozen=True):
    region: str = msgspec.field(default="eu-west-1", name="AWS_REGION")
    endpoint_url: str | None = msgspec.field(default=None, name="AWS_ENDPOINT_URL")
    """Unset means real AWS; set it to reach LocalStack or another compatible endpoint."""


class QueueSettings(msgspec.Struct, frozen=True):
    render_queue: str = msgspec.field(default="billflow-render", name="BILLFLOW_RENDER_QUEUE")
    delivery_queue: str = msgspec.field(default="billflow-delivery", name="BILLFLOW_DELIVERY_QUEUE")
    """Invoice emails and expense notifications: everything the emailer sends one at a time."""
    expense_queue: str = msgspec.field(default="billflow-expenses", name="BILLFLOW_EXPENSE_QUEUE")
    upload_queue: str = msgspec.field(default="billflow-uploads", name="BILLFLOW_UPLOAD_QUEUE")
    """Where S3 notifies the objects created under ``uploads/`` (direct uploads to read)."""
    statements_queue: str = msgspec.field(default="billflow-statements", name="BILLFLOW_STATEMENTS_QUEUE")
    """Where the monthly EventBridge schedule (and POST /v1/statements) ask for statements, and the
    daily one (and POST /v1/reminders) for overdue reminders."""
    planning_queue: str = msgspec.field(default="billflow-planning", name="BILLFLOW_PLANNING_QUEUE")
    """Billing runs to plan (``POST /v1/billing-runs``), read by the planner."""
    max_receives: int = msgspec.field(default=5, name="BILLFLOW_MAX_RECEIVES")
    """Receives before a message is given up on; equals the queues' redrive maxReceiveCount."""
    webhooks_queue: str = msgspec.field(default="billflow-webhooks", name="BILLFLOW_WEBHOOKS_QUEUE")
    """Webhook events to deliver. Each message stays on it while its deliveries retry (24 h), so
    its redrive allows ``WEBHOOKS_MAX_RECEIVES`` receives instead of ``max_receives``."""


class StorageSettings(msgspec.Struct, frozen=True):
    bucket: str = msgspec.field(default="billflow-documents", name="BILLFLOW_BUCKET")


class LogSettings(msgspec.Struct, frozen=True):
    level: str = msgspec.field(default="INFO", name="BILLFLOW_LOG_LEVEL")
    metrics: str = msgspec.field(default="prometheus", name="BILLFLOW_METRICS")
    """``prometheus`` (scraped from /metrics) or ``emf`` (also CloudWatch EMF lines on stdout)."""
    health_port: int | None = msgspec.field(default=None, name="BILLFLOW_HEALTH_PORT")
    """Workers: serve /livez, /readyz and /metrics on this port (unset: no health server)."""


S = TypeVar("S", bound=msgspec.Struct)


def load(cls: type[S], environ: Mapping[str, str]) -> S:
    """Build ``cls`` from ``environ``; empty values count as unset."""
    present = {k: v for k, v in environ.items() if v != ""}
    try:
        return msgspec.convert(present, cls, strict=False)
    except msgspec.ValidationError as e:
        raise SettingsError(f"{cls.__name__}: {e}") from e


D = TypeVar("D")


def load_all(cls: type[D], environ: Mapping[str, str]) -> D:
    """A service's settings: a dataclass whose every field is one of the Structs above, each
    loaded from ``environ`` (the field's type says which)."""
    hints = typing.get_type_hints(cls)
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    return cls(**{f.name: load(hints[f.name], environ) for f in fields})


class ConsumerSettings(msgspec.Struct, frozen=True):
    concurrency: int = msgspec.field(default=4, name="BILLFLOW_WORKER_CONCURRENCY")
    wait_seconds: int = msgspec.field(default=20, name="BILLFLOW_RECEIVE_WAIT_SECONDS")
    visibility_seconds: int = msgspec.field(default=60, name="BILLFLOW_VISIBILITY_TIMEOUT")
    grace_seconds: float = msgspec.field(default=20.0, name="BILLFLOW_SHUTDOWN_GRACE_SECONDS")


class RendererSettings(msgspec.Struct, frozen=True):
    chromium_path: str | None = msgspec.field(default=None, name="BILLFLOW_CHROMIUM_PATH")
    timeout_seconds: float = msgspec.field(default=30.0, name="BILLFLOW_RENDER_TIMEOUT_SECONDS")


class ReaderSettings(msgspec.Struct, frozen=True):
    document_reader: str = msgspec.field(default="tesseract", name="BILLFLOW_DOCUMENT_READER")
    """``tesseract`` (PDF text layer, then Tesseract OCR; local and containers) or ``textract``
    (AWS Textract AnalyzeExpense)."""
    ocr_timeout_seconds: float = msgspec.field(default=60.0, name="BILLFLOW_OCR_TIMEOUT_SECONDS")


class SmtpSettings(msgspec.Struct, frozen=True):
    host: str = msgspec.field(default="127.0.0.1", name="SMTP_HOST")
    port: int = msgspec.field(default=1025, name="SMTP_PORT")
    username: str | None = msgspec.field(default=None, name="SMTP_USERNAME")
    password: str | None = msgspec.field(default=None, name="SMTP_PASSWORD")
    starttls: bool = msgspec.field(default=False, name="SMTP_STARTTLS")
    """True for SES and most real servers; the local mail catcher speaks plain SMTP."""
    timeout_seconds: float = msgspec.field(default=30.0, name="SMTP_TIMEOUT_SECONDS")
    sender: str = msgspec.field(default="Billflow <billing@billflow.localhost>", name="BILLFLOW_MAIL_FROM")
    delivery_lease_seconds: float = msgspec.field(default=90.0, name="BILLFLOW_DELIVERY_LEASE_SECONDS")
    """How long a sender's claim on an invoice email lasts; a send is cut off before it ends."""

    def __repr__(self) -> str:  # never print the password
        return f"SmtpSettings(host={self.host!r}, port={self.port}, username={self.username!r})"


class ReminderSettings(msgspec.Struct, frozen=True):
    """Overdue reminders (the emailer sends them; the daily schedule asks)."""

    reminder_days: str = msgspec.field(default="7,21,45", name="BILLFLOW_REMINDER_DAYS")
    """The reminder levels: days past the due date, comma-separated and increasing."""

    def __post_init__(self) -> None:
        try:
            parse_reminder_days(self.reminder_days)
        except InvalidInput as e:
            raise ValueError(f"BILLFLOW_REMINDER_DAYS: {e.detail}") from e

    @property
    def days(self) -> tuple[int, ...]:
        return parse_reminder_days(self.reminder_days)


class PlanningSettings(msgspec.Struct, frozen=True):
    """How the planner issues a billing run's invoices (decision 0031)."""

    chunk_size: int = msgspec.field(default=500, name="BILLFLOW_PLANNING_CHUNK_SIZE")
    """Subjects (employees or clients) per transaction."""
    first_chunk_size: int = msgspec.field(default=50, name="BILLFLOW_PLANNING_FIRST_CHUNK_SIZE")
    """Subjects in a run's first transaction (at most the chunk size): small, so the first
    invoices go to rendering at once."""
    budget_seconds: float = msgspec.field(default=30.0, name="BILLFLOW_PLANNING_BUDGET_SECONDS")
    """Planning time per message before the planner hands the rest to a new message (well under
    the Lambda timeout)."""

    def __post_init__(self) -> None:
        if not 1 <= self.chunk_size <= 10_000:
            raise ValueError("BILLFLOW_PLANNING_CHUNK_SIZE must be between 1 and 10000")
        if not 1 <= self.first_chunk_size <= 10_000:
            raise ValueError("BILLFLOW_PLANNING_FIRST_CHUNK_SIZE must be between 1 and 10000")
        if self.budget_seconds < 0:
            raise ValueError("BILLFLOW_PLANNING_BUDGET_SECONDS must not be negative")


class NumberingSettings(msgspec.Struct, frozen=True):
    """How invoice and credit note numbers print; each series is gapless per year. A format that
    could print two documents of one series alike is refused here, at start-up."""

    invoice_format: str = msgspec.field(default=INVOICE_NUMBER_FORMAT, name="BILLFLOW_INVOICE_NUMBER_FORMAT")
    credit_note_format: str = msgspec.field(
        default=CREDIT_NOTE_NUMBER_FORMAT, name="BILLFLOW_CREDIT_NOTE_NUMBER_FORMAT"
    )

    def __post_init__(self) -> None:
        # UnsafeNumberFormat is a ValueError: msgspec reports it as this setting's error.
        NumberFormat.parse(self.invoice_format, "invoice (BILLFLOW_INVOICE_NUMBER_FORMAT)")
        NumberFormat.parse(self.credit_note_format, "credit note (BILLFLOW_CREDIT_NOTE_NUMBER_FORMAT)")

    @property
    def invoices(self) -> NumberFormat:
        return NumberFormat.parse(self.invoice_format, "invoice")

    @property
    def credit_notes(self) -> NumberFormat:
        return NumberFormat.parse(self.credit_note_format, "credit note")


class ApiSettings(msgspec.Struct, frozen=True):
    host: str = msgspec.field(default="127.0.0.1", name="BILLFLOW_API_HOST")
    port: int = msgspec.field(default=8000, name="BILLFLOW_API_PORT")
    max_body_bytes: int = msgspec.field(default=1_048_576, name="BILLFLOW_MAX_BODY_BYTES")
    invoice_rate_per_minute: int = msgspec.field(default=120, name="BILLFLOW_INVOICE_RATE_PER_MINUTE")
    """Invoice and billing-run requests a user may make a minute (0: no limit)."""


class WebSettings(msgspec.Struct, frozen=True):
    """The API's web pages under /app."""

    secure_cookies: bool = msgspec.field(default=False, name="BILLFLOW_WEB_SECURE_COOKIES")
    """Mark the session and CSRF cookies ``Secure``: set it wherever the pages are served over HTTPS."""
    locale: str = msgspec.field(default="en", name="BILLFLOW_WEB_LOCALE")
    """How the pages write numbers, money and dates (a locale name such as ``en_GB`` or ``de_BE``)."""


class AuthSettings(msgspec.Struct, frozen=True):
    admin_email: str | None = msgspec.field(default=None, name="BILLFLOW_ADMIN_EMAIL")
    admin_password: str | None = msgspec.field(default=None, name="BILLFLOW_ADMIN_PASSWORD")
    jwt_secret: str | None = msgspec.field(default=None, name="BILLFLOW_JWT_SECRET")
    """Unset: a random secret per process (tokens die with it; set it when running several)."""
    token_ttl_seconds: int = msgspec.field(default=3600, name="BILLFLOW_TOKEN_TTL_SECONDS")
    auth_cache_seconds: float = msgspec.field(default=5.0, name="BILLFLOW_AUTH_CACHE_SECONDS")
    """How long an API process trusts a token's user without asking the database again; a
    deleted user's token stops working in other processes within this time (0: ask every time)."""
    jwks_url: str | None = msgspec.field(default=None, name="BILLFLOW_JWKS_URL")
    """Set (with issuer and audience) to also accept Cognito tokens: the user pool's JWKS URL."""
    jwt_issuer: str | None = msgspec.field(default=None, name="BILLFLOW_JWT_ISSUER")
    """The user pool's issuer, https://cognito-idp.<region>.amazonaws.com/<pool id>."""
    jwt_audience: str | None = msgspec.field(default=None, name="BILLFLOW_JWT_AUDIENCE")
    """The app client id(s) tokens must be for, comma-separated."""

    def __repr__(self) -> str:  # never print secrets
        return f"AuthSettings(admin_email={self.admin_email!r}, token_ttl_seconds={self.token_ttl_seconds})"


class CompanySettings(msgspec.Struct, frozen=True):
    """The company record's first values: they seed it on the first start only (an admin edits it
    afterwards, ``PUT /v1/company``). The defaults are a demo company whose e-invoices pass the
    EN 16931 and Peppol rules (a valid Belgian enterprise number and IBAN)."""

    name: str = msgspec.field(default="Billflow Demo BV", name="BILLFLOW_COMPANY_NAME")
    address: str = msgspec.field(default="Rue de la Loi 16", name="BILLFLOW_COMPANY_ADDRESS")
    """The street line of the address."""
    city: str = msgspec.field(default="Brussels", name="BILLFLOW_COMPANY_CITY")
    postal_code: str = msgspec.field(default="1000", name="BILLFLOW_COMPANY_POSTAL_CODE")
    country: str = msgspec.field(default="BE", name="BILLFLOW_COMPANY_COUNTRY")
    tax_id: str = msgspec.field(default="BE0123456749", name="BILLFLOW_COMPANY_TAX_ID")
    """The VAT id, with its country prefix."""
    tax_number: str | None = msgspec.field(default=None, name="BILLFLOW_COMPANY_TAX_NUMBER")
    contact_name: str = msgspec.field(default="Billflow Accounts", name="BILLFLOW_COMPANY_CONTACT_NAME")
    contact_phone: str = msgspec.field(default="+32 2 555 01 00", name="BILLFLOW_COMPANY_CONTACT_PHONE")
    contact_email: str = msgspec.field(
        default="billing@billflow.localhost", name="BILLFLOW_COMPANY_CONTACT_EMAIL"
    )
    iban: str = msgspec.field(default="BE68539007547034", name="BILLFLOW_COMPANY_IBAN")
    bic: str | None = msgspec.field(default="GKCCBEBB", name="BILLFLOW_COMPANY_BIC")
    endpoint_scheme: str | None = msgspec.field(default="0208", name="BILLFLOW_COMPANY_ENDPOINT_SCHEME")
    endpoint_id: str | None = msgspec.field(default="0123456749", name="BILLFLOW_COMPANY_ENDPOINT_ID")
    """The company's Peppol participant id (scheme and id); both empty: none."""
    payment_terms_days: int = msgspec.field(default=30, name="BILLFLOW_PAYMENT_TERMS_DAYS")

    def record(self) -> Company:
        """The company these settings describe (checked by the domain when it is seeded)."""
        endpoint = None
        if self.endpoint_scheme and self.endpoint_id:
            endpoint = ElectronicAddress(self.endpoint_scheme, self.endpoint_id)
        return Company(
            name=self.name,
            address=Address(self.address, self.city, self.postal_code, self.country.upper()),
            vat_id=self.tax_id,
            contact=Contact(self.contact_name, self.contact_phone, self.contact_email),
            iban=self.iban.replace(" ", "").upper(),
            tax_number=self.tax_number or None,
            bic=self.bic or None,
            electronic_address=endpoint,
        )


class DeploySecretsSettings(msgspec.Struct, frozen=True):
    """Read by billflow.platform.secrets before anything else, in AWS only."""

    secrets_arn: str | None = msgspec.field(default=None, name="BILLFLOW_SECRETS_ARN")
    database_secret_arn: str | None = msgspec.field(default=None, name="BILLFLOW_DATABASE_SECRET_ARN")


WEBHOOKS_MAX_RECEIVES = 100
"""The webhooks queue's redrive maxReceiveCount: far more than the ~15 attempts of 24 hours."""


class WebhookSettings(msgspec.Struct, frozen=True):
    """Webhook endpoints (the API checks them) and deliveries (the webhooks deliverer)."""

    allow_loopback: bool = msgspec.field(default=False, name="BILLFLOW_WEBHOOKS_ALLOW_LOOPBACK")
    """Also allow ``http://127.0.0.1:<port>`` endpoints: local development and tests only."""
    retry_base_seconds: float = msgspec.field(default=10.0, name="BILLFLOW_WEBHOOKS_RETRY_BASE_SECONDS")
    """The first retry's delay; each next one doubles it (up to 6 h apart, for 24 h in all)."""
    concurrency: int = msgspec.field(default=8, name="BILLFLOW_WEBHOOKS_CONCURRENCY")
    """Requests in flight at once, per deliverer process."""

    def __post_init__(self) -> None:
        if not 0 < self.retry_base_seconds <= 30:
            raise ValueError("BILLFLOW_WEBHOOKS_RETRY_BASE_SECONDS must be above 0 and at most 30")
        if self.concurrency < 1:
            raise ValueError("BILLFLOW_WEBHOOKS_CONCURRENCY must be at least 1")
