"""Engines and schema management: SQLite by default, PostgreSQL at scale.

The archive migrates itself with Alembic on first use, under a lock so that concurrent
processes (a scheduler's children) don't race, and refuses a database newer than the code.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from archive.errors import DatabaseUnavailable, SchemaTooNew

MIGRATIONS = Path(__file__).with_name("migrations")
# Any constant works; it only has to be the same in every gongkai process.
_PG_MIGRATION_LOCK = 0x676F6E676B6169


def parse_db_url(url: str) -> URL:
    """Parse a SQLAlchemy URL, choosing psycopg 3 for bare postgresql:// URLs."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUnavailable(f"--db {url!r} is not a SQLAlchemy URL: {exc}") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # NORMAL is durable across application crashes in WAL mode; only power loss can drop
    # the last commits, never corrupt the file.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def create_archive_engine(url: str) -> Engine:
    """An engine for the archive at `url`, configured for its backend."""
    parsed = parse_db_url(url)
    try:
        if parsed.get_backend_name() == "sqlite":
            database = parsed.database or ""
            if database and database != ":memory:" and not database.startswith("file:"):
                parent = Path(database).expanduser().resolve().parent
                if not parent.is_dir():
                    raise DatabaseUnavailable(f"--db {url}: folder {parent} does not exist")
            engine = create_engine(parsed, connect_args={"timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(parsed, pool_pre_ping=True)
    except (ArgumentError, ImportError) as exc:
        raise DatabaseUnavailable(f"--db {url}: {exc}") from None
    return engine


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """Serialise migrations across processes."""
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        lock_path = Path(str(engine.url.database) + ".migrate-lock")
        with lock_path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
    else:
        yield


def schema_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at, or None for an empty database."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def ensure_schema(engine: Engine) -> None:
    """Migrate the database to the code's head revision; refuse a newer database."""
    cfg = _alembic_config()
    script = ScriptDirectory.from_config(cfg)
    head = script.get_current_head()
    try:
        if schema_revision(engine) == head:
            return
        with _migration_lock(engine), engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            current = MigrationContext.configure(conn).get_current_revision()
            if current == head:
                return
            if current is not None:
                try:
                    script.get_revision(current)
                except CommandError:
                    raise SchemaTooNew(
                        f"the database is at schema revision {current}, which this gongkai "
                        f"does not know (its newest is {head}); upgrade gongkai to read it"
                    ) from None
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except OperationalError as exc:
        raise DatabaseUnavailable(
            f"cannot open the archive at {engine.url!r}: {exc.orig}"
        ) from None
    except SQLAlchemyError as exc:
        raise DatabaseUnavailable(f"archive at {engine.url!r}: {exc}") from None
