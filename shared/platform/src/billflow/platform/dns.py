"""The system resolver behind the domain's ``AddressResolver`` port (webhooks' address checks)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Sequence


class SystemAddressResolver:
    async def resolve(self, host: str, port: int) -> Sequence[str]:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            return []
        return list(dict.fromkeys(str(info[4][0]) for info in infos))
