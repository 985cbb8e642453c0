"""The document pipeline's e-invoice steps, against in-memory fakes: what is filed where, what is
refused, what is attached, and which links are handed out."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from billflow.domain.contracts import DeliverCreditNote, DeliverInvoice, RenderInvoice
from billflow.domain.errors import InvalidInput, NotFound, PermanentFailure
from billflow.domain.model import (
    BilledTo,
    CreditNote,
    EInvoiceKeys,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Issuer,
    Role,
    TaxRow,
    User,
)
from billflow.domain.ports.documents import EInvoiceFiles, EInvoiceRejected
from billflow.domain.usecases.credit_note_documents import (
    CreditNoteCommand,
    DeliverCreditNotePdf,
    RenderCreditNotePdf,
)
from billflow.domain.usecases.credit_notes import CreditNoteQueries
from billflow.domain.usecases.deliver_invoice import DeliverInvoiceCommand, DeliverInvoicePdf
from billflow.domain.usecases.document_pipeline import EInvoiceRefused, EInvoicing
from billflow.domain.usecases.einvoice_links import EInvoiceFormat, EInvoiceLinks, parse_format
from billflow.domain.usecases.fail_invoice import FailInvoice, FailInvoiceCommand
from billflow.domain.usecases.invoice_queries import InvoiceQueries
from billflow.domain.usecases.render_invoice import Outcome, RenderInvoiceCommand, RenderInvoicePdf
from billflow.domain.usecases.retry_invoice import RetryInvoice, RetryInvoiceCommand
from domain_fakes import (
    AfterIssueWriter,
    FakeUnitOfWorkFactory,
    FixedClock,
    MemoryDocuments,
    PlainWriter,
    RecordingCreditNoteRenderer,
    RecordingMailer,
    RecordingRenderer,
    SequentialIds,
)

pytestmark = pytest.mark.unit

ACCOUNTANT = User("u-acc", "acc@example.com", Role.ACCOUNTANT)


class FakeEInvoiceWriter:
    """Writes ``<cii number>``/``<ubl number>``, or refuses with ``rule_ids`` while they are set."""

    def __init__(self, *, peppol: bool = False) -> None:
        self.peppol = peppol
        self.rule_ids: tuple[str, ...] = ()
        self.written: list[str] = []

    def write(self, document: Invoice | CreditNote) -> EInvoiceFiles:
        if self.rule_ids:
            raise EInvoiceRejected(self.rule_ids)
        self.written.append(document.number)
        return EInvoiceFiles(
            cii=f"<cii {document.number}/>".encode(),
            ubl=f"<ubl {document.number}/>".encode(),
            peppol=self.peppol,
        )


class FakeBinder:
    def bind(self, pdf: bytes, cii: bytes, document: Invoice | CreditNote) -> bytes:
        return pdf + b" + " + cii


def client_invoice(kind: InvoiceKind = InvoiceKind.CLIENT) -> Invoice:
    return Invoice(
        id="i-1",
        number="INV-2026-000007",
        status=InvoiceStatus.PENDING,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        issue_date=date(2026, 11, 2),
        due_date=date(2026, 12, 2),
        currency="EUR",
        lines=(InvoiceLine(None, Decimal(10), Decimal(100), Decimal(1000), tax_rate=Decimal(21)),),
        subtotal=Decimal(1000),
        tax_rate=Decimal(21),
        tax=Decimal(210),
        total=Decimal(1210),
        issuer=Issuer("Acme", "Street 1", "BE0999999999"),
        billed_to=BilledTo("Globex", "ap@globex.example"),
        kind=kind,
        client_id="c-1" if kind is InvoiceKind.CLIENT else None,
        employee_id="e-1" if kind is InvoiceKind.EMPLOYEE else None,
        taxes=(TaxRow(Decimal(21), Decimal(1000), Decimal(210)),),
    )


def credit_note(invoice: Invoice) -> CreditNote:
    return CreditNote(
        id="cn-1",
        number="CN-2026-000001",
        status=InvoiceStatus.PENDING,
        invoice_id=invoice.id,
        invoice_number=invoice.number,
        invoice_issue_date=invoice.issue_date,
        invoice_kind=invoice.kind,
        reason="Wrong rate",
        issue_date=date(2026, 11, 9),
        currency="EUR",
        subtotal=Decimal(100),
        taxes=(TaxRow(Decimal(21), Decimal(100), Decimal(21)),),
        tax=Decimal(21),
        total=Decimal(121),
        full=False,
        issuer=invoice.issuer,
        billed_to=invoice.billed_to,
    )


def pipeline(
    invoice: Invoice, writer: FakeEInvoiceWriter
) -> tuple[FakeUnitOfWorkFactory, MemoryDocuments, RenderInvoicePdf]:
    uow = FakeUnitOfWorkFactory()
    uow.store.invoices[invoice.id] = invoice
    documents = MemoryDocuments()
    einvoicing = EInvoicing(writer, FakeBinder())
    render = RenderInvoicePdf(uow, RecordingRenderer(), documents, SequentialIds(), FixedClock(), einvoicing)
    return uow, documents, render


async def test_a_client_invoice_files_its_ubl_and_cii_beside_a_factur_x_pdf_and_records_the_keys() -> None:
    uow, documents, render = pipeline(client_invoice(), FakeEInvoiceWriter())
    assert await render.execute(RenderInvoiceCommand("i-1", "corr")) is Outcome.DONE

    stem = "invoices/2026/INV-2026-000007"
    assert documents.objects[f"{stem}.ubl.xml"] == b"<ubl INV-2026-000007/>"
    assert documents.objects[f"{stem}.cii.xml"] == b"<cii INV-2026-000007/>"
    assert documents.objects[f"{stem}.pdf"] == b"%PDF-1.7 INV-2026-000007 + <cii INV-2026-000007/>"
    stored = uow.store.invoices["i-1"]
    assert stored.status is InvoiceStatus.RENDERED
    assert stored.einvoice == EInvoiceKeys(f"{stem}.cii.xml", f"{stem}.ubl.xml", peppol=False)
    [deliver] = uow.store.outbox
    assert isinstance(deliver, DeliverInvoice)


async def test_an_employee_invoice_stays_a_plain_pdf_with_no_e_invoice() -> None:
    writer = FakeEInvoiceWriter()
    uow, documents, render = pipeline(client_invoice(InvoiceKind.EMPLOYEE), writer)
    assert await render.execute(RenderInvoiceCommand("i-1", "corr")) is Outcome.DONE
    assert writer.written == []
    assert list(documents.objects) == ["invoices/2026/INV-2026-000007.pdf"]
    assert uow.store.invoices["i-1"].einvoice is None


async def test_a_rule_failure_files_nothing_fails_it_with_the_rule_ids_and_retry_after_the_fix_works() -> (
    None
):
    writer = FakeEInvoiceWriter()
    writer.rule_ids = ("BR-CO-09", "BR-E-10")
    uow, documents, render = pipeline(client_invoice(), writer)
    with pytest.raises(EInvoiceRefused) as refused:
        await render.execute(RenderInvoiceCommand("i-1", "corr"))
    assert isinstance(refused.value, PermanentFailure)  # the worker gives up at once, no retries
    assert documents.objects == {}
    assert uow.store.outbox == []
    # What the worker kit does with a permanent failure: give up with its detail.
    await FailInvoice(uow).execute(FailInvoiceCommand("i-1", refused.value.detail))
    failed = uow.store.invoices["i-1"]
    assert failed.status is InvoiceStatus.FAILED
    assert failed.failure_reason is not None
    assert "BR-CO-09" in failed.failure_reason
    assert "BR-E-10" in failed.failure_reason

    writer.rule_ids = ()  # the data is fixed
    await RetryInvoice(uow, SequentialIds(), FixedClock()).execute(
        RetryInvoiceCommand("i-1", "corr", ACCOUNTANT)
    )
    assert isinstance(uow.store.outbox[-1], RenderInvoice)
    assert await render.execute(RenderInvoiceCommand("i-1", "corr")) is Outcome.DONE
    assert uow.store.invoices["i-1"].status is InvoiceStatus.RENDERED
    assert "invoices/2026/INV-2026-000007.ubl.xml" in documents.objects


async def test_a_peppol_participant_gets_the_ubl_attached_beside_the_pdf_and_others_do_not() -> None:
    for peppol in (True, False):
        uow, documents, render = pipeline(client_invoice(), FakeEInvoiceWriter(peppol=peppol))
        await render.execute(RenderInvoiceCommand("i-1", "corr"))
        mailer = RecordingMailer()
        deliver = DeliverInvoicePdf(uow, documents, PlainWriter(), mailer)
        key = "invoices/2026/INV-2026-000007.pdf"
        assert await deliver.execute(DeliverInvoiceCommand("i-1", key)) is Outcome.DONE
        [email] = mailer.sent
        names = [(a.filename, a.content_type, a.content) for a in email.attachments]
        if peppol:
            assert ("INV-2026-000007.xml", "application/xml", b"<ubl INV-2026-000007/>") in names
        else:
            assert not any(name.endswith(".xml") for name, _, _ in names)


async def test_a_credit_note_of_a_client_invoice_is_an_e_invoice_too_and_its_email_carries_the_ubl() -> None:
    invoice = replace(client_invoice(), status=InvoiceStatus.SENT)
    uow = FakeUnitOfWorkFactory()
    uow.store.invoices[invoice.id] = invoice
    uow.store.credit_notes["cn-1"] = credit_note(invoice)
    documents = MemoryDocuments()
    einvoicing = EInvoicing(FakeEInvoiceWriter(peppol=True), FakeBinder())
    render = RenderCreditNotePdf(
        uow, RecordingCreditNoteRenderer(), documents, SequentialIds(), FixedClock(), einvoicing
    )
    assert await render.execute(CreditNoteCommand("cn-1", "corr")) is Outcome.DONE
    stem = "credit-notes/2026/CN-2026-000001"
    assert uow.store.credit_notes["cn-1"].einvoice == EInvoiceKeys(f"{stem}.cii.xml", f"{stem}.ubl.xml", True)
    assert documents.objects[f"{stem}.pdf"].endswith(b"<cii CN-2026-000001/>")
    assert isinstance(uow.store.outbox[-1], DeliverCreditNote)

    mailer = RecordingMailer()
    await DeliverCreditNotePdf(uow, documents, AfterIssueWriter(), mailer).execute(CreditNoteCommand("cn-1"))
    [email] = mailer.sent
    assert [a.filename for a in email.attachments][-1] == "CN-2026-000001.xml"
    assert uow.store.credit_notes["cn-1"].status is InvoiceStatus.SENT


def links(uow: FakeUnitOfWorkFactory, documents: MemoryDocuments) -> EInvoiceLinks:
    clock = FixedClock()
    return EInvoiceLinks(
        InvoiceQueries(uow, documents, clock), CreditNoteQueries(uow, documents, clock), documents, clock
    )


async def test_e_invoice_links_name_the_file_and_refuse_employee_invoices_and_unrendered_ones() -> None:
    uow, documents, render = pipeline(client_invoice(), FakeEInvoiceWriter())
    with pytest.raises(NotFound, match="not been rendered"):
        await links(uow, documents).of_invoice("i-1", EInvoiceFormat.UBL, actor=ACCOUNTANT)
    await render.execute(RenderInvoiceCommand("i-1", "corr"))
    link = await links(uow, documents).of_invoice("i-1", EInvoiceFormat.CII, actor=ACCOUNTANT)
    assert link.url.startswith(
        "memory://invoices/2026/INV-2026-000007.cii.xml?filename=INV-2026-000007.cii.xml"
    )
    assert link.url.endswith("expires=900")

    employee_uow, employee_documents, _ = pipeline(client_invoice(InvoiceKind.EMPLOYEE), FakeEInvoiceWriter())
    with pytest.raises(NotFound, match="employee"):
        await links(employee_uow, employee_documents).of_invoice("i-1", EInvoiceFormat.UBL, actor=ACCOUNTANT)


def test_a_format_other_than_ubl_or_cii_is_invalid_input_naming_format() -> None:
    assert parse_format("ubl") is EInvoiceFormat.UBL
    for bad in ("pdf", "", None, "UBL "):
        with pytest.raises(InvalidInput) as refused:
            parse_format(bad)
        assert refused.value.field == "format"
