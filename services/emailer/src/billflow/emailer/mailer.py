"""SmtpMailer: the domain's Mailer over SMTP with aiosmtplib (SES's SMTP interface in AWS).

Connections are reused: a send takes an idle connection (or opens one: greeting, EHLO, STARTTLS
and login when configured), sends, and puts it back. A connection serves one send at a time, is
closed after any failure, after ``MAX_MESSAGES`` messages, and when it has been idle longer than
``IDLE_SECONDS`` (servers drop idle clients; a connection that old is not trusted). Under a billing
run this saves a TCP (and in AWS a TLS) handshake and a login per email; an idle emailer opens a
connection per email, as before.
"""

from __future__ import annotations

import contextlib
import time
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

import aiosmtplib

from billflow.domain.errors import PermanentFailure, TransientFailure
from billflow.domain.ports.mail import OutgoingEmail
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
            message = build_message(email, self._settings.sender, self._clock.now())
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

    async def _send(self, message: EmailMessage) -> None:
        client: aiosmtplib.SMTP | None = None
        try:
            client, sent = await self._connection()
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
