"""SmtpMailer: the domain's Mailer over SMTP with aiosmtplib (SES's SMTP interface in AWS)."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP
from email.utils import make_msgid

import aiosmtplib

from billflow.domain.errors import PermanentFailure, TransientFailure
from billflow.domain.ports import OutgoingEmail
from billflow.platform.settings import SmtpSettings


def build_message(email: OutgoingEmail, sender: str) -> EmailMessage:
    """A MIME message: text and HTML alternatives, then the attachments.

    The stdlib's SMTP policy refuses CR or LF in any header value, so no name or subject can add
    a header of its own.
    """
    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    message["To"] = email.to
    message["Subject"] = email.subject
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


class SmtpMailer:
    def __init__(self, settings: SmtpSettings) -> None:
        self._settings = settings

    async def send(self, email: OutgoingEmail) -> None:
        s = self._settings
        try:
            message = build_message(email, s.sender)
        except ValueError as e:  # e.g. CR/LF in a header value: never sent, never retried
            raise PermanentFailure("the email has an unsafe header value") from e
        try:
            await aiosmtplib.send(
                message,
                hostname=s.host,
                port=s.port,
                username=s.username,
                password=s.password,
                start_tls=s.starttls,
                timeout=s.timeout_seconds,
            )
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
