"""Alembic environment: migrations always run on a connection the archive hands over."""

from __future__ import annotations

from alembic import context

from archive.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("archive migrations run through archive.db.ensure_schema(), not the CLI")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite can't ALTER most things in place; batch mode rebuilds tables instead.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
