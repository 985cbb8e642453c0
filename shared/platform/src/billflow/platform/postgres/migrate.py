"""Applying the SQL migrations in ``migrations/`` with yoyo (it records what ran and locks)."""

from __future__ import annotations

from pathlib import Path

from yoyo import read_migrations
from yoyo.backends.core.postgresql import PostgresqlPsycopgBackend
from yoyo.connections import default_migration_table, parse_uri

MIGRATIONS = Path(__file__).parent / "migrations"


def _yoyo_url(database_url: str) -> str:
    # yoyo picks its driver from the scheme; psycopg 3 is "postgresql+psycopg".
    scheme, sep, rest = database_url.partition("://")
    if scheme not in {"postgres", "postgresql"}:
        raise ValueError(f"DATABASE_URL must be a postgresql:// URL, not {scheme}://")
    return f"postgresql+psycopg{sep}{rest}"


class _PostgresBackend(PostgresqlPsycopgBackend):  # type: ignore[misc]  # yoyo is untyped
    """yoyo's PostgreSQL backend, without the two statements it runs to fail on every start.

    yoyo finds out whether DDL is transactional by dropping a table it rolled back, and makes its
    lock table with a ``CREATE TABLE`` that fails once the table exists: PostgreSQL logs both
    failures as ERRORs ("table ... does not exist", "relation ... already exists") in its own log,
    on every start of every service that migrates. PostgreSQL's DDL is transactional, and a
    ``CREATE TABLE IF NOT EXISTS`` of an existing table is only a NOTICE, which is not logged.
    """

    def init_database(self) -> None:
        create = self.format_sql(self.create_lock_table_sql)
        try:
            with self.transaction():
                self.execute(create.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1))
        except self.DatabaseError:  # a concurrent start made it first: as yoyo's own
            pass
        self.has_transactional_ddl = True


def apply_migrations(database_url: str) -> list[str]:
    """Apply every migration not yet applied; return the ids applied now. Safe to run concurrently."""
    backend = _PostgresBackend(parse_uri(_yoyo_url(database_url)), default_migration_table)
    backend.init_database()
    migrations = read_migrations(str(MIGRATIONS))
    with backend.lock():
        pending = backend.to_apply(migrations)
        backend.apply_migrations(pending)
    return [m.id for m in pending]
