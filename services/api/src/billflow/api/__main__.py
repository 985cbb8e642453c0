"""``python -m billflow.api``: serve the API. ``python -m billflow.api migrate``: apply migrations."""

from __future__ import annotations

import os
import sys

import uvicorn

from billflow.api.main import Settings
from billflow.platform.logging import configure_logging
from billflow.platform.postgres.migrate import apply_migrations


def main(argv: list[str]) -> int:
    settings = Settings.from_env(os.environ)
    configure_logging("api", settings.log.level)
    if argv[:1] == ["migrate"]:
        applied = apply_migrations(settings.postgres.database_url)
        print(f"applied {len(applied)} migration(s): {', '.join(applied) or 'none pending'}")
        return 0
    if argv:
        print("usage: python -m billflow.api [migrate]", file=sys.stderr)
        return 2
    uvicorn.run(
        "billflow.api.main:app_from_env",
        factory=True,
        host=settings.api.host,
        port=settings.api.port,
        log_config=None,  # ours: JSON lines
        access_log=False,
        proxy_headers=False,
    )
    return 0


sys.exit(main(sys.argv[1:]))
