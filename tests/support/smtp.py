"""A real SMTP server (aiosmtpd) on a free loopback port that keeps what it accepts in memory."""

from __future__ import annotations

import email
import email.policy
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from billflow.devstack.infra import free_port


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    at: float = field(default_factory=time.monotonic)
    """When the server accepted it (time.monotonic), for the benchmarks."""
    peer: tuple[str, int] | None = None
    """The client's address and port: one per SMTP connection."""


class _Handler:
    def __init__(self, sink: CapturingSmtpServer) -> None:
        self._sink = sink

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address in self._sink.refused:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        peer = tuple(session.peer[:2]) if session.peer else None
        self._sink.add(Received(envelope.mail_from, list(envelope.rcpt_tos), message, peer=peer))
        return "250 Message accepted for delivery"


class CapturingSmtpServer:
    def __init__(self) -> None:
        self.host = "127.0.0.1"
        self.port = free_port()
        self._messages: list[Received] = []
        self.refused: set[str] = set()
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    def refuse(self, address: str) -> None:
        self.refused.add(address)

    def accept(self, address: str) -> None:
        self.refused.discard(address)

    def start(self) -> None:
        self._controller = Controller(_Handler(self), hostname=self.host, port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def add(self, received: Received) -> None:
        with self._lock:
            self._messages.append(received)

    @property
    def messages(self) -> list[Received]:
        with self._lock:
            return list(self._messages)

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.rcpt_tos]

    def wait_for(self, predicate: Callable[[list[Received]], bool], timeout: float = 30) -> list[Received]:
        deadline = time.monotonic() + timeout
        while True:
            current = self.messages
            if predicate(current):
                return current
            if time.monotonic() > deadline:
                raise TimeoutError(f"the SMTP server did not get the expected mail in {timeout}s")
            time.sleep(0.05)
