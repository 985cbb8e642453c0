"""The PostgreSQL failures that are worth trying again, named once for every asyncpg adapter."""

from __future__ import annotations

import asyncpg

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.SerializationError,
    asyncpg.DeadlockDetectedError,
    asyncpg.CannotConnectNowError,
)
"""Failures that say nothing about the request and may pass: the server went away, a failover, a
server still starting, a serialisation conflict or a deadlock (PostgreSQL rolled back one side).
Adapters raise them as the domain's ``TransientFailure``: a worker retries, the API answers 503."""
