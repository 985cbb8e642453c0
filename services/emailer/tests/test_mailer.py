"""The SMTP mailer against a real SMTP server, and the invoice email it carries."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
from datetime import UTC, date, datetime
from decimal import Decimal
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import SMTP, default
from email.utils import parsedate_to_datetime

import pytest

from billflow.domain.errors import PermanentFailure, TransientFailure
from billflow.domain.model import BilledTo, Invoice, InvoiceLine, InvoiceStatus, Issuer
from billflow.domain.ports.mail import Attachment, OutgoingEmail
from billflow.emailer.invoice_email import TemplateInvoiceEmailWriter
from billflow.emailer.mailer import SmtpMailer, Wire, build_message, wire_message
from billflow.platform.settings import SmtpSettings
from domain_fakes import FixedClock
from tests.support.smtp import CapturingSmtpServer

pytestmark = pytest.mark.integration


def invoice(name: str = "Grace Hopper") -> Invoice:
    return Invoice(
        id="i1",
        number="INV-2026-000007",
        status=InvoiceStatus.RENDERED,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        issue_date=date(2026, 11, 22),
        due_date=date(2026, 12, 22),
        currency="USD",
        lines=(InvoiceLine(date(2026, 10, 1), Decimal("8"), Decimal("150"), Decimal("1200.00")),),
        subtotal=Decimal("1200.00"),
        tax_rate=Decimal("0"),
        tax=Decimal("0.00"),
        total=Decimal("1200.00"),
        issuer=Issuer("Acme Inc", "1 Main St", "US-1"),
        billed_to=BilledTo(name, "grace@example.com"),
        employee_id="e1",
        pdf_key="invoices/2026/INV-2026-000007.pdf",
    )


def mailer(server: CapturingSmtpServer, port: int | None = None) -> SmtpMailer:
    return SmtpMailer(
        SmtpSettings(
            host=server.host,
            port=port or server.port,
            timeout_seconds=5,
            sender="Acme <billing@acme.example>",
        ),
        FixedClock(SENT_AT),
    )


SENT_AT = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)


async def test_the_invoice_email_reaches_the_server_with_both_bodies_and_the_pdf(
    smtp_server: CapturingSmtpServer,
) -> None:
    email = TemplateInvoiceEmailWriter().write(invoice(), b"%PDF-1.7 fake")
    await mailer(smtp_server).send(email)

    smtp_server.wait_for(lambda ms: any("grace@example.com" in m.rcpt_tos for m in ms))
    [received] = smtp_server.to("grace@example.com")
    msg = received.message
    assert msg["Subject"] == "Invoice INV-2026-000007 from Acme Inc"
    assert msg["From"] == "Acme <billing@acme.example>"
    assert parsedate_to_datetime(msg["Date"]) == SENT_AT  # RFC 5322 requires it; from the clock
    assert msg["Auto-Submitted"] == "auto-generated"  # RFC 3834: no out-of-office replies
    plain = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    assert plain is not None
    assert html is not None
    assert "$1,200.00" in plain.get_content()  # as the PDF prints it (decision 0017)
    assert "INV-2026-000007" in html.get_content()
    [attachment] = list(msg.iter_attachments())
    assert attachment.get_filename() == "INV-2026-000007.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == b"%PDF-1.7 fake"


def test_line_breaks_in_a_name_cannot_add_a_header() -> None:
    email = TemplateInvoiceEmailWriter().write(invoice(name="Eve\r\nBcc: victim@example.com"), b"%PDF")
    assert "\r" not in email.subject
    assert "\n" not in email.subject
    html = email.html
    assert "Eve" in html


async def test_an_unsafe_header_is_refused_for_good_and_never_sent(smtp_server: CapturingSmtpServer) -> None:
    before = len(smtp_server.messages)
    email = OutgoingEmail(
        to="grace@example.com",
        subject="hi\r\nBcc: victim@example.com",
        text="t",
        html="h",
        attachments=(Attachment("a.pdf", "application/pdf", b"%PDF"),),
    )
    with pytest.raises(PermanentFailure):
        await mailer(smtp_server).send(email)
    assert len(smtp_server.messages) == before


async def test_an_unreachable_server_is_a_transient_failure(smtp_server: CapturingSmtpServer) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    email = TemplateInvoiceEmailWriter().write(invoice(), b"%PDF")
    with pytest.raises(TransientFailure):
        await mailer(smtp_server, port=closed_port).send(email)


async def test_one_connection_carries_many_emails_and_a_dropped_one_is_replaced() -> None:
    server = CapturingSmtpServer()
    server.start()
    writer = TemplateInvoiceEmailWriter()

    def email_to(address: str) -> OutgoingEmail:
        return dataclasses.replace(writer.write(invoice(), b"%PDF"), to=address)

    try:
        m = mailer(server)
        for i in range(3):
            await m.send(email_to(f"reuse-{i}@example.com"))
        assert len({r.peer for r in server.messages}) == 1  # one connection for all three

        server.stop()  # the server goes away and comes back: the idle connection is dead
        server.start()
        await asyncio.sleep(0.1)
        await m.send(email_to("after-restart@example.com"))
        server.refuse("nobody@example.com")
        with pytest.raises(PermanentFailure):
            await m.send(email_to("nobody@example.com"))
        await m.send(email_to("after-refusal@example.com"))
        await m.close()
    finally:
        server.stop()
    peers = [r.peer for r in server.messages]
    assert [r.rcpt_tos for r in server.messages][-2:] == [
        ["after-restart@example.com"],
        ["after-refusal@example.com"],
    ]
    assert len(set(peers)) == 3  # a new connection after the restart, and after the refusal


def test_markup_in_a_name_is_escaped_in_the_html_body() -> None:
    email = TemplateInvoiceEmailWriter().write(invoice(name='<img src="http://evil.example/x">'), b"%PDF")
    assert "<img" not in email.html
    assert "&lt;img" in email.html


def _parsed(email: OutgoingEmail) -> EmailMessage:
    wire = wire_message(email, "Acme <billing@acme.example>", SENT_AT)
    assert isinstance(wire, Wire)
    assert wire.sender == "billing@acme.example"
    assert wire.recipients == ["grace@example.com"]
    assert all(len(line) <= 78 for line in wire.data.split(b"\r\n"))  # RFC 5322, 7-bit clean
    assert wire.data.isascii()
    message = BytesParser(policy=default).parsebytes(wire.data)
    assert isinstance(message, EmailMessage)
    assert not message.defects
    return message


def test_the_written_email_reads_back_as_the_stdlib_builds_it() -> None:
    text = "Bonjour Grâce,\n\nvotre facture de 1 200,00 € = ci-jointe.\n" + "x" * 200 + "\n.\nFin"
    email = OutgoingEmail(
        to="Grâce Hopper <grace@example.com>",
        subject="Facture n° INV-2026-000007 — Acme",
        text=text,
        html="<p>Bonjour Grâce, =3D</p>\n" * 50,
        attachments=(
            Attachment("INV-2026-000007.pdf", "application/pdf", bytes(range(256)) * 100),
            Attachment("INV-2026-000007.xml", "application/xml", b"<Invoice/>"),
        ),
        message_id="<invoice-i1@acme.example>",
    )
    written = _parsed(email)
    # What the stdlib's message put on the wire before, read back the same way.
    built = BytesParser(policy=default).parsebytes(
        build_message(email, "Acme <billing@acme.example>", SENT_AT).as_bytes(policy=SMTP)
    )
    assert isinstance(built, EmailMessage)
    for name in ("From", "To", "Subject", "Date", "Auto-Submitted", "Message-ID"):
        assert written[name] == built[name], name
    assert written.get_content_type() == built.get_content_type() == "multipart/mixed"
    for preference in ("plain", "html"):
        mine, theirs = written.get_body((preference,)), built.get_body((preference,))
        assert mine is not None
        assert theirs is not None
        assert mine.get_content() == theirs.get_content()

    def files(message: EmailMessage) -> list[tuple[str | None, str, object]]:
        return [(a.get_filename(), a.get_content_type(), a.get_content()) for a in message.iter_attachments()]

    assert files(written) == files(built)


def test_an_email_without_attachments_is_its_two_alternatives() -> None:
    written = _parsed(OutgoingEmail(to="grace@example.com", subject="Statement", text="t", html="<b>h</b>"))
    assert written.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in written.iter_parts()] == ["text/plain", "text/html"]


def test_what_the_writer_does_not_know_for_sure_is_left_to_the_stdlib() -> None:
    odd = OutgoingEmail(
        to="grâce@exämple.com",
        subject="s",
        text="t",
        html="h",
        attachments=(Attachment('a "b".pdf', "application/pdf", b"%PDF"),),
    )
    assert isinstance(wire_message(odd, "Acme <billing@acme.example>", SENT_AT), EmailMessage)


def test_a_line_break_in_a_written_header_is_refused() -> None:
    email = OutgoingEmail(to="grace@example.com", subject="hi\nBcc: victim@example.com", text="t", html="h")
    with pytest.raises(ValueError, match="linefeed"):
        wire_message(email, "Acme <billing@acme.example>", SENT_AT)
