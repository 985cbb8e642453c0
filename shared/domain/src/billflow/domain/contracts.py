"""Versioned message contracts between the services.

Each message is a msgspec Struct whose ``type`` tag carries its name and version
(``invoice.render.v1``). Evolution rules: add fields only with defaults, never change a field's
type, and publish a breaking change as a new ``...V2`` struct added to the consumer's union while
the old one stays accepted. Golden JSON of every version ever published lives in
tests/contracts/golden and is decoded by every consumer in a contract test.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeAlias

import msgspec


class Message(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """The envelope every message carries."""

    message_id: str
    """Unique per message; consumers may use it to spot a redelivery."""
    occurred_at: datetime
    correlation_id: str
    """Follows one piece of work (an HTTP request, a billing run) across every queue."""


class RenderInvoice(Message, frozen=True, kw_only=True, tag="invoice.render.v1"):
    """Command to pdf-worker: render the invoice's PDF and file it in the document store."""

    invoice_id: str


class DeliverInvoice(Message, frozen=True, kw_only=True, tag="invoice.deliver.v1"):
    """Command to the emailer: email the rendered invoice PDF to the employee."""

    invoice_id: str
    pdf_key: str


# What each consumer accepts: every version it has ever accepted.
PdfWorkerMessage: TypeAlias = RenderInvoice
EmailerMessage: TypeAlias = DeliverInvoice
AnyMessage: TypeAlias = RenderInvoice | DeliverInvoice


def type_tag(cls: type[Message]) -> str:
    """The tag of a message class (``invoice.render.v1``)."""
    tag = cls.__struct_config__.tag
    assert isinstance(tag, str)
    return tag


def message_type(message: Message) -> str:
    """The tag of a message (``invoice.render.v1``)."""
    return type_tag(type(message))
