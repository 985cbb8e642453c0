"""The money of an invoice on its page: the balance, payments (recorded and undone), credit notes
(issued from the page, each with a page of its own) and the reminders sent.

The forms post to the same use cases as ``/v1/invoices/{id}/payments`` and ``.../credit-notes``;
a refused value comes back beside its field on the invoice page, with what was typed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from billflow.api.routes.common import correlation_id, known_id
from billflow.api.services import Services
from billflow.api.web.forms import Form
from billflow.api.web.pages.common import actor, page, read_form, see_other
from billflow.domain import access
from billflow.domain.errors import InvalidInput
from billflow.domain.model import InvoiceStatus, PaymentStatus, User
from billflow.domain.usecases.credit_notes import IssueCreditNote, IssueCreditNoteCommand
from billflow.domain.usecases.payments import DeletePaymentCommand, Payments, RecordPaymentCommand
from billflow.domain.usecases.retry_invoice import RetryInvoice

SETTLED = {InvoiceStatus.SENT, InvoiceStatus.FAILED}


def today() -> date:
    """The day that decides ``overdue``: the UTC day, as the REST answers have it."""
    return datetime.now(UTC).date()


async def detail(
    services: Services,
    user: User,
    invoice_id: str,
    *,
    pay_form: Form | None = None,
    credit_form: Form | None = None,
    status: int = 200,
) -> Template:
    """The invoice page: its lines and delivery status, and its money with the two forms."""
    found = await services.invoices.get(invoice_id, actor=user)
    notes = await services.credit_notes.of_invoice(found.id, actor=user)
    changes = await services.invoices.history(found.id, actor=user)
    open_money = found.payment_status is not PaymentStatus.CREDITED
    return page(
        "invoices/detail.html",
        status=status,
        invoice=found,
        settled=found.status in SETTLED,
        may_retry=access.may(user, RetryInvoice.ACTION),
        overdue=found.overdue(today()),
        credit_notes=notes,
        history=changes,
        may_pay=open_money and found.balance_due > 0 and access.may(user, Payments.ACTION),
        may_undo=access.may(user, Payments.ACTION),
        may_credit=open_money and access.may(user, IssueCreditNote.ACTION),
        pay_form=pay_form or Form(values={"paid_on": today().isoformat()}),
        credit_form=credit_form or Form(),
    )


@post("/invoices/{invoice_id:str}/payments")
async def record_payment(
    invoice_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
) -> Response[Any]:
    user = actor(request)
    invoice = known_id(invoice_id, "invoice")
    form = await read_form(request)
    amount = form.decimal("amount", "120.00")
    paid_on = form.day("paid_on")
    if form.ok and amount is not None and paid_on is not None:
        try:
            await services.payments.record(
                RecordPaymentCommand(
                    invoice, amount, paid_on, form.optional("method"), form.optional("reference"), user
                )
            )
        except InvalidInput as e:
            form.reject(e, "amount")
        else:
            return see_other(f"/app/invoices/{invoice}#money")
    return await detail(services, user, invoice, pay_form=form, status=422)


@post("/invoices/{invoice_id:str}/payments/{payment_id:str}/delete")
async def undo_payment(
    invoice_id: FromPath[str],
    payment_id: FromPath[str],
    request: Request[User, Any, Any],
    services: NamedDependency[Services],
) -> Response[Any]:
    """A form cannot send DELETE: the page posts here, and the DELETE use case runs."""
    invoice = known_id(invoice_id, "invoice")
    await services.payments.delete(
        DeletePaymentCommand(invoice, known_id(payment_id, "payment"), actor(request))
    )
    return see_other(f"/app/invoices/{invoice}#money")


@post("/invoices/{invoice_id:str}/credit-notes")
async def credit(
    invoice_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
) -> Response[Any]:
    """In full when the amount is left empty, else that net amount (split over the tax rates)."""
    user = actor(request)
    invoice = known_id(invoice_id, "invoice")
    form = await read_form(request)
    reason = form.text("reason", "the reason for the credit note")
    amount = form.decimal("amount", "100.00") if form.get("amount") else None
    if form.ok:
        try:
            await services.issue_credit_note.execute(
                IssueCreditNoteCommand(invoice, reason, amount, correlation_id(request), user)
            )
        except InvalidInput as e:
            form.reject(e, "reason")
        else:
            return see_other(f"/app/invoices/{invoice}#credit-notes")
    return await detail(services, user, invoice, credit_form=form, status=422)


@get("/credit-notes/{credit_note_id:str}")
async def credit_note(
    credit_note_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
) -> Template:
    note = await services.credit_notes.get(known_id(credit_note_id, "credit note"), actor=actor(request))
    return page("credit_notes/detail.html", note=note)


@get("/credit-notes/{credit_note_id:str}/pdf")
async def credit_note_pdf(
    credit_note_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
) -> Redirect:
    """To the short-lived pre-signed link (the access check comes first, inside the use case)."""
    link = await services.credit_notes.download_link(
        known_id(credit_note_id, "credit note"), actor=actor(request)
    )
    return Redirect(link.url)


HANDLERS = [record_payment, undo_payment, credit, credit_note, credit_note_pdf]
