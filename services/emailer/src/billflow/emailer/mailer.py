"""SmtpMailer: the domain's Mailer over SMTP with aiosmtplib (SES's SMTP interface in AWS).

Connections are reused: a send takes an idle connection (or opens one: greeting, EHLO, STARTTLS
and login when configured), sends, and puts it back. A connection serves one send at a time, is
closed after any failure, after ``MAX_MESSAGES`` messages, and when it has been idle longer than
``IDLE_SECONDS`` (servers drop idle clients; a connection that old is not trusted). Under a billing
run this saves a TCP (and in AWS a TLS) handshake and a login per email; an idle emailer opens a
connection per email, as before.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import re
import secrets
import time
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, getaddresses, make_msgid
from functools import lru_cache

import aiosmtplib

from billflow.domain.errors import PermanentFailure, TransientFailure
from billflow.domain.ports.mail import Attachment, OutgoingEmail
from billflow.domain.ports.system import Clock
from billflow.platform.settings import SmtpSettings


def build_message(email: OutgoingEmail, sender: str, sent_at: datetime) -> EmailMessage:
    """A MIME message: text and HTML alternatives, then the attachments.

    ``Date`` is required by RFC 5322 (spam filters score its absence); ``Auto-Submitted:
    auto-generated`` (RFC 3834) tells mail servers and people's out-of-office rules that no person
    wrote it, so they send no automatic reply back to the billing address.

    The stdlib's SMTP policy refuses CR or LF in any header value, so no name or subject can add
    a header of its own.
    """
    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Date"] = format_datetime(sent_at)
    message["Auto-Submitted"] = "auto-generated"
    message["Message-ID"] = email.message_id or make_msgid(
        domain=sender.rpartition("@")[2].strip(">") or None
    )
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    for attachment in email.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return message


@dataclass(frozen=True, slots=True)
class Wire:
    """An email as the SMTP conversation carries it: the envelope and the message's bytes."""

    sender: str
    recipients: list[str]
    data: bytes


_SAFE_FILENAME = re.compile(r"[A-Za-z0-9._-]{1,200}")
_SAFE_MESSAGE_ID = re.compile(r"<[\x21-\x3b\x3d\x3f-\x7e]+@[\x21-\x3b\x3d\x3f-\x7e]+>")
_MIME_TYPE = re.compile(r"[a-z0-9][a-z0-9.+-]*/[a-z0-9][a-z0-9.+-]*")
CRLF = b"\r\n"


@lru_cache(maxsize=64)
def _header(name: str, value: str) -> bytes:
    """One header folded by the stdlib's SMTP policy, as ``EmailMessage`` writes it (RFC 2047 for
    non-ASCII text). The policy refuses CR or LF in a value (ValueError). Cached: the sender and
    the constant headers are the same on every email."""
    _, parsed = SMTP.header_store_parse(name, value)
    return SMTP.fold_binary(name, parsed)


def _text_part(content: str, subtype: str) -> bytes:
    # Quoted-printable always: 7-bit clean whatever the text (no 8BITMIME needed), and an
    # encoded body can never contain the boundary, whose "=_" quoted-printable always escapes.
    # The text ends with a line break, as the stdlib writes it; the CRLF after it belongs to
    # the boundary's line (RFC 2046), not to the text.
    text = content.replace("\r\n", "\n").removesuffix("\n") + "\n"
    body = binascii.b2a_qp(text.replace("\n", "\r\n").encode(), istext=True)
    return (
        (
            f'Content-Type: text/{subtype}; charset="utf-8"\r\n'
            "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        ).encode()
        + body
        + CRLF
    )


def _attachment_part(attachment: Attachment) -> bytes:
    body = base64.encodebytes(attachment.content).replace(b"\n", CRLF)  # 76 columns, as RFC 2045
    return (
        (
            f"Content-Type: {attachment.content_type}\r\n"
            "Content-Transfer-Encoding: base64\r\n"
            f'Content-Disposition: attachment; filename="{attachment.filename}"\r\n\r\n'
        ).encode()
        + body
        + CRLF
    )


def _multipart(subtype: str, parts: list[bytes]) -> tuple[bytes, bytes]:
    """(its Content-Type header, its body): the boundary holds "=_", which neither base64 nor
    quoted-printable ever writes, so no part needs scanning for it."""
    boundary = f"=_{secrets.token_hex(12)}".encode()
    header = b"Content-Type: multipart/" + subtype.encode() + b'; boundary="' + boundary + b'"\r\n'
    body = b"".join(b"--" + boundary + CRLF + part for part in parts) + b"--" + boundary + b"--" + CRLF
    return header, body


def wire_message(email: OutgoingEmail, sender: str, sent_at: datetime) -> Wire | EmailMessage:
    """The email's bytes, written directly: the same headers and the same MIME structure as
    ``build_message`` (text and HTML alternatives, then the attachments), without the stdlib's
    generic message tree, whose header registry, content manager and generator cost several
    milliseconds of CPU per email (issue 17). An email outside what this writer knows for sure
    (a non-ASCII address, an attachment name or type beyond a plain token) is written by
    ``build_message`` and flattened by the stdlib instead. Raises ValueError, as
    ``build_message``, for CR or LF in a header value."""
    message_id = email.message_id or make_msgid(domain=sender.rpartition("@")[2].strip(">") or None)
    recipients = [address for _, address in getaddresses([email.to]) if address]
    from_address = next((address for _, address in getaddresses([sender]) if address), "")
    simple = (
        recipients
        and "".join([from_address, *recipients]).isascii()  # else SMTPUTF8: aiosmtplib's part
        and from_address
        and _SAFE_MESSAGE_ID.fullmatch(message_id)
        and all(
            _SAFE_FILENAME.fullmatch(a.filename) and _MIME_TYPE.fullmatch(a.content_type)
            for a in email.attachments
        )
    )
    if not simple:
        return build_message(email, sender, sent_at)  # aiosmtplib flattens it
    headers = b"".join(
        (
            _header("From", sender),
            _header("To", email.to),
            _header("Subject", email.subject),
            f"Date: {format_datetime(sent_at)}\r\n".encode(),
            b"Auto-Submitted: auto-generated\r\n",
            f"Message-ID: {message_id}\r\n".encode(),
            b"MIME-Version: 1.0\r\n",
        )
    )
    alternative = _multipart("alternative", [_text_part(email.text, "plain"), _text_part(email.html, "html")])
    if email.attachments:
        inner = alternative[0] + CRLF + alternative[1] + CRLF
        content_type, body = _multipart("mixed", [inner, *(_attachment_part(a) for a in email.attachments)])
    else:
        content_type, body = alternative
    return Wire(from_address, recipients, headers + content_type + CRLF + body)


IDLE_SECONDS = 5.0
MAX_MESSAGES = 100


class SmtpMailer:
    def __init__(self, settings: SmtpSettings, clock: Clock) -> None:
        self._settings = settings
        self._clock = clock
        self._idle: list[tuple[aiosmtplib.SMTP, float, int]] = []
        """Connections waiting for a send: the client, when it was last used, messages sent."""

    async def send(self, email: OutgoingEmail) -> None:
        try:
            message = wire_message(email, self._settings.sender, self._clock.now())
        except ValueError as e:  # e.g. CR/LF in a header value: never sent, never retried
            raise PermanentFailure("the email has an unsafe header value") from e
        try:
            await self._send(message)
        except aiosmtplib.SMTPRecipientsRefused as e:
            if all(500 <= err.code < 600 for err in e.recipients):
                raise PermanentFailure("the mail server refused the recipient") from e
            raise TransientFailure("the mail server deferred the recipient") from e
        except aiosmtplib.SMTPResponseException as e:
            if 500 <= e.code < 600:
                raise PermanentFailure(f"the mail server refused the message ({e.code})") from e
            raise TransientFailure(f"the mail server deferred the message ({e.code})") from e
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as e:
            raise TransientFailure("the mail server is unreachable") from e

    async def _send(self, message: Wire | EmailMessage) -> None:
        client: aiosmtplib.SMTP | None = None
        try:
            client, sent = await self._connection()
            if isinstance(message, Wire):
                await client.sendmail(message.sender, message.recipients, message.data)
            else:
                await client.send_message(message)
        except BaseException:
            if client is not None:
                client.close()  # whatever state the conversation is in, it is not reused
            raise
        if sent + 1 < MAX_MESSAGES:
            self._idle.append((client, time.monotonic(), sent + 1))
        else:
            await _quit(client)

    async def _connection(self) -> tuple[aiosmtplib.SMTP, int]:
        while self._idle:
            client, since, sent = self._idle.pop()
            if time.monotonic() - since < IDLE_SECONDS and client.is_connected:
                return client, sent
            await _quit(client)
        s = self._settings
        client = aiosmtplib.SMTP(
            hostname=s.host,
            port=s.port,
            username=s.username,
            password=s.password,
            start_tls=s.starttls,
            timeout=s.timeout_seconds,
        )
        await client.connect()
        return client, 0

    async def close(self) -> None:
        """Say goodbye on every idle connection (at shutdown)."""
        idle, self._idle = self._idle, []
        for client, _, _ in idle:
            await _quit(client)


async def _quit(client: aiosmtplib.SMTP) -> None:
    with contextlib.suppress(aiosmtplib.SMTPException, OSError, TimeoutError):
        await client.quit()
    client.close()
