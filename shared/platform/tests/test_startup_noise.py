"""Starting a service prints what matters: no routine lines from libraries, no ERRORs from
PostgreSQL for statements that fail by design."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from billflow.platform.logging import configure_logging
from billflow.platform.postgres.migrate import apply_migrations


@pytest.fixture
def restored_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    names = ("botocore", "aiobotocore", "botocore.credentials", "aiobotocore.credentials", "yoyo")
    levels = {name: logging.getLogger(name).level for name in names}
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, old in levels.items():
            logging.getLogger(name).setLevel(old)


@pytest.mark.unit
@pytest.mark.usefixtures("restored_logging")
def test_where_credentials_were_found_is_not_logged_but_a_library_warning_is(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("test", "INFO")
    logging.getLogger("aiobotocore.credentials").info("Found credentials in environment variables.")
    logging.getLogger("botocore.credentials").info("Found credentials in environment variables.")
    logging.getLogger("yoyo.migrations").info("Applying 0001_initial")
    logging.getLogger("botocore.credentials").warning("Refreshing temporary credentials failed")
    logging.getLogger("botocore.retries").info("retrying")
    logging.getLogger("billflow.api").info("listening")
    err = capsys.readouterr().err
    assert "Found credentials" not in err
    assert "Applying" not in err
    assert "Refreshing temporary credentials failed" in err
    assert "retrying" in err
    assert "listening" in err


@pytest.mark.integration
def test_migrating_makes_postgresql_log_no_error(postgres_url: str, work_dir: Path) -> None:
    log = work_dir / "postgres.log"
    if os.environ.get("DATABASE_URL") or not log.exists():
        pytest.skip("the tests' own PostgreSQL keeps the log read here")
    start = log.stat().st_size
    apply_migrations(postgres_url)  # nothing pending: the start of every service after the first
    apply_migrations(postgres_url)
    with log.open("rb") as f:
        f.seek(start)
        written = f.read().decode(errors="replace")
    assert "ERROR" not in written, written
