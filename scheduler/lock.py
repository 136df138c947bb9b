"""One scheduler per archive: a lock that a crashed holder can't keep.

SQLite archives use flock(2) on a file beside the database; PostgreSQL archives use a
session-level advisory lock keyed on the database and schema. Both are released by the
operating system or the server when the holding process dies, so a crash never blocks a
restart. The holder checks now and then that it still holds the lock (the lock file could be
deleted, the database connection could drop) and stops scheduling if it doesn't.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from archive.db import parse_db_url
from archive.timeparse import format_time
from scheduler.errors import LockLost, SchedulerLocked, UnsupportedArchive

WAIT_POLL_S = 1.0
_SERVER_KEEPALIVES = (
    "tcp_keepalives_idle = 30",
    "tcp_keepalives_interval = 10",
    "tcp_keepalives_count = 3",
)


def holder_label() -> str:
    """Who this process is, as other schedulers will be told."""
    return f"pid {os.getpid()} on {socket.gethostname()}"


class SchedulerLock(Protocol):
    """What the service needs from a lock."""

    archive: str

    def try_acquire(self) -> bool: ...

    def holder(self) -> str | None: ...

    def verify(self) -> None: ...

    def release(self) -> None: ...


class FileLock:
    """flock(2) on `<database>.scheduler-lock`; the file names the holder."""

    def __init__(self, path: Path, *, archive: str) -> None:
        self.path = path
        self.archive = archive
        self._fd: int | None = None
        self._inode = 0

    def try_acquire(self) -> bool:
        # O_CLOEXEC: crawl children must not inherit the lock and keep it after a crash.
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        since = format_time(dt.datetime.now(dt.UTC))
        record = json.dumps({"holder": holder_label(), "since": since})
        os.ftruncate(fd, 0)
        os.pwrite(fd, record.encode() + b"\n", 0)
        self._fd, self._inode = fd, os.fstat(fd).st_ino
        return True

    def holder(self) -> str | None:
        try:
            record = json.loads(self.path.read_text(encoding="utf-8"))
            return f"{record['holder']}, since {record['since']}"
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def verify(self) -> None:
        # Deleting or replacing the file would let a second scheduler lock a new one.
        try:
            same = self.path.stat().st_ino == self._inode
        except OSError:
            same = False
        if not same:
            raise LockLost(f"the lock file {self.path} was removed or replaced")

    def release(self) -> None:
        if self._fd is None:
            return
        # The file stays: unlinking it would race with a scheduler about to lock it.
        os.ftruncate(self._fd, 0)
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None


class AdvisoryLock:
    """pg_try_advisory_lock on a connection held for the scheduler's lifetime."""

    def __init__(self, url: str, *, archive: str) -> None:
        self.archive = archive
        self._engine: Engine = create_engine(
            parse_db_url(url),
            poolclass=NullPool,
            connect_args={
                # Shown to a refused scheduler through pg_stat_activity.
                "application_name": f"gongkai schedule, {holder_label()}"[:63],
                # Notice a dead server within about a minute rather than hours.
                "keepalives": 1,
                "keepalives_idle": 30,
                "keepalives_interval": 10,
                "keepalives_count": 3,
            },
        )
        self._conn: Connection | None = None
        self._key: int | None = None

    def _connect(self) -> Connection:
        conn = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        # The server frees the lock of a holder whose host vanished once keepalives fail.
        for setting in _SERVER_KEEPALIVES:
            conn.execute(text(f"SET {setting}"))
        if self._key is None:
            row = conn.execute(text("SELECT current_database(), current_schema()")).one()
            self._key = advisory_key(f"{row[0]}:{row[1]}")
        return conn

    def try_acquire(self) -> bool:
        conn = self._connect()
        got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self._key}).scalar())
        if got:
            self._conn = conn
        else:
            conn.close()
        return got

    def holder(self) -> str | None:
        hi, lo = _key_halves(self._key or 0)
        try:
            with self._engine.connect() as conn:
                row = conn.execute(
                    text(
                        "SELECT a.application_name, a.client_addr, a.backend_start "
                        "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                        "WHERE l.locktype = 'advisory' AND l.granted "
                        "AND l.database = (SELECT oid FROM pg_database "
                        "WHERE datname = current_database()) "
                        "AND l.classid::bigint = :hi AND l.objid::bigint = :lo "
                        "AND l.objsubid = 1"
                    ),
                    {"hi": hi, "lo": lo},
                ).first()
        except SQLAlchemyError:
            return None
        if row is None:
            return None
        where = f" from {row[1]}" if row[1] else ""
        return f"{row[0] or 'unknown'}{where}, connected since {row[2]:%Y-%m-%dT%H:%M:%S%z}"

    def verify(self) -> None:
        hi, lo = _key_halves(self._key or 0)
        try:
            if self._conn is None:
                raise LockLost("the scheduler lock is not held")
            held = self._conn.execute(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    "AND pid = pg_backend_pid() AND classid::bigint = :hi "
                    "AND objid::bigint = :lo AND objsubid = 1"
                ),
                {"hi": hi, "lo": lo},
            ).scalar()
            if held:
                return
        except SQLAlchemyError:
            pass
        # The session ended (a server restart, a dropped connection): take the lock again
        # if no other scheduler has, else give up.
        self._drop_connection()
        try:
            if self.try_acquire():
                return
        except SQLAlchemyError as exc:
            raise LockLost(f"lost the connection holding the scheduler lock: {exc}") from None
        raise LockLost("the scheduler lock was taken over by another scheduler")

    def _drop_connection(self) -> None:
        if self._conn is not None:
            # It may already be broken; closing is only tidying up.
            with contextlib.suppress(SQLAlchemyError):
                self._conn.close()
            self._conn = None

    def release(self) -> None:
        if self._conn is not None:
            # Closing the session below releases the lock anyway.
            with contextlib.suppress(SQLAlchemyError):
                self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self._key})
        self._drop_connection()
        self._engine.dispose()


def advisory_key(scope: str) -> int:
    """A signed 64-bit advisory lock key for an archive (database and schema).

    >>> advisory_key("test:public") == advisory_key("test:public")
    True
    >>> -(2**63) <= advisory_key("test:gk_1") < 2**63
    True
    """
    digest = hashlib.sha256(f"gongkai-scheduler:{scope}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _key_halves(key: int) -> tuple[int, int]:
    """How pg_locks shows a bigint key: classid (high 32 bits) and objid (low 32 bits).

    >>> _key_halves(-1)
    (4294967295, 4294967295)
    >>> _key_halves(2**32 + 5)
    (1, 5)
    """
    unsigned = key & 0xFFFFFFFFFFFFFFFF
    return unsigned >> 32, unsigned & 0xFFFFFFFF


def lock_for(url: str) -> SchedulerLock:
    """The scheduler lock for an archive URL."""
    parsed = parse_db_url(url)
    shown = parsed.render_as_string(hide_password=True)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:") or database.startswith("file:"):
            raise UnsupportedArchive(
                f"--db {shown}: the scheduler and its crawl processes need a shared archive; "
                "use a SQLite file or PostgreSQL"
            )
        path = Path(database).expanduser().resolve()
        return FileLock(path.with_name(path.name + ".scheduler-lock"), archive=shown)
    if backend == "postgresql":
        return AdvisoryLock(url, archive=shown)
    raise UnsupportedArchive(
        f"--db {shown}: no scheduler lock for {backend}; use SQLite or PostgreSQL"
    )


def acquire(
    lock: SchedulerLock,
    *,
    wait: bool,
    stop: threading.Event,
    on_wait: Callable[[str | None], None],
) -> bool:
    """Take the lock; with wait, poll until it is free or stop is set (then return False).

    Without wait a held lock raises SchedulerLocked naming the holder.
    """
    told = False
    while not lock.try_acquire():
        if not wait:
            raise SchedulerLocked(lock.archive, lock.holder())
        if not told:
            on_wait(lock.holder())
            told = True
        if stop.wait(WAIT_POLL_S):
            return False
    return True
