"""Running the same services inside AWS Lambda: one event loop and one set of open resources per
container, reused by every invocation (never ``asyncio.run`` per invocation: that would open and
close the pool, the clients and the browser every time).

The resources are held open by one long-lived owner task (task groups inside them must be left
from the task that entered them); each invocation runs as its own task on the same loop, which
sits frozen between invocations.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Generic, TypeVar

S = TypeVar("S")
R = TypeVar("R")


class LambdaRuntime(Generic[S]):
    def __init__(self, open_service: Callable[[], AbstractAsyncContextManager[S]]) -> None:
        self._open = open_service
        self._loop = asyncio.new_event_loop()
        self._closing = asyncio.Event()
        self._owner: asyncio.Task[None] | None = None
        self._service: S | None = None

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self._loop

    async def _hold(self, ready: asyncio.Future[S]) -> None:
        try:
            async with self._open() as service:
                ready.set_result(service)
                await self._closing.wait()
        except BaseException as e:
            if not ready.done():
                ready.set_exception(e)
            raise

    def run(self, work: Callable[[S], Awaitable[R]]) -> R:
        """Run ``work`` with the container's service, opening it on the first invocation."""
        if self._service is None:
            ready: asyncio.Future[S] = self._loop.create_future()
            self._owner = self._loop.create_task(self._hold(ready))
            self._service = self._loop.run_until_complete(ready)
        service = self._service

        async def invocation() -> R:
            return await work(service)

        return self._loop.run_until_complete(invocation())

    def close(self) -> None:
        """For tests and orderly shutdowns; Lambda itself just freezes and discards containers."""
        if self._owner is not None:
            self._closing.set()
            self._loop.run_until_complete(self._owner)
        self._service = None
        self._loop.close()
