"""PostgreSQL adapters (asyncpg) for the domain's repositories and unit of work."""
