"""Emailing a rendered invoice to its employee (the emailer's use case).

Business rules:
- Only a ``rendered`` invoice is sent; ``sent`` means done (a redelivered command, a no-op).
- The email goes to the address on the invoice (the employee as billed), with the PDF attached
  as ``<number>.pdf``, under a Message-ID that is the same on every attempt.
- Before talking to the mail server the sender claims the invoice's delivery (a lease, committed
  on its own); a second sender finds the claim and waits, an accepted delivery is never sent
  again, and a claim whose sender vanished is taken over only when its lease has run out.
- ``rendered -> sent`` is committed together with the record that the server accepted the email.
- The one window left: the server accepted, and the sender died before recording it. The next
  attempt takes the claim over and sends the same Message-ID again (see docs/delivery-guarantees.md).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace

from billflow.domain.errors import DomainError, NotFound, TransientFailure
from billflow.domain.model import DeliveryState, Invoice, InvoiceStatus
from billflow.domain.ports.documents import DocumentStore
from billflow.domain.ports.mail import InvoiceEmailWriter, Mailer
from billflow.domain.ports.unit_of_work import UnitOfWorkFactory
from billflow.domain.usecases.render_invoice import Outcome

log = logging.getLogger(__name__)

DEFAULT_LEASE_SECONDS = 90.0


@dataclass(frozen=True, slots=True)
class DeliverInvoiceCommand:
    invoice_id: str
    pdf_key: str


class DeliveryInProgress(TransientFailure):
    """Another sender holds a live claim on this invoice's email: try again after its lease."""


def message_id_for(invoice: Invoice) -> str:
    return f"<{invoice.number}.{invoice.id}@invoices.billflow>"


class DeliverInvoicePdf:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        documents: DocumentStore,
        writer: InvoiceEmailWriter,
        mailer: Mailer,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
    ) -> None:
        self._uow = uow
        self._documents = documents
        self._writer = writer
        self._mailer = mailer
        self._lease = lease_seconds

    async def execute(self, cmd: DeliverInvoiceCommand) -> Outcome:
        async with self._uow(read_only=True) as uow:
            invoice = await uow.invoices.get(cmd.invoice_id)
        if invoice is None:
            raise NotFound(f"invoice {cmd.invoice_id} does not exist")
        if invoice.status is not InvoiceStatus.RENDERED:
            return Outcome.ALREADY_DONE
        pdf = await self._documents.get(invoice.pdf_key or cmd.pdf_key)

        async with self._uow() as uow:
            claim = await uow.deliveries.claim(invoice.id, message_id_for(invoice), self._lease)
            if claim is None:
                if await uow.deliveries.state(invoice.id) == DeliveryState.ACCEPTED:
                    # Accepted earlier, status not recorded (a crash in between): record it now.
                    await uow.invoices.transition(invoice.id, InvoiceStatus.SENT)
                    await uow.commit()
                    return Outcome.ALREADY_DONE
                raise DeliveryInProgress("another sender is delivering this invoice")
            await uow.commit()
        if claim.takeover:
            log.warning(
                "resending an email whose earlier attempt ended unconfirmed",
                extra={"invoice_id": invoice.id, "attempts": claim.attempts},
            )

        email = replace(self._writer.write(invoice, pdf), message_id=claim.message_id)
        try:
            # Never outlive the lease: past it, another sender may take the claim over.
            async with asyncio.timeout(self._lease * 0.8):
                await self._mailer.send(email)
        except (DomainError, TimeoutError) as e:
            async with self._uow() as uow:
                await uow.deliveries.release(invoice.id)
                await uow.commit()
            if isinstance(e, TimeoutError):
                raise TransientFailure("the mail server did not answer in time") from e
            raise

        async with self._uow() as uow:
            await uow.deliveries.accepted(invoice.id)
            moved = await uow.invoices.transition(invoice.id, InvoiceStatus.SENT)
            await uow.commit()
        return Outcome.DONE if moved else Outcome.ALREADY_DONE
